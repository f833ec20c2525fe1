import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { rateLimits } from '../../db/schema/index.js';
import type { Clock } from '../context.js';

export type RateLimit = { limit: number; windowMs: number };

/**
 * About ten sign-in attempts a minute, per account and per address (issue 6). A sign-in whose
 * password was right is given back to its address (services/auth/accounts.ts): a service hall or
 * an office behind one address signs in many people at the start of a shift; guesses still count.
 */
export const LOGIN_PER_ACCOUNT: RateLimit = { limit: 10, windowMs: 60_000 };
export const LOGIN_PER_IP: RateLimit = { limit: 10, windowMs: 60_000 };

/**
 * Sign-up attempts (decision 0016): each costs a registry call and an argon2 hash, and each
 * answer says something about whether an account exists. Per client address, and per ID number
 * and per mobile whichever address they come from. A service hall behind one address sees a few
 * sign-ups an hour, not twenty; if it does, raise SIGNUP_PER_IP, not the identity limits.
 */
export const SIGNUP_PER_IP: RateLimit = { limit: 20, windowMs: 60 * 60_000 };
export const SIGNUP_PER_IDENTITY: RateLimit = { limit: 5, windowMs: 60 * 60_000 };

/**
 * One-time codes (decision 0024): each costs an SMS and reaches someone's phone, so sending is
 * counted per target (the mobile, ID number or application number typed) and per address, for
 * every purpose alike; checking codes is counted per address on top of each code's own five tries.
 */
export const CODE_ISSUE_PER_TARGET: RateLimit = { limit: 5, windowMs: 60 * 60_000 };
export const CODE_ISSUE_PER_IP: RateLimit = { limit: 20, windowMs: 60 * 60_000 };
export const CODE_CHECK_PER_IP: RateLimit = { limit: 30, windowMs: 10 * 60_000 };
/**
 * SMS to one person's mobile, counted after the account is resolved and shared by every purpose
 * that texts a person (codes, "you already have an account", "someone used your ID"): the typed
 * target alone let one person be reached under several spellings and by ID number as well.
 */
export const CODE_SMS_PER_RECIPIENT: RateLimit = { limit: 5, windowMs: 60 * 60_000 };

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

/**
 * Takes back one hit against `key`: for an attempt that turned out to be legitimate. Never below
 * zero; a window that has since restarted loses one hit of its own, which only errs towards the user.
 */
export async function forgiveRateLimitHit(db: Db, key: string): Promise<void> {
  await db
    .update(rateLimits)
    .set({ count: sql`greatest(${rateLimits.count} - 1, 0)` })
    .where(eq(rateLimits.key, key));
}

/** Removes windows that ended long ago; counters are otherwise kept for at most one window. */
export async function pruneRateLimits(db: Db, clock: Clock, olderThanMs = 24 * 60 * 60 * 1000): Promise<void> {
  const before = new Date(clock.now().getTime() - olderThanMs);
  await db.delete(rateLimits).where(sql`${rateLimits.windowStart} < ${before.toISOString()}::timestamptz`);
}

/**
 * Counts one hit against every key (all advance, refused or not, so trying one key after
 * another does not help) and answers for them together: refused if any is over its limit,
 * with the longest wait. `firstOverflow` is true for the hit that first went over a limit in
 * its window, so a caller can audit once per window rather than once per refused request.
 */
export async function hitRateLimits(
  db: Db,
  clock: Clock,
  hits: { key: string; rule: RateLimit }[],
): Promise<{ allowed: boolean; retryAfterSeconds: number; firstOverflow: boolean }> {
  let allowed = true;
  let retryAfterSeconds = 0;
  let firstOverflow = false;
  for (const { key, rule } of hits) {
    const r = await hitRateLimit(db, clock, key, rule);
    if (r.allowed) continue;
    allowed = false;
    retryAfterSeconds = Math.max(retryAfterSeconds, r.retryAfterSeconds);
    if (r.count === rule.limit + 1) firstOverflow = true;
  }
  return { allowed, retryAfterSeconds, firstOverflow };
}
