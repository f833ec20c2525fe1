import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { sessions, users } from '../../db/schema/index.js';
import { STAFF_IDLE_MS } from '../auth/sessions.js';

/**
 * A clerk is on duty while signed in: a live, unrevoked session that has been used within the
 * staff idle timeout, on an account that is not disabled. Supplements return to such a clerk.
 */
export async function clerkOnDuty(db: Db, clerkId: string, now: Date): Promise<boolean> {
  const rows = await db
    .select({ id: sessions.id })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.userId, clerkId),
        isNull(sessions.revokedAt),
        isNull(users.disabledAt),
        gt(sessions.expiresAt, now),
        gt(sessions.lastSeenAt, new Date(now.getTime() - STAFF_IDLE_MS)),
      ),
    )
    .limit(1);
  return rows.length > 0;
}
