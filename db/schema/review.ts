import { date, index, integer, jsonb, pgSequence, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { applications } from './applications.js';
import { offices, users } from './people.js';

/**
 * A clerk's verdict on one checklist item. Rows are only ever added: the current verdict for a
 * material is its latest row, unless the citizen uploaded a file for that material afterwards
 * (then the item needs a fresh look).
 */
export const materialVerdicts = pgTable(
  'material_verdicts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id),
    materialCode: text('material_code').notNull(),
    verdict: text('verdict').$type<'ok' | 'missing' | 'deficient'>().notNull(),
    /** One of the material's deficiencyReasons, for 'deficient'. */
    reasonCode: text('reason_code'),
    note: text('note'),
    clerkId: uuid('clerk_id')
      .notNull()
      .references(() => users.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /**
     * The file rows the clerk looked at. A verdict stays current only while the material's
     * files are exactly these: ids, not timestamps, so clock skew cannot revive an old verdict.
     */
    fileIds: jsonb('file_ids').$type<string[]>().notNull().default([]),
  },
  (t) => [index('material_verdicts_app_idx').on(t.applicationId, t.materialCode, t.at)],
);

export type NoticeItem = {
  materialCode: string;
  verdict: 'missing' | 'deficient';
  reasonCode: string | null;
  note: string | null;
  /** catalog key of the requirement text at the time of issue. */
  requirementKey: string;
  /**
   * The requirement as the version of the list the application was filed under words it (zh and
   * en), stored as issued; absent or null: the catalog's text under requirementKey
   * (docs/decisions/0040). Notices issued before this field existed have none.
   */
  requirementText?: { zh: string; en: string } | null;
};

/** Feeds notice numbers; a sequence never hands out the same value twice. */
export const noticeNumberSeq = pgSequence('notice_number_seq', { startWith: 1 });

/**
 * The one-time notice (一次性告知书) as issued: a document, so a trigger (migration) refuses
 * UPDATE and DELETE. Everything the printed page shows is stored here, not recomputed.
 */
export const notices = pgTable(
  'notices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    number: text('number').notNull(),
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id),
    officeCode: text('office_code')
      .notNull()
      .references(() => offices.code),
    clerkId: uuid('clerk_id')
      .notNull()
      .references(() => users.id),
    clerkStaffNo: text('clerk_staff_no').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
    /** China date of issue, as printed. */
    issueDate: date('issue_date', { mode: 'string' }).notNull(),
    /** Last day to supplement; after it the application counts as withdrawn. */
    supplementDeadline: date('supplement_deadline', { mode: 'string' }).notNull(),
    /** catalog basis.<key>; art. 32 of the Administrative Licensing Law. */
    legalBasisKey: text('legal_basis_key').notNull(),
    items: jsonb('items').$type<NoticeItem[]>().notNull(),
    /** Each applicable material's file ids at issue, to tell later which files the citizen changed. */
    fileSnapshot: jsonb('file_snapshot').$type<Record<string, string[]>>().notNull(),
    /** 1 for the first notice of an application, 2 for a second (which needs an override). */
    sequence: integer('sequence').notNull(),
    /** A supervisor's override that allowed items the first notice did not name. */
    overrideBy: uuid('override_by').references(() => users.id),
    overrideReason: text('override_reason'),
  },
  (t) => [uniqueIndex('notices_number_uq').on(t.number), uniqueIndex('notices_app_seq_uq').on(t.applicationId, t.sequence)],
);

/**
 * A supervisor's written permission to notify items beyond the first notice. Consumed by the
 * next notice issued (used_by_notice_id), so one override covers one notice.
 */
export const noticeOverrides = pgTable(
  'notice_overrides',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id),
    managerId: uuid('manager_id')
      .notNull()
      .references(() => users.id),
    reason: text('reason').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    usedByNoticeId: uuid('used_by_notice_id').references(() => notices.id),
  },
  (t) => [index('notice_overrides_app_idx').on(t.applicationId)],
);

/**
 * Time the application spent waiting for the citizen (from a notice to the supplement). It does
 * not count toward the office's processing time.
 */
export const waitingIntervals = pgTable(
  'waiting_intervals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id),
    noticeId: uuid('notice_id')
      .notNull()
      .references(() => notices.id),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** supplemented | withdrawn */
    endedBy: text('ended_by'),
  },
  // Processing-time reports look up each application's waiting time: without this index that is
  // a scan of the whole table per application (quadratic; seen at 20k applications in bench/).
  (t) => [uniqueIndex('waiting_intervals_notice_uq').on(t.noticeId), index('waiting_intervals_application_idx').on(t.applicationId)],
);

export type DecisionKind = 'accepted' | 'not_accepted' | 'completed' | 'refused';

/** How a completed matter's result reaches the citizen: collected, posted, or issued electronically. */
export type CompletionDelivery = 'pickup' | 'mail' | 'electronic';

/**
 * The written decisions (受理 / 不予受理 / 办结 / 不予许可): who decided what, on which basis.
 * applications.result carries the latest for the citizen's page.
 */
export const decisions = pgTable(
  'decisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id),
    kind: text('kind').$type<DecisionKind>().notNull(),
    clerkId: uuid('clerk_id').references(() => users.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** desk:reasons.<kind>.<code> */
    reasonCode: text('reason_code'),
    note: text('note'),
    /** catalog basis.<key> */
    legalBasisKey: text('legal_basis_key'),
    /** not_accepted for jurisdiction: the office to go to instead. */
    redirectOfficeCode: text('redirect_office_code').references(() => offices.code),
    /** completed: the document issued and how it reaches the citizen. */
    documentNumber: text('document_number'),
    delivery: text('delivery').$type<CompletionDelivery>(),
    /** completed by post: the carrier (desk:complete.carriers.<code>) and its waybill number. */
    carrier: text('carrier'),
    waybill: text('waybill'),
  },
  (t) => [index('decisions_app_idx').on(t.applicationId, t.at)],
);

/**
 * A clerk's request for the office manager's override of the one-time rule (decision 0026): the
 * clerk writes why a further notice is needed; the manager approves or refuses with a reason.
 * An approval becomes the notice_overrides row the next notice consumes (its reason printed on
 * that notice). At most one request per application is pending at a time.
 */
export const overrideRequests = pgTable(
  'override_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id),
    /** Copied from the application at request time: the manager's list is read by office. */
    officeCode: text('office_code')
      .notNull()
      .references(() => offices.code),
    requestedBy: uuid('requested_by')
      .notNull()
      .references(() => users.id),
    reason: text('reason').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    status: text('status').$type<'pending' | 'approved' | 'refused'>().notNull().default('pending'),
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionReason: text('decision_reason'),
    overrideId: uuid('override_id').references(() => noticeOverrides.id),
  },
  (t) => [
    index('override_requests_pending_idx').on(t.officeCode, t.requestedAt).where(sql`status = 'pending'`),
    uniqueIndex('override_requests_one_pending_idx').on(t.applicationId).where(sql`status = 'pending'`),
  ],
);
