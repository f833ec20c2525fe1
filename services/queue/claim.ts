import { and, eq, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { applications, queueItems } from '../../db/schema/index.js';
import { recordAudit } from '../audit.js';
import type { ServiceContext, UserActor } from '../context.js';
import { conflict, forbidden } from '../errors.js';
import { authorize } from '../permissions.js';
import { applicationInScope, lockApplication, type ApplicationRow } from '../review/access.js';
import { changeStatus } from '../applications/transition.js';
import { leaseLive, leaseUntil, WORKABLE_STATUSES, type QueueItem } from './lease.js';
import { compareUrgency, URGENCY_ORDER } from './urgency.js';

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
      heldSince: now,
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

function moreUrgent(a: QueueItem, b: QueueItem): QueueItem {
  return compareUrgency(a, b) <= 0 ? a : b;
}

/**
 * "Take next": the most urgent item of the clerk's office within their skills, in the queue's
 * one order (services/queue/urgency.ts: returned supplements, completeness deadline, due date,
 * priority, time received) — the order the desk lists.
 * Expired leases count as free. SKIP LOCKED lets concurrent clerks pass over rows another
 * transaction is taking, so no two clerks get the same item. Null when nothing is left.
 *
 * Waiting items and expired leases are looked up apart, each down its own partial index in the
 * order served (queue_items_waiting_idx, queue_items_leased_idx): one query over both states
 * would sort the whole office's queue on every take, or walk past every item clerks still hold.
 * The more urgent of the two is taken; the other stays locked only until this transaction ends.
 */
export async function claimNext(ctx: ServiceContext): Promise<Claim | null> {
  const actor = clerkOf(ctx);
  return ctx.db.transaction(async (tx) => {
    const now = ctx.clock.now();
    const candidate = async (free: SQL | undefined) => {
      const rows = await tx
        .select({ item: queueItems })
        .from(queueItems)
        .innerJoin(applications, eq(applications.id, queueItems.applicationId))
        .where(
          and(
            eq(queueItems.officeCode, actor.officeCode!),
            free,
            inArray(queueItems.department, actor.skills),
            inArray(applications.status, [...WORKABLE_STATUSES]),
          ),
        )
        .orderBy(...URGENCY_ORDER)
        .limit(1)
        .for('update', { of: queueItems, skipLocked: true });
      return rows[0]?.item;
    };
    const expired = await candidate(and(eq(queueItems.state, 'claimed'), lte(queueItems.leaseExpiresAt, now)));
    const waiting = await candidate(eq(queueItems.state, 'waiting'));
    const item = expired && waiting ? moreUrgent(expired, waiting) : (expired ?? waiting);
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
