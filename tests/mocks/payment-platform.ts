import { http, HttpResponse } from 'msw';
import { MOCK_BASE_URLS, SIMULATED_MERCHANT } from '../../services/integrations/config.js';
import { signCallback, signRequest, SIMULATED_PATH_PREFIX } from '../../services/integrations/payment-platform.js';

const BASE = MOCK_BASE_URLS.paymentPlatform;
const CHINA_OFFSET_MS = 8 * 3600_000;
const chinaDay = (iso: string) => new Date(new Date(iso).getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);

type SimOrder = {
  orderNo: string;
  platformOrderId: string;
  amountFen: number;
  subject: string;
  returnUrl: string;
  status: 'created' | 'paid' | 'closed';
  paidAt: string | null;
  invoiceNo: string | null;
};
type SimRefund = { refundId: string; orderNo: string; amountFen: number; calls: number; succeededAt: string | null };

/**
 * The simulated unified public-payment platform: orders, payments, refunds and statements in
 * memory, answering only requests signed with the simulated merchant's key (as the real one
 * answers only ours). Tests drive it (pay an order, make a refund settle later, bend the
 * statement) and read what it did: how many refunds each order got.
 */
export const paymentPlatformSim = {
  orders: new Map<string, SimOrder>(),
  refunds: new Map<string, SimRefund>(),
  /** Refund calls answered 'processing' before a refund reports 'succeeded' (0: at once). */
  refundSettlesAfter: 0,
  /** Statement entries to add or drop, for reconciliation tests. */
  statementExtra: [] as { day: string; orderNo: string; entry: 'payment' | 'refund'; amountFen: number; at: string }[],
  statementDrop: new Set<string>(),
  /** The clock the simulated platform stamps payments with (tests set the portal's). */
  now: () => new Date().toISOString(),
  reset() {
    this.orders.clear();
    this.refunds.clear();
    this.refundSettlesAfter = 0;
    this.statementExtra.length = 0;
    this.statementDrop.clear();
    this.now = () => new Date().toISOString();
  },
  /** The citizen pays at the cashier. */
  pay(orderNo: string, at?: string): SimOrder {
    at ??= paymentPlatformSim.now();
    const o = paymentPlatformSim.orders.get(orderNo);
    if (!o) throw new Error(`simulated platform: no order ${orderNo}`);
    if (o.status === 'created') Object.assign(o, { status: 'paid', paidAt: at, invoiceNo: `INV-${o.platformOrderId}` });
    return o;
  },
  /** Distinct refunds the platform made for an order (the invariant: at most one). */
  refundsOf(orderNo: string): SimRefund[] {
    return [...this.refunds.values()].filter((r) => r.orderNo === orderNo);
  },
  /** A callback as the platform would post it, signed with the merchant key (or with `key` to forge one). */
  callback(
    fields: { event: 'paid' | 'refunded'; orderNo: string; amountFen: number; at?: string; refundId?: string | null; invoiceUrl?: string | null; platformOrderId?: string; notifyId?: string },
    opts: { key?: string; merchantId?: string } = {},
  ): { body: string; headers: Record<string, string> } {
    const o = this.orders.get(fields.orderNo);
    const body = JSON.stringify({
      notifyId: fields.notifyId ?? `N-${Math.random().toString(36).slice(2)}`,
      merchantId: opts.merchantId ?? SIMULATED_MERCHANT.merchantId,
      event: fields.event,
      orderNo: fields.orderNo,
      platformOrderId: fields.platformOrderId ?? o?.platformOrderId ?? `PP-${fields.orderNo}`,
      amountFen: fields.amountFen,
      at: fields.at ?? this.now(),
      refundId: fields.refundId ?? null,
      invoiceUrl: fields.invoiceUrl === undefined ? (o ? invoiceUrlOf(o) : null) : fields.invoiceUrl,
    });
    const timestamp = String(Date.now());
    return { body, headers: { 'content-type': 'application/json', 'x-platform-timestamp': timestamp, 'x-platform-signature': signCallback(opts.key ?? SIMULATED_MERCHANT.signingKey, timestamp, body) } };
  },
};

const invoiceUrlOf = (o: SimOrder) => (o.invoiceNo ? `${SIMULATED_PATH_PREFIX}invoices/${o.platformOrderId}` : null);

const orderView = (o: SimOrder) => ({
  orderNo: o.orderNo,
  platformOrderId: o.platformOrderId,
  status: o.status,
  amountFen: o.amountFen,
  paidAt: o.paidAt,
  invoiceUrl: invoiceUrlOf(o),
});

const cashierView = (o: SimOrder) => ({
  platformOrderId: o.platformOrderId,
  orderNo: o.orderNo,
  subject: o.subject,
  amountFen: o.amountFen,
  status: o.status,
  returnUrl: o.returnUrl,
  invoiceNo: o.invoiceNo,
});

/** The merchant signature, checked as the real platform checks it: anything else is 401. */
async function signedBody(request: Request): Promise<{ ok: true; text: string } | { ok: false }> {
  const text = request.method === 'GET' ? '' : await request.text();
  const h = (n: string) => request.headers.get(n) ?? '';
  const path = new URL(request.url).pathname;
  const expected = signRequest(SIMULATED_MERCHANT.signingKey, { method: request.method, path, timestamp: h('x-timestamp'), nonce: h('x-nonce'), body: text });
  if (h('x-merchant-id') !== SIMULATED_MERCHANT.merchantId || h('x-signature') !== expected) return { ok: false };
  return { ok: true, text };
}

const unsigned = () => HttpResponse.json({ error: 'bad_signature' }, { status: 401 });

export const paymentPlatformHandlers = [
  http.post(`${BASE}/v1/orders`, async ({ request }) => {
    const s = await signedBody(request);
    if (!s.ok) return unsigned();
    const body = JSON.parse(s.text) as { orderNo: string; amountFen: number; subject: string; returnUrl: string };
    if (request.headers.get('idempotency-key') !== body.orderNo) return HttpResponse.json({ error: 'idempotency_key_required' }, { status: 400 });
    if (!Number.isInteger(body.amountFen) || body.amountFen <= 0) return HttpResponse.json({ error: 'bad_amount' }, { status: 400 });
    let o = paymentPlatformSim.orders.get(body.orderNo);
    if (!o) {
      o = { orderNo: body.orderNo, platformOrderId: `PP${paymentPlatformSim.orders.size + 1}-${body.orderNo}`, amountFen: body.amountFen, subject: body.subject, returnUrl: body.returnUrl, status: 'created', paidAt: null, invoiceNo: null };
      paymentPlatformSim.orders.set(o.orderNo, o);
    }
    return HttpResponse.json({ orderNo: o.orderNo, platformOrderId: o.platformOrderId, cashierUrl: `${SIMULATED_PATH_PREFIX}cashier/${encodeURIComponent(o.platformOrderId)}` });
  }),
  http.get(`${BASE}/v1/orders/:orderNo`, async ({ request, params }) => {
    if (!(await signedBody(request)).ok) return unsigned();
    const o = paymentPlatformSim.orders.get(String(params.orderNo));
    return o ? HttpResponse.json(orderView(o)) : HttpResponse.json({ error: 'not_found' }, { status: 404 });
  }),
  http.post(`${BASE}/v1/refunds`, async ({ request }) => {
    const s = await signedBody(request);
    if (!s.ok) return unsigned();
    const body = JSON.parse(s.text) as { refundId: string; orderNo: string; amountFen: number };
    const o = paymentPlatformSim.orders.get(body.orderNo);
    if (!o || o.status !== 'paid' || body.amountFen !== o.amountFen) return HttpResponse.json({ error: 'not_refundable' }, { status: 400 });
    let r = paymentPlatformSim.refunds.get(body.refundId);
    const duplicate = !!r;
    if (!r) {
      r = { refundId: body.refundId, orderNo: body.orderNo, amountFen: body.amountFen, calls: 0, succeededAt: null };
      paymentPlatformSim.refunds.set(r.refundId, r);
    }
    r.calls++;
    if (!r.succeededAt && r.calls > paymentPlatformSim.refundSettlesAfter) r.succeededAt = paymentPlatformSim.now();
    return HttpResponse.json({ refundId: r.refundId, orderNo: r.orderNo, amountFen: r.amountFen, status: r.succeededAt ? 'succeeded' : 'processing', duplicate });
  }),
  http.get(`${BASE}/v1/statements/:day`, async ({ request, params }) => {
    if (!(await signedBody(request)).ok) return unsigned();
    const day = String(params.day);
    const entries = [
      ...[...paymentPlatformSim.orders.values()].filter((o) => o.paidAt && chinaDay(o.paidAt) === day).map((o) => ({ orderNo: o.orderNo, entry: 'payment' as const, amountFen: o.amountFen, at: o.paidAt! })),
      ...[...paymentPlatformSim.refunds.values()].filter((r) => r.succeededAt && chinaDay(r.succeededAt) === day).map((r) => ({ orderNo: r.orderNo, entry: 'refund' as const, amountFen: r.amountFen, at: r.succeededAt! })),
    ].filter((e) => !paymentPlatformSim.statementDrop.has(`${e.entry}:${e.orderNo}`));
    const extra = paymentPlatformSim.statementExtra.filter((e) => e.day === day).map(({ day: _d, ...e }) => e);
    return HttpResponse.json({ day, entries: [...entries, ...extra] });
  }),
  // The simulated cashier's own pages read and pay through these (MOCKS only; never at a real platform).
  http.get(`${BASE}/_sim/cashier/:id`, ({ params }) => {
    const o = [...paymentPlatformSim.orders.values()].find((x) => x.platformOrderId === params.id);
    return o ? HttpResponse.json(cashierView(o)) : HttpResponse.json({ error: 'not_found' }, { status: 404 });
  }),
  http.post(`${BASE}/_sim/cashier/:id/pay`, ({ params }) => {
    const o = [...paymentPlatformSim.orders.values()].find((x) => x.platformOrderId === params.id);
    if (!o) return HttpResponse.json({ error: 'not_found' }, { status: 404 });
    return HttpResponse.json(cashierView(paymentPlatformSim.pay(o.orderNo)));
  }),
];
