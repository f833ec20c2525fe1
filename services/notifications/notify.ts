import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema/index.js';
import { messageInsertAll, type MessageTemplate } from './outbox.js';

export type ApplicantNotice = {
  applicationId: string;
  applicantId: string;
  template: MessageTemplate;
  params: Record<string, unknown>;
  /** Names the event, e.g. `acceptance:<applicationId>`; the e-mail's key adds `:email`. */
  eventKey: string;
  createdAt: Date;
  /** Not sent before this (e.g. office hours for what a night-time sweep decides). */
  notBefore?: Date;
};

/**
 * Tells the applicant of an event in the transaction that makes it (docs/decisions/0007): an SMS
 * always, and an e-mail too when they gave an address. The text is rendered at delivery, in the
 * language on their account (services/notifications/render.ts).
 */
export async function notifyApplicant(tx: Db, n: ApplicantNotice): Promise<void> {
  const [who] = await tx.select({ email: users.email }).from(users).where(eq(users.id, n.applicantId)).limit(1);
  await notifyApplicantAt(tx, n, who?.email ?? null);
}

/** notifyApplicant when the caller already read the applicant's e-mail address. */
export async function notifyApplicantAt(tx: Db, n: ApplicantNotice, email: string | null): Promise<void> {
  await applicantMessageInsert(tx, n, email);
}

/** The same messages as one statement not yet run, for a caller that sends it with its other writes (services/sql.ts). */
export function applicantMessageInsert(tx: Db, n: ApplicantNotice, email: string | null) {
  const base = { applicationId: n.applicationId, userId: n.applicantId, template: n.template, params: n.params, createdAt: n.createdAt, notBefore: n.notBefore };
  return messageInsertAll(tx, [
    { ...base, channel: 'sms', idempotencyKey: n.eventKey },
    ...(email ? [{ ...base, channel: 'email' as const, idempotencyKey: `${n.eventKey}:email` }] : []),
  ]);
}
