import { and, asc, eq, inArray, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { applications, queueItems } from '../../db/schema/index.js';
import { recordAudit } from '../audit.js';
import type { ServiceContext, UserActor } from '../context.js';
import { conflict, forbidden } from '../errors.js';
import { authorize } from '../permissions.js';
import { applicationInScope, lockApplication, type ApplicationRow } from '../review/access.js';
import { changeStatus } from '../applications/transition.js';
import { leaseLive, leaseUntil, WORKABLE_STATUSES, type QueueItem } from './lease.js';

export type Claim = { applicationId: string; number: string; leaseVersion: number; leaseExpiresAt: Date };

/**
 * Hands the item to the actor: a fresh lease under a new version, an audit row, and the start of
 * review for an application not yet under review. Runs inside the caller's transaction, with the
 * queue item already locked.
 */
async function take(tx: Db, ctx: ServiceContext, actor: UserActor, item: QueueItem, app: ApplicationRow): Promise<Claim> {
  const now = ctx.clock.now();
  if (item.state === 'claimed' && item.claimedBy && item.claimedBy !== actor.id && !leaseLive(item, now)) {
    await recordAudit(tx, ctx, {
      applicationId: app.id,
      action: 'queue.leaseExpired',
      officeCode: item.officeCode,
      data: { previousHolder: item.claimedBy, expiredAt: item.leaseExpiresAt?.toISOString() ?? null },
    });
  }
  const [claimed] = await tx
    .update(queueItems)
    .set({
      state: 'claimed',
      claimedBy: actor.id,
      leaseExpiresAt: leaseUntil(ctx),
      leaseVersion: sql`${queueItems.leaseVersion} + 1`,
      frontOfQueue: 0,
      preferredClerkId: null,
    })
    .where(eq(queueItems.id, item.id))
    .returning();
  await recordAudit(tx, ctx, {
    applicationId: app.id,
    action: 'queue.claimed',
    officeCode: item.officeCode,
    data: { leaseVersion: claimed.leaseVersion },
  });
  if (app.status === 'submitted' || app.status === 'supplemented') {
    await changeStatus(tx, ctx, app, 'under_review', 'clerk');
  }
  return { applicationId: app.id, number: app.number ?? '', leaseVersion: claimed.leaseVersion, leaseExpiresAt: claimed.leaseExpiresAt! };
}

function clerkOf(ctx: ServiceContext): UserActor {
  const { actor } = authorize(ctx.actor, 'queue:claim');
  if (!actor.officeCode || actor.skills.length === 0) throw forbidden();
  return actor;
}

/**
 * "Take next": the most urgent item of the clerk's office within their skills — front of queue
 * (returned supplements) first, then earliest completeness deadline, due date, time received.
 * Expired leases count as free. SKIP LOCKED lets concurrent clerks pass over rows another
 * transaction is taking, so no two clerks get the same item. Null when nothing is left.
 */
export async function claimNext(ctx: ServiceContext): Promise<Claim | null> {
  const actor = clerkOf(ctx);
  return ctx.db.transaction(async (tx) => {
    const now = ctx.clock.now();
    const rows = await tx
      .select({ item: queueItems })
      .from(queueItems)
      .innerJoin(applications, eq(applications.id, queueItems.applicationId))
      .where(
        and(
          eq(queueItems.officeCode, actor.officeCode!),
          inArray(queueItems.department, actor.skills),
          or(eq(queueItems.state, 'waiting'), and(eq(queueItems.state, 'claimed'), lte(queueItems.leaseExpiresAt, now))),
          inArray(applications.status, [...WORKABLE_STATUSES]),
        ),
      )
      .orderBy(
        asc(queueItems.frontOfQueue),
        asc(queueItems.completenessDeadline),
        asc(queueItems.dueDate),
        asc(queueItems.receivedAt),
        asc(queueItems.id),
      )
      .limit(1)
      .for('update', { of: queueItems, skipLocked: true });
    const item = rows[0]?.item;
    if (!item) return null;
    const app = await lockApplication(tx, item.applicationId);
    return take(tx, ctx, actor, item, app);
  });
}

/**
 * Claims one application from the list or the review page: free items, expired leases and the
 * actor's own item (renewed). An item another clerk holds is 409.
 */
export async function claimApplication(ctx: ServiceContext, number: string): Promise<Claim> {
  const actor = clerkOf(ctx);
  return ctx.db.transaction(async (tx) => {
    const { app } = await applicationInScope(tx, ctx, number, 'queue:claim');
    const [item] = await tx.select().from(queueItems).where(eq(queueItems.applicationId, app.id)).for('update');
    const now = ctx.clock.now();
    if (!item || item.state === 'done' || item.state === 'parked') throw conflict('review.notClaimable');
    if (item.officeCode !== actor.officeCode) throw conflict('review.notClaimable');
    if (item.state === 'claimed' && leaseLive(item, now) && item.claimedBy !== actor.id) throw conflict('review.heldByOther');
    const locked = await lockApplication(tx, app.id);
    if (!(WORKABLE_STATUSES as readonly string[]).includes(locked.status)) throw conflict('review.notClaimable');
    if (item.state === 'claimed' && item.claimedBy === actor.id && leaseLive(item, now)) {
      const [renewed] = await tx.update(queueItems).set({ leaseExpiresAt: leaseUntil(ctx) }).where(eq(queueItems.id, item.id)).returning();
      return { applicationId: app.id, number, leaseVersion: renewed.leaseVersion, leaseExpiresAt: renewed.leaseExpiresAt! };
    }
    return take(tx, ctx, actor, item, locked);
  });
}
