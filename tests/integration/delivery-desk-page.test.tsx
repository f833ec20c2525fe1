import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { EXAMPLE_ADDRESS } from '../../services/catalog/examples.js';
import { claimNext } from '../../services/queue/claim.js';
import { acceptApplication } from '../../services/review/decisions.js';
import { getReview } from '../../services/review/review-page.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { createTestDb } from '../setup/test-db.js';
import { missingKeys, renderPage } from '../support/render-page.js';
import { createSubmittedApplication } from '../support/applications.js';
import { actorOf, createStaff, fixedClock, testConfig, testContext } from '../support/factories.js';
import { visibleText } from '../support/render-route.js';

/** The review page as the clerk holding an application by post sees it: the address whole, the completion asking for the waybill. */
vi.mock('@remix-run/react', async () => (await import('../support/render-page.js')).remixReactStub());

let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const config = testConfig();
const text = visibleText;

describe('review page of an application by post', () => {
  it('names the address in full among the answers and asks the completion for carrier and waybill, in both languages', async () => {
    const clock = fixedClock();
    const answers = { hukouRegion: '110101', reason: 'applying', delivery: 'mail', ...EXAMPLE_ADDRESS };
    const { number } = await createSubmittedApplication(h.db, { clock, config, answers });
    const ctx = testContext(h.db, actorOf(await createStaff(h.db, { skills: ['hukou'] })), clock, config);
    const claim = (await claimNext(ctx))!;
    for (const m of (await getReview(ctx, number)).checklist) await recordVerdict(ctx, number, { leaseVersion: claim.leaseVersion, materialCode: m.code, verdict: 'ok' });
    await acceptApplication(ctx, number, { leaseVersion: claim.leaseVersion });
    const page = await getReview(ctx, number);
    const route = await import('../../app/routes/desk.applications.$number.js');

    const zh = text(await renderPage(route.default, { page, locale: 'zh-CN', done: null, title: '' }, 'zh-CN'));
    expect(zh).toContain('邮寄地址 北京市东城区东华门街道南池子大街 10 号院 3 号楼 201 室，收件人张三，13800138000，邮编100006');
    expect(zh).toContain('申请人选择：邮寄。');
    expect(zh).toContain('中国邮政速递物流（EMS）');
    expect(zh).toContain('运单号');
    // Shown as one line, not as seven answer rows.
    expect(zh).not.toContain('收件人手机号码');

    const enHtml = await renderPage(route.default, { page, locale: 'en', done: null, title: '' }, 'en');
    expect(text(enHtml)).toContain('Post to: 东华门街道南池子大街 10 号院 3 号楼 201 室, Dongcheng');
    expect(enHtml).toMatch(/<select[^>]*name="carrier"/);
    expect(enHtml).toMatch(/<input[^>]*name="waybill"/);
    expect(enHtml).toMatch(/<input[^>]*value="mail"[^>]*checked=""|<input[^>]*checked=""[^>]*value="mail"/);
    expect(missingKeys.splice(0)).toEqual([]);
  });
});
