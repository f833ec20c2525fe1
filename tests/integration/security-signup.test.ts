import { eq, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { auditEvents, rateLimits, users } from '../../db/schema/index.js';
import { action as signupAction } from '../../app/routes/signup.js';
import { translateError } from '../../app/components/forms/translate-error.js';
import { getFixedT } from '../../app/i18next.server.js';
import { SIGNUP_PER_IDENTITY, SIGNUP_PER_IP } from '../../services/security/rate-limit.js';
import { appContext, createCitizen, fixedClock, makeIdNumber, makeMobile } from '../support/factories.js';
import { get, post, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const PASSWORD = 'a long enough passphrase';
type Body = { lastResult: { error?: Record<string, string[] | null> } };

const form = (overrides: Record<string, string> = {}) => ({
  realName: '王小明',
  idNumber: makeIdNumber(),
  mobile: makeMobile(),
  password: PASSWORD,
  confirmPassword: PASSWORD,
  ...overrides,
});

let ipSeq = 0;
/** A client address no other test uses, so the per-address counter starts at zero. */
const freshIp = () => `203.0.113.${++ipSeq}`;

const signup = (fields: Record<string, string>, opts: { ip?: string; clock?: ReturnType<typeof fixedClock>; lng?: string } = {}) =>
  run(signupAction, post('/signup', fields, { lng: opts.lng }), { ...appContext(h.db, opts.clock ?? fixedClock()), clientIp: opts.ip });

const countUsers = async (column: 'idNumber' | 'mobile', value: string) =>
  (await h.db.select({ n: sql<number>`count(*)::int` }).from(users).where(eq(users[column], value)))[0].n;

async function messageOf(res: Response, lng: string) {
  const body = (await res.json()) as Body;
  const t = await getFixedT(get(lng === 'en' ? '/signup?lng=en' : '/signup'), 'common');
  return (body.lastResult.error?.[''] ?? []).map((e) => translateError(t, e));
}

describe('sign-up does not say which identifier has an account', () => {
  it('answers an existing ID number and an existing mobile with the same status, the same body and the same message', async () => {
    const existing = await createCitizen(h.db, { realName: '王小明' });
    const byId = await signup(form({ idNumber: existing.idNumber! }));
    const byMobile = await signup(form({ mobile: existing.mobile! }));
    const both = await signup(form({ idNumber: existing.idNumber!, mobile: existing.mobile! }));
    expect([byId.status, byMobile.status, both.status]).toEqual([409, 409, 409]);
    const errors = await Promise.all([byId, byMobile, both].map(async (r) => ((await r.json()) as Body).lastResult.error));
    // Nothing beside the ID or the mobile field: one form-level key, the same every time.
    for (const e of errors) expect(e).toEqual({ '': ['errors:account.exists'] });
    expect(byId.headers.get('Set-Cookie')).toBeNull();
    expect(byMobile.headers.get('Set-Cookie')).toBeNull();
  });

  it('words the answer neutrally in both languages, pointing to sign-in and password help', async () => {
    const existing = await createCitizen(h.db, { realName: '王小明' });
    const zh = await messageOf(await signup(form({ idNumber: existing.idNumber! })), 'zh-CN');
    const zhMobile = await messageOf(await signup(form({ mobile: existing.mobile! })), 'zh-CN');
    expect(zh).toEqual(zhMobile);
    expect(zh[0]).toContain('登录');
    expect(zh[0]).toContain('忘记密码');
    const en = await messageOf(await signup(form({ mobile: existing.mobile! }), { lng: 'en' }), 'en');
    expect(en[0]).toMatch(/sign in/);
    expect(en[0]).toMatch(/forgotten your password/);
  });

  it('asks the population registry before any uniqueness answer: a wrong name for a registered ID is a mismatch, not "exists"', async () => {
    // 张三 is a person the simulated registry knows (tests/mocks/data.ts); here he also has an account.
    await createCitizen(h.db, { realName: '张三', idNumber: '110101199003071233' });
    const wrongName = await signup(form({ realName: '王小明', idNumber: '110101199003071233' }));
    expect(wrongName.status).toBe(400);
    expect(((await wrongName.json()) as Body).lastResult.error?.idNumber).toEqual(['identity.mismatch']);
    // Only someone who already knows the name that goes with the ID number gets the neutral answer.
    const rightName = await signup(form({ realName: '张三', idNumber: '110101199003071233' }));
    expect(rightName.status).toBe(409);
  });

  it('audits a refused sign-up without the ID number or mobile that was typed', async () => {
    const existing = await createCitizen(h.db, { realName: '王小明' });
    const ip = freshIp();
    expect((await signup(form({ mobile: existing.mobile! }), { ip })).status).toBe(409);
    const rows = await h.db.select().from(auditEvents).where(eq(auditEvents.action, 'auth.signup.refused'));
    const mine = rows.filter((r) => JSON.stringify(r.data).includes(ip));
    expect(mine).toHaveLength(1);
    expect(mine[0].data).toEqual({ reason: 'accountExists', ip });
    expect(JSON.stringify(mine[0])).not.toContain(existing.mobile!);
  });
});

describe('sign-up rate limits', () => {
  it(`allows ${SIGNUP_PER_IP.limit} sign-ups an hour from one address, then answers 429 in the visitor's language until the window ends`, async () => {
    const clock = fixedClock();
    const ip = freshIp();
    for (let i = 0; i < SIGNUP_PER_IP.limit; i++) {
      expect((await signup(form(), { ip, clock })).status).toBe(302);
    }
    const f = form();
    const limited = await signup(f, { ip, clock, lng: 'en' });
    expect(limited.status).toBe(429);
    expect(await messageOf(limited.clone(), 'en')).toEqual(['Too many sign-up attempts. Please wait 60 minutes and try again.']);
    expect(await messageOf(limited, 'zh-CN')).toEqual(['注册尝试过于频繁，请 60 分钟后再试。']);
    expect(await countUsers('mobile', f.mobile)).toBe(0);
    // Another address is not affected.
    expect((await signup(form(), { ip: freshIp(), clock })).status).toBe(302);

    clock.advance(SIGNUP_PER_IP.windowMs + 1000);
    expect((await signup(f, { ip, clock })).status).toBe(302);
  });

  it(`allows ${SIGNUP_PER_IDENTITY.limit} attempts an hour per ID number, whatever the address, and refuses before asking the registry`, async () => {
    const idNumber = makeIdNumber();
    // Attempts that fail for other reasons count too: a wrong name (the registry) is what a prober tries.
    for (let i = 0; i < SIGNUP_PER_IDENTITY.limit; i++) {
      const res = await signup(form({ idNumber, password: PASSWORD, confirmPassword: PASSWORD }), { ip: freshIp() });
      expect(res.status).toBe(i === 0 ? 302 : 409);
    }
    const limited = await signup(form({ idNumber }), { ip: freshIp() });
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as Body).lastResult.error?.['']).toEqual(['errors:auth.tooManySignups|{"minutes":60}']);
    expect(await countUsers('idNumber', idNumber)).toBe(1);
  });

  it(`allows ${SIGNUP_PER_IDENTITY.limit} attempts an hour per mobile number, whatever the address`, async () => {
    const mobile = makeMobile();
    for (let i = 0; i < SIGNUP_PER_IDENTITY.limit; i++) {
      expect((await signup(form({ mobile }), { ip: freshIp() })).status).toBe(i === 0 ? 302 : 409);
    }
    expect((await signup(form({ mobile }), { ip: freshIp() })).status).toBe(429);
    expect(await countUsers('mobile', mobile)).toBe(1);
  });

  it('keeps no typed ID number or mobile in the counters, and audits only the first refusal of a window', async () => {
    const ip = freshIp();
    const f = form();
    for (let i = 0; i < SIGNUP_PER_IDENTITY.limit + 3; i++) await signup(f, { ip });
    const keys = (await h.db.select({ key: rateLimits.key }).from(rateLimits).where(like(rateLimits.key, 'signup:%'))).map((r) => r.key);
    expect(keys).toContain(`signup:ip:${ip}`);
    expect(keys.join()).not.toContain(f.idNumber);
    expect(keys.join()).not.toContain(f.mobile);
    const audited = (await h.db.select().from(auditEvents).where(eq(auditEvents.action, 'auth.signup.rateLimited'))).filter(
      (r) => (r.data as { ip?: string }).ip === ip,
    );
    expect(audited).toHaveLength(1);
  });

  it('does not spend the budget on a refused password: choosing a better one is not an attempt', async () => {
    const f = form();
    for (let i = 0; i < SIGNUP_PER_IDENTITY.limit + 2; i++) {
      expect((await signup({ ...f, password: 'password123', confirmPassword: 'password123' })).status).toBe(400);
    }
    expect((await signup(f)).status).toBe(302);
  });
});
