import { and, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { applications, queueItems } from '../../db/schema/index.js';
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
 *
 * One UPDATE does all three: it takes the row lock, PostgreSQL re-checks the conditions on the
 * row as it is once locked (READ COMMITTED), and a row that no longer matches is simply not
 * returned.
 */
export async function holdLease(
  tx: Db,
  ctx: ServiceContext,
  application: { id: string } | { number: string },
  leaseVersion: number,
): Promise<QueueItem> {
  const renewal = leaseRenewal(tx, ctx, application, leaseVersion);
  const [renewed] = renewal ? await renewal : [];
  if (!renewed) throw leaseLost(ctx);
  return renewed;
}

/**
 * holdLease's UPDATE as a statement not yet run, for a caller that sends it with what follows
 * (services/review/with-lease.ts locks the application in the same round trip); null for an
 * actor who can hold no lease.
 */
export function leaseRenewal(tx: Db, ctx: ServiceContext, application: { id: string } | { number: string }, leaseVersion: number) {
  const me = ctx.actor.kind === 'user' ? ctx.actor.id : null;
  if (!me) return null;
  const now = ctx.clock.now();
  return tx
    .update(queueItems)
    .set({ leaseExpiresAt: leaseUntil(ctx) })
    .where(
      and(
        'id' in application
          ? eq(queueItems.applicationId, application.id)
          : eq(queueItems.applicationId, sql`(select ${applications.id} from ${applications} where ${applications.number} = ${application.number})`),
        eq(queueItems.state, 'claimed'),
        eq(queueItems.claimedBy, me),
        gt(queueItems.leaseExpiresAt, now),
        eq(queueItems.leaseVersion, leaseVersion),
      ),
    )
    .returning();
}

/** A lost, expired or superseded lease: 409. */
export const leaseLost = (ctx: Pick<ServiceContext, 'config'>) => conflict('review.leaseLost', { minutes: ctx.config.leaseMinutes });

/** Takes the item out of anyone's hands: back in the queue, parked for the citizen, or done. */
export async function settleItem(tx: Db, itemId: number, state: 'waiting' | 'parked' | 'done', extra: Partial<QueueItem> = {}) {
  await tx
    .update(queueItems)
    .set({
      state,
      claimedBy: null,
      leaseExpiresAt: null,
      heldSince: null,
      leaseVersion: sql`${queueItems.leaseVersion} + 1`,
      ...extra,
    })
    .where(eq(queueItems.id, itemId));
}
