import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import * as signup from '../../app/routes/signup.js';
import * as signupVerify from '../../app/routes/signup_.verify.js';
import * as forgot from '../../app/routes/forgot-password.js';
import * as forgotReset from '../../app/routes/forgot-password_.reset.js';
import * as track from '../../app/routes/track.js';
import * as trackCode from '../../app/routes/track_.code.js';
import * as trackView from '../../app/routes/track_.view.js';
import { createTestDb } from '../setup/test-db.js';
import { createSubmittedApplication } from '../support/applications.js';
import { flowCookieOf, sentCode, signupThroughPages, tokenOfCookie } from '../support/codes.js';
import { appContext, createCitizen, fixedClock, makeIdNumber, makeMobile, testConfig } from '../support/factories.js';
import { anyHostile, isLocalizedKey, refusalMessages } from '../support/hostile.js';
import { renderRoute, visibleText } from '../support/render-route.js';
import { get, post, run } from '../support/requests.js';

/**
 * The one-time-code pages as a browser without JavaScript uses them (decision 0024): each flow's
 * neutral first answer, the code step, what the right code opens, and hostile values in every field.
 */
let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const clock = fixedClock();
const config = testConfig();
let ipSeq = 0;
// A fresh address per request: the per-address limits are tested in one-time-codes.test.ts.
const ctx = () => ({ ...appContext(h.db, clock, config), clientIp: `192.0.2.${(++ipSeq % 250) + 1}` });
type Fn = Parameters<typeof run>[0];

/** The parts of a first step's answer a visitor can see. */
const visible = (res: Response) => ({ status: res.status, location: res.headers.get('Location'), cookies: res.headers.getSetCookie().map((c) => c.split('=')[0]) });

async function expectLocalized(res: Response) {
  const messages = refusalMessages(await res.clone().json());
  expect(messages).not.toEqual([]);
  for (const m of messages) expect(isLocalizedKey(m), m).toBe(true);
}

describe('following an application without signing in', () => {
  it('answers a real number and a made-up one alike, then opens only the real one with its code, in both languages', async () => {
    const citizen = await createCitizen(h.db, { realName: '李小红' });
    const app = await createSubmittedApplication(h.db, { citizen, clock, config });
    const real = await run(track.action as Fn, post('/track', { number: app.number }), ctx());
    const fake = await run(track.action as Fn, post('/track', { number: 'GA20991231999999' }), ctx());
    expect(visible(real)).toEqual(visible(fake));
    expect(visible(real)).toEqual({ status: 302, location: '/track/code', cookies: ['__code_track'] });

    const cookie = flowCookieOf(real, 'track')!;
    expect((await run(trackCode.loader as Fn, get('/track/code', { cookie }), ctx())).status).toBe(200);
    // Before the code: nothing to see.
    expect((await run(trackView.loader as Fn, get('/track/view', { cookie }), ctx())).headers.get('Location')).toBe('/track');

    const wrong = await run(trackCode.action as Fn, post('/track/code', { code: '12 34 56' }, { cookie }), ctx());
    const code = (await sentCode(h.db, config.dataKeys, (await tokenOfCookie(ctx(), 'track', cookie))!))!;
    if (code !== '123456') {
      expect(wrong.status).toBe(400);
      await expectLocalized(wrong);
    }
    const right = await run(trackCode.action as Fn, post('/track/code', { code }, { cookie }), ctx());
    expect(right.headers.get('Location')).toBe('/track/view');

    for (const lng of ['zh-CN', 'en']) {
      const page = await run(trackView.loader as Fn, get('/track/view', { cookie, lng }), ctx());
      expect(page.status).toBe(200);
      expect(page.headers.get('Cache-Control')).toBe('no-store');
      const html = await renderRoute(trackView.default, '/track/view', page, undefined, lng);
      const text = visibleText(html);
      expect(text).toContain(app.number);
      expect(text).toContain('李**');
      expect(text).not.toContain('李小红');
      expect(text).not.toContain(citizen.idNumber!);
      expect(text).toContain(lng === 'en' ? 'Progress of application' : '办理进度');
    }
  });
});

describe('forgotten password', () => {
  it('answers a known and an unknown identifier alike; the code and a new password reset it and show how to sign in', async () => {
    const citizen = await createCitizen(h.db);
    const known = await run(forgot.action as Fn, post('/forgot-password', { identifier: citizen.mobile! }), ctx());
    const unknown = await run(forgot.action as Fn, post('/forgot-password', { identifier: makeMobile() }), ctx());
    expect(visible(known)).toEqual(visible(unknown));
    expect(visible(known)).toEqual({ status: 302, location: '/forgot-password/reset', cookies: ['__code_reset'] });

    const cookie = flowCookieOf(known, 'reset')!;
    const page = await run(forgotReset.loader as Fn, get('/forgot-password/reset', { cookie, lng: 'en' }), ctx());
    const again = page.clone();
    expect(visibleText(await renderRoute(forgotReset.default, '/forgot-password/reset', page, undefined, 'en'))).toContain('If there is such an account');

    const code = (await sentCode(h.db, config.dataKeys, (await tokenOfCookie(ctx(), 'reset', cookie))!))!;
    const done = await run(forgotReset.action as Fn, post('/forgot-password/reset', { code, password: 'a brand new passphrase', confirmPassword: 'a brand new passphrase' }, { cookie }), ctx());
    expect(done.status).toBe(200);
    expect(done.headers.get('Set-Cookie')).toMatch(/^__code_reset=;/);
    const html = await renderRoute(forgotReset.default, '/forgot-password/reset', again, done, 'zh-CN');
    expect(visibleText(html)).toContain('密码已重置');
  });
});

describe('the sign-up code page', () => {
  it('shows the masked mobile typed, in both languages, and sends back to the form without a pending sign-up', async () => {
    const mobile = makeMobile();
    const { cookie } = await signupThroughPages(ctx(), { realName: '王小明', idNumber: makeIdNumber(), mobile, password: 'a long enough password', confirmPassword: 'a long enough password' }, { code: '000000' });
    for (const lng of ['zh-CN', 'en']) {
      const page = await run(signupVerify.loader as Fn, get('/signup/verify', { cookie: cookie!, lng }), ctx());
      const text = visibleText(await renderRoute(signupVerify.default, '/signup/verify', page, undefined, lng));
      expect(text).toContain(`${mobile.slice(0, 3)}****${mobile.slice(7)}`);
      expect(text).not.toContain(mobile);
    }
    expect((await run(signupVerify.loader as Fn, get('/signup/verify'), ctx())).headers.get('Location')).toBe('/signup');
  });
});

/** The cookie a response set under `name`, ready for a Cookie header. */
const cookieNamed = (res: Response, name: string) => res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith(`${name}=`) && !c.endsWith('='));

/** The landing page after a flow ended, as the browser follows the redirect, rendered in `lng`. */
async function landing(route: { loader: unknown; default: Parameters<typeof renderRoute>[0] }, path: string, ended: Response, notice: string, lng: string) {
  const cookie = cookieNamed(ended, notice);
  expect(cookie, notice).toBeTruthy();
  const page = await run(route.loader as Fn, get(path, { cookie, lng }), ctx());
  expect(page.status).toBe(200);
  // Shown once: the page clears it.
  expect(page.headers.getSetCookie().some((c) => c.startsWith(`${notice}=;`))).toBe(true);
  return renderRoute(route.default, path, page, undefined, lng);
}

describe('when a code flow ends, the page where the person lands says why and what to do next', () => {
  it('the right code for an ID number that already has an account: the sign-up form says so, with sign-in and password reset', async () => {
    const citizen = await createCitizen(h.db, { realName: '王小明' });
    const fields = { realName: '王小明', idNumber: citizen.idNumber!, mobile: makeMobile(), password: 'a long enough password', confirmPassword: 'a long enough password' };
    const { second, code } = await signupThroughPages(ctx(), fields);
    expect(code).toMatch(/^\d{6}$/);
    expect(second!.status).toBe(302);
    expect(second!.headers.get('Location')).toBe('/signup');
    expect(second!.headers.getSetCookie().some((c) => c.startsWith('__code_signup=;'))).toBe(true);
    for (const [lng, says] of [['en', 'A new account cannot be created'], ['zh-CN', '无法用所填身份证号和手机号注册新账号']]) {
      const html = await landing(signup, '/signup', second!, '__code_notice_signup', lng);
      expect(visibleText(html)).toContain(says);
      expect(html).toContain('role="alert"');
      expect(html).toContain('href="/login"');
      expect(html).toContain('href="/forgot-password"');
    }
  });

  it('the fifth wrong sign-up code: the form says the code no longer works and how to get a new one', async () => {
    const { second, cookie, code } = await signupThroughPages(ctx(), { realName: '王小明', idNumber: makeIdNumber(), mobile: makeMobile(), password: 'a long enough password', confirmPassword: 'a long enough password' }, { code: '000000' });
    const wrong = code === '000001' ? '000002' : '000001';
    let last = second!;
    for (let i = 1; i < 5; i++) last = await run(signupVerify.action as Fn, post('/signup/verify', { code: wrong }, { cookie: cookie! }), ctx());
    expect(last.status).toBe(302);
    expect(last.headers.get('Location')).toBe('/signup');
    const html = await landing(signup, '/signup', last, '__code_notice_signup', 'en');
    expect(visibleText(html)).toContain('This code no longer works');
    expect(visibleText(html)).toContain('receive a new code');
  });

  it('the fifth wrong reset code: the first step says the code no longer works, in both languages', async () => {
    const citizen = await createCitizen(h.db);
    const first = await run(forgot.action as Fn, post('/forgot-password', { identifier: citizen.mobile! }), ctx());
    const cookie = flowCookieOf(first, 'reset')!;
    const code = (await sentCode(h.db, config.dataKeys, (await tokenOfCookie(ctx(), 'reset', cookie))!))!;
    const wrong = code === '000001' ? '000002' : '000001';
    const fields = { code: wrong, password: 'a brand new passphrase', confirmPassword: 'a brand new passphrase' };
    let last: Response | null = null;
    for (let i = 0; i < 5; i++) last = await run(forgotReset.action as Fn, post('/forgot-password/reset', fields, { cookie }), ctx());
    expect(last!.status).toBe(302);
    expect(last!.headers.get('Location')).toBe('/forgot-password');
    for (const [lng, says] of [['en', 'This code no longer works'], ['zh-CN', '验证码已失效']]) {
      const html = await landing(forgot, '/forgot-password', last!, '__code_notice_reset', lng);
      expect(visibleText(html)).toContain(says);
      expect(html).toContain('role="alert"');
    }
  });
});

describe('hostile values on the code pages, with a live flow', () => {
  it('never a 500; every refusal is localized', async () => {
    const citizen = await createCitizen(h.db);
    const app = await createSubmittedApplication(h.db, { citizen, clock, config });
    const flows = {
      signup: (await signupThroughPages(ctx(), { realName: '王小明', idNumber: makeIdNumber(), mobile: makeMobile(), password: 'a long enough password', confirmPassword: 'a long enough password' }, { code: '999999' })).cookie!,
      reset: flowCookieOf(await run(forgot.action as Fn, post('/forgot-password', { identifier: citizen.mobile! }), ctx()), 'reset')!,
      track: flowCookieOf(await run(track.action as Fn, post('/track', { number: app.number }), ctx()), 'track')!,
    };
    const pages = [
      { action: signupVerify.action, path: '/signup/verify', cookie: flows.signup, fields: (v: string) => ({ code: v }) },
      { action: forgotReset.action, path: '/forgot-password/reset', cookie: flows.reset, fields: (v: string) => ({ code: v, password: v, confirmPassword: v }) },
      { action: forgotReset.action, path: '/forgot-password/reset', cookie: flows.reset, fields: (v: string) => ({ code: '123456', password: v, confirmPassword: v }) },
      { action: trackCode.action, path: '/track/code', cookie: flows.track, fields: (v: string) => ({ code: v }) },
      { action: forgot.action, path: '/forgot-password', cookie: '', fields: (v: string) => ({ identifier: v }) },
      { action: track.action, path: '/track', cookie: '', fields: (v: string) => ({ number: v }) },
    ];
    await fc.assert(
      fc.asyncProperty(anyHostile, fc.constantFrom(...pages), async (v, p) => {
        const res = await run(p.action as Fn, post(p.path, p.fields(v), { cookie: p.cookie || undefined }), ctx());
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) await expectLocalized(res);
      }),
      { numRuns: 60 },
    );
  });
});
