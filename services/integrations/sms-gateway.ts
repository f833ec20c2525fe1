import { z } from 'zod';
import type { IntegrationsConfig } from './config.js';
import { callJson } from './http.js';

/**
 * The SMS gateway. Messages are templates registered with the carrier (短信模板), so the portal
 * sends a template code, the language and the parameters, never free text. The Idempotency-Key
 * header makes a repeated request (a retry, or a worker that died after sending) a no-op at the
 * gateway: at most one SMS per key.
 */
export const smsAcceptedSchema = z.object({
  messageId: z.string().min(1),
  /** True when the gateway had already accepted this key and did not send again. */
  duplicate: z.boolean().default(false),
});
export type SmsAccepted = z.infer<typeof smsAcceptedSchema>;

export type SmsRequest = {
  to: string;
  template: string;
  locale: string;
  params: Record<string, unknown>;
  idempotencyKey: string;
};

export async function sendSms(cfg: IntegrationsConfig, sms: SmsRequest): Promise<SmsAccepted> {
  const out = await callJson(
    'smsGateway',
    cfg.smsGateway,
    {
      method: 'POST',
      path: '/v1/messages',
      headers: { 'idempotency-key': sms.idempotencyKey },
      body: { to: sms.to, template: sms.template, locale: sms.locale, params: sms.params },
      idempotent: true,
    },
    smsAcceptedSchema,
  );
  return out!;
}
