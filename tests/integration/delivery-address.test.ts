import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications, auditEvents, decisionDocuments, decisions, shipments } from '../../db/schema/index.js';
import ApplyPage, { action as applyAction, loader as applyLoader } from '../../app/routes/services.$code.apply.js';
import Receipt, { loader as receiptLoader } from '../../app/routes/applications.$number._index.js';
import { getMyApplication } from '../../services/applications/read.js';
import { EXAMPLE_ADDRESS, EXAMPLE_ANSWERS } from '../../services/catalog/examples.js';
import { claimNext } from '../../services/queue/claim.js';
import { acceptApplication, completeApplication } from '../../services/review/decisions.js';
import { getReview } from '../../services/review/review-page.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { ADDRESS_FIELD_NAMES } from '../../services/validation/address.js';
import { createApplicant, createSubmittedApplication } from '../support/applications.js';
import { actorOf, appContext, createStaff, fixedClock, sessionCookieFor, testConfig, testContext } from '../support/factories.js';
import { files, get, post, run } from '../support/requests.js';
import { renderRoute as render, visibleText } from '../support/render-route.js';
import { createTestDb } from '../setup/test-db.js';
import { mockServer } from '../mocks/node.js';
import { vehicleOwnedBy } from '../mocks/vehicle-records.js';
import { simulatedWaybill } from '../mocks/courier.js';
import { createDueShipments } from '../../services/shipments/shipments.js';

/**
 * Tracker issue 15: choosing the post collects an address, the clerk sees it, the completion by
 * post records the carrier and waybill, and 'electronic' is recorded where the item offers it.
 */
let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const config = testConfig();
const APPLY = '/services/temporary-id-card/apply';
const PICKUP = { hukouRegion: '110101', reason: 'applying', delivery: 'pickup' };
const POSTED = { ...PICKUP, delivery: 'mail', ...EXAMPLE_ADDRESS };
const MATERIALS = { 'material.hukouBook': files.pdf(), 'material.idCollectionReceipt': files.pdf(), 'material.photo': files.png() };

const text = visibleText;

/** Posts the apply form as a browser without JS does (every field present, the address parts empty unless given). */
async function apply(fields: Record<string, string>) {
  const clock = fixedClock();
  const ctx = () => appContext(h.db, clock, config);
  const citizen = await createApplicant(h.db);
  const cookie = await sessionCookieFor(h.db, clock, citizen.id);
  const params = { code: 'temporary-id-card' };
  const loaderRes = await run(applyLoader, get(APPLY, { cookie }), ctx(), params);
  const { view } = (await loaderRes.clone().json()) as { view: { applicationId: string } };
  const blank = Object.fromEntries(ADDRESS_FIELD_NAMES.map((n) => [n, '']));
  const res = await run(applyAction, post(APPLY, { applicationId: view.applicationId, intent: 'submit', ...blank, ...fields, ...MATERIALS }, { cookie }), ctx(), params);
  return { res, loaderRes, cookie, clock, ctx, citizen };
}

async function fieldErrorsOf(res: Response): Promise<Record<string, string[]>> {
  const body = (await res.clone().json()) as { lastResult?: { error?: Record<string, string[]> } };
  return body.lastResult?.error ?? {};
}

describe('the apply form', () => {
  it('without JS shows the address in its own fieldset marked "only if by post", and a pickup asks for none of it', async () => {
    const { res, loaderRes } = await apply(PICKUP);
    const html = await render(ApplyPage, APPLY, loaderRes);
    expect(html).toMatch(/<fieldset class="field-group"[^>]*>\s*<legend>邮寄地址<\/legend>/);
    expect(text(html)).toContain('仅选择邮寄送达时填写');
    for (const n of ADDRESS_FIELD_NAMES) expect(html).toContain(`name="${n}"`);
    // Provinces, cities and districts are chosen from the served regions, by name.
    expect(html).toMatch(/<option value="110000">北京市<\/option>/);
    expect(html).toMatch(/<option value="310101">上海市黄浦区<\/option>/);
    expect(res.status).toBe(302);
    const number = res.headers.get('Location')!.split('/').pop()!;
    const [row] = await h.db.select().from(applications).where(eq(applications.number, number));
    for (const n of ADDRESS_FIELD_NAMES) expect(row.answers).not.toHaveProperty(n);
  });

  it('by post with no address: one localized answer naming every missing part, beside each field', async () => {
    const { res, loaderRes } = await apply({ ...PICKUP, delivery: 'mail' });
    expect(res.status).toBe(400);
    expect(await fieldErrorsOf(res)).toMatchObject({
      addressRecipient: ['required'],
      addressMobile: ['required'],
      addressProvince: ['required'],
      addressCity: ['required'],
      addressDistrict: ['required'],
      addressStreet: ['required'],
    });
    const html = await render(ApplyPage, APPLY, loaderRes, res, 'en');
    expect(html).toContain('class="error-summary"');
    expect(text(html)).toContain('Recipient');
    expect(html).toMatch(/name="addressStreet"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*name="addressStreet"/);
  });

  it('by post with a bad mobile and postcode: field errors for those two', async () => {
    const { res } = await apply({ ...POSTED, addressMobile: '12345', addressPostcode: '1000' });
    expect(res.status).toBe(400);
    const errors = await fieldErrorsOf(res);
    expect(errors.addressMobile).toEqual(['mobile.format']);
    expect(errors.addressPostcode).toEqual(['postcode.format']);
    expect(errors.addressStreet).toBeUndefined();
  });

  it('by post with a whole address: stored with the answers, and the receipt says where it will be posted, masked', async () => {
    const { res, cookie, ctx } = await apply(POSTED);
    expect(res.status).toBe(302);
    const number = res.headers.get('Location')!.split('/').pop()!;
    const [row] = await h.db.select().from(applications).where(eq(applications.number, number));
    expect(row.answers).toMatchObject({ delivery: 'mail', addressRecipient: '张三', addressMobile: '13800138000', addressDistrict: '110101' });
    for (const lng of ['zh-CN', 'en'] as const) {
      const html = await render(Receipt, `/applications/${number}`, await run(receiptLoader, get(`/applications/${number}`, { cookie, lng }), ctx(), { number }), undefined, lng);
      const t = text(html);
      expect(t).toContain(lng === 'zh-CN' ? '办理结果将邮寄至：北京市东城区东华门街****（收件人张*，138****8000）' : 'will be posted to 东华门街****, Dongcheng');
      expect(t).not.toContain(lng === 'zh-CN' ? '领取办理结果' : 'to collect the result');
      expect(t).not.toContain('南池子大街');
      expect(t).not.toContain('13800138000');
    }
  });
});

async function claimedBy(serviceCode: string, answers: Record<string, string>, skills: ('hukou' | 'traffic' | 'exit_entry')[]) {
  const clock = fixedClock();
  const citizen = await createApplicant(h.db);
  // A vehicle item is filed by the registered owner (the records say who that is).
  if (typeof answers.plate === 'string') mockServer.use(vehicleOwnedBy(answers.plate, citizen));
  const sub = await createSubmittedApplication(h.db, { clock, config, serviceCode, answers, citizen });
  const clerk = await createStaff(h.db, { skills });
  const ctx = testContext(h.db, actorOf(clerk), clock, config);
  const claim = await claimNext(ctx);
  expect(claim?.number).toBe(sub.number);
  const page = await getReview(ctx, sub.number);
  for (const m of page.checklist) await recordVerdict(ctx, sub.number, { leaseVersion: claim!.leaseVersion, materialCode: m.code, verdict: 'ok' });
  await acceptApplication(ctx, sub.number, { leaseVersion: claim!.leaseVersion });
  return { ...sub, citizenCtx: sub.ctx, ctx, clerk, lease: claim!.leaseVersion };
}

async function documentOf(applicationId: string) {
  const [doc] = await h.db
    .select()
    .from(decisionDocuments)
    .where(and(eq(decisionDocuments.applicationId, applicationId), eq(decisionDocuments.kind, 'completion')));
  return doc;
}

describe('the desk', () => {
  it('shows the clerk in scope the whole address, recording the view of it', async () => {
    const a = await claimedBy('temporary-id-card', POSTED, ['hukou']);
    const page = await getReview(a.ctx, a.number);
    expect(page.resultDelivery).toEqual({
      chosen: 'mail',
      options: ['pickup', 'mail'],
      address: { recipient: '张三', mobile: '13800138000', province: '110000', city: '110100', district: '110101', street: EXAMPLE_ADDRESS.addressStreet, postcode: '100006' },
    });
    const views = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.applicationId, a.applicationId), eq(auditEvents.action, 'pii.viewed')));
    expect(views.at(-1)?.data).toMatchObject({ fields: expect.arrayContaining(['postalAddress']) });
    const other = await createStaff(h.db, { officeCode: 'bj-chaoyang', skills: ['hukou'] });
    await expect(getReview(testContext(h.db, actorOf(other), fixedClock(), config), a.number)).rejects.toMatchObject({ status: 404 });
  });

  it('completes by post without a waybill typed (a carrier or waybill posted is dropped): the courier is booked afterwards, as the document says', async () => {
    const a = await claimedBy('temporary-id-card', POSTED, ['hukou']);
    await completeApplication(a.ctx, a.number, { leaseVersion: a.lease, documentNumber: 'L-1', delivery: 'mail', carrier: 'ups', waybill: 'EMS-12' });
    const [decision] = await h.db.select().from(decisions).where(and(eq(decisions.applicationId, a.applicationId), eq(decisions.kind, 'completed')));
    expect(decision).toMatchObject({ delivery: 'mail', carrier: null, waybill: null });
    const [job] = await h.db.select().from(shipments).where(eq(shipments.applicationId, a.applicationId));
    expect(job).toMatchObject({ status: 'pending', waybill: null, idempotencyKey: `shipment:${a.applicationId}` });
    const doc = await documentOf(a.applicationId);
    expect(doc.content['zh-CN'].paragraphs.join('')).toContain('运单号和物流进度将显示在本网站你的申请页面');
    expect(doc.content.en.paragraphs.join('')).toContain('sent by courier');
    const [row] = await h.db.select().from(applications).where(eq(applications.id, a.applicationId));
    expect(row.status).toBe('completed');
  });

  it('refuses to post the result of an application that gave no address, and does not offer it', async () => {
    const a = await claimedBy('temporary-id-card', PICKUP, ['hukou']);
    expect((await getReview(a.ctx, a.number)).resultDelivery).toEqual({ chosen: 'pickup', options: ['pickup'], address: null });
    await expect(
      completeApplication(a.ctx, a.number, { leaseVersion: a.lease, documentNumber: 'L-1', delivery: 'mail', carrier: 'ems', waybill: 'EA123456789CN' }),
    ).rejects.toMatchObject({ status: 400, fieldErrors: { delivery: ['review.noPostalAddress'] } });
    await completeApplication(a.ctx, a.number, { leaseVersion: a.lease, documentNumber: 'L-1', delivery: 'pickup' });
    expect((await documentOf(a.applicationId)).content['zh-CN'].paragraphs.join('')).toContain('领取方式：窗口领取');
  });

  it('shows the courier\u2019s waybill on the citizen\u2019s page once the worker has booked the parcel', async () => {
    const a = await claimedBy('temporary-id-card', POSTED, ['hukou']);
    await completeApplication(a.ctx, a.number, { leaseVersion: a.lease, documentNumber: 'L-1', delivery: 'mail' });
    expect((await getMyApplication(a.citizenCtx, a.number)).shipment).toMatchObject({ status: 'pending', waybill: null });
    expect(await createDueShipments({ db: h.db, clock: fixedClock(), config })).toMatchObject({ created: 1 });
    const mine = await getMyApplication(a.citizenCtx, a.number);
    const waybill = simulatedWaybill(`shipment:${a.applicationId}`);
    expect(mine.shipment).toMatchObject({ status: 'created', carrier: 'ems', waybill, lastError: null });
    const clock = fixedClock();
    const cookie = await sessionCookieFor(h.db, clock, a.citizen.id);
    const path = `/applications/${a.number}`;
    const html = await render(Receipt, path, await run(receiptLoader, get(path, { cookie }), appContext(h.db, clock, config), { number: a.number }));
    expect(text(html)).toContain(`证件已交中国邮政速递物流（EMS）寄送至您申请时填写的地址，运单号${waybill}`);
  });

  it('records an electronic result where the item offers one, and refuses it where not', async () => {
    const t = await claimedBy('temporary-id-card', POSTED, ['hukou']);
    await expect(completeApplication(t.ctx, t.number, { leaseVersion: t.lease, documentNumber: 'L-1', delivery: 'electronic' })).rejects.toMatchObject({
      status: 400,
      fieldErrors: { delivery: ['review.electronicNotOffered'] },
    });

    const m = await claimedBy('inspection-mark', EXAMPLE_ANSWERS['inspection-mark'], ['traffic']);
    expect((await getReview(m.ctx, m.number)).resultDelivery).toMatchObject({ chosen: 'electronic', options: ['pickup', 'electronic'], address: null });
    await completeApplication(m.ctx, m.number, { leaseVersion: m.lease, documentNumber: 'JC-1', delivery: 'electronic', carrier: 'ems', waybill: 'IGNORED123' });
    const [decision] = await h.db.select().from(decisions).where(and(eq(decisions.applicationId, m.applicationId), eq(decisions.kind, 'completed')));
    expect(decision).toMatchObject({ delivery: 'electronic', carrier: null, waybill: null });
    const doc = await documentOf(m.applicationId);
    expect(doc.content['zh-CN'].paragraphs.join('')).toContain('送达方式：电子送达');
    expect(doc.content.en.paragraphs.join('')).toContain('issued electronically');
  });
});
