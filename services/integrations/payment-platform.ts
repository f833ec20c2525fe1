import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { IntegrationsConfig, PaymentMerchantConfig } from './config.js';
import { callJson } from './http.js';
import { hasForbiddenCharacters } from '../validation/text.js';

/**
 * The unified public-payment platform (统一公共支付平台). Every request carries our merchant id,
 * a timestamp, a nonce and an HMAC-SHA256 signature over method, path, timestamp, nonce and body
 * with the merchant key (config, never a constant in code); every answer is checked by its
 * schema. Creating an order is idempotent by our order number, a refund by our refund id, so a
 * retry after a timeout never charges or refunds twice. The platform's callbacks are signed with
 * the same key over the timestamp and the raw body; verifyPaymentCallback checks the signature
 * before the body is even parsed.
 */

const fen = z.number().int().positive();

/** Where the platform may send a browser: its own https cashier, or (MOCKS only) the simulated one our app serves. */
const browserUrl = z
  .string()
  .max(2000)
  .refine((u) => !hasForbiddenCharacters(u))
  .refine((u) => u.startsWith('https://') || u.startsWith(SIMULATED_PATH_PREFIX), 'not an https or simulated URL');

export const SIMULATED_PATH_PREFIX = '/_simulated/payment-platform/';

export const createdOrderSchema = z.object({
  orderNo: z.string().min(1),
  platformOrderId: z.string().min(1),
  cashierUrl: browserUrl,
});
export type CreatedOrder = z.infer<typeof createdOrderSchema>;

export const platformOrderSchema = z.object({
  orderNo: z.string().min(1),
  platformOrderId: z.string().min(1),
  status: z.enum(['created', 'paid', 'closed']),
  amountFen: fen,
  paidAt: z.string().datetime({ offset: true }).nullable().default(null),
  invoiceUrl: browserUrl.nullable().default(null),
});
export type PlatformOrder = z.infer<typeof platformOrderSchema>;

export const refundAnswerSchema = z.object({
  refundId: z.string().min(1),
  orderNo: z.string().min(1),
  status: z.enum(['processing', 'succeeded', 'failed']),
  amountFen: fen,
  /** True when the platform had this refund id already and did not refund again. */
  duplicate: z.boolean().default(false),
});
export type RefundAnswer = z.infer<typeof refundAnswerSchema>;

export const statementSchema = z.object({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  entries: z.array(
    z.object({
      orderNo: z.string().min(1),
      entry: z.enum(['payment', 'refund']),
      amountFen: fen,
      at: z.string().datetime({ offset: true }),
    }),
  ),
});
export type Statement = z.infer<typeof statementSchema>;

/** What the platform posts to us when an order is paid or a refund is done. */
/** An identifier the platform sends: never a control or format character (a NUL reached the database). */
const platformId = z
  .string()
  .min(1)
  .max(100)
  .refine((v) => !hasForbiddenCharacters(v));

export const paymentCallbackSchema = z.object({
  notifyId: platformId,
  merchantId: platformId,
  event: z.enum(['paid', 'refunded']),
  orderNo: platformId,
  platformOrderId: platformId,
  amountFen: fen,
  at: z.string().datetime({ offset: true }),
  refundId: platformId.nullable().default(null),
  invoiceUrl: browserUrl.nullable().default(null),
});
export type PaymentCallback = z.infer<typeof paymentCallbackSchema>;

const hmac = (key: string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest('hex');

/** The request signature: method, path, timestamp, nonce and body, one per line. */
export function signRequest(key: string, parts: { method: string; path: string; timestamp: string; nonce: string; body: string }): string {
  return hmac(key, [parts.method, parts.path, parts.timestamp, parts.nonce, parts.body].join('\n'));
}

/** The callback signature the platform computes (and the simulated platform and tests with it). */
export function signCallback(key: string, timestamp: string, rawBody: string): string {
  return hmac(key, `${timestamp}\n${rawBody}`);
}

function sameHex(a: string, b: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(a) || !/^[0-9a-f]{64}$/.test(b)) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

export type CallbackVerdict = { ok: true; callback: PaymentCallback } | { ok: false; reason: 'signature' | 'malformed' | 'merchant' };

/**
 * A callback as it arrived: the signature first (a forged body is never parsed into anything
 * the portal acts on), then the schema, then our merchant id.
 */
export function verifyPaymentCallback(merchant: PaymentMerchantConfig, rawBody: string, headers: { timestamp: string | null; signature: string | null }): CallbackVerdict {
  if (!headers.timestamp || !headers.signature) return { ok: false, reason: 'signature' };
  if (!sameHex(headers.signature.toLowerCase(), signCallback(merchant.signingKey, headers.timestamp, rawBody))) return { ok: false, reason: 'signature' };
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const parsed = paymentCallbackSchema.safeParse(body);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  if (parsed.data.merchantId !== merchant.merchantId) return { ok: false, reason: 'merchant' };
  return { ok: true, callback: parsed.data };
}

function signedHeaders(cfg: IntegrationsConfig, method: string, path: string, body: unknown, extra: Record<string, string> = {}): Record<string, string> {
  const timestamp = new Date().toISOString();
  const nonce = randomUUID();
  const text = body === undefined ? '' : JSON.stringify(body);
  return {
    ...extra,
    'x-merchant-id': cfg.payment.merchantId,
    'x-timestamp': timestamp,
    'x-nonce': nonce,
    'x-signature': signRequest(cfg.payment.signingKey, { method, path, timestamp, nonce, body: text }),
  };
}

async function signedCall<S extends z.ZodTypeAny>(
  cfg: IntegrationsConfig,
  req: { method: 'GET' | 'POST'; path: string; body?: unknown; idempotencyKey?: string; notFound?: boolean },
  schema: S,
): Promise<z.infer<S> | null> {
  return callJson(
    'paymentPlatform',
    cfg.paymentPlatform,
    {
      method: req.method,
      path: req.path,
      body: req.body,
      headers: signedHeaders(cfg, req.method, req.path, req.body, req.idempotencyKey ? { 'idempotency-key': req.idempotencyKey } : {}),
      // Reads, and writes carrying their idempotency key, are safe to repeat.
      idempotent: true,
      notFoundStatuses: req.notFound ? [404] : undefined,
    },
    schema,
  );
}

export type CreateOrderRequest = {
  orderNo: string;
  amountFen: number;
  /** What the citizen sees at the cashier (the item's name). */
  subject: string;
  lines: { key: string; amountFen: number }[];
  /** Where the cashier sends the browser back to. */
  returnUrl: string;
};

/** Creates (or, for an order number already known, returns) the platform's order and its cashier URL. */
export async function createPlatformOrder(cfg: IntegrationsConfig, order: CreateOrderRequest): Promise<CreatedOrder> {
  const out = await signedCall(cfg, { method: 'POST', path: '/v1/orders', body: order, idempotencyKey: order.orderNo }, createdOrderSchema);
  return out!;
}

/** The platform's view of an order; null when it has none under this number. */
export async function queryPlatformOrder(cfg: IntegrationsConfig, orderNo: string): Promise<PlatformOrder | null> {
  return signedCall(cfg, { method: 'GET', path: `/v1/orders/${encodeURIComponent(orderNo)}`, notFound: true }, platformOrderSchema);
}

/** Asks for a refund, or for the state of the one already asked under this refund id (never a second refund). */
export async function refundPlatformOrder(cfg: IntegrationsConfig, refund: { refundId: string; orderNo: string; amountFen: number; reason: string }): Promise<RefundAnswer> {
  const out = await signedCall(cfg, { method: 'POST', path: '/v1/refunds', body: refund, idempotencyKey: refund.refundId }, refundAnswerSchema);
  return out!;
}

/** The platform's statement of one China day: every payment and refund it settled for us. */
export async function platformStatement(cfg: IntegrationsConfig, day: string): Promise<Statement> {
  const out = await signedCall(cfg, { method: 'GET', path: `/v1/statements/${day}` }, statementSchema);
  return out!;
}

/**
 * Whether the payment platform configured is the simulated one (MOCKS): only then does our app
 * serve the simulated cashier pages. A real deployment must name a real platform
 * (PAYMENT_PLATFORM_URL, services/integrations/config.ts), so these pages answer 404 there.
 */
export function isSimulatedPlatform(cfg: IntegrationsConfig, simulatedBaseUrl: string): boolean {
  return cfg.paymentPlatform.baseUrl === simulatedBaseUrl;
}

export const simulatedCashierSchema = z.object({
  platformOrderId: z.string(),
  orderNo: z.string(),
  subject: z.string(),
  amountFen: fen,
  status: z.enum(['created', 'paid', 'closed']),
  returnUrl: z.string(),
  invoiceNo: z.string().nullable().default(null),
});
export type SimulatedCashier = z.infer<typeof simulatedCashierSchema>;

/** The simulated platform's cashier (MOCKS only): the order as its cashier page shows it. */
export async function simulatedCashier(cfg: IntegrationsConfig, platformOrderId: string): Promise<SimulatedCashier | null> {
  return callJson(
    'paymentPlatform',
    cfg.paymentPlatform,
    { method: 'GET', path: `/_sim/cashier/${encodeURIComponent(platformOrderId)}`, idempotent: true, notFoundStatuses: [404] },
    simulatedCashierSchema,
  );
}

/** The simulated citizen pressing "pay" at the simulated cashier (MOCKS only). */
export async function simulatedCashierPay(cfg: IntegrationsConfig, platformOrderId: string): Promise<SimulatedCashier | null> {
  return callJson(
    'paymentPlatform',
    cfg.paymentPlatform,
    { method: 'POST', path: `/_sim/cashier/${encodeURIComponent(platformOrderId)}/pay`, idempotent: true, notFoundStatuses: [404] },
    simulatedCashierSchema,
  );
}
