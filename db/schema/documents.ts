import { date, jsonb, pgSequence, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { applications } from './applications.js';
import { offices } from './people.js';
import { decisions } from './review.js';

/**
 * The written decision a status change produces (docs/decisions/0019). Acceptance and deemed
 * acceptance, non-acceptance, completion, refusal, withdrawal and withdrawal at the supplement
 * deadline. The one-time notice keeps its own table (notices).
 */
export const DOCUMENT_KINDS = [
  'acceptance',
  'deemedAcceptance',
  'nonAcceptance',
  'completion',
  'refusal',
  'withdrawal',
  'deemedWithdrawal',
  /** The result itself, issued electronically (decision 0035): not a status change's document. */
  'electronicResult',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** One language's text of a document, as issued. */
export type RenderedDocument = {
  title: string;
  /** Label and value pairs printed as the document's header table. */
  facts: { label: string; value: string }[];
  paragraphs: string[];
};

/**
 * An issued decision document: numbered, dated in China time and rendered in every supported
 * language when issued, so the printed text never changes when locales or the catalog do. A
 * trigger (migration 0012) refuses UPDATE and DELETE.
 */
export const decisionDocuments = pgTable(
  'decision_documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    number: text('number').notNull(),
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id),
    /** The clerk's decision row; null for what the clock or the citizen decided. */
    decisionId: uuid('decision_id').references(() => decisions.id),
    kind: text('kind').$type<DocumentKind>().notNull(),
    officeCode: text('office_code')
      .notNull()
      .references(() => offices.code),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
    /** China date of issue, as printed. */
    issueDate: date('issue_date', { mode: 'string' }).notNull(),
    /** The facts the text was rendered from (keys and values), for machines and audits. */
    facts: jsonb('facts').$type<Record<string, string | null>>().notNull(),
    /** The text as issued, per language (zh-CN is the authoritative one). */
    content: jsonb('content').$type<Record<string, RenderedDocument>>().notNull(),
  },
  (t) => [uniqueIndex('decision_documents_number_uq').on(t.number), uniqueIndex('decision_documents_app_kind_uq').on(t.applicationId, t.kind)],
);

/**
 * The serial of every document number, as notices and applications draw theirs (decision 0043):
 * a sequence hands out values without locking anything, so two decisions never wait on each
 * other for a number. A rolled-back decision leaves its value unused; the audit trail, not the
 * serials, is the register of what was issued.
 */
export const documentNumberSeq = pgSequence('document_number_seq', { startWith: 1 });
