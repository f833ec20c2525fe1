import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { appContext, createStaff, fixedClock, sessionCookieFor, testConfig } from '../support/factories.js';
import { createSubmittedApplication } from '../support/applications.js';
import { get, post, run } from '../support/requests.js';
import { judgeFields } from '../support/judge-form.js';
import { createTestDb } from '../setup/test-db.js';
import { missingKeys, renderPage } from '../support/render-page.js';

/**
 * Server-renders the desk, review, notice and supplement pages with the data their loaders
 * return, in both languages: every string resolves (no raw keys), forms post without JS, and
 * the review forms carry the lease version. Remix's hooks are stood in for by the loader data.
 */
const missing = missingKeys;
vi.mock('@remix-run/react', async () => (await import('../support/render-page.js')).remixReactStub());

let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const config = testConfig();

const render = renderPage;

/** Keys i18next could not resolve while rendering (it would show them raw). */
const rawKeys = (_html: string) => missing.splice(0);

describe('desk pages render', () => {
  it('renders the desk, the review page (with a failed form), the notice and the supplement page in both languages', async () => {
    const deskRoute = await import('../../app/routes/desk._index.js');
    const reviewRoute = await import('../../app/routes/desk.applications.$number.js');
    const noticeRoute = await import('../../app/routes/applications.$number.notice.js');
    const supplementRoute = await import('../../app/routes/applications.$number.supplement.js');

    const clock = fixedClock();
    const sub = await createSubmittedApplication(h.db, { clock, config });
    const clerk = await createStaff(h.db);
    const context = appContext(h.db, clock, config);
    const cookie = await sessionCookieFor(h.db, clock, clerk.id);
    const citizenCookie = await sessionCookieFor(h.db, clock, sub.citizen.id);
    const number = sub.number;
    const params = { number };

    const deskData = await (await run(deskRoute.loader, get('/desk', { cookie }), context)).json();
    for (const lng of ['zh-CN', 'en'] as const) {
      const html = await render(deskRoute.default, deskData, lng);
      expect(rawKeys(html)).toEqual([]);
      expect(html).toContain(`href="/desk/applications/${number}"`);
      expect(html).toContain('name="intent" value="takeNext"');
      // Each running deadline with the working days left (filed Monday: check by the next Monday, due Tuesday).
      expect(html).toContain(lng === 'zh-CN' ? '还剩 5 个工作日' : '5 working days left');
      expect(html).toContain(lng === 'zh-CN' ? '还剩 1 个工作日' : '1 working day left');
    }

    await run(deskRoute.action, post('/desk', { intent: 'takeNext' }, { cookie }), context);
    const reviewData = await (await run(reviewRoute.loader, get(`/desk/applications/${number}`, { cookie }), context, params)).json();
    const lease = reviewData.page.queue.leaseVersion;
    const failed = await (
      await run(reviewRoute.action, post(`/desk/applications/${number}`, { intent: 'notice', leaseVersion: String(lease) }, { cookie }), context, params)
    ).json();
    for (const lng of ['zh-CN', 'en'] as const) {
      const html = await render(reviewRoute.default, reviewData, lng, failed);
      expect(rawKeys(html)).toEqual([]);
      expect(html).toContain(sub.citizen.idNumber!);
      expect(html.match(new RegExp(`name="leaseVersion" value="${lease}"`, 'g'))?.length).toBeGreaterThanOrEqual(6);
      expect(html).toContain('href="#item-photo"');
      expect(html).toMatch(/<fieldset[^>]*>\s*<legend>/);
    }

    const judged = await run(
      reviewRoute.action,
      post(`/desk/applications/${number}`, judgeFields(lease, [['hukouBook', 'ok'], ['idCollectionReceipt', 'missing'], ['photo', 'deficient', 'photoSpec']]), { cookie }),
      context,
      params,
    );
    expect(judged.status).toBe(302);
    expect((await run(reviewRoute.action, post(`/desk/applications/${number}`, { intent: 'notice', leaseVersion: String(lease) }, { cookie }), context, params)).status).toBe(302);

    const noticeData = await (await run(noticeRoute.loader, get(`/applications/${number}/notice`, { cookie: citizenCookie }), context, params)).json();
    const supplementData = await (await run(supplementRoute.loader, get(`/applications/${number}/supplement`, { cookie: citizenCookie }), context, params)).json();
    for (const lng of ['zh-CN', 'en'] as const) {
      const notice = await render(noticeRoute.default, noticeData, lng);
      expect(rawKeys(notice)).toEqual([]);
      expect(notice).toContain(noticeData.view.notice.number);
      expect(notice).toContain(noticeData.view.notice.clerkStaffNo);
      const supplement = await render(supplementRoute.default, supplementData, lng);
      expect(rawKeys(supplement)).toEqual([]);
      expect(supplement).toMatch(/enctype="multipart\/form-data"/i);
      expect(supplement.match(/type="file"/g)).toHaveLength(2);
      expect(supplement).toContain('name="material.photo"');
    }
  });
});
