import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { TRACKING_CODES, type TrackingCode } from '../../db/schema/index.js';
import type { IntegrationsConfig } from './config.js';
import { callJson } from './http.js';
import { hasForbiddenCharacters, stripForbidden } from '../validation/text.js';

/**
 * The courier (decision 0035). Every request is signed: HMAC-SHA256 with the shared request secret
 * over `<timestamp>\n<METHOD>\n<path>\n<body>`, in `X-Courier-Timestamp` and `X-Courier-Signature`
 * (hex), beside the bearer API key http.ts sends. Creating a shipment carries an Idempotency-Key
 * (`shipment:<applicationId>`): the courier answers a repeated key with the shipment it already
 * made, so a worker that retries, or dies after the courier accepted and runs again, never books a
 * second parcel. Tracking events reach us both ways: the courier pushes them to
 * /integrations/courier/events, signed with the webhook secret (verifyCourierWebhook), and the
 * worker asks for a parcel's events (trackShipment) until it is delivered.
 */

/** The courier's event codes and ours (documents:tracking.<code>). */
const COURIER_CODES = {
  ACCEPTED: 'accepted',
  IN_TRANSIT: 'inTransit',
  OUT_FOR_DELIVERY: 'outForDelivery',
  DELIVERED: 'delivered',
  FAILED_ATTEMPT: 'failedAttempt',
  RETURNED: 'returned',
} as const satisfies Record<string, TrackingCode>;

/** The carriers the courier platform hands parcels to (documents:carriers.<code>). */
const CARRIER_CODES = ['ems', 'sf', 'jd'] as const;

const EARLIEST_EVENT = Date.UTC(2000, 0, 1);
const LATEST_EVENT = Date.UTC(2100, 0, 1);

export const courierShipmentSchema = z.object({
  waybill: z.string().regex(/^[A-Z0-9]{8,30}$/),
  carrier: z.enum(CARRIER_CODES),
  /** True when the courier had already made a shipment under this key and made no new one. */
  duplicate: z.boolean().default(false),
});
export type CourierShipment = z.infer<typeof courierShipmentSchema>;

/**
 * What the courier sends is a machine's text: an id with a control character is malformed (and
 * could not be stored), a place name is cleaned of them (a bidi control would reverse what the
 * citizen reads) rather than the whole push refused. Times before 2000 or after 2100 are no
 * courier's clock, and PostgreSQL would read year 1 as 2001: malformed.
 */
export const courierEventSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .refine((v) => !hasForbiddenCharacters(v)),
  code: z.enum(Object.keys(COURIER_CODES) as [keyof typeof COURIER_CODES, ...(keyof typeof COURIER_CODES)[]]).transform((c) => COURIER_CODES[c]),
  at: z
    .string()
    .datetime({ offset: true })
    .transform((s) => new Date(s))
    .refine((d) => d.getTime() >= EARLIEST_EVENT && d.getTime() < LATEST_EVENT),
  location: z
    .string()
    .max(100)
    .nullish()
    .transform((v) => (v == null ? null : stripForbidden(v) || null)),
});
export type TrackingEvent = z.infer<typeof courierEventSchema>;

/** A parcel's events: the polling answer and the webhook's body alike. */
export const courierTrackingSchema = z.object({
  waybill: z.string().regex(/^[A-Z0-9]{8,30}$/),
  events: z.array(courierEventSchema).max(200),
});
export type CourierTracking = z.infer<typeof courierTrackingSchema>;

// Our codes must all be the courier's: a tracking code nobody can produce is a dead translation.
const _allCodes: readonly TrackingCode[] = TRACKING_CODES;
void _allCodes;

export type ShipmentRequest = {
  idempotencyKey: string;
  /** The application's public number, printed on the parcel's label as the sender's reference. */
  reference: string;
  recipient: { recipient: string; mobile: string; province: string; city: string; district: string; street: string; postcode: string | null };
};

export function signCourierRequest(secret: string, timestamp: string, method: string, path: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${method}\n${path}\n${body}`).digest('hex');
}

function signedHeaders(cfg: IntegrationsConfig, now: Date, method: string, path: string, body: unknown): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const text = body === undefined ? '' : JSON.stringify(body);
  return { 'x-courier-timestamp': timestamp, 'x-courier-signature': signCourierRequest(cfg.courierKeys.requestSecret, timestamp, method, path, text) };
}

/** Books the parcel; the same key answers the same shipment. Throws IntegrationError ('rejected' when the courier refuses it). */
export async function createShipment(cfg: IntegrationsConfig, now: Date, req: ShipmentRequest): Promise<CourierShipment> {
  const path = '/v1/shipments';
  const body = { reference: req.reference, recipient: req.recipient, contents: 'documents' };
  const out = await callJson(
    'courier',
    cfg.courier,
    { method: 'POST', path, body, headers: { 'idempotency-key': req.idempotencyKey, ...signedHeaders(cfg, now, 'POST', path, body) }, idempotent: true },
    courierShipmentSchema,
  );
  return out!;
}

/** A parcel's events so far; null when the courier does not know the waybill (a waybill a clerk typed for another carrier). */
export async function trackShipment(cfg: IntegrationsConfig, now: Date, waybill: string): Promise<CourierTracking | null> {
  const path = `/v1/shipments/${encodeURIComponent(waybill)}/events`;
  return callJson(
    'courier',
    cfg.courier,
    { method: 'GET', path, headers: signedHeaders(cfg, now, 'GET', path, undefined), idempotent: true, notFoundStatuses: [404] },
    courierTrackingSchema,
  );
}

/** How far a webhook's timestamp may be from our clock: a captured request replayed later is refused. */
export const WEBHOOK_TOLERANCE_MS = 5 * 60_000;

export function signCourierWebhook(secret: string, timestamp: string, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

export type WebhookCheck = { ok: true; tracking: CourierTracking } | { ok: false; reason: 'signature' | 'stale' | 'malformed' };

/**
 * Checks a pushed tracking event: the signature over `<timestamp>.<raw body>` with the webhook
 * secret (compared in constant time), a timestamp within WEBHOOK_TOLERANCE_MS of now, and the body
 * against the contract. Only then is anything in it believed.
 */
export function verifyCourierWebhook(
  cfg: IntegrationsConfig,
  now: Date,
  headers: { timestamp: string | null; signature: string | null },
  rawBody: string,
): WebhookCheck {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp) || !/^[0-9a-f]{64}$/i.test(signature)) return { ok: false, reason: 'signature' };
  const expected = Buffer.from(signCourierWebhook(cfg.courierKeys.webhookSecret, timestamp, rawBody), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return { ok: false, reason: 'signature' };
  if (Math.abs(now.getTime() - Number(timestamp) * 1000) > WEBHOOK_TOLERANCE_MS) return { ok: false, reason: 'stale' };
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const parsed = courierTrackingSchema.safeParse(body);
  return parsed.success ? { ok: true, tracking: parsed.data } : { ok: false, reason: 'malformed' };
}
