import { date, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { applications } from './applications.js';
import { offices, users } from './people.js';

/**
 * Where a sealed PDF's content comes from: a decision document (decision_documents), a one-time
 * notice (notices) or the receipt of an application (applications: what was received, where and
 * when, decision 0038; sourceId is the application's id). Another source is one more value here
 * and one more reader in services/documents/sources.ts.
 */
export const SEAL_SOURCES = ['decision', 'notice', 'receipt'] as const;
export type SealSource = (typeof SEAL_SOURCES)[number];

/**
 * The signed PDF of an issued document (decision 0034): rendered once, its exact bytes kept with
 * their SHA-256 and the Ed25519 signature over them (and the id of the key that signed), so
 * `/verify/<token>` can say whether an uploaded file is exactly what the office issued. The
 * token is random (never the document number): knowing a number does not open its page.
 * Revocation and the verification count are the only things that change.
 */
export const documentSeals = pgTable(
  'document_seals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** 32 random bytes, base64url: what the QR code's URL carries. */
    token: text('token').notNull(),
    source: text('source').$type<SealSource>().notNull(),
    /** The decision document's or the notice's id; for a receipt, the application's. */
    sourceId: uuid('source_id').notNull(),
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id),
    /** The document's kind as the verify page names it (documents kinds, 'notice', 'receipt'). */
    kind: text('kind').notNull(),
    number: text('number').notNull(),
    officeCode: text('office_code')
      .notNull()
      .references(() => offices.code),
    /** China date of issue, as printed. */
    issueDate: date('issue_date', { mode: 'string' }).notNull(),
    /** The only personal datum the verify page shows (maskName). */
    maskedName: text('masked_name').notNull(),
    /** The PDF, base64: the exact bytes signed. */
    pdf: text('pdf').notNull(),
    /** SHA-256 of the PDF's bytes, hex. */
    sha256: text('sha256').notNull(),
    /** Ed25519 over the PDF's bytes, base64. */
    signature: text('signature').notNull(),
    /** The DOCUMENT_SIGNING_KEYS entry that signed. */
    keyId: text('key_id').notNull(),
    sealedAt: timestamp('sealed_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: uuid('revoked_by').references(() => users.id),
    revokeReason: text('revoke_reason'),
    /** How many times the verify page was opened or a file checked against it. */
    verifications: integer('verifications').notNull().default(0),
    lastVerifiedAt: timestamp('last_verified_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('document_seals_token_uq').on(t.token),
    uniqueIndex('document_seals_source_uq').on(t.source, t.sourceId),
    index('document_seals_application_idx').on(t.applicationId),
  ],
);

/**
 * The hand-over of completion documents to the national e-licence system (电子证照库), one row
 * per document, written by the worker (services/documents/e-licence-push.ts), never by the
 * decision's transaction: a slow or absent e-licence system never holds up a decision.
 */
export const eLicencePushes = pgTable('e_licence_pushes', {
  documentId: uuid('document_id').primaryKey(),
  status: text('status').$type<'pending' | 'sent' | 'failed'>().notNull(),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
  /** The e-licence system's id of the licence, once accepted. */
  licenceId: text('licence_id'),
  lastError: text('last_error'),
  sentAt: timestamp('sent_at', { withTimezone: true }),
});
