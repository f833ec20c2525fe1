import { and, desc, eq, gt, inArray, isNotNull, isNull, or } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { applications, offices, queueItems, rectifications, waitingIntervals } from '../../db/schema/index.js';
import { recordAudit } from '../audit.js';
import { findService } from '../catalog/index.js';
import { commitmentOf } from '../catalog/types.js';
import { definitionOfApplication } from '../catalog/item-versions.js';
import type { ServiceContext } from '../context.js';
import { addWorkingDays, chinaDate, committedDueDate, isUnknown, loadCalendar, orUnknown } from './working-days.js';

/** Statuses whose dates still matter: the office holds the application, or waits for the citizen. */
const OPEN = ['submitted', 'under_review', 'needs_supplement', 'supplemented', 'accepted'] as const;
const BATCH = 200;

/**
 * Counts the dates that were stored as unknown (null) because their calendar year was not entered
 * when the application was filed or supplemented (docs/decisions/0028), now that a year has been
 * published. Each clock restarts where it did: the latest complete supplement, else the receipt.
 * Run once after a publication, in batches; what still falls past the calendar stays null until
 * the next year is published. Returns how many applications got dates. Acts as the system.
 */
export async function countDatesLeftUnknown(ctx: ServiceContext): Promise<number> {
  const sys = { ...ctx, actor: { kind: 'anonymous' as const } };
  let counted = 0;
  // By id, after the last one seen: what still cannot be counted stays null and is passed over.
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await ctx.db
      .select({ id: applications.id, city: offices.cityCode })
      .from(applications)
      .leftJoin(offices, eq(offices.code, applications.officeCode))
      .where(
        and(
          inArray(applications.status, [...OPEN]),
          isNotNull(applications.submittedAt),
          or(isNull(applications.dueDate), isNull(applications.completenessDeadline)),
          gt(applications.id, after),
        ),
      )
      .orderBy(applications.id)
      .limit(BATCH);
    for (const { id, city } of rows) {
      if (await ctx.db.transaction((tx) => countOne(tx, ctx, sys, id, city))) counted += 1;
    }
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1].id;
  }
  // Bad reviews' rectification deadlines (services/ratings/ratings.ts), from the day each was opened.
  const open = await ctx.db.select().from(rectifications).where(and(isNull(rectifications.deadline), isNull(rectifications.closedAt)));
  for (const r of open) {
    const day = chinaDate(r.openedAt);
    const cal = await loadCalendar(ctx.db, day);
    const deadline = orUnknown(() => addWorkingDays(day, ctx.config.rectificationDays, cal));
    if (isUnknown(deadline)) continue;
    await ctx.db.transaction(async (tx) => {
      const [set] = await tx
        .update(rectifications)
        .set({ deadline })
        .where(and(eq(rectifications.id, r.id), isNull(rectifications.deadline)))
        .returning({ id: rectifications.id });
      if (set) await recordAudit(tx, sys, { action: 'rectification.deadlineCounted', officeCode: r.officeCode, data: { rectificationId: r.id, before: null, after: deadline } });
    });
  }
  return counted;
}

async function countOne(tx: Db, ctx: ServiceContext, sys: ServiceContext, id: string, city: string | null): Promise<boolean> {
  const [app] = await tx.select().from(applications).where(eq(applications.id, id)).for('update');
  const def = app ? findService(app.serviceCode) : undefined;
  if (!app?.submittedAt || !def || (app.dueDate !== null && app.completenessDeadline !== null)) return false;
  const [supplement] = await tx
    .select({ at: waitingIntervals.endedAt })
    .from(waitingIntervals)
    .where(and(eq(waitingIntervals.applicationId, id), eq(waitingIntervals.endedBy, 'supplemented')))
    .orderBy(desc(waitingIntervals.endedAt))
    .limit(1);
  const start = supplement?.at ?? app.submittedAt;
  const day = chinaDate(start);
  const cal = await loadCalendar(ctx.db, day, tx);
  // The limits of the version of the list it was filed under (docs/decisions/0036).
  const listed = (await definitionOfApplication(ctx.db, app, tx))?.def ?? def;
  const due = app.dueDate ?? orUnknown(() => committedDueDate(start, commitmentOf(listed, app.answers, { officeProvince: city ? city.slice(0, 2) : null }), cal));
  const completeness = app.completenessDeadline ?? orUnknown(() => addWorkingDays(day, ctx.config.completenessDays, cal));
  const dueDate = isUnknown(due) ? null : due;
  const completenessDeadline = isUnknown(completeness) ? null : completeness;
  if (dueDate === app.dueDate && completenessDeadline === app.completenessDeadline) return false;
  await tx.update(applications).set({ dueDate, completenessDeadline, version: app.version + 1 }).where(eq(applications.id, id));
  await tx.update(queueItems).set({ dueDate, completenessDeadline }).where(eq(queueItems.applicationId, id));
  await recordAudit(tx, sys, {
    applicationId: id,
    action: 'application.datesCounted',
    officeCode: app.officeCode,
    data: { before: { dueDate: app.dueDate, completenessDeadline: app.completenessDeadline }, after: { dueDate, completenessDeadline } },
  });
  return true;
}
