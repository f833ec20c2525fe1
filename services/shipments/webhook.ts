import { verifyCourierWebhook } from '../integrations/courier.js';
import type { WorkerContext } from '../notifications/worker.js';
import { recordTracking } from './shipments.js';

/** A refusal's code is a key of errors: (courierWebhook.*), as every refusal of the portal's. */
export type WebhookAnswer = { status: 200 | 400 | 401 | 404; body: { ok: boolean; code?: string; added?: number } };

/**
 * The courier's tracking push (server to server, no session): what grants the right to write is
 * the signature over the raw body with the webhook secret, checked before anything in the body is
 * read. A forged or stale push changes nothing (401); a malformed one, or one with an event dated before the parcel was booked or in the future, 400; an unknown waybill 404;
 * a repeated or out-of-order one is answered 200 and stores only what is new (recordTracking).
 */
export async function receiveCourierWebhook(
  ctx: Pick<WorkerContext, 'db' | 'clock' | 'config'>,
  headers: { timestamp: string | null; signature: string | null },
  rawBody: string,
): Promise<WebhookAnswer> {
  const check = verifyCourierWebhook(ctx.config.integrations, ctx.clock.now(), headers, rawBody);
  if (!check.ok) return { status: check.reason === 'malformed' ? 400 : 401, body: { ok: false, code: `courierWebhook.${check.reason}` } };
  const outcome = await recordTracking(ctx, check.tracking, { refuseImplausible: true });
  if (!outcome.known) return { status: 404, body: { ok: false, code: 'courierWebhook.unknownWaybill' } };
  if (outcome.implausible > 0) return { status: 400, body: { ok: false, code: 'courierWebhook.implausibleTime' } };
  return { status: 200, body: { ok: true, added: outcome.added } };
}
