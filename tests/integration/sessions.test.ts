import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { sessions, users } from '../../db/schema/index.js';
import { createSession, resolveSession, revokeSession, SESSION_MAX_MS, STAFF_IDLE_MS } from '../../services/auth/sessions.js';
import { actorOf, createCitizen, createStaff, fixedClock } from '../support/factories.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const lastSeen = async (id: string) => (await h.db.select({ at: sessions.lastSeenAt }).from(sessions).where(eq(sessions.id, id)))[0].at;

describe('resolveSession', () => {
  it('gives the actor of a live session: role, office, skills, manager scope and city', async () => {
    const clock = fixedClock();
    const manager = await createStaff(h.db, { role: 'manager', officeCode: 'sh-huangpu', skills: ['hukou', 'traffic'], managerScope: 'city' });
    const citizen = await createCitizen(h.db);
    expect(await resolveSession(h.db, clock, await createSession(h.db, clock, manager.id))).toEqual(actorOf(manager));
    expect(await resolveSession(h.db, clock, await createSession(h.db, clock, citizen.id))).toEqual(actorOf(citizen));
  });

  it('is anonymous for no id, an unknown id, a revoked or expired session and a disabled account', async () => {
    const clock = fixedClock();
    const citizen = await createCitizen(h.db);
    expect(await resolveSession(h.db, clock, null)).toEqual({ kind: 'anonymous' });
    expect(await resolveSession(h.db, clock, 'no-such-session')).toEqual({ kind: 'anonymous' });

    const revoked = await createSession(h.db, clock, citizen.id);
    await revokeSession(h.db, clock, revoked);
    expect(await resolveSession(h.db, clock, revoked)).toEqual({ kind: 'anonymous' });

    const expiring = await createSession(h.db, clock, citizen.id);
    clock.advance(SESSION_MAX_MS - 1);
    expect((await resolveSession(h.db, clock, expiring)).kind).toBe('user');
    clock.advance(1);
    expect(await resolveSession(h.db, clock, expiring)).toEqual({ kind: 'anonymous' });

    const other = await createCitizen(h.db);
    const live = await createSession(h.db, clock, other.id);
    await h.db.update(users).set({ disabledAt: clock.now() }).where(eq(users.id, other.id));
    expect(await resolveSession(h.db, clock, live)).toEqual({ kind: 'anonymous' });
  });

  it('ends a staff session idle for 30 minutes, not a citizen one, and notes activity at most once a minute', async () => {
    const clock = fixedClock();
    const clerk = await createStaff(h.db);
    const citizen = await createCitizen(h.db);
    const staffSession = await createSession(h.db, clock, clerk.id);
    const citizenSession = await createSession(h.db, clock, citizen.id);
    const created = clock.now();

    clock.advance(59_000);
    await resolveSession(h.db, clock, staffSession);
    expect(await lastSeen(staffSession)).toEqual(created);
    clock.advance(2_000);
    await resolveSession(h.db, clock, staffSession);
    expect(await lastSeen(staffSession)).toEqual(clock.now());

    clock.advance(STAFF_IDLE_MS + 1);
    expect(await resolveSession(h.db, clock, staffSession)).toEqual({ kind: 'anonymous' });
    // Ended for good: the row is revoked, so coming back sooner changes nothing.
    clock.advance(-STAFF_IDLE_MS);
    expect(await resolveSession(h.db, clock, staffSession)).toEqual({ kind: 'anonymous' });
    expect((await resolveSession(h.db, clock, citizenSession)).kind).toBe('user');
  });
});
