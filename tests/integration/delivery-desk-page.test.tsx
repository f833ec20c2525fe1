import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { EXAMPLE_ADDRESS } from '../../services/catalog/examples.js';
import { claimNext } from '../../services/queue/claim.js';
import { http, HttpResponse } from 'msw';
import { acceptApplication, completeApplication } from '../../services/review/decisions.js';
import { retryShipment } from '../../services/shipments/desk.js';
import { createDueShipments, pollShipments } from '../../services/shipments/shipments.js';
import { courierRoutes } from '../mocks/courier.js';
import { mockServer } from '../mocks/node.js';
import { getReview } from '../../services/review/review-page.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { createTestDb } from '../setup/test-db.js';
import { missingKeys, renderPage } from '../support/render-page.js';
import { createSubmittedApplication } from '../support/applications.js';
import { actorOf, createStaff, fixedClock, testConfig, testContext } from '../support/factories.js';
import { visibleText } from '../support/render-route.js';

/**
 * The review page as the clerk holding an application by post sees it: the address whole, the
 * completion asking for no waybill (the courier is booked afterwards, decision 0035); after a
 * refusal by the courier, the retry and the manual waybill; once booked, the waybill and tracking.
 */
vi.mock('@remix-run/react', async () => (await import('../support/render-page.js')).remixReactStub());

let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const config = testConfig();
const text = visibleText;

describe('review page of an application by post', () => {
  it('names the address in full among the answers; the completion asks no waybill and says the courier is booked, in both languages', async () => {
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
    expect(zh).toContain('办结后系统自动向快递公司下单');
    // Shown as one line, not as seven answer rows.
    expect(zh).not.toContain('收件人手机号码');

    const enHtml = await renderPage(route.default, { page, locale: 'en', done: null, title: '' }, 'en');
    expect(text(enHtml)).toContain('Post to: 东华门街道南池子大街 10 号院 3 号楼 201 室, Dongcheng');
    expect(text(enHtml)).toContain('the courier is booked automatically');
    expect(enHtml).not.toMatch(/name="carrier"/);
    expect(enHtml).not.toMatch(/name="waybill"/);
    expect(enHtml).toMatch(/<input[^>]*value="mail"[^>]*checked=""|<input[^>]*checked=""[^>]*value="mail"/);
    expect(missingKeys.splice(0)).toEqual([]);
  });

  it('after the courier refused: the clerk sees why, with a retry and a manual waybill form; once booked, the waybill and the events in China time', async () => {
    const clock = fixedClock();
    const answers = { hukouRegion: '110101', reason: 'applying', delivery: 'mail', ...EXAMPLE_ADDRESS };
    const { number } = await createSubmittedApplication(h.db, { clock, config, answers });
    const ctx = testContext(h.db, actorOf(await createStaff(h.db, { skills: ['hukou'] })), clock, config);
    const claim = (await claimNext(ctx))!;
    for (const m of (await getReview(ctx, number)).checklist) await recordVerdict(ctx, number, { leaseVersion: claim.leaseVersion, materialCode: m.code, verdict: 'ok' });
    await acceptApplication(ctx, number, { leaseVersion: claim.leaseVersion });
    await completeApplication(ctx, number, { leaseVersion: claim.leaseVersion, documentNumber: 'L-1', delivery: 'mail' });
    mockServer.use(http.post(courierRoutes.create.url, () => HttpResponse.json({ error: 'address_not_served' }, { status: 422 })));
    expect(await createDueShipments({ db: h.db, clock, config })).toMatchObject({ refused: 1 });
    const route = await import('../../app/routes/desk.applications.$number.js');
    const refused = await getReview(ctx, number);
    expect(refused.can.manageShipment).toBe(true);
    const zhHtml = await renderPage(route.default, { page: refused, locale: 'zh-CN', done: null, title: '' }, 'zh-CN');
    expect(text(zhHtml)).toContain('快递公司未能接单');
    expect(text(zhHtml)).toContain('重新下单');
    expect(zhHtml).toMatch(/<select[^>]*name="carrier"/);
    expect(zhHtml).toMatch(/<input[^>]*name="waybill"/);

    mockServer.resetHandlers();
    await retryShipment(ctx, number);
    expect(await createDueShipments({ db: h.db, clock, config })).toMatchObject({ created: 1 });
    // Twenty minutes on, the next look at the parcel is due and the simulated courier has delivered it.
    await pollShipments({ db: h.db, clock: { now: () => new Date(clock.now().getTime() + 20 * 60_000) }, config });
    const booked = await getReview(ctx, number);
    expect(booked.can.manageShipment).toBe(false);
    const enHtml = await renderPage(route.default, { page: booked, locale: 'en', done: null, title: '' }, 'en');
    expect(text(enHtml)).toContain(booked.shipment!.waybill!);
    expect(text(enHtml)).toContain('Delivered');
    expect(enHtml).not.toMatch(/name="waybill"/);
    expect(missingKeys.splice(0)).toEqual([]);
  });
});
