import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queueItems } from '../../db/schema/index.js';
import type { ServiceContext } from '../context.js';
import { conflict } from '../errors.js';

export type QueueItem = typeof queueItems.$inferSelect;

/** Statuses whose queue item a clerk may still work on. */
export const WORKABLE_STATUSES = ['submitted', 'under_review', 'supplemented', 'accepted'] as const;

export function leaseUntil(ctx: Pick<ServiceContext, 'clock' | 'config'>): Date {
  return new Date(ctx.clock.now().getTime() + ctx.config.leaseMinutes * 60_000);
}

export function leaseLive(item: Pick<QueueItem, 'state' | 'leaseExpiresAt'>, now: Date): boolean {
  return item.state === 'claimed' && !!item.leaseExpiresAt && item.leaseExpiresAt.getTime() > now.getTime();
}

/**
 * Locks the application's queue item and checks the actor still holds its lease, as of the
 * version the form was rendered with; then renews the lease (any clerk action counts as
 * activity). A lost, expired or superseded lease is 409 and the caller's transaction rolls back.
 */
export async function holdLease(tx: Db, ctx: ServiceContext, applicationId: string, leaseVersion: number): Promise<QueueItem> {
  const [item] = await tx.select().from(queueItems).where(eq(queueItems.applicationId, applicationId)).for('update');
  const now = ctx.clock.now();
  const me = ctx.actor.kind === 'user' ? ctx.actor.id : null;
  if (!item || item.claimedBy !== me || !leaseLive(item, now) || item.leaseVersion !== leaseVersion) {
    throw conflict('review.leaseLost', { minutes: ctx.config.leaseMinutes });
  }
  const [renewed] = await tx
    .update(queueItems)
    .set({ leaseExpiresAt: leaseUntil(ctx) })
    .where(eq(queueItems.id, item.id))
    .returning();
  return renewed;
}

/** Takes the item out of anyone's hands: back in the queue, parked for the citizen, or done. */
export async function settleItem(tx: Db, itemId: number, state: 'waiting' | 'parked' | 'done', extra: Partial<QueueItem> = {}) {
  await tx
    .update(queueItems)
    .set({
      state,
      claimedBy: null,
      leaseExpiresAt: null,
      leaseVersion: sql`${queueItems.leaseVersion} + 1`,
      ...extra,
    })
    .where(eq(queueItems.id, itemId));
}
