import { generateTOTP } from '@epic-web/totp';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { auditEvents, sessions } from '../../db/schema/index.js';
import { action as loginAction } from '../../app/routes/login.js';
import { action as totpAction, loader as totpLoader } from '../../app/routes/login_.totp.js';
import { loader as deskLoader } from '../../app/routes/desk._index.js';
import { getActor } from '../../app/utils/session.server.js';
import { currentTotpCode, enrollTotp, totpCodeAt, totpStep } from '../../services/auth/totp.js';
import { MAX_CODE_ATTEMPTS } from '../../services/auth/two-factor.js';
import { appContext, createStaff, fixedClock, TEST_PASSWORD, testConfig } from '../support/factories.js';
import { get, post, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const SECRET = 'JBSWY3DPEHPK3PXP';
const cookieOf = (res: Response, name: string) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith(`${name}=`))!;

/** A clerk with a TOTP secret who has entered the right password: the pending cookie and a clock. */
async function passwordStep(opts: { role?: 'clerk' | 'manager'; managerScope?: 'office' | 'city' | 'province'; clock?: ReturnType<typeof fixedClock> } = {}) {
  const clock = opts.clock ?? fixedClock();
  const staff = await createStaff(h.db, { role: opts.role ?? 'clerk', managerScope: opts.managerScope });
  await enrollTotp(h.db, testConfig().dataKeys, staff.id, SECRET);
  const res = await run(loginAction, post('/login', { identifier: staff.staffNo!, password: TEST_PASSWORD }), appContext(h.db, clock));
  expect(res.status).toBe(302);
  return { staff, clock, pending: cookieOf(res, '__pending_login'), location: res.headers.get('Location')! };
}

describe('staff second factor', () => {
  it('computes the same codes as @epic-web/totp', async () => {
    const { otp } = await generateTOTP({ secret: SECRET, period: 30, digits: 6, algorithm: 'SHA-1' });
    const now = totpStep(new Date());
    // The library reads the wall clock, which may have just crossed a step boundary.
    expect([totpCodeAt(SECRET, now), totpCodeAt(SECRET, now - 1)]).toContain(otp);
    // RFC 6238 appendix B, SHA-1 test vector at T=59s (secret "12345678901234567890").
    expect(totpCodeAt('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 1)).toBe('287082');
  });

  it('a password alone gives no session: the desk still sends the clerk to sign in', async () => {
    const { pending, location, clock } = await passwordStep();
    expect(location).toBe('/login/totp');
    const desk = await run(deskLoader, get('/desk', { cookie: pending }), appContext(h.db, clock));
    expect(desk.status).toBe(302);
    expect(desk.headers.get('Location')).toMatch(/^\/login\?redirectTo=/);
    expect((await run(totpLoader, get('/login/totp', { cookie: pending }), appContext(h.db, clock))).status).toBe(200);
  });

  it('lands a clerk and an office manager on the desk and a city manager on the reports; an asked-for page wins', async () => {
    for (const [who, home] of [[{ role: 'clerk' }, '/desk'], [{ role: 'manager', managerScope: 'office' }, '/desk'], [{ role: 'manager', managerScope: 'city' }, '/reports']] as const) {
      const { pending, clock } = await passwordStep(who);
      const ok = await run(totpAction, post('/login/totp', { code: currentTotpCode(SECRET, clock) }, { cookie: pending }), appContext(h.db, clock));
      expect(ok.headers.get('Location'), JSON.stringify(who)).toBe(home);
    }
    const { staff, clock } = await passwordStep({ role: 'manager', managerScope: 'city' });
    const asked = await run(loginAction, post('/login', { identifier: staff.staffNo!, password: TEST_PASSWORD, redirectTo: '/desk?tab=mine' }), appContext(h.db, clock));
    expect(asked.headers.get('Location')).toBe('/login/totp?redirectTo=%2Fdesk%3Ftab%3Dmine');
  });

  it('refuses a wrong code (401, localized, audited) and accepts the right one, which opens the desk', async () => {
    const { staff, pending, clock } = await passwordStep();
    const right = currentTotpCode(SECRET, clock);
    const wrongCode = right === '000000' ? '111111' : '000000';
    const wrong = await run(totpAction, post('/login/totp', { code: wrongCode }, { cookie: pending }), appContext(h.db, clock));
    expect(wrong.status).toBe(401);
    const body = JSON.parse(await wrong.text());
    expect(body.lastResult.error['']).toEqual(['errors:auth.invalidCode']);
    expect(JSON.stringify(body)).not.toContain(wrongCode);
    expect(wrong.headers.get('Set-Cookie')).toBeNull();

    const ok = await run(totpAction, post('/login/totp', { code: `${right.slice(0, 3)} ${right.slice(3)}`, redirectTo: '/desk' }, { cookie: pending }), appContext(h.db, clock));
    expect(ok.status).toBe(302);
    expect(ok.headers.get('Location')).toBe('/desk');
    const session = cookieOf(ok, '__session');
    expect(cookieOf(ok, '__pending_login')).toBe('__pending_login=');
    expect(await getActor(get('/', { cookie: session }), appContext(h.db, clock))).toMatchObject({ kind: 'user', id: staff.id, role: 'clerk' });
    expect((await run(deskLoader, get('/desk', { cookie: session }), appContext(h.db, clock))).status).toBe(200);

    const audit = await h.db.select().from(auditEvents).where(eq(auditEvents.action, 'auth.login.succeeded'));
    expect(audit.some((a) => a.actorId === staff.id && (a.data as { factor?: string }).factor === 'totp')).toBe(true);
    const failed = await h.db.select().from(auditEvents).where(eq(auditEvents.action, 'auth.login.failed'));
    expect(failed.some((a) => (a.data as { userId?: string; factor?: string }).userId === staff.id && (a.data as { factor?: string }).factor === 'totp')).toBe(true);
  });

  it('the pending login is used up by the sign-in: posting it again does nothing', async () => {
    const { pending, clock } = await passwordStep();
    const ok = await run(totpAction, post('/login/totp', { code: currentTotpCode(SECRET, clock) }, { cookie: pending }), appContext(h.db, clock));
    expect(ok.status).toBe(302);
    clock.advance(30_000);
    const again = await run(totpAction, post('/login/totp', { code: currentTotpCode(SECRET, clock) }, { cookie: pending }), appContext(h.db, clock));
    expect(again.status).toBe(401);
    expect(JSON.parse(await again.text()).lastResult.error['']).toEqual(['errors:auth.secondFactorExpired']);
  });

  it('refuses a code replayed within the same step, even with a fresh password entry', async () => {
    const first = await passwordStep();
    const code = currentTotpCode(SECRET, first.clock);
    expect((await run(totpAction, post('/login/totp', { code }, { cookie: first.pending }), appContext(h.db, first.clock))).status).toBe(302);
    // Same account (same secret row), same 30-second step.
    const staff = first.staff;
    const again = await run(loginAction, post('/login', { identifier: staff.staffNo!, password: TEST_PASSWORD }), appContext(h.db, first.clock));
    const replay = await run(totpAction, post('/login/totp', { code }, { cookie: cookieOf(again, '__pending_login') }), appContext(h.db, first.clock));
    expect(replay.status).toBe(401);
    expect(JSON.parse(await replay.text()).lastResult.error['']).toEqual(['errors:auth.invalidCode']);
  });

  it(`ends the pending login after ${MAX_CODE_ATTEMPTS} wrong codes, and after five minutes`, async () => {
    const { pending, clock } = await passwordStep({ role: 'manager' });
    const right = currentTotpCode(SECRET, clock);
    const wrongCode = String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < MAX_CODE_ATTEMPTS; i++) {
      expect((await run(totpAction, post('/login/totp', { code: wrongCode }, { cookie: pending }), appContext(h.db, clock))).status).toBe(401);
    }
    const late = await run(totpAction, post('/login/totp', { code: right }, { cookie: pending }), appContext(h.db, clock));
    expect(JSON.parse(await late.text()).lastResult.error['']).toEqual(['errors:auth.secondFactorExpired']);
    const page = await run(totpLoader, get('/login/totp', { cookie: pending }), appContext(h.db, clock));
    expect(page.status).toBe(302);
    expect(page.headers.get('Location')).toBe('/login');

    const second = await passwordStep();
    second.clock.advance(5 * 60 * 1000 + 1);
    const expired = await run(totpAction, post('/login/totp', { code: currentTotpCode(SECRET, second.clock) }, { cookie: second.pending }), appContext(h.db, second.clock));
    expect(expired.status).toBe(401);
    expect(JSON.parse(await expired.text()).lastResult.error['']).toEqual(['errors:auth.secondFactorExpired']);
  });

  it('answers a code without a pending login, or a malformed code, with 4xx and no session', async () => {
    const noPending = await run(totpAction, post('/login/totp', { code: '123456' }), appContext(h.db));
    expect(noPending.status).toBe(401);
    const { pending, clock } = await passwordStep();
    for (const code of ['', '12345', '1234567', 'abcdef', '１２３４５６']) {
      const res = await run(totpAction, post('/login/totp', { code }, { cookie: pending }), appContext(h.db, clock));
      expect(res.status, code).toBe(400);
      expect(res.headers.get('Set-Cookie')).toBeNull();
    }
    expect((await run(totpLoader, get('/login/totp'), appContext(h.db))).headers.get('Location')).toBe('/login');
  });

  it('refuses staff without a provisioned secret (403), rather than letting a password enrol a device', async () => {
    const clerk = await createStaff(h.db);
    const res = await run(loginAction, post('/login', { identifier: clerk.staffNo!, password: TEST_PASSWORD }), appContext(h.db));
    expect(res.status).toBe(403);
    expect(JSON.parse(await res.text()).lastResult.error['']).toEqual(['errors:auth.secondFactorNotEnrolled']);
    expect(await h.db.select().from(sessions).where(eq(sessions.userId, clerk.id))).toHaveLength(0);
  });
});
