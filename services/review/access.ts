import { eq, getTableColumns } from 'drizzle-orm';
import { provinceOfCity } from '../offices/offices.js';
import type { Db } from '../../db/client.js';
import { applications, offices, queueItems } from '../../db/schema/index.js';
import type { ServiceContext, UserActor } from '../context.js';
import { notFound } from '../errors.js';
import { authorize, inScope, subjectFor, type Action, type Scope } from '../permissions.js';
import { isApplicationNumber } from '../validation/ids.js';
import type { leaseRenewal, QueueItem } from '../queue/lease.js';

export type ApplicationRow = typeof applications.$inferSelect;

/**
 * The application behind a public number, if the actor may see it for this action; 404 otherwise
 * (also for a clerk without the department's skill), so numbers of other offices leak nothing.
 */
export async function applicationInScope(
  db: Db,
  ctx: ServiceContext,
  number: string,
  action: Action,
): Promise<{ app: ApplicationRow; actor: UserActor; scope: Scope }> {
  const { actor, scope } = authorize(ctx.actor, action);
  if (!isApplicationNumber(number)) throw notFound('review.applicationNotFound');
  const rows = await db
    .select({ app: applications, cityCode: offices.cityCode, provinceCode: provinceOfCity(offices.cityCode) })
    .from(applications)
    .leftJoin(offices, eq(offices.code, applications.officeCode))
    .where(eq(applications.number, number))
    .limit(1);
  const row = rows[0];
  if (!row) throw notFound('review.applicationNotFound');
  const { app, cityCode, provinceCode } = row;
  const ok = inScope(actor, scope, { ownerId: app.applicantId, subjectId: subjectFor(action, app.subjectUserId), officeCode: app.officeCode, cityCode, provinceCode, department: app.department });
  if (!ok) throw notFound('review.applicationNotFound');
  return { app, actor, scope };
}

/**
 * The application under a row lock, in the round trip that holds the lease, if the actor may see
 * it for this action: `renewal` (services/queue/lease.ts, leaseRenewal) runs as a WITH and the
 * application is locked through the item it returns, so the item is still locked before the
 * application (LockRows sits above the join: no item, no application lock). Null when no lease is
 * held; 404, as applicationInScope, when the actor may not see the application.
 */
export async function holdAndLockInScope(
  tx: Db,
  ctx: ServiceContext,
  renewal: ReturnType<typeof leaseRenewal>,
  action: Action,
): Promise<{ app: ApplicationRow; actor: UserActor; item: QueueItem } | null> {
  const { actor, scope } = authorize(ctx.actor, action);
  if (!renewal) return null;
  const held = tx.$with('held').as(renewal);
  // The item's columns as the WITH returns them (a WITH cannot be selected as one object).
  const item = Object.fromEntries(Object.keys(getTableColumns(queueItems)).map((k) => [k, held[k as keyof QueueItem]])) as unknown as typeof queueItems._.columns;
  const [row] = await tx
    .with(held)
    .select({ app: applications, item, cityCode: offices.cityCode, provinceCode: provinceOfCity(offices.cityCode) })
    .from(applications)
    .innerJoin(held, eq(held.applicationId, applications.id))
    .leftJoin(offices, eq(offices.code, applications.officeCode))
    .for('update', { of: applications });
  if (!row) return null;
  const { app, cityCode, provinceCode } = row;
  if (!inScope(actor, scope, { ownerId: app.applicantId, subjectId: subjectFor(action, app.subjectUserId), officeCode: app.officeCode, cityCode, provinceCode, department: app.department })) {
    throw notFound('review.applicationNotFound');
  }
  return { app, actor, item: row.item };
}

/** Re-reads the application under a row lock; callers lock the queue item first (lock order). */
export async function lockApplication(tx: Db, id: string): Promise<ApplicationRow> {
  const [app] = await tx.select().from(applications).where(eq(applications.id, id)).for('update');
  if (!app) throw notFound('review.applicationNotFound');
  return app;
}
