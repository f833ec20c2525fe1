import { dictionary } from '@zxcvbn-ts/language-common';
import { eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { users } from '../../db/schema/index.js';
import { action as signupAction } from '../../app/routes/signup.js';
import { action as loginAction } from '../../app/routes/login.js';
import { DEMO_PASSWORD } from '../../db/seed-data.js';
import { isCommonPassword, passwordProblem } from '../../services/auth/password-policy.js';
import { appContext, makeIdNumber, makeMobile } from '../support/factories.js';
import { post, run } from '../support/requests.js';
import { signupThroughPages } from '../support/codes.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const LIST = dictionary['passwords-common'].map(String);
const someone = () => ({ idNumber: makeIdNumber(), mobile: makeMobile() });
/** Uniformly random bytes (no bias towards small values), as a password manager would make. */
const randomPassword = fc.noBias(fc.uint8Array({ minLength: 16, maxLength: 90 })).map((b) => Buffer.from(b).toString('base64url'));

const signup = (password: string, who = someone()) =>
  run(signupAction, post('/signup', { realName: '测试用户', ...who, password, confirmPassword: password }), appContext(h.db));
const passwordErrors = async (res: Response) => (JSON.parse(await res.text()).lastResult.error?.password ?? []) as string[];
const stored = async (mobile: string) => (await h.db.select({ n: sql<number>`count(*)::int` }).from(users).where(eq(users.mobile, mobile)))[0].n;

describe('the common-password list', () => {
  it('is a real list: tens of thousands of entries, the usual suspects among them', () => {
    expect(LIST.length).toBeGreaterThan(40_000);
    for (const p of ['password', '12345678', 'qwertyuiop', 'iloveyou', '1qaz2wsx', 'qq123456', 'a123456', 'password1']) expect(isCommonPassword(p), p).toBe(true);
  });

  it('refuses every entry, lower-case, upper-case and capitalised', () => {
    const missed = LIST.flatMap((p) => [p, p.toUpperCase(), p[0].toUpperCase() + p.slice(1)]).filter((p) => passwordProblem(p, someone()) === null);
    expect(missed).toEqual([]);
  });

  it('refuses any entry in any mix of upper and lower case (fast-check)', () => {
    fc.assert(
      fc.property(fc.mixedCase(fc.constantFrom(...LIST)), (p) => passwordProblem(p, someone()) !== null),
      { numRuns: 2000 },
    );
  });

  it('accepts a long random password (fast-check), and the demo password', () => {
    fc.assert(
      fc.property(randomPassword, (p) => passwordProblem(p, someone()) === null),
      { numRuns: 2000 },
    );
    expect(passwordProblem(DEMO_PASSWORD, someone())).toBeNull();
  });
});

describe('sign-up refuses weak passwords beside the field, storing nothing', () => {
  it.each([
    ['12345678', 'password.uniform'],
    ['password', 'password.common'],
    ['PassWord', 'password.common'],
    ['iloveyou1', 'password.common'],
    ['        ', 'password.blank'],
    ['\t \u3000 \n   ', 'password.blank'],
    ['abababab', 'password.uniform'],
    ['hgfedcba', 'password.uniform'],
  ])('%j → %s', async (password, key) => {
    const who = someone();
    const res = await signup(password, who);
    expect(res.status).toBe(400);
    expect(await passwordErrors(res)).toEqual([key]);
    expect(await stored(who.mobile)).toBe(0);
  });

  it('refuses the person’s own ID number or mobile number as the password', async () => {
    const who = someone();
    for (const password of [who.idNumber, who.idNumber.toLowerCase(), who.mobile, `+86 ${who.mobile}`]) {
      const res = await signup(password, who);
      expect(res.status, password).toBe(400);
      expect(await passwordErrors(res)).toEqual(['password.personal']);
    }
    expect(await stored(who.mobile)).toBe(0);
  });

  it('refuses any list entry of 8 or more characters, in any case, through the route (fast-check)', async () => {
    const long = LIST.filter((p) => p.length >= 8 && p.length <= 128);
    await fc.assert(
      fc.asyncProperty(fc.mixedCase(fc.constantFrom(...long)), async (password) => {
        const who = someone();
        const res = await signup(password, who);
        const errors = await passwordErrors(res);
        return res.status === 400 && errors.length === 1 && ['password.common', 'password.uniform'].includes(errors[0]) && (await stored(who.mobile)) === 0;
      }),
      { numRuns: 25 },
    );
  });

  it('accepts a long random password through the route, and signs in with it', async () => {
    const [password] = fc.sample(randomPassword, 1);
    const who = someone();
    // Both steps: the form, then the code sent to the mobile (decision 0024).
    const { second } = await signupThroughPages(appContext(h.db), { realName: '测试用户', ...who, password, confirmPassword: password });
    expect(second!.status).toBe(302);
    expect((await run(loginAction, post('/login', { identifier: who.mobile, password }), appContext(h.db))).status).toBe(302);
  });
});
