import type { SQL } from 'drizzle-orm';
import { DOCUMENT_KINDS, messages } from '../../db/schema/index.js';
import type { Db } from '../../db/client.js';

/**
 * The notifications a citizen gets; each has its texts in locales/<lng>/messages.json (rendered at
 * delivery in the citizen's language, services/notifications/render.ts). The decision templates
 * are named as the documents they announce (db/schema/documents.ts).
 */
export const MESSAGE_TEMPLATES = [
  'receipt',
  'notice',
  // One per decision document: the message announces the document.
  ...DOCUMENT_KINDS,
  // A deemed acceptance that comes after the promised completion date (services/documents/render.ts).
  'deemedAcceptanceOverdue',
  'transfer',
  'ratingInvitation',
  // Deadlines, not decisions (services/clock-rules): a reminder to the citizen, an alert to the office.
  'supplementReminder',
  'overdueAlert',
  // One-time codes and what is sent instead of one (services/auth/one-time-codes.ts, decision 0024).
  'signupCode',
  'signupAccountExists',
  'signupIdTaken',
  'resetCode',
  'trackCode',
  // The one visit (services/appointments, decision 0033).
  'appointmentBooked',
  'appointmentRescheduled',
  'appointmentCancelled',
  // A document the office revoked (services/documents/seal.ts): the revocation reaches the applicant in writing too.
  'documentRevoked',
] as const;
export type MessageTemplate = (typeof MESSAGE_TEMPLATES)[number];

export type OutgoingMessage = {
  applicationId: string | null;
  /** The account told; null with toMobile, for a mobile that has no account yet. */
  userId: string | null;
  toMobile?: string;
  channel: 'sms' | 'email';
  template: MessageTemplate;
  /** Or SQL that makes them, for a statement that computes part of them (services/applications/submit-statements.ts). */
  params: Record<string, unknown> | SQL;
  /**
   * One per event (e.g. `receipt:<applicationId>`, `notice:<noticeId>`): the outbox keeps one row
   * per key, and the gateway sends at most once per key.
   */
  idempotencyKey: string;
  /** The state change's time (ctx.clock.now()); the message is due from then. */
  createdAt: Date;
  /**
   * Not to be sent before this (default createdAt): the clock's sweeps run at midnight China time
   * too, and a reminder or an alert should not wake anyone (services/clock-rules/).
   */
  notBefore?: Date;
};

/**
 * Puts a message in the outbox. Call it with the transaction that makes the state change the
 * message announces: both commit or neither does, so no message exists for a change that
 * rolled back and no change goes unannounced (docs/decisions/0007). Enqueuing the same key
 * twice keeps the first row.
 */
export async function enqueueMessage(tx: Db, msg: OutgoingMessage): Promise<void> {
  await messageInsert(tx, msg);
}

/** The same enqueue as a statement not yet run, for a caller that sends it with its other writes (services/sql.ts). */
export function messageInsert(tx: Db, msg: OutgoingMessage) {
  return messageInsertAll(tx, [msg]);
}

/**
 * Several enqueues as one statement not yet run: one multi-row insert keeps them in the order
 * given, where separate inserts inside one WITH run in no promised order.
 */
export function messageInsertAll(tx: Db, msgs: readonly OutgoingMessage[]) {
  return tx
    .insert(messages)
    .values(msgs.map(({ notBefore, ...row }) => ({ ...row, status: 'pending' as const, nextAttemptAt: notBefore ?? row.createdAt })))
    .onConflictDoNothing({ target: messages.idempotencyKey });
}
