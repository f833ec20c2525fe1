import { z } from 'zod';
import type { IntegrationsConfig } from './config.js';
import { callJson } from './http.js';

/**
 * The SMS gateway. The portal sends the text it rendered from locales/ in the citizen's language
 * (texts live with the portal, not at the carrier), with the template code, language and
 * parameters for the carrier's records (短信模板报备). The Idempotency-Key
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
  /** The message as the citizen reads it. */
  text: string;
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
      body: { to: sms.to, template: sms.template, locale: sms.locale, params: sms.params, text: sms.text },
      idempotent: true,
    },
    smsAcceptedSchema,
  );
  return out!;
}
