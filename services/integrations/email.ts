import { z } from 'zod';
import type { IntegrationsConfig } from './config.js';
import { callJson } from './http.js';

/**
 * The mail service. Like the SMS gateway it is sent the text the portal rendered in the citizen's
 * language (subject and plain-text body), and an Idempotency-Key makes repeats no-ops.
 */
export const emailAcceptedSchema = z.object({
  id: z.string().min(1),
  duplicate: z.boolean().default(false),
});
export type EmailAccepted = z.infer<typeof emailAcceptedSchema>;

export type EmailRequest = {
  to: string;
  template: string;
  locale: string;
  params: Record<string, unknown>;
  subject: string;
  /** Plain text. */
  text: string;
  idempotencyKey: string;
};

export async function sendEmail(cfg: IntegrationsConfig, mail: EmailRequest): Promise<EmailAccepted> {
  const out = await callJson(
    'email',
    cfg.email,
    {
      method: 'POST',
      path: '/v1/mail',
      headers: { 'idempotency-key': mail.idempotencyKey },
      body: { to: mail.to, template: mail.template, locale: mail.locale, params: mail.params, subject: mail.subject, text: mail.text },
      idempotent: true,
    },
    emailAcceptedSchema,
  );
  return out!;
}
