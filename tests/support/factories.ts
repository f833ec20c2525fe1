import { randomInt, randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { createCookie } from '@remix-run/node';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema/index.js';
import type { OneWindowContext } from '../../app/load-context.js';
import { createSession } from '../../services/auth/sessions.js';
import type { Department } from '../../services/catalog/types.js';
import { defaultConfig, type Actor, type Clock, type Config, type ServiceContext } from '../../services/context.js';
import { idCheckCharacter } from '../../services/validation/identifiers.js';

export const TEST_SECRET = 'test-session-secret';
/** Tests run on a fixed Monday so working-day arithmetic is reproducible. */
export const TEST_NOW = '2026-11-23T02:00:00.000Z';

export function fixedClock(iso = TEST_NOW): Clock & { set(iso: string): void; advance(ms: number): void } {
  let now = new Date(iso);
  return {
    now: () => new Date(now),
    set: (v) => {
      now = new Date(v);
    },
    advance: (ms) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return defaultConfig({ uploadDir: path.join(os.tmpdir(), 'onewindow-test-uploads', randomUUID()), ...overrides });
}

export function testContext(db: Db, actor: Actor = { kind: 'anonymous' }, clock: Clock = fixedClock(), config = testConfig()): ServiceContext {
  return { db, actor, clock, config };
}

/** The load context the server would give loaders and actions. */
export function appContext(db: Db, clock: Clock = fixedClock(), config = testConfig()): OneWindowContext {
  return { db, clock, config, sessionSecret: TEST_SECRET, production: false };
}

/** A valid resident ID for a region and birth date, with a random sequence. */
export function makeIdNumber(region = '110101', birth?: string): string {
  // A random adult birth date as well as sequence, so dozens of citizens per file never collide.
  const b = birth ?? `19${randomInt(50, 100)}${String(randomInt(1, 13)).padStart(2, '0')}${String(randomInt(1, 29)).padStart(2, '0')}`;
  const first17 = `${region}${b}${String(randomInt(0, 1000)).padStart(3, '0')}`;
  return first17 + idCheckCharacter(first17);
}

export function makeMobile(): string {
  return `13${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;
}

// Argon2 with OWASP parameters costs ~50 ms; factories share one precomputed hash.
let hashPromise: Promise<string> | null = null;
export const TEST_PASSWORD = 'correct horse battery';
export async function testHash() {
  if (!hashPromise) hashPromise = import('../../services/auth/password.js').then((m) => m.hashPassword(TEST_PASSWORD));
  return hashPromise;
}

export async function createCitizen(db: Db, overrides: Partial<typeof users.$inferInsert> = {}) {
  const [row] = await db
    .insert(users)
    .values({
      role: 'citizen',
      realName: '测试用户',
      idNumber: makeIdNumber(),
      mobile: makeMobile(),
      passwordHash: await testHash(),
      identityVerified: true,
      ...overrides,
    })
    .returning();
  return row;
}

export async function createStaff(
  db: Db,
  opts: { role?: 'clerk' | 'manager'; officeCode?: string; skills?: Department[]; managerScope?: 'office' | 'city' | 'province' } = {},
) {
  const [row] = await db
    .insert(users)
    .values({
      role: opts.role ?? 'clerk',
      realName: '测试民警',
      staffNo: String(randomInt(100000, 999999)),
      officeCode: opts.officeCode ?? 'bj-dongcheng',
      skills: opts.skills ?? ['hukou', 'traffic', 'exit_entry'],
      managerScope: opts.role === 'manager' ? (opts.managerScope ?? 'office') : null,
      passwordHash: await testHash(),
    })
    .returning();
  return row;
}

/** The actor a service sees for a user row (city code as the seed gives it). */
export function actorOf(user: typeof users.$inferSelect): Actor {
  const cityCode = user.officeCode ? (user.officeCode.startsWith('sh-') ? '3101' : '1101') : null;
  return {
    kind: 'user',
    id: user.id,
    role: user.role,
    officeCode: user.officeCode,
    skills: user.skills as Department[],
    managerScope: user.managerScope ?? null,
    cityCode,
    provinceCode: cityCode ? cityCode.slice(0, 2) : null,
    orgUnitCode: user.orgUnitCode ?? null,
    realName: user.realName,
  };
}

/** A Cookie header carrying a real session for the user, as the browser would send it. */
export async function sessionCookieFor(db: Db, clock: Clock, userId: string): Promise<string> {
  const id = await createSession(db, clock, userId);
  const cookie = createCookie('__session', { secrets: [TEST_SECRET], path: '/', httpOnly: true, sameSite: 'lax' });
  const set = await cookie.serialize(id);
  return set.split(';')[0];
}
