import { and, eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { auditEvents, paymentMismatches, paymentOrders, type users } from '../../db/schema/index.js';
import * as payRoute from '../../app/routes/applications.$number.pay.js';
import * as callbackRoute from '../../app/routes/payments.callback.js';
import * as cashierRoute from '../../app/routes/[_simulated].payment-platform.cashier.$id.js';
import * as invoiceRoute from '../../app/routes/[_simulated].payment-platform.invoices.$id.js';
import * as receiptRoute from '../../app/routes/applications.$number._index.js';
import * as reportRoute from '../../app/routes/reports.payments.js';
import { resources } from '../../locales/index.js';
import { getService } from '../../services/catalog/index.js';
import { defaultIntegrations } from '../../services/integrations/config.js';
import { verifyPaymentCallback } from '../../services/integrations/payment-platform.js';
import { handlePaymentCallback, startPayment, getPaymentPage } from '../../services/payments/orders.js';
import { reconcilePayments } from '../../services/payments/reconcile.js';
import { trackRefunds } from '../../services/payments/refunds.js';
import { paymentReport } from '../../services/payments/report.js';
import { refundIdOf } from '../../services/payments/state.js';
import { claimApplication } from '../../services/queue/claim.js';
import { acceptApplication, refuseApplication } from '../../services/review/decisions.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { paymentPlatformSim } from '../mocks/payment-platform.js';
import { createSubmittedApplication } from '../support/applications.js';
import { actorOf, appContext, createStaff, fixedClock, sessionCookieFor, TEST_NOW, testConfig, testContext } from '../support/factories.js';
import { get, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';

/**
 * Paying online (issue 20): the order, the platform's callbacks in any order, refunds once, the
 * daily reconciliation, and the pages. The platform is the msw simulation (tests/mocks/payment-platform.ts).
 */
let h: DbHandle;
const clock = fixedClock();
const config = testConfig();
let clerk: typeof users.$inferSelect;
const system = () => ({ db: h.db, clock, config, actor: { kind: 'anonymous' } as const });
const RETURN = 'http://localhost:3000/return';

beforeAll(async () => {
  h = await createTestDb();
  clerk = await createStaff(h.db, { officeCode: 'bj-dongcheng' });
});
afterAll(() => h.close());
afterEach(() => paymentPlatformSim.reset());
// The simulated platform stamps payments with the portal's test clock.
beforeEach(() => {
  paymentPlatformSim.now = () => clock.now().toISOString();
});

/** A temporary ID card application (fee: one line, 10 yuan) accepted by a Dongcheng clerk. */
async function acceptedApplication() {
  const a = await createSubmittedApplication(h.db, { clock, config });
  const clerkCtx = testContext(h.db, actorOf(clerk), clock, config);
  const { leaseVersion } = await claimApplication(clerkCtx, a.number);
  for (const m of getService('temporary-id-card').materials) await recordVerdict(clerkCtx, a.number, { leaseVersion, materialCode: m.code, verdict: 'ok' });
  await acceptApplication(clerkCtx, a.number, { leaseVersion });
  return { ...a, clerkCtx, lease: leaseVersion };
}

async function orderOf(applicationId: string) {
  const [o] = await h.db.select().from(paymentOrders).where(eq(paymentOrders.applicationId, applicationId));
  return o;
}

async function auditCount(applicationId: string, action: string) {
  const [{ n }] = await h.db
    .select({ n: sql<number>`count(*)::int` })
    .from(auditEvents)
    .where(and(eq(auditEvents.applicationId, applicationId), eq(auditEvents.action, action)));
  return n;
}

function callbackRequest(cb: { body: string; headers: Record<string, string> }) {
  return new Request('http://localhost:3000/payments/callback', { method: 'POST', headers: cb.headers, body: cb.body });
}

const refuse = (a: Awaited<ReturnType<typeof acceptedApplication>>) =>
  refuseApplication(a.clerkCtx, a.number, { leaseVersion: a.lease, reasonCode: 'conditionsNotMet', legalBasisKey: 'catalog:basis.idCardLaw12', note: '不符合申领条件' });

describe('the payment order', () => {
  it('is built from the fee lines in fen, once per application however often it is opened', async () => {
    const a = await acceptedApplication();
    const first = await startPayment(a.ctx, a.number, RETURN);
    const again = await startPayment(a.ctx, a.number, RETURN);
    expect(again.cashierUrl).toBe(first.cashierUrl);
    const orders = await h.db.select().from(paymentOrders).where(eq(paymentOrders.applicationId, a.applicationId));
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ status: 'created', amountFen: 1000, lines: [{ key: 'card', amountFen: 1000 }] });
    expect(paymentPlatformSim.orders.size).toBe(1);
    expect(await auditCount(a.applicationId, 'payment.orderCreated')).toBe(1);
  });

  it('is not offered before acceptance', async () => {
    const a = await createSubmittedApplication(h.db, { clock, config });
    await expect(startPayment(a.ctx, a.number, RETURN)).rejects.toMatchObject({ code: 'payment.notPayable', status: 409 });
    expect((await getPaymentPage(a.ctx, a.number)).payable).toBe(false);
  });
});

describe('callback sequences', () => {
  type Step =
    | { kind: 'paid'; minutes: number }
    | { kind: 'forged'; minutes: number }
    | { kind: 'tampered' }
    | { kind: 'amount'; delta: number }
    | { kind: 'refunded' }
    | { kind: 'refuse' };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('paid' as const), minutes: fc.integer({ min: -120, max: 120 }) }),
    fc.record({ kind: fc.constant('forged' as const), minutes: fc.integer({ min: 0, max: 60 }) }),
    fc.record({ kind: fc.constant('tampered' as const) }),
    fc.record({ kind: fc.constant('amount' as const), delta: fc.oneof(fc.integer({ min: -999, max: -1 }), fc.integer({ min: 1, max: 5000 })) }),
    fc.record({ kind: fc.constant('refunded' as const) }),
    fc.record({ kind: fc.constant('refuse' as const) }),
  );

  it('duplicate, late, out of order, forged and wrong-amount callbacks end in the right state, and a refund is made at most once', async () => {
    paymentPlatformSim.now = () => clock.now().toISOString();
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        paymentPlatformSim.reset();
        paymentPlatformSim.now = () => clock.now().toISOString();
        const a = await acceptedApplication();
        await startPayment(a.ctx, a.number, RETURN);
        const { orderNo, amountFen } = await orderOf(a.applicationId);
        // The model: what the order must be after each step.
        let model: 'created' | 'paid' | 'cancelled' | 'refund_requested' | 'refunded' = 'created';
        let ended = false;
        let firstPaidAt: string | null = null;
        let refused = false;
        for (const s of steps) {
          if (s.kind === 'refuse') {
            if (refused) continue;
            refused = true;
            await refuse(a);
            ended = true;
            model = model === 'paid' ? 'refund_requested' : model === 'created' ? 'cancelled' : model;
            continue;
          }
          const at = new Date(clock.now().getTime() + ('minutes' in s ? s.minutes : 0) * 60_000).toISOString();
          let cb;
          let expected: number;
          if (s.kind === 'paid') {
            paymentPlatformSim.pay(orderNo, at);
            cb = paymentPlatformSim.callback({ event: 'paid', orderNo, amountFen, at });
            expected = 200;
            if (model === 'created' || model === 'cancelled') {
              firstPaidAt = at;
              model = model === 'cancelled' || ended ? 'refund_requested' : 'paid';
            }
          } else if (s.kind === 'forged') {
            cb = paymentPlatformSim.callback({ event: 'paid', orderNo, amountFen, at }, { key: 'not-the-merchant-key' });
            expected = 401;
          } else if (s.kind === 'tampered') {
            const signed = paymentPlatformSim.callback({ event: 'paid', orderNo, amountFen: 1 });
            cb = { ...signed, body: signed.body.replace('"amountFen":1,', `"amountFen":${amountFen},`) };
            expected = 401;
          } else if (s.kind === 'amount') {
            cb = paymentPlatformSim.callback({ event: 'paid', orderNo, amountFen: Math.max(1, amountFen + s.delta), at });
            expected = 400;
          } else {
            // A refund notice: before any refund was asked it is stale news and changes nothing.
            cb = paymentPlatformSim.callback({ event: 'refunded', orderNo, amountFen, refundId: refundIdOf(orderNo), at });
            expected = 200;
            if (model === 'refund_requested') model = 'refunded';
          }
          const res = await run(callbackRoute.action as never, callbackRequest(cb), appContext(h.db, clock, config));
          expect(res.status, s.kind).toBe(expected);
          expect((await orderOf(a.applicationId)).status, `after ${s.kind}`).toBe(model);
        }
        const order = await orderOf(a.applicationId);
        expect(order.status).toBe(model);
        expect(order.paidAt?.toISOString() ?? null).toBe(firstPaidAt);
        expect(await auditCount(a.applicationId, 'payment.paid')).toBe(firstPaidAt ? 1 : 0);
        // The worker finishes what was asked: the refund is made once, even run twice.
        await trackRefunds(system());
        await trackRefunds(system());
        const after = await orderOf(a.applicationId);
        expect(after.status).toBe(model === 'refund_requested' ? 'refunded' : model);
        expect(paymentPlatformSim.refundsOf(orderNo).length).toBe(model === 'refund_requested' ? 1 : 0);
        expect(await auditCount(a.applicationId, 'payment.refundRequested')).toBe(after.refundId ? 1 : 0);
      }),
      { numRuns: Number(process.env.PAYMENT_RUNS ?? 20) },
    );
  });

  it('a forged callback is refused before its body is read, and a callback for another merchant too', () => {
    const merchant = defaultIntegrations().payment;
    paymentPlatformSim.orders.clear();
    const good = paymentPlatformSim.callback({ event: 'paid', orderNo: 'X-1', amountFen: 100 });
    expect(verifyPaymentCallback(merchant, good.body, { timestamp: good.headers['x-platform-timestamp'], signature: good.headers['x-platform-signature'] }).ok).toBe(true);
    expect(verifyPaymentCallback(merchant, good.body, { timestamp: '1', signature: good.headers['x-platform-signature'] })).toEqual({ ok: false, reason: 'signature' });
    expect(verifyPaymentCallback(merchant, good.body, { timestamp: null, signature: null })).toEqual({ ok: false, reason: 'signature' });
    const other = paymentPlatformSim.callback({ event: 'paid', orderNo: 'X-1', amountFen: 100 }, { merchantId: 'SOMEONE-ELSE' });
    expect(verifyPaymentCallback(merchant, other.body, { timestamp: other.headers['x-platform-timestamp'], signature: other.headers['x-platform-signature'] })).toEqual({ ok: false, reason: 'merchant' });
  });
});

describe('refunds', () => {
  it('a refusal after payment is refunded exactly once under concurrent triggers, and tracked until the platform settles it', async () => {
    const a = await acceptedApplication();
    await startPayment(a.ctx, a.number, RETURN);
    const { orderNo, amountFen } = await orderOf(a.applicationId);
    paymentPlatformSim.pay(orderNo, clock.now().toISOString());
    await handlePaymentCallback(system(), toRaw(paymentPlatformSim.callback({ event: 'paid', orderNo, amountFen })));
    paymentPlatformSim.refundSettlesAfter = 2;
    const late = () => handlePaymentCallback(system(), toRaw(paymentPlatformSim.callback({ event: 'paid', orderNo, amountFen }))).catch((e: unknown) => e);
    await Promise.all([refuse(a), late(), trackRefunds(system()), late(), trackRefunds(system())]);
    expect(await auditCount(a.applicationId, 'payment.refundRequested')).toBe(1);
    for (let i = 0; i < 4 && (await orderOf(a.applicationId)).status !== 'refunded'; i++) await trackRefunds(system());
    const order = await orderOf(a.applicationId);
    expect(order).toMatchObject({ status: 'refunded', refundId: refundIdOf(orderNo) });
    expect(paymentPlatformSim.refundsOf(orderNo)).toHaveLength(1);
    expect(await auditCount(a.applicationId, 'payment.refunded')).toBe(1);
    // Nothing more to do: later rounds call nobody.
    await trackRefunds(system());
    expect(paymentPlatformSim.refundsOf(orderNo)[0].calls).toBeLessThanOrEqual(6);
  });

  it('an unpaid order is cancelled when the application is refused, and nothing is refunded', async () => {
    const a = await acceptedApplication();
    await startPayment(a.ctx, a.number, RETURN);
    await refuse(a);
    const order = await orderOf(a.applicationId);
    expect(order.status).toBe('cancelled');
    await trackRefunds(system());
    expect(paymentPlatformSim.refunds.size).toBe(0);
  });
});

describe('daily reconciliation', () => {
  it('flags payments missing on either side and differing amounts, once per day, and shows them to the manager', async () => {
    // A day of its own: the other tests' payments are on the fixed clock's day.
    clock.set('2026-11-25T02:00:00.000Z');
    const day = '2026-11-25';
    const a = await acceptedApplication();
    const b = await acceptedApplication();
    for (const x of [a, b]) {
      await startPayment(x.ctx, x.number, RETURN);
      const o = await orderOf(x.applicationId);
      paymentPlatformSim.pay(o.orderNo, clock.now().toISOString());
      await handlePaymentCallback(system(), toRaw(paymentPlatformSim.callback({ event: 'paid', orderNo: o.orderNo, amountFen: o.amountFen })));
    }
    const oa = await orderOf(a.applicationId);
    const ob = await orderOf(b.applicationId);
    paymentPlatformSim.statementDrop.add(`payment:${oa.orderNo}`);
    paymentPlatformSim.statementExtra.push({ day, orderNo: ob.orderNo, entry: 'payment', amountFen: 1, at: clock.now().toISOString() });
    paymentPlatformSim.statementExtra.push({ day, orderNo: 'UNKNOWN-1', entry: 'payment', amountFen: 500, at: clock.now().toISOString() });

    const result = await reconcilePayments(system(), day);
    expect(result).toMatchObject({ day, mismatches: 3 });
    expect(await reconcilePayments(system(), day)).toBeNull();
    const rows = await h.db.select().from(paymentMismatches).where(eq(paymentMismatches.statementDay, day));
    expect(rows.map((r) => [r.orderNo, r.kind]).sort()).toEqual(
      [
        [oa.orderNo, 'missingThere'],
        [ob.orderNo, 'amount'],
        ['UNKNOWN-1', 'missingHere'],
      ].sort(),
    );
    expect((await orderOf(a.applicationId)).mismatch).toBe('payment.missingThere');

    const manager = await createStaff(h.db, { role: 'manager', officeCode: 'bj-dongcheng', managerScope: 'city' });
    const report = await paymentReport(testContext(h.db, actorOf(manager), clock, config), { from: day, to: day });
    const dongcheng = report.totals.find((t) => t.officeCode === 'bj-dongcheng' && t.serviceCode === 'temporary-id-card');
    expect(dongcheng?.paidCount).toBeGreaterThanOrEqual(2);
    expect(report.mismatches.map((m) => m.orderNo)).toEqual(expect.arrayContaining([oa.orderNo, ob.orderNo, 'UNKNOWN-1']));
    // Another city's manager sees none of Dongcheng's.
    const shanghai = await createStaff(h.db, { role: 'manager', officeCode: 'sh-huangpu', managerScope: 'city' });
    const theirs = await paymentReport(testContext(h.db, actorOf(shanghai), clock, config), { from: day, to: day });
    expect(theirs.totals.filter((t) => t.officeCode === 'bj-dongcheng')).toEqual([]);
    expect(theirs.mismatches.filter((m) => m.officeCode === 'bj-dongcheng')).toEqual([]);

    const cookie = await sessionCookieFor(h.db, clock, manager.id);
    const page = await run(reportRoute.loader as never, get(`/reports/payments?from=${day}&to=${day}`, { cookie }), appContext(h.db, clock, config));
    expect(page.status).toBe(200);
    const bad = await run(reportRoute.loader as never, get('/reports/payments?from=2026-12-01&to=2026-11-01', { cookie }), appContext(h.db, clock, config));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('payment.badRange');
    // Impossible days and days outside the reports' years: the page's own message, never the database's refusal.
    for (const q of ['from=2026-02-30', 'to=2026-02-30', 'from=0000-00-00', 'from=1900-01-01', 'to=2100-12-31', 'from=99999-01-01']) {
      const r = await run(reportRoute.loader as never, get(`/reports/payments?${q}`, { cookie }), appContext(h.db, clock, config));
      expect(r.status, q).toBe(400);
      expect(((await r.json()) as { error: string }).error, q).toBe('payment.badRange');
    }
    clock.set(TEST_NOW);
  });
});

describe('the pages', () => {
  it('the citizen pays through the simulated cashier and comes back to a paid order with its invoice', async () => {
    const a = await acceptedApplication();
    const cookie = await sessionCookieFor(h.db, clock, a.citizen.id);
    const ctx = appContext(h.db, clock, config);
    const params = { number: a.number };
    const page = await run(payRoute.loader as never, get(`/applications/${a.number}/pay`, { cookie }), ctx, params);
    expect(page.status).toBe(200);
    const body = (await page.json()) as { page: { payable: boolean; totalFen: number } };
    expect(body.page).toMatchObject({ payable: true, totalFen: 1000 });

    const receipt = await run(receiptRoute.loader as never, get(`/applications/${a.number}`, { cookie }), ctx, params);
    expect(((await receipt.json()) as { application: { payable: boolean } }).application.payable).toBe(true);

    const form = new Request(`http://localhost:3000/applications/${a.number}/pay`, {
      method: 'POST',
      headers: { Cookie: cookie, Origin: 'http://localhost:3000', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'intent=pay',
    });
    const started = await run(payRoute.action as never, form, ctx, params);
    expect(started.status).toBe(303);
    const cashier = started.headers.get('Location')!;
    expect(cashier).toMatch(/^\/_simulated\/payment-platform\/cashier\//);
    const id = decodeURIComponent(cashier.split('/').pop()!);

    const cashierPage = await run(cashierRoute.loader as never, get(cashier), ctx, { id });
    expect(cashierPage.status).toBe(200);
    // The cashier names the service as the payer's page did (zh-CN here), never by its code.
    expect(((await cashierPage.json()) as { order: { subject: string } }).order.subject).toBe(`${a.number} ${resources['zh-CN'].catalog.services['temporary-id-card'].name}`);
    const paid = await run(cashierRoute.action as never, new Request(`http://localhost:3000${cashier}`, { method: 'POST' }), ctx, { id });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('Location')).toBe(`/applications/${a.number}/pay?returned=1`);

    const back = await run(payRoute.loader as never, get(`/applications/${a.number}/pay?returned=1`, { cookie }), ctx, params);
    const after = (await back.json()) as { page: { payable: boolean; order: { status: string; invoiceUrl: string | null } } };
    expect(after.page.payable).toBe(false);
    expect(after.page.order.status).toBe('paid');
    expect(after.page.order.invoiceUrl).toBe(`/_simulated/payment-platform/invoices/${id}`);
    expect((await run(invoiceRoute.loader as never, get(after.page.order.invoiceUrl!), ctx, { id })).status).toBe(200);
    // The receipt and its pay link follow.
    const receiptAfter = (await (await run(receiptRoute.loader as never, get(`/applications/${a.number}`, { cookie }), ctx, params)).json()) as {
      application: { payable: boolean; payment: { status: string } };
    };
    expect(receiptAfter.application).toMatchObject({ payable: false, payment: { status: 'paid' } });
  });

  it('another citizen cannot see or pay the order, and a signed-out visitor is sent to sign in', async () => {
    const a = await acceptedApplication();
    const other = await createSubmittedApplication(h.db, { clock, config });
    const cookie = await sessionCookieFor(h.db, clock, other.citizen.id);
    const ctx = appContext(h.db, clock, config);
    expect((await run(payRoute.loader as never, get(`/applications/${a.number}/pay`, { cookie }), ctx, { number: a.number })).status).toBe(404);
    const anon = await run(payRoute.loader as never, get(`/applications/${a.number}/pay`), ctx, { number: a.number });
    expect(anon.headers.get('Location')).toMatch(/^\/login/);
  });

  it('a forged callback is a 4xx and changes nothing; a genuine one is acknowledged as the platform expects', async () => {
    const a = await acceptedApplication();
    await startPayment(a.ctx, a.number, RETURN);
    const { orderNo, amountFen } = await orderOf(a.applicationId);
    const ctx = appContext(h.db, clock, config);
    const before = await h.db.select({ n: sql<number>`count(*)::int` }).from(auditEvents);
    const forged = await run(callbackRoute.action as never, callbackRequest(paymentPlatformSim.callback({ event: 'paid', orderNo, amountFen }, { key: 'guessed' })), ctx);
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ result: 'FAIL', code: 'payment.callbackRejected' });
    expect((await orderOf(a.applicationId)).status).toBe('created');
    expect(await h.db.select({ n: sql<number>`count(*)::int` }).from(auditEvents)).toEqual(before);
    const unknown = await run(callbackRoute.action as never, callbackRequest(paymentPlatformSim.callback({ event: 'paid', orderNo: 'NO-SUCH-ORDER', amountFen })), ctx);
    expect(unknown.status).toBe(400);
    // Control and format characters in any identifier: refused as malformed, in the platform's contract, before the database sees them.
    for (const bad of [`${orderNo}\u0000`, `${orderNo}\u202e`, `\u0007${orderNo}`]) {
      const r = await run(callbackRoute.action as never, callbackRequest(paymentPlatformSim.callback({ event: 'paid', orderNo: bad, amountFen })), ctx);
      expect(r.status).toBe(400);
      expect(await r.json()).toMatchObject({ result: 'FAIL', code: 'payment.callbackRejected' });
    }
    const badNotify = await run(callbackRoute.action as never, callbackRequest(paymentPlatformSim.callback({ event: 'paid', orderNo, amountFen, notifyId: 'n\u0000' })), ctx);
    expect(await badNotify.json()).toMatchObject({ result: 'FAIL', code: 'payment.callbackRejected' });
    expect((await orderOf(a.applicationId)).status).toBe('created');
    const ok = await run(callbackRoute.action as never, callbackRequest(paymentPlatformSim.callback({ event: 'paid', orderNo, amountFen })), ctx);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ result: 'SUCCESS' });
    expect((await orderOf(a.applicationId)).status).toBe('paid');
    expect((await run(callbackRoute.loader as never, get('/payments/callback'), ctx)).status).toBe(405);
  });

  it('the simulated cashier does not exist when a real platform is configured', async () => {
    const real = testConfig({ integrations: defaultIntegrations({ paymentPlatform: { baseUrl: 'https://pay.example.gov.cn' } }) });
    const res = await run(cashierRoute.loader as never, get('/_simulated/payment-platform/cashier/PP1-x'), appContext(h.db, clock, real), { id: 'PP1-x' });
    expect(res.status).toBe(404);
  });
});

function toRaw(cb: { body: string; headers: Record<string, string> }) {
  return { body: cb.body, timestamp: cb.headers['x-platform-timestamp'], signature: cb.headers['x-platform-signature'] };
}
