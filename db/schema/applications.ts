import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { ApplicationStatus } from '../../services/applications/status-machine.js';
import { offices, users } from './people.js';
import { itemVersions } from './items.js';

/** How the filer stands to the person the application is about. */
export type FiledAs = 'self' | 'guardian' | 'agent';

export type ManualCheck = 'controlsHit' | 'controlsUnavailable';

export const applications = pgTable(
  'applications',
  {
    /** Chosen by the form when it is first rendered, so a double-posted form maps to one row. */
    id: uuid('id').primaryKey(),
    /** Public application number, assigned on submission. */
    number: text('number'),
    applicantId: uuid('applicant_id')
      .notNull()
      .references(() => users.id),
    serviceCode: text('service_code').notNull(),
    department: text('department').notNull(),
    status: text('status').$type<ApplicationStatus>().notNull(),
    answers: jsonb('answers').$type<Record<string, unknown>>().notNull().default({}),
    officeCode: text('office_code').references(() => offices.code),
    priority: integer('priority').notNull().default(0),
    /** Receipt time: starts the art. 32 five-working-day clock. */
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    completenessDeadline: date('completeness_deadline', { mode: 'string' }),
    dueDate: date('due_date', { mode: 'string' }),
    /** When the one-time notice went out / when complete supplements arrived. */
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    /** Whether acceptance came from the missed 5-day check (art. 32 deemed acceptance). */
    deemedAccepted: integer('deemed_accepted').notNull().default(0),
    result: jsonb('result').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** Optimistic-concurrency counter; every write bumps it. */
    version: integer('version').notNull().default(0),
    /**
     * Why a clerk must check this application by hand before deciding, or null: 'controlsHit'
     * (exit-entry controls answered a hit) or 'controlsUnavailable' (they could not be asked).
     * Never a refusal online (docs/decisions/0008).
     */
    manualCheck: text('manual_check').$type<ManualCheck>(),
    /**
     * The latest one-time notice's last day to supplement (China date), copied from the notice
     * when it is issued; null while no notice was ever issued — which is also what keeps art. 32's
     * deemed acceptance possible. Here, beside the status, so the clock's sweeps find what is due
     * through the partial indexes below (services/clock-rules/).
     */
    supplementDeadline: date('supplement_deadline', { mode: 'string' }),
    /** When the citizen was reminded of that deadline (two working days before it); null until then. */
    supplementRemindedAt: timestamp('supplement_reminded_at', { withTimezone: true }),
    /**
     * The committed due date the office was alerted had passed. A supplement sets a new due date,
     * which can be flagged (and alerted) again; flagged means equal to due_date.
     */
    overdueFlaggedDue: date('overdue_flagged_due', { mode: 'string' }),
    /**
     * For whom this was filed, fixed at submission (services/integrations/submission-checks.ts
     * filingRelationOf): 'self', 'guardian' of a minor, or 'agent' holding a power of attorney.
     * Null on drafts and on applications filed before the relation was recorded (read as 'self').
     */
    subjectRelation: text('subject_relation').$type<FiledAs>(),
    subjectName: text('subject_name'),
    subjectIdNumber: text('subject_id_number'),
    /** The subject's account when one held that ID number at filing: they may then read (not act on) it. */
    subjectUserId: uuid('subject_user_id').references(() => users.id),
    /**
     * The version of the list of items (事项清单) in force when it was filed (docs/decisions/0036):
     * its fees, limits and texts are what the receipt, notice, documents and due dates read, however
     * the list changes later. Null on drafts and on applications filed before versions existed
     * (read as the item's version 1, the facts the code had).
     */
    itemVersionId: uuid('item_version_id').references(() => itemVersions.id),
  },
  (t) => [
    uniqueIndex('applications_number_uq').on(t.number),
    index('applications_applicant_idx').on(t.applicantId, t.createdAt),
    index('applications_subject_user_idx').on(t.subjectUserId),
    index('applications_office_status_idx').on(t.officeCode, t.status),
    // The backlog on /reports (open applications by age, services/reports/metrics.ts): an
    // index-only scan over the open ones, however many are closed. Same status list as the query.
    index('applications_backlog_idx')
      .on(t.officeCode, t.submittedAt, t.serviceCode, t.department)
      .where(sql`status in ('submitted','under_review','needs_supplement','supplemented','accepted')`),
    // The clock's sweeps (services/clock-rules/due.ts) run every worker round: each reads
    // one of these ranges up to today, which holds only what is due, so a round with nothing due
    // reads nothing. Predicates are the sweeps' own, word for word (the planner matches them).
    index('applications_deemed_due_idx')
      .on(t.completenessDeadline)
      .where(sql`status in ('submitted','under_review') and supplement_deadline is null`),
    index('applications_supplement_due_idx').on(t.supplementDeadline).where(sql`status = 'needs_supplement'`),
    index('applications_reminder_due_idx')
      .on(t.supplementDeadline)
      .where(sql`status = 'needs_supplement' and supplement_reminded_at is null`),
    index('applications_overdue_due_idx')
      .on(t.dueDate)
      .where(sql`status in ('submitted','under_review','supplemented','accepted') and overdue_flagged_due is distinct from due_date`),
  ],
);

export const applicationFiles = pgTable(
  'application_files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id),
    materialCode: text('material_code').notNull(),
    /** Random name on disk; never derived from user input. */
    storageKey: text('storage_key').notNull(),
    originalName: text('original_name').notNull(),
    mimeType: text('mime_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull().defaultNow(),
    /** Set when the citizen replaces the file (drafts or supplements); old rows are kept. */
    supersededAt: timestamp('superseded_at', { withTimezone: true }),
  },
  (t) => [index('application_files_app_idx').on(t.applicationId, t.materialCode)],
);

/** The single back-office queue: one item per submitted application. */
export const queueItems = pgTable(
  'queue_items',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id),
    officeCode: text('office_code')
      .notNull()
      .references(() => offices.code),
    department: text('department').notNull(),
    serviceCode: text('service_code').notNull(),
    priority: integer('priority').notNull().default(0),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    /** Null while the calendar year they fall in is not entered (docs/decisions/0028). */
    completenessDeadline: date('completeness_deadline', { mode: 'string' }),
    dueDate: date('due_date', { mode: 'string' }),
    /** waiting: claimable; claimed: leased to a clerk; parked: waiting for the citizen; done. */
    state: text('state').$type<'waiting' | 'claimed' | 'parked' | 'done'>().notNull().default('waiting'),
    claimedBy: uuid('claimed_by').references(() => users.id),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
    /** Clerk an item returns to after a supplement, while that clerk is on duty. */
    preferredClerkId: uuid('preferred_clerk_id').references(() => users.id),
    /** Lower sorts first; supplements come back at the front. */
    frontOfQueue: integer('front_of_queue').notNull().default(0),
    /** Bumped whenever the item changes hands; desk forms carry it so a stale form is refused. */
    leaseVersion: integer('lease_version').notNull().default(0),
    /** When the current holder got the item (claim, return after a supplement, transfer, reassignment): the manager's board says for how long. */
    heldSince: timestamp('held_since', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('queue_items_application_uq').on(t.applicationId),
    // "Take next" (services/queue/claim.ts) walks the office's waiting items in the order it serves
    // them (services/queue/urgency.ts) and stops at the first one not locked by another clerk: no
    // sort, however long the queue.
    index('queue_items_waiting_idx')
      .on(t.officeCode, t.frontOfQueue, t.completenessDeadline, t.dueDate, t.priority.desc().nullsFirst(), t.receivedAt, t.id)
      .where(sql`state = 'waiting'`),
    // The desk's two lists (services/queue/desk.ts), "to work" and "waiting for the citizen", each
    // read a page in the same order without sorting the office's queue. The department and service
    // trail the order so the desk's filters are checked in the index, not on the table's rows.
    index('queue_items_desk_work_idx')
      .on(t.officeCode, t.frontOfQueue, t.completenessDeadline, t.dueDate, t.priority.desc().nullsFirst(), t.receivedAt, t.id, t.department, t.serviceCode)
      .where(sql`state in ('waiting','claimed')`),
    index('queue_items_desk_parked_idx')
      .on(t.officeCode, t.frontOfQueue, t.completenessDeadline, t.dueDate, t.priority.desc().nullsFirst(), t.receivedAt, t.id, t.department, t.serviceCode)
      .where(sql`state = 'parked'`),
    // … and finds expired leases without passing every item clerks still hold.
    index('queue_items_leased_idx').on(t.officeCode, t.leaseExpiresAt).where(sql`state = 'claimed'`),
  ],
);

/**
 * Append-only audit trail: every state change, claim, release, verdict and staff view of
 * personal data. A trigger (migration 0001) refuses UPDATE and DELETE.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actorId: uuid('actor_id'),
    actorRole: text('actor_role').notNull(),
    officeCode: text('office_code'),
    applicationId: uuid('application_id'),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    reason: text('reason'),
    data: jsonb('data').$type<Record<string, unknown>>(),
    /**
     * What the reports count this event with (services/reports/projection.ts, ReportFacts): the
     * facts as they stood when it happened, so the projection and the full recount need nothing
     * but the trail. Null on events the reports do not count.
     */
    facts: jsonb('facts').$type<Record<string, unknown>>(),
    /**
     * The writing transaction's id (xid8 as a number). The projection applies only events of
     * transactions older than every transaction still running (pg_snapshot_xmin), in (xact, id)
     * order: an id drawn early but committed late can never be passed over (docs/decisions/0025).
     */
    xact: bigint('xact', { mode: 'number' })
      .notNull()
      .default(sql`(pg_current_xact_id()::text)::bigint`),
  },
  (t) => [index('audit_events_application_idx').on(t.applicationId, t.at), index('audit_events_projection_idx').on(t.xact, t.id).where(sql`facts is not null`)],
);

/**
 * The notification outbox (docs/decisions/0007): a row is written in the same transaction as the
 * state change that causes it; the worker (services/notifications/worker.ts) delivers it.
 */
export type MessageStatus = 'pending' | 'sending' | 'sent' | 'dead';

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    applicationId: uuid('application_id').references(() => applications.id),
    /** The account told; null only for a message to a mobile that has no account yet (toMobile). */
    userId: uuid('user_id').references(() => users.id),
    /**
     * A mobile that is not (yet) an account's: the code that proves it at sign-up (decision 0024).
     * With it, the text is written in `params.locale`.
     */
    toMobile: text('to_mobile'),
    channel: text('channel').$type<'sms' | 'email'>().notNull(),
    template: text('template').notNull(),
    params: jsonb('params').$type<Record<string, unknown>>().notNull().default({}),
    idempotencyKey: text('idempotency_key').notNull(),
    /** pending: due at next_attempt_at; sending: claimed until locked_until; sent; dead: gave up. */
    status: text('status').$type<MessageStatus>().notNull().default('pending'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** Delivery attempts started (counted when claimed, so a worker that dies still counts). */
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    /** While 'sending': after this a claim by a worker that died may be taken over. */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    /** The failure of the last attempt (an errors: code), for the desk. */
    lastError: text('last_error'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** The gateway's id for the sent message. */
    providerRef: text('provider_ref'),
  },
  (t) => [
    uniqueIndex('messages_idempotency_uq').on(t.idempotencyKey),
    index('messages_due_idx').on(t.status, t.nextAttemptAt).where(sql`status in ('pending','sending')`),
    index('messages_application_idx').on(t.applicationId, t.createdAt),
    check('messages_recipient_ck', sql`user_id is not null or to_mobile is not null`),
  ],
);

import { pgSequence } from 'drizzle-orm/pg-core';
/** Feeds the public application number; a sequence never hands out the same value twice. */
export const applicationNumberSeq = pgSequence('application_number_seq', { startWith: 1 });
