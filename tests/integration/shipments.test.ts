import { and, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { auditEvents, decisionDocuments, resultHandovers, shipmentEvents, shipments } from '../../db/schema/index.js';
import Receipt, { loader as receiptLoader } from '../../app/routes/applications.$number._index.js';
import { action as webhookAction, loader as webhookLoader } from '../../app/routes/integrations.courier.events.js';
import { getMyApplication } from '../../services/applications/read.js';
import { EXAMPLE_ADDRESS, EXAMPLE_ANSWERS } from '../../services/catalog/examples.js';
import { getDocument } from '../../services/documents/read.js';
import { MOCK_COURIER_KEYS } from '../../services/integrations/config.js';
import { signCourierWebhook } from '../../services/integrations/courier.js';
import { claimNext } from '../../services/queue/claim.js';
import { acceptApplication, completeApplication } from '../../services/review/decisions.js';
import { getReview } from '../../services/review/review-page.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { enterWaybillByHand, retryShipment } from '../../services/shipments/desk.js';
import { createDueShipments, pollShipments, shipmentKey } from '../../services/shipments/shipments.js';
import { courierLog, courierRoutes, simulatedWaybill } from '../mocks/courier.js';
import { mockServer } from '../mocks/node.js';
import { failures } from '../mocks/scenarios.js';
import { createApplicant, createSubmittedApplication } from '../support/applications.js';
import { actorOf, appContext, createStaff, fixedClock, sessionCookieFor, testContext } from '../support/factories.js';
import { fastConfig } from '../support/integrations.js';
import { get, run } from '../support/requests.js';
import { renderRoute as render, visibleText } from '../support/render-route.js';
import { createTestDb } from '../setup/test-db.js';

/**
 * Receive without coming (decision 0035): the parcel of a completion by post is booked once by the
 * worker, whatever happens to it; the courier's events arrive signed, once each, in any order; an
 * electronic result is issued with the completion; and how each result reached the citizen is
 * recorded for the reports.
 */
let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const config = fastConfig();
const POSTED = { hukouRegion: '110101', reason: 'applying', delivery: 'mail', ...EXAMPLE_ADDRESS };

async function accepted(serviceCode: string, answers: Record<string, string>, skills: ('hukou' | 'traffic' | 'exit_entry')[], clock = fixedClock()) {
  const citizen = await createApplicant(h.db);
  const sub = await createSubmittedApplication(h.db, { clock, config, serviceCode, answers, citizen });
  const clerk = await createStaff(h.db, { skills });
  const ctx = testContext(h.db, actorOf(clerk), clock, config);
  const claim = (await claimNext(ctx))!;
  for (const m of (await getReview(ctx, sub.number)).checklist) await recordVerdict(ctx, sub.number, { leaseVersion: claim.leaseVersion, materialCode: m.code, verdict: 'ok' });
  await acceptApplication(ctx, sub.number, { leaseVersion: claim.leaseVersion });
  return { ...sub, citizen, citizenCtx: sub.ctx, ctx, clock, lease: claim.leaseVersion };
}

async function postedAndCompleted(clock = fixedClock()) {
  const a = await accepted('temporary-id-card', POSTED, ['hukou'], clock);
  await completeApplication(a.ctx, a.number, { leaseVersion: a.lease, documentNumber: 'L-1', delivery: 'mail' });
  return a;
}

const worker = (clock: { now(): Date }) => ({ db: h.db, clock, config });

async function auditActions(applicationId: string, action: string) {
  return h.db.select().from(auditEvents).where(and(eq(auditEvents.applicationId, applicationId), eq(auditEvents.action, action)));
}

describe('booking the courier', () => {
  it('is a job of the completion, not a call in it: nothing reaches the courier until the worker runs', async () => {
    const a = await postedAndCompleted();
    expect(courierLog.requests.size).toBe(0);
    const [job] = await h.db.select().from(shipments).where(eq(shipments.applicationId, a.applicationId));
    expect(job).toMatchObject({ status: 'pending', attempts: 0, waybill: null });
    expect(await createDueShipments(worker(a.clock))).toEqual({ claimed: 1, created: 1, retrying: 0, refused: 0 });
    const [booked] = await h.db.select().from(shipments).where(eq(shipments.applicationId, a.applicationId));
    expect(booked).toMatchObject({ status: 'created', carrier: 'ems', waybill: simulatedWaybill(shipmentKey(a.applicationId)) });
    expect(await auditActions(a.applicationId, 'shipment.created')).toHaveLength(1);
    const [handover] = await h.db.select().from(resultHandovers).where(eq(resultHandovers.applicationId, a.applicationId));
    expect(handover).toMatchObject({ channel: 'post', receivedAt: null });
  });

  it('books one parcel even when the job runs twice: a worker that died after the courier accepted is taken over, and the courier answers the same shipment', async () => {
    const clock = fixedClock();
    const a = await postedAndCompleted(clock);
    const key = shipmentKey(a.applicationId);
    await expect(
      createDueShipments(worker(clock), {
        afterCreate: () => {
          throw new Error('worker died');
        },
      }),
    ).rejects.toThrow('worker died');
    expect(courierLog.bookedCount(key)).toBe(1);
    // Still claimed: a second worker at once finds nothing to do.
    expect(await createDueShipments(worker(clock))).toMatchObject({ claimed: 0 });
    clock.advance(config.integrations.outbox.visibilityTimeoutMs);
    expect(await createDueShipments(worker(clock))).toMatchObject({ claimed: 1, created: 1 });
    // And once more after it is booked: nothing.
    expect(await createDueShipments(worker(clock))).toMatchObject({ claimed: 0 });
    expect(courierLog.requests.get(key)).toBe(2);
    expect(courierLog.bookedCount(key)).toBe(1);
    const rows = await h.db.select().from(shipments).where(eq(shipments.applicationId, a.applicationId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'created', waybill: simulatedWaybill(key), attempts: 2 });
    expect(await auditActions(a.applicationId, 'shipment.created')).toHaveLength(1);
  });

  it('retries a courier that cannot be reached with backoff, and after the last attempt the clerk sees it refused', async () => {
    const clock = fixedClock();
    const a = await postedAndCompleted(clock);
    mockServer.use(failures.serverError(courierRoutes.create));
    expect(await createDueShipments(worker(clock))).toMatchObject({ retrying: 1 });
    const [first] = await h.db.select().from(shipments).where(eq(shipments.applicationId, a.applicationId));
    expect(first).toMatchObject({ status: 'pending', lastError: 'integration.unavailable' });
    expect(first.nextAttemptAt.getTime()).toBe(clock.now().getTime() + config.integrations.outbox.baseDelayMs);
    // Not due yet: nothing is asked.
    expect(await createDueShipments(worker(clock))).toMatchObject({ claimed: 0 });
    for (let i = 1; i < config.integrations.outbox.maxAttempts; i++) {
      clock.advance(config.integrations.outbox.maxDelayMs);
      await createDueShipments(worker(clock));
    }
    const [gaveUp] = await h.db.select().from(shipments).where(eq(shipments.applicationId, a.applicationId));
    expect(gaveUp).toMatchObject({ status: 'refused', lastError: 'integration.unavailable', attempts: config.integrations.outbox.maxAttempts });
    expect((await getReview(a.ctx, a.number)).shipment).toMatchObject({ status: 'refused', lastError: 'integration.unavailable' });
    // The citizen sees that it is being arranged, never the courier's error.
    expect((await getMyApplication(a.citizenCtx, a.number)).shipment).toMatchObject({ status: 'refused', lastError: null, waybill: null });
  });

  it('a refusal is final at once; the clerk retries (booked then) or enters a waybill by hand, each audited', async () => {
    const clock = fixedClock();
    const a = await postedAndCompleted(clock);
    mockServer.use(http.post(courierRoutes.create.url, () => HttpResponse.json({ error: 'address_not_served' }, { status: 422 })));
    expect(await createDueShipments(worker(clock))).toMatchObject({ refused: 1 });
    expect(await auditActions(a.applicationId, 'shipment.refused')).toHaveLength(1);
    mockServer.resetHandlers();

    // Nothing to do for a parcel that is not refused; bad input is a localized 400.
    await expect(enterWaybillByHand(a.ctx, a.number, { carrier: 'ups', waybill: 'EMS-12' })).rejects.toMatchObject({
      status: 400,
      fieldErrors: { carrier: ['choice'], waybill: ['waybill.format'] },
    });
    await enterWaybillByHand(a.ctx, a.number, { carrier: 'sf', waybill: ' sf1234567890 ' });
    const [manual] = await h.db.select().from(shipments).where(eq(shipments.applicationId, a.applicationId));
    expect(manual).toMatchObject({ status: 'manual', carrier: 'sf', waybill: 'SF1234567890' });
    expect((await auditActions(a.applicationId, 'shipment.manual'))[0].data).toMatchObject({ carrier: 'sf', waybill: 'SF1234567890', lastError: 'integration.rejected' });
    await expect(retryShipment(a.ctx, a.number)).rejects.toMatchObject({ status: 409, code: 'shipments.notRefused' });
    expect((await getMyApplication(a.citizenCtx, a.number)).shipment).toMatchObject({ carrier: 'sf', waybill: 'SF1234567890' });

    const b = await postedAndCompleted(clock);
    mockServer.use(http.post(courierRoutes.create.url, () => HttpResponse.json({ error: 'address_not_served' }, { status: 422 })));
    await createDueShipments(worker(clock));
    mockServer.resetHandlers();
    await retryShipment(b.ctx, b.number);
    expect(await auditActions(b.applicationId, 'shipment.retried')).toHaveLength(1);
    expect(await createDueShipments(worker(clock))).toMatchObject({ created: 1 });
    // A waybill already on another application is refused beside the field.
    const c = await postedAndCompleted(clock);
    mockServer.use(http.post(courierRoutes.create.url, () => HttpResponse.json({ error: 'address_not_served' }, { status: 422 })));
    await createDueShipments(worker(clock));
    await expect(enterWaybillByHand(c.ctx, c.number, { carrier: 'sf', waybill: 'SF1234567890' })).rejects.toMatchObject({
      status: 400,
      fieldErrors: { waybill: ['shipments.waybillTaken'] },
    });
  });

  it('only clerks of the office manage a parcel: another office gets 404, a citizen 403', async () => {
    const clock = fixedClock();
    const a = await postedAndCompleted(clock);
    mockServer.use(http.post(courierRoutes.create.url, () => HttpResponse.json({ error: 'no' }, { status: 422 })));
    await createDueShipments(worker(clock));
    const other = testContext(h.db, actorOf(await createStaff(h.db, { officeCode: 'bj-chaoyang', skills: ['hukou'] })), clock, config);
    await expect(retryShipment(other, a.number)).rejects.toMatchObject({ status: 404 });
    await expect(enterWaybillByHand(other, a.number, { carrier: 'ems', waybill: 'EA123456789CN' })).rejects.toMatchObject({ status: 404 });
    await expect(retryShipment(a.citizenCtx, a.number)).rejects.toMatchObject({ status: 403 });
  });
});

function webhook(body: unknown, opts: { secret?: string; timestamp?: number; raw?: string } = {}) {
  const raw = opts.raw ?? JSON.stringify(body);
  const ts = String(opts.timestamp ?? Math.floor(fixedClock().now().getTime() / 1000));
  return new Request('http://localhost/integrations/courier/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-courier-timestamp': ts, 'x-courier-signature': signCourierWebhook(opts.secret ?? MOCK_COURIER_KEYS.webhookSecret, ts, raw) },
    body: raw,
  });
}

describe('tracking by webhook', () => {
  async function booked() {
    const a = await postedAndCompleted();
    await createDueShipments(worker(a.clock));
    const [s] = await h.db.select().from(shipments).where(eq(shipments.applicationId, a.applicationId));
    return { ...a, waybill: s.waybill!, shipmentId: s.id };
  }
  const ctx = () => appContext(h.db, fixedClock(), config);
  const event = (id: string, code: string, at: string, location: string | null = null) => ({ id, code, at, location });

  it('stores each event once, in the courier\u2019s order whatever the order of arrival; the first delivered is recorded once and audited', async () => {
    const a = await booked();
    // Delivered arrives first; the earlier events after it, one of them twice.
    const delivered = { waybill: a.waybill, events: [event('e4', 'DELIVERED', '2026-11-23T09:30:00Z')] };
    const r1 = await run(webhookAction, webhook(delivered), ctx());
    expect(r1.status).toBe(200);
    const r2 = await run(webhookAction, webhook({ waybill: a.waybill, events: [event('e1', 'ACCEPTED', '2026-11-23T03:00:00Z', '北京'), event('e2', 'IN_TRANSIT', '2026-11-23T05:00:00Z')] }), ctx());
    expect(await r2.json()).toEqual({ ok: true, added: 2 });
    const r3 = await run(webhookAction, webhook({ waybill: a.waybill, events: [event('e2', 'IN_TRANSIT', '2026-11-23T05:00:00Z')] }), ctx());
    expect(await r3.json()).toEqual({ ok: true, added: 0 });
    await run(webhookAction, webhook(delivered), ctx());
    expect(await h.db.select().from(shipmentEvents).where(eq(shipmentEvents.shipmentId, a.shipmentId))).toHaveLength(3);

    const mine = await getMyApplication(a.citizenCtx, a.number);
    expect(mine.shipment?.events.map((e) => e.code)).toEqual(['accepted', 'inTransit', 'delivered']);
    expect(mine.shipment?.deliveredAt).toBe('2026-11-23T09:30:00.000Z');
    const audited = await auditActions(a.applicationId, 'shipment.delivered');
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actorRole: 'system' });
    const [handover] = await h.db.select().from(resultHandovers).where(eq(resultHandovers.applicationId, a.applicationId));
    expect(handover).toMatchObject({ channel: 'post', receivedAt: new Date('2026-11-23T09:30:00Z') });
  });

  it('a forged, stale or malformed push changes nothing; an unknown waybill is 404; GET is 405', async () => {
    const a = await booked();
    const body = { waybill: a.waybill, events: [event('x1', 'DELIVERED', '2026-11-23T09:30:00Z')] };
    const forged = await run(webhookAction, webhook(body, { secret: 'not-the-secret' }), ctx());
    expect(forged.status).toBe(401);
    const tampered = webhook(body);
    const altered = new Request(tampered.url, { method: 'POST', headers: tampered.headers, body: JSON.stringify({ ...body, waybill: a.waybill, events: [event('x2', 'DELIVERED', '2026-11-22T09:30:00Z')] }) });
    expect((await run(webhookAction, altered, ctx())).status).toBe(401);
    const unsigned = new Request('http://localhost/integrations/courier/events', { method: 'POST', body: JSON.stringify(body) });
    expect((await run(webhookAction, unsigned, ctx())).status).toBe(401);
    const stale = await run(webhookAction, webhook(body, { timestamp: Math.floor(fixedClock().now().getTime() / 1000) - 3600 }), ctx());
    expect(stale.status).toBe(401);
    expect((await run(webhookAction, webhook(null, { raw: '{"waybill":' }), ctx())).status).toBe(400);
    expect((await run(webhookAction, webhook({ waybill: a.waybill, events: [event('x3', 'TELEPORTED', '2026-11-23T09:30:00Z')] }), ctx())).status).toBe(400);
    expect((await run(webhookAction, webhook({ waybill: 'EA999999999CN', events: [] }), ctx())).status).toBe(404);
    expect((await run(webhookLoader as never, get('/integrations/courier/events'), ctx())).status).toBe(405);
    expect(await h.db.select().from(shipmentEvents)).toHaveLength(0);
    expect(await auditActions(a.applicationId, 'shipment.delivered')).toHaveLength(0);
    const [s] = await h.db.select().from(shipments).where(eq(shipments.id, a.shipmentId));
    expect(s.deliveredAt).toBeNull();
  });

  it('an event dated before the booking or in the future is refused, never the delivery on record; text is cleaned, ids with control characters refused', async () => {
    const a = await booked();
    const [{ createdAt }] = await h.db.select({ createdAt: shipments.createdAt }).from(shipments).where(eq(shipments.id, a.shipmentId));
    const day = 24 * 60 * 60_000;
    const now = fixedClock().now().getTime();
    // Any time more than a day before the booking or a day after now, within what ISO strings can say.
    const implausible = fc.oneof(
      fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date(createdAt.getTime() - day - 1000) }),
      fc.date({ min: new Date(now + day + 1000), max: new Date('9999-12-31T23:59:59Z') }),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(implausible, async (at) => {
        const r = await run(webhookAction, webhook({ waybill: a.waybill, events: [event(`bad${n++}`, 'DELIVERED', at.toISOString())] }), ctx());
        expect(r.status).toBe(400);
        expect((await r.json()).code).toMatch(/^courierWebhook\.(malformed|implausibleTime)$/);
      }),
      { numRuns: 40 },
    );
    expect(await h.db.select().from(shipmentEvents).where(eq(shipmentEvents.shipmentId, a.shipmentId))).toHaveLength(0);
    const [s] = await h.db.select().from(shipments).where(eq(shipments.id, a.shipmentId));
    expect(s.deliveredAt).toBeNull();

    expect((await run(webhookAction, webhook({ waybill: a.waybill, events: [event('nul\u0000', 'IN_TRANSIT', '2026-11-23T05:00:00Z')] }), ctx())).status).toBe(400);
    const ok = await run(webhookAction, webhook({ waybill: a.waybill, events: [event('e1', 'IN_TRANSIT', '2026-11-23T05:00:00Z', '\u202e京北\u0000站')] }), ctx());
    expect(ok.status).toBe(200);
    const [stored] = await h.db.select().from(shipmentEvents).where(eq(shipmentEvents.shipmentId, a.shipmentId));
    expect(stored.location).toBe('京北站');
  });

  it('polling finds the same events as the push, stored once; the citizen reads them in China time, another citizen gets 404', async () => {
    const clock = fixedClock();
    const a = await postedAndCompleted(clock);
    await createDueShipments(worker(clock));
    const [s] = await h.db.select().from(shipments).where(eq(shipments.applicationId, a.applicationId));
    // The courier pushes its "accepted" event; then, twenty minutes on, polling finds all four.
    await run(webhookAction, webhook({ waybill: s.waybill, events: [event(`${s.waybill}-ACCEPTED`, 'ACCEPTED', clock.now().toISOString(), '北京市东城区揽投部')] }), appContext(h.db, clock, config));
    clock.advance(20 * 60_000);
    expect(await pollShipments(worker(clock))).toBe(1);
    expect(await h.db.select().from(shipmentEvents).where(eq(shipmentEvents.shipmentId, s.id))).toHaveLength(4);
    // Delivered: nobody asks again.
    clock.advance(60 * 60_000);
    expect(await pollShipments(worker(clock))).toBe(0);

    const cookie = await sessionCookieFor(h.db, clock, a.citizen.id);
    const path = `/applications/${a.number}`;
    const html = await render(Receipt, path, await run(receiptLoader, get(path, { cookie }), appContext(h.db, clock, config), { number: a.number }));
    const text = visibleText(html);
    expect(text).toContain('邮寄进度');
    expect(text).toContain(s.waybill!);
    // Booked at 02:00 UTC: 10:00 in Beijing; delivered five minutes later.
    expect(text).toMatch(/10:00[^]*快递已揽收[^]*10:05[^]*已签收/);

    const stranger = await createApplicant(h.db);
    const strangerCookie = await sessionCookieFor(h.db, clock, stranger.id);
    const res = await run(receiptLoader, get(path, { cookie: strangerCookie }), appContext(h.db, clock, config), { number: a.number });
    expect(res.status).toBe(404);
  });
});

describe('electronic results', () => {
  it('the record inquiry (wholly online) completes electronically: the result is its own document, opened by the applicant only', async () => {
    const a = await accepted('entry-exit-records', EXAMPLE_ANSWERS['entry-exit-records'] as Record<string, string>, ['exit_entry']);
    expect((await getReview(a.ctx, a.number)).resultDelivery).toMatchObject({ chosen: 'electronic' });
    await completeApplication(a.ctx, a.number, { leaseVersion: a.lease, documentNumber: 'CRJ-2026-0001', delivery: 'electronic' });
    const [doc] = await h.db
      .select()
      .from(decisionDocuments)
      .where(and(eq(decisionDocuments.applicationId, a.applicationId), eq(decisionDocuments.kind, 'electronicResult')));
    expect(doc.number).toMatch(/^BJ-DONGCHENG-2026-DZJG-\d{6}$/);
    expect(doc.facts).toMatchObject({ certificateNumber: 'CRJ-2026-0001', delivery: 'electronic' });
    expect(doc.content['zh-CN'].title).toBe('电子办理结果');
    expect(doc.content['zh-CN'].paragraphs.join('')).toContain('现以电子形式出具办理结果，证件（文书）编号：CRJ-2026-0001');
    expect(doc.content.en.facts).toContainEqual({ label: 'Certificate or document number', value: 'CRJ-2026-0001' });
    expect(await auditActions(a.applicationId, 'result.issuedElectronically')).toHaveLength(1);
    const [handover] = await h.db.select().from(resultHandovers).where(eq(resultHandovers.applicationId, a.applicationId));
    expect(handover).toMatchObject({ channel: 'electronic', receivedAt: a.clock.now() });
    expect(await h.db.select().from(shipments).where(eq(shipments.applicationId, a.applicationId))).toHaveLength(0);

    const mine = await getMyApplication(a.citizenCtx, a.number);
    expect(mine.documents.map((d) => d.kind)).toEqual(['acceptance', 'completion', 'electronicResult']);
    // The page's summary still reads the completion.
    expect(mine.decision?.kind).toBe('completion');
    const view = await getDocument(a.citizenCtx, a.number, doc.id, 'en');
    expect(view).toMatchObject({ kind: 'electronicResult', lang: 'en', text: { title: 'Electronic result' } });
    const stranger = testContext(h.db, actorOf(await createApplicant(h.db)), a.clock, config);
    await expect(getDocument(stranger, a.number, doc.id, 'zh-CN')).rejects.toMatchObject({ status: 404 });
  });

  it('the household certificate (online, no delivery asked) defaults to electronic; an item without the choice is refused it', async () => {
    const hc = await accepted('household-certificate', EXAMPLE_ANSWERS['household-certificate'] as Record<string, string>, ['hukou']);
    const review = await getReview(hc.ctx, hc.number);
    expect(review.resultDelivery).toMatchObject({ chosen: 'electronic', options: expect.arrayContaining(['pickup', 'electronic']) });
    await completeApplication(hc.ctx, hc.number, { leaseVersion: hc.lease, documentNumber: 'HJ-1', delivery: 'electronic' });
    const kinds = (await getMyApplication(hc.citizenCtx, hc.number)).documents.map((d) => d.kind);
    expect(kinds).toContain('electronicResult');

    const t = await accepted('temporary-id-card', { ...POSTED, delivery: 'pickup' }, ['hukou']);
    await expect(completeApplication(t.ctx, t.number, { leaseVersion: t.lease, documentNumber: 'L-1', delivery: 'electronic' })).rejects.toMatchObject({
      fieldErrors: { delivery: ['review.electronicNotOffered'] },
    });
    await completeApplication(t.ctx, t.number, { leaseVersion: t.lease, documentNumber: 'L-1', delivery: 'pickup' });
    // How each result reached (or will reach) the citizen, queryable for the reports.
    const channels = await h.db.select({ channel: resultHandovers.channel, receivedAt: resultHandovers.receivedAt }).from(resultHandovers);
    expect(channels.map((c) => c.channel).sort()).toEqual(['electronic', 'pickup']);
    expect(channels.find((c) => c.channel === 'pickup')?.receivedAt).toBeNull();
  });
});
