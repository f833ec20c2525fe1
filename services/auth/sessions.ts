import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { offices, sessions, users } from '../../db/schema/index.js';
import type { Actor, Clock } from '../context.js';
import type { Department } from '../catalog/types.js';

/** Every session ends after 12 hours; staff sessions also after 30 idle minutes. */
export const SESSION_MAX_MS = 12 * 60 * 60 * 1000;
export const STAFF_IDLE_MS = 30 * 60 * 1000;

export async function createSession(db: Db, clock: Clock, userId: string): Promise<string> {
  const id = randomBytes(32).toString('base64url');
  const now = clock.now();
  await db.insert(sessions).values({
    id,
    userId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + SESSION_MAX_MS),
  });
  return id;
}

export async function revokeSession(db: Db, clock: Clock, id: string): Promise<void> {
  await db.update(sessions).set({ revokedAt: clock.now() }).where(eq(sessions.id, id));
}

/**
 * The actor behind a session id, or anonymous when the session is unknown, revoked, expired,
 * idle too long (staff) or its account is disabled. Touches last_seen_at at most once a minute.
 */
export async function resolveSession(db: Db, clock: Clock, id: string | null | undefined): Promise<Actor> {
  if (!id) return { kind: 'anonymous' };
  const now = clock.now();
  // Only what the actor needs: this runs on every request, and the account's secrets stay in the database.
  const rows = await db
    .select({
      session: { lastSeenAt: sessions.lastSeenAt },
      user: {
        id: users.id,
        role: users.role,
        officeCode: users.officeCode,
        skills: users.skills,
        managerScope: users.managerScope,
      },
      cityCode: offices.cityCode,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(offices, eq(offices.code, users.officeCode))
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt), gt(sessions.expiresAt, now), isNull(users.disabledAt)))
    .limit(1);
  const row = rows[0];
  if (!row) return { kind: 'anonymous' };
  const { session, user } = row;
  if (user.role !== 'citizen' && now.getTime() - session.lastSeenAt.getTime() > STAFF_IDLE_MS) {
    await revokeSession(db, clock, id);
    return { kind: 'anonymous' };
  }
  if (now.getTime() - session.lastSeenAt.getTime() > 60_000) {
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, id));
  }
  return {
    kind: 'user',
    id: user.id,
    role: user.role,
    officeCode: user.officeCode,
    skills: user.skills as Department[],
    managerScope: user.managerScope ?? null,
    cityCode: row.cityCode ?? null,
  };
}
