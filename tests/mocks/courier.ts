import { createHash } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { MOCK_BASE_URLS, MOCK_COURIER_KEYS } from '../../services/integrations/config.js';
import { signCourierRequest } from '../../services/integrations/courier.js';
import type { Route } from './scenarios.js';

export const courierRoutes = {
  create: { method: 'post', url: `${MOCK_BASE_URLS.courier}/v1/shipments` },
  events: { method: 'get', url: `${MOCK_BASE_URLS.courier}/v1/shipments/:waybill/events` },
} satisfies Record<string, Route>;

type Booked = { key: string; waybill: string; carrier: 'ems'; bookedAt: number; reference: string };

/**
 * What the simulated courier did: requests per idempotency key and the parcels it booked (at most
 * one per key, as a courier honouring the key does).
 */
export const courierLog = {
  requests: new Map<string, number>(),
  booked: [] as Booked[],
  reset() {
    this.requests.clear();
    this.booked.length = 0;
  },
  bookedCount(key: string) {
    return this.booked.filter((b) => b.key === key).length;
  },
};

/** A waybill in China Post's format, derived from the key: the same key always gets the same number, even after a restart. */
export function simulatedWaybill(key: string): string {
  const digits = BigInt(`0x${createHash('sha256').update(key).digest('hex').slice(0, 12)}`) % 1_000_000_000n;
  return `EA${String(digits).padStart(9, '0')}CN`;
}

/**
 * How a simulated parcel travels, by minutes after booking: accepted at once, in transit after 1,
 * out for delivery after 3, delivered after 5. "Now" is the time the portal signed the request
 * with, so tests stepping their clock step the parcel too.
 */
const JOURNEY = [
  { code: 'ACCEPTED', after: 0, location: '北京市东城区揽投部' },
  { code: 'IN_TRANSIT', after: 1, location: '北京邮件处理中心' },
  { code: 'OUT_FOR_DELIVERY', after: 3, location: '北京市东城区揽投部' },
  { code: 'DELIVERED', after: 5, location: null },
] as const;

function verified(request: Request, path: string, body: string): boolean {
  const ts = request.headers.get('x-courier-timestamp') ?? '';
  return request.headers.get('x-courier-signature') === signCourierRequest(MOCK_COURIER_KEYS.requestSecret, ts, request.method, path, body);
}

export const courierHandlers = [
  http.post(courierRoutes.create.url, async ({ request }) => {
    const body = await request.text();
    if (!verified(request, '/v1/shipments', body)) return HttpResponse.json({ error: 'bad_signature' }, { status: 401 });
    const key = request.headers.get('idempotency-key');
    if (!key) return HttpResponse.json({ error: 'idempotency_key_required' }, { status: 400 });
    const parsed = JSON.parse(body) as { reference?: string; recipient?: { street?: string } };
    if (!parsed.recipient?.street) return HttpResponse.json({ error: 'recipient_required' }, { status: 422 });
    courierLog.requests.set(key, (courierLog.requests.get(key) ?? 0) + 1);
    const existing = courierLog.booked.find((b) => b.key === key);
    const booked = existing ?? { key, waybill: simulatedWaybill(key), carrier: 'ems' as const, bookedAt: Number(request.headers.get('x-courier-timestamp')) * 1000, reference: parsed.reference ?? '' };
    if (!existing) courierLog.booked.push(booked);
    return HttpResponse.json({ waybill: booked.waybill, carrier: booked.carrier, duplicate: !!existing }, { status: existing ? 200 : 201 });
  }),
  http.get(courierRoutes.events.url, ({ request, params }) => {
    const waybill = String(params.waybill);
    if (!verified(request, `/v1/shipments/${encodeURIComponent(waybill)}/events`, '')) return HttpResponse.json({ error: 'bad_signature' }, { status: 401 });
    const booked = courierLog.booked.find((b) => b.waybill === waybill);
    if (!booked) return HttpResponse.json({ error: 'not_found' }, { status: 404 });
    const now = Number(request.headers.get('x-courier-timestamp')) * 1000;
    const events = JOURNEY.filter((j) => booked.bookedAt + j.after * 60_000 <= now).map((j) => ({
      id: `${waybill}-${j.code}`,
      code: j.code,
      at: new Date(booked.bookedAt + j.after * 60_000).toISOString(),
      location: j.location,
    }));
    return HttpResponse.json({ waybill, events });
  }),
];
