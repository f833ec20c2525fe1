import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
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
