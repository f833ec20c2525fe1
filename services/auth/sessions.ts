import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { offices, sessions, users } from '../../db/schema/index.js';
import type { Actor, Clock } from '../context.js';
import type { Department } from '../catalog/types.js';
import { shaped } from '../sql-shapes.js';
import { provinceOfCity } from '../offices/offices.js';
import { rowsOf } from '../sql.js';

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
 * The session's actor, only what the actor needs (the account's secrets stay in the database).
 * It runs on every request, so it is built once (services/sql-shapes.ts) and its row mapped here.
 * `now` goes through the column's encoder as a sql.param: drizzle passes a placeholder in a
 * condition on as it is given.
 */
export const buildSessionActor = (db: Db, v: { id: string; now: Date }) =>
  db
    .select({
      lastSeenAt: sessions.lastSeenAt,
      id: users.id,
      role: users.role,
      officeCode: users.officeCode,
      skills: users.skills,
      managerScope: users.managerScope,
      cityCode: offices.cityCode,
      // Province managers' scope (decision 0040); null for an account without an office.
      provinceCode: sql<string | null>`case when ${offices.cityCode} is null then null else ${provinceOfCity(offices.cityCode)} end`.as('province_code'),
      orgUnitCode: users.orgUnitCode,
      realName: users.realName,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(offices, eq(offices.code, users.officeCode))
    .where(and(eq(sessions.id, v.id), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql.param(v.now, sessions.expiresAt)), isNull(users.disabledAt)))
    .limit(1);
const sessionActor = shaped<Record<string, never>, { id: string; now: Date }>(buildSessionActor);
/** buildSessionActor's row as a raw query returns it: by column name, as the driver gives it. */
type RawSessionActor = {
  last_seen_at: string;
  id: string;
  role: 'citizen' | 'clerk' | 'manager' | 'admin';
  office_code: string | null;
  skills: string | string[];
  manager_scope: 'office' | 'city' | 'province' | null;
  city_code: string | null;
  province_code: string | null;
  org_unit_code: string | null;
  real_name: string;
};

/**
 * The actor behind a session id, or anonymous when the session is unknown, revoked, expired,
 * idle too long (staff) or its account is disabled. Touches last_seen_at at most once a minute.
 */
export async function resolveSession(db: Db, clock: Clock, id: string | null | undefined): Promise<Actor> {
  if (!id) return { kind: 'anonymous' };
  const now = clock.now();
  const [row] = rowsOf<RawSessionActor>(await db.execute(sessionActor(db, {}, { id, now })));
  if (!row) return { kind: 'anonymous' };
  // The column's own mapping, as drizzle's select would apply it (both drivers give the raw text).
  const lastSeenAt = sessions.lastSeenAt.mapFromDriverValue(row.last_seen_at) as Date;
  if (row.role !== 'citizen' && now.getTime() - lastSeenAt.getTime() > STAFF_IDLE_MS) {
    await revokeSession(db, clock, id);
    return { kind: 'anonymous' };
  }
  if (now.getTime() - lastSeenAt.getTime() > 60_000) {
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, id));
  }
  return {
    kind: 'user',
    id: row.id,
    role: row.role,
    officeCode: row.office_code,
    skills: users.skills.mapFromDriverValue(row.skills) as Department[],
    managerScope: row.manager_scope ?? null,
    cityCode: row.city_code ?? null,
    provinceCode: row.province_code ?? null,
    orgUnitCode: row.org_unit_code ?? null,
    realName: row.real_name,
  };
}
