import { eq, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { auditEvents, rateLimits, users } from '../../db/schema/index.js';
import { action as loginAction } from '../../app/routes/login.js';
import { action as signupAction } from '../../app/routes/signup.js';
import { signupThroughPages } from '../support/codes.js';
import { action as logoutAction } from '../../app/routes/logout.js';
import { loader as myApplicationsLoader } from '../../app/routes/applications._index.js';
import { translateError } from '../../app/components/forms/translate-error.js';
import { getFixedT } from '../../app/i18next.server.js';
import { getActor } from '../../app/utils/session.server.js';
import { hitRateLimit, LOGIN_PER_ACCOUNT } from '../../services/security/rate-limit.js';
import { appContext, createCitizen, fixedClock, makeIdNumber, makeMobile, sessionCookieFor, TEST_PASSWORD } from '../support/factories.js';
import { get, post, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const errorsOf = async (res: Response) => JSON.parse(await res.text()).lastResult.error as Record<string, string[]>;
const withIp = (clock: ReturnType<typeof fixedClock>, ip: string) => ({ ...appContext(h.db, clock), clientIp: ip });
let ipCounter = 0;
const freshIp = () => `198.51.100.${++ipCounter}`;
const TEST_NOW_MS = Date.parse('2026-11-23T01:00:00.000Z');

describe('login rate limits', () => {
  it('allows ten attempts a minute per account, then answers 429 even for the right password, until the window ends', async () => {
    const user = await createCitizen(h.db);
    const clock = fixedClock();
    for (let i = 0; i < LOGIN_PER_ACCOUNT.limit; i++) {
      // A different address each time: only the account counter can stop this.
      const res = await run(loginAction, post('/login', { identifier: user.mobile!, password: 'wrong password' }), withIp(clock, freshIp()));
      expect(res.status).toBe(401);
    }
    const blocked = await run(loginAction, post('/login', { identifier: user.mobile!, password: TEST_PASSWORD }), withIp(clock, freshIp()));
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('Set-Cookie')).toBeNull();
    const [key] = (await errorsOf(blocked))[''];
    const t = await getFixedT(get('/login'), 'common');
    expect(translateError(t, key)).toBe('登录尝试过于频繁，请 60 秒后再试。');
    const en = await getFixedT(get('/login?lng=en'), 'common');
    expect(translateError(en, key)).toBe('Too many sign-in attempts. Please wait 60 seconds and try again.');

    clock.advance(60_000);
    const later = await run(loginAction, post('/login', { identifier: user.mobile!, password: TEST_PASSWORD }), withIp(clock, freshIp()));
    expect(later.status).toBe(302);
  });

  it('allows ten attempts a minute per address across accounts', async () => {
    const clock = fixedClock();
    const ip = freshIp();
    for (let i = 0; i < 10; i++) {
      const res = await run(loginAction, post('/login', { identifier: makeMobile(), password: 'whatever123' }), withIp(clock, ip));
      expect(res.status).toBe(401);
    }
    const user = await createCitizen(h.db);
    const blocked = await run(loginAction, post('/login', { identifier: user.mobile!, password: TEST_PASSWORD }), withIp(clock, ip));
    expect(blocked.status).toBe(429);
    const elsewhere = await run(loginAction, post('/login', { identifier: user.mobile!, password: TEST_PASSWORD }), withIp(clock, freshIp()));
    expect(elsewhere.status).toBe(302);
  });

  it('does not count right passwords against the address: a service hall signs twenty people in within a minute', async () => {
    const clock = fixedClock();
    const ip = freshIp();
    for (let i = 0; i < 20; i++) {
      const user = await createCitizen(h.db);
      const res = await run(loginAction, post('/login', { identifier: user.mobile!, password: TEST_PASSWORD }), withIp(clock, ip));
      expect(res.status, `sign-in ${i + 1}`).toBe(302);
    }
    // Guesses from the same address still count, ten a minute.
    for (let i = 0; i < LOGIN_PER_ACCOUNT.limit; i++) {
      expect((await run(loginAction, post('/login', { identifier: makeMobile(), password: 'whatever123' }), withIp(clock, ip))).status).toBe(401);
    }
    const user = await createCitizen(h.db);
    expect((await run(loginAction, post('/login', { identifier: user.mobile!, password: TEST_PASSWORD }), withIp(clock, ip))).status).toBe(429);
  });

  it('answers an unknown account exactly like a known one once limited', async () => {
    const clock = fixedClock();
    const user = await createCitizen(h.db);
    const unknown = makeMobile();
    const last: Record<string, Response> = {};
    for (const identifier of [user.mobile!, unknown]) {
      for (let i = 0; i <= LOGIN_PER_ACCOUNT.limit; i++) {
        last[identifier] = await run(loginAction, post('/login', { identifier, password: 'wrong password' }), withIp(clock, freshIp()));
      }
    }
    expect(last[user.mobile!].status).toBe(429);
    expect(last[unknown].status).toBe(429);
    expect((await last[user.mobile!].text()).replaceAll(user.mobile!, 'X')).toBe((await last[unknown].text()).replaceAll(unknown, 'X'));
    // The counters never hold the identifier a stranger typed.
    const keys = await h.db.select({ key: rateLimits.key }).from(rateLimits);
    expect(keys.some((k) => k.key.includes(unknown))).toBe(false);
  });

  it('counts concurrent hits atomically (one INSERT … ON CONFLICT per hit)', async () => {
    const clock = fixedClock();
    const results = await Promise.all(Array.from({ length: 25 }, () => hitRateLimit(h.db, clock, 'test:concurrent', LOGIN_PER_ACCOUNT)));
    expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    const [row] = await h.db.select().from(rateLimits).where(eq(rateLimits.key, 'test:concurrent'));
    expect(row.count).toBe(25);
  });
});

describe('login audit', () => {
  it('records successes and failures with the account and address, never the password', async () => {
    const clock = fixedClock();
    const user = await createCitizen(h.db);
    const ip = freshIp();
    await run(loginAction, post('/login', { identifier: user.mobile!, password: 'secret-wrong-guess' }), withIp(clock, ip));
    await run(loginAction, post('/login', { identifier: user.mobile!, password: TEST_PASSWORD }), withIp(clock, ip));
    const unknown = makeIdNumber();
    await run(loginAction, post('/login', { identifier: unknown, password: 'secret-wrong-guess' }), withIp(clock, ip));

    const rows = await h.db.select().from(auditEvents).where(like(auditEvents.action, 'auth.login.%'));
    const mine = rows.filter((r) => (r.data as { ip?: string }).ip === ip);
    expect(mine.map((r) => [r.action, (r.data as { reason?: string }).reason ?? null])).toEqual([
      ['auth.login.failed', 'wrongPassword'],
      ['auth.login.succeeded', null],
      ['auth.login.failed', 'unknownAccount'],
    ]);
    expect(mine[1]).toMatchObject({ actorId: user.id, actorRole: 'citizen', applicationId: null });
    const text = JSON.stringify(rows);
    expect(text).not.toContain('secret-wrong-guess');
    expect(text).not.toContain(TEST_PASSWORD);
    // An identifier that matched nobody is kept only masked.
    expect(text).not.toContain(unknown);
    expect(text).not.toContain(user.mobile!);
  });
});

describe('session cookies that must stop working', () => {
  it('a cookie replayed after logout is anonymous and cannot open pages', async () => {
    const user = await createCitizen(h.db);
    const cookie = await sessionCookieFor(h.db, fixedClock(), user.id);
    expect((await run(myApplicationsLoader, get('/applications', { cookie }), appContext(h.db))).status).toBe(200);
    await run(logoutAction, post('/logout', {}, { cookie }), appContext(h.db));
    const replay = await run(myApplicationsLoader, get('/applications', { cookie }), appContext(h.db));
    expect(replay.status).toBe(302);
    expect(replay.headers.get('Location')).toBe('/login?redirectTo=%2Fapplications');
  });

  it('a cookie of an account disabled afterwards is refused at once', async () => {
    const user = await createCitizen(h.db);
    const cookie = await sessionCookieFor(h.db, fixedClock(), user.id);
    expect(await getActor(get('/', { cookie }), appContext(h.db))).toMatchObject({ kind: 'user', id: user.id });
    await h.db.update(users).set({ disabledAt: new Date(TEST_NOW_MS) }).where(eq(users.id, user.id));
    expect(await getActor(get('/', { cookie }), appContext(h.db))).toEqual({ kind: 'anonymous' });
    expect((await run(myApplicationsLoader, get('/applications', { cookie }), appContext(h.db))).status).toBe(302);
  });

  it('a cookie whose signature does not match is anonymous', async () => {
    const user = await createCitizen(h.db);
    const cookie = await sessionCookieFor(h.db, fixedClock(), user.id);
    const [name, value] = cookie.split('=');
    const tampered = `${name}=${value.slice(0, -3)}abc`;
    expect(await getActor(get('/', { cookie: tampered }), appContext(h.db))).toEqual({ kind: 'anonymous' });
  });
});

describe('passwords: 8 to 128 characters, no composition rules (the refused ones: security-passwords)', () => {
  const signup = (password: string, confirm = password) => {
    const mobile = makeMobile();
    return run(
      signupAction,
      post('/signup', { realName: '测试用户', idNumber: makeIdNumber(), mobile, password, confirmPassword: confirm }),
      appContext(h.db),
    ).then(async (res) => ({ res, mobile }));
  };
  const count = async (mobile: string) =>
    (await h.db.select({ n: sql<number>`count(*)::int` }).from(users).where(eq(users.mobile, mobile)))[0].n;

  it('refuses 7 and 129 characters at sign-up, storing nothing', async () => {
    for (const [password, key] of [['a'.repeat(7), 'password.tooShort'], ['a'.repeat(129), 'password.tooLong']] as const) {
      const { res, mobile } = await signup(password);
      expect(res.status).toBe(400);
      expect((await errorsOf(res)).password).toEqual([key]);
      expect(await count(mobile)).toBe(0);
    }
  });

  it('accepts 8 and 128 characters of anything (all lower-case, spaces, emoji, Chinese) and signs in with them', async () => {
    const long = 'correct horse battery staple '.repeat(5).slice(0, 128);
    for (const password of ['kx9vqzmw', long, '我的密码是八个字', 'correct horse battery staple', '🔑🐉🌙🍵🔑🐉🌙🍵']) {
      // Both steps: the form, then the code sent to the mobile (decision 0024).
      const mobile = makeMobile();
      const { second } = await signupThroughPages(appContext(h.db), { realName: '测试用户', idNumber: makeIdNumber(), mobile, password, confirmPassword: password });
      expect(second!.status, password).toBe(302);
      const login = await run(loginAction, post('/login', { identifier: mobile, password }), appContext(h.db));
      expect(login.status, password).toBe(302);
    }
  });

  it('refuses an over-long password at sign-in before hashing it', async () => {
    const res = await run(loginAction, post('/login', { identifier: '13800000000', password: 'p'.repeat(10_000) }), appContext(h.db));
    expect(res.status).toBe(400);
    expect((await errorsOf(res)).password).toEqual(['password.tooLong']);
  });
});
