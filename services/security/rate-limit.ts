import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { rateLimits } from '../../db/schema/index.js';
import type { Clock } from '../context.js';

export type RateLimit = { limit: number; windowMs: number };

/** About ten sign-in attempts a minute, per account and per address (issue 6). */
export const LOGIN_PER_ACCOUNT: RateLimit = { limit: 10, windowMs: 60_000 };
export const LOGIN_PER_IP: RateLimit = { limit: 10, windowMs: 60_000 };

export type RateLimitResult = { allowed: boolean; count: number; retryAfterSeconds: number };

/**
 * Counts one hit against `key` in a fixed window and says whether it is still within the limit.
 * A single INSERT … ON CONFLICT DO UPDATE, so concurrent requests on any number of app processes
 * each get their own count and none is lost; an expired window restarts at 1.
 */
export async function hitRateLimit(db: Db, clock: Clock, key: string, rule: RateLimit): Promise<RateLimitResult> {
  const now = clock.now();
  const expiredBefore = new Date(now.getTime() - rule.windowMs);
  const [row] = await db
    .insert(rateLimits)
    .values({ key, windowStart: now, count: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${rateLimits.windowStart} <= ${expiredBefore.toISOString()}::timestamptz then 1 else ${rateLimits.count} + 1 end`,
        windowStart: sql`case when ${rateLimits.windowStart} <= ${expiredBefore.toISOString()}::timestamptz then ${now.toISOString()}::timestamptz else ${rateLimits.windowStart} end`,
      },
    })
    .returning({ count: rateLimits.count, windowStart: rateLimits.windowStart });
  const resetAt = row.windowStart.getTime() + rule.windowMs;
  return {
    allowed: row.count <= rule.limit,
    count: row.count,
    retryAfterSeconds: Math.max(1, Math.ceil((resetAt - now.getTime()) / 1000)),
  };
}

/** Removes windows that ended long ago; counters are otherwise kept for at most one window. */
export async function pruneRateLimits(db: Db, clock: Clock, olderThanMs = 24 * 60 * 60 * 1000): Promise<void> {
  const before = new Date(clock.now().getTime() - olderThanMs);
  await db.delete(rateLimits).where(sql`${rateLimits.windowStart} < ${before.toISOString()}::timestamptz`);
}
