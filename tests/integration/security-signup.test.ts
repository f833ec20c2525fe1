import { and, eq, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { auditEvents, messages, rateLimits, users } from '../../db/schema/index.js';
import { action as signupAction } from '../../app/routes/signup.js';
import { loader as verifyLoader } from '../../app/routes/signup_.verify.js';
import * as passwordModule from '../../services/auth/password.js';
import { countRequests } from '../mocks/node.js';
import { registryRoutes } from '../mocks/population-registry.js';
import { codeNoticeOf, flowCookieOf, flowMessage, signupThroughPages, tokenOfCookie } from '../support/codes.js';
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

/** The notice an ended sign-up carries to the form, in words. */
async function noticeOf(res: Response, lng: string) {
  const notice = await codeNoticeOf(appContext(h.db), res, 'signup');
  const t = await getFixedT(get(lng === 'en' ? '/signup?lng=en' : '/signup'), 'common');
  return notice ? [translateError(t, `errors:${notice}`)] : [];
}

describe('sign-up does not say whether the mobile or the ID number has an account (decision 0024)', () => {
  /** The first step as the visitor sees it, and the work the server did for it. */
  async function firstStep(fields: Record<string, string>) {
    const registry = countRequests(registryRoutes.identityCheck.url);
    const hashes = vi.spyOn(passwordModule, 'hashPassword');
    try {
      const context = appContext(h.db);
      const res = await run(signupAction, post('/signup', fields), context);
      const cookie = flowCookieOf(res, 'signup');
      const page = cookie ? await run(verifyLoader, get('/signup/verify', { cookie }), context) : null;
      return {
        status: res.status,
        location: res.headers.get('Location'),
        cookieNames: res.headers.getSetCookie().map((c) => c.split('=')[0]),
        page: page ? await page.json() : null,
        registryCalls: registry.count(),
        hashCalls: hashes.mock.calls.length,
        token: cookie ? await tokenOfCookie(context, 'signup', cookie) : null,
      };
    } finally {
      registry.stop();
      hashes.mockRestore();
    }
  }

  it('answers a new mobile, a mobile that has an account and an ID number that has one alike: status, page, cookie, registry call and hash', async () => {
    const existing = await createCitizen(h.db, { realName: '王小明' });
    const mobile = makeMobile();
    // One after another: each counts its own registry calls and hashes.
    const answers = [
      await firstStep(form({ mobile })),
      await firstStep(form({ mobile: existing.mobile! })),
      await firstStep(form({ mobile: makeMobile(), idNumber: existing.idNumber! })),
    ];
    const seen = answers.map(({ token: _t, page, ...rest }) => ({ ...rest, page: { ...(page as object), mobileHint: undefined } }));
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).toEqual(seen[0]);
    expect(seen[0]).toMatchObject({ status: 302, location: '/signup/verify', cookieNames: ['__code_signup'], registryCalls: 1, hashCalls: 1 });
    // The page shows the mobile that was typed, masked: nothing the visitor did not already know.
    expect((answers[1].page as { mobileHint: string }).mobileHint).toBe(`${existing.mobile!.slice(0, 3)}****${existing.mobile!.slice(7)}`);
    // One SMS each: a code to the new mobiles, "you already have an account" to the holder.
    const sent = await Promise.all(answers.map((a) => flowMessage(h.db, a.token!)));
    expect(sent.map((m) => m?.template)).toEqual(['signupCode', 'signupAccountExists', 'signupCode']);
    expect(sent[1]).toMatchObject({ userId: existing.id, toMobile: null });
    expect(sent[0]).toMatchObject({ userId: null, toMobile: mobile });
  });

  it('a mobile that has an account: its holder is told by SMS, no code exists to enter, and nothing is created', async () => {
    const existing = await createCitizen(h.db, { realName: '王小明' });
    const f = form({ mobile: existing.mobile! });
    const { second, code } = await signupThroughPages(appContext(h.db), f);
    expect(code).toBeNull();
    expect(second!.status).toBe(400);
    expect(await countUsers('idNumber', f.idNumber)).toBe(0);
  });

  it('an ID number that has an account under another mobile: the proven mobile gets the neutral 409, the account holder an SMS', async () => {
    const existing = await createCitizen(h.db, { realName: '王小明' });
    const context = appContext(h.db);
    const { second } = await signupThroughPages(context, form({ idNumber: existing.idNumber! }));
    // The flow has ended: the answer goes with the person to the sign-up form (code-pages.test.ts renders it).
    expect(second!.status).toBe(302);
    expect(await codeNoticeOf(context, second!, 'signup')).toBe('account.exists');
    expect(second!.headers.getSetCookie().some((c) => c.startsWith('__session='))).toBe(false);
    const told = await h.db.select().from(messages).where(and(eq(messages.userId, existing.id), eq(messages.template, 'signupIdTaken')));
    expect(told).toHaveLength(1);
    expect(await countUsers('idNumber', existing.idNumber!)).toBe(1);
  });

  it('words the neutral answer in both languages, pointing to sign-in and the password reset', async () => {
    const existing = await createCitizen(h.db, { realName: '王小明' });
    const zh = await noticeOf((await signupThroughPages(appContext(h.db), form({ idNumber: existing.idNumber! }))).second!, 'zh-CN');
    expect(zh[0]).toContain('登录');
    expect(zh[0]).toContain('忘记密码');
    const en = await noticeOf((await signupThroughPages(appContext(h.db), form({ idNumber: existing.idNumber! }), { lng: 'en' })).second!, 'en');
    expect(en[0]).toMatch(/sign in/);
    expect(en[0]).toMatch(/Forgotten password/);
  });

  it('asks the population registry before anything else: a wrong name for a registered ID is a mismatch at the first step', async () => {
    // 张三 is a person the simulated registry knows (tests/mocks/data.ts); here he also has an account.
    await createCitizen(h.db, { realName: '张三', idNumber: '110101199003071233' });
    const wrongName = await signup(form({ realName: '王小明', idNumber: '110101199003071233' }));
    expect(wrongName.status).toBe(400);
    expect(((await wrongName.json()) as Body).lastResult.error?.idNumber).toEqual(['identity.mismatch']);
    const rightName = await signup(form({ realName: '张三', idNumber: '110101199003071233' }));
    expect(rightName.status).toBe(302);
  });

  it('audits a refused sign-up without the ID number or mobile that was typed', async () => {
    const existing = await createCitizen(h.db, { realName: '王小明' });
    const ip = freshIp();
    const { second } = await signupThroughPages({ ...appContext(h.db), clientIp: ip }, form({ idNumber: existing.idNumber! }));
    expect(second!.status).toBe(302);
    const rows = await h.db.select().from(auditEvents).where(eq(auditEvents.action, 'auth.signup.refused'));
    const mine = rows.filter((r) => JSON.stringify(r.data).includes(ip));
    expect(mine).toHaveLength(1);
    expect(mine[0].data).toEqual({ reason: 'accountExists', ip });
    expect(JSON.stringify(mine[0])).not.toContain(existing.idNumber!);
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
      expect(res.status).toBe(302);
    }
    const limited = await signup(form({ idNumber }), { ip: freshIp() });
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as Body).lastResult.error?.['']).toEqual(['errors:auth.tooManySignups|{"minutes":60}']);
    expect(await countUsers('idNumber', idNumber)).toBe(0);
  });

  it(`allows ${SIGNUP_PER_IDENTITY.limit} attempts an hour per mobile number, whatever the address`, async () => {
    const mobile = makeMobile();
    for (let i = 0; i < SIGNUP_PER_IDENTITY.limit; i++) {
      expect((await signup(form({ mobile }), { ip: freshIp() })).status).toBe(302);
    }
    expect((await signup(form({ mobile }), { ip: freshIp() })).status).toBe(429);
    expect(await countUsers('mobile', mobile)).toBe(0);
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
