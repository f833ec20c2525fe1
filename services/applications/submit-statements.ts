import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { applications, auditEvents, messages, queueItems, users, type FiledAs } from '../../db/schema/index.js';
import { auditInsert } from '../audit.js';
import type { Answers } from '../catalog/index.js';
import type { UserActor } from '../context.js';
import { insertFileRows, type NewFileRow } from '../files/files.js';
import type { SubmissionFacts } from '../integrations/submission-checks.js';
import { messageInsert } from '../notifications/outbox.js';
import { crossProvinceSql } from '../reports/counters.js';
import type { ReportFacts } from '../reports/mapping.js';
import { shaped } from '../sql-shapes.js';
import { together, togetherAfter } from '../sql.js';
import { nextApplicationNumberSql } from './numbers.js';

/**
 * The statements a submission sends, as builders of their values (services/sql-shapes.ts): the
 * shaped ones are built once per process and only filled in; the builders themselves are what
 * tests/unit/sql-shapes.test.ts holds the shapes equal to.
 *
 * A complete first post is one statement (buildFiling, docs/decisions/0048): the application
 * row, which draws the number and reads the applicant's ID, and everything written with it, which
 * read both from it. One statement is its own transaction, so the filing sends no BEGIN or COMMIT.
 */

/** The submitting columns' values, as the shaped statements take them (services/sql-shapes.ts). */
export type Submitting = {
  numberPrefix: string;
  answers: Answers;
  officeCode: string;
  priority: number;
  at: Date;
  /** Null when the calendar of the year it falls in is not entered yet (docs/decisions/0028). */
  completenessDeadline: string | null;
  dueDate: string | null;
  manualCheck: SubmissionFacts['manualCheck'];
  /** For whom it is filed (services/integrations/submission-checks.ts filingRelationOf); the subject's columns are null for 'self'. */
  subjectRelation: FiledAs;
  subjectName: string | null;
  subjectIdNumber: string | null;
  subjectUserId: string | null;
  /** The version of the list of items in force at filing (docs/decisions/0036); null only where none is published. */
  itemVersionId: string | null;
};

/** What moves a row to submitted, inserted or updated: the number is drawn by the same statement. */
export const submittingColumns = (v: Submitting) => ({
  status: 'submitted' as const,
  number: nextApplicationNumberSql(v.numberPrefix),
  answers: v.answers,
  officeCode: v.officeCode,
  priority: v.priority,
  submittedAt: v.at,
  completenessDeadline: v.completenessDeadline,
  dueDate: v.dueDate,
  manualCheck: v.manualCheck,
  subjectRelation: v.subjectRelation,
  subjectName: v.subjectName,
  subjectIdNumber: v.subjectIdNumber,
  subjectUserId: v.subjectUserId,
  itemVersionId: v.itemVersionId,
  updatedAt: v.at,
});

// The applicant's ID comes back with the number: the report counts cross-province filings.
export const receiptColumns = {
  number: applications.number,
  applicantIdNumber: sql<string | null>`(select ${users.idNumber} from ${users} where ${users.id} = ${applications.applicantId})`.as('applicant_id_number'),
};
/** receiptColumns as a raw query returns them: by column name. */
export type RawReceipt = { number: string | null; applicant_id_number: string | null };

export type NewSubmitted = Submitting & { id: string; applicantId: string; serviceCode: string; department: string };

/**
 * A complete first post, inserted as submitted. An application that exists already (a saved draft,
 * a second post of the form) fails it on this constraint: the writes sent with it must not run then.
 */
export const APPLICATION_KEY = 'applications_pkey';
export const buildSubmittedInsert = (db: Db, v: NewSubmitted) =>
  db
    .insert(applications)
    .values({ id: v.id, applicantId: v.applicantId, serviceCode: v.serviceCode, department: v.department, ...submittingColumns(v) })
    .returning(receiptColumns);

/** The files of a new application, flattened into the values: `file0.storageKey`, … */
type FileFields = Pick<NewFileRow, 'materialCode' | 'storageKey' | 'originalName' | 'mimeType' | 'sizeBytes' | 'sha256' | 'uploadedAt'>;
const FILE_FIELDS = ['materialCode', 'storageKey', 'originalName', 'mimeType', 'sizeBytes', 'sha256', 'uploadedAt'] as const satisfies readonly (keyof FileFields)[];
type FileValues = { [field: `file${number}.${string}`]: unknown };

/** Stored files' rows as SubmissionWrites carries them (buildSubmissionWrites reads them back). */
export function fileValues(rows: readonly NewFileRow[]): FileValues {
  const values: FileValues = {};
  rows.forEach((row, i) => {
    for (const field of FILE_FIELDS) values[`file${i}.${field}`] = row[field];
  });
  return values;
}

/** What the writes say of the receipt, the number and the applicant's ID, when they are given (the general path). */
export type GivenReceipt = { number: string; applicantIdNumber: string | null };

export type SubmissionWrites = {
  applicationId: string;
  actorId: string;
  actorRole: UserActor['role'];
  officeCode: string;
  serviceCode: string;
  department: string;
  priority: number;
  at: Date;
  /** Null when the calendar of the year it falls in is not entered yet (docs/decisions/0028). */
  completenessDeadline: string | null;
  dueDate: string | null;
  /** The office's city: the report counts a filing by an applicant of another province (crossProvinceSql). */
  officeCityCode: string;
  /** The audit event's data and the message's params but the receipt's number, which the statement adds. */
  auditData: Record<string, unknown>;
  /** What the reports count the filing by (services/reports/mapping.ts) but crossProvince, which the statement adds. */
  auditFacts: Omit<ReportFacts, 'crossProvince'>;
  messageParams: Record<string, unknown>;
  idempotencyKey: string;
} & FileValues;

/** What changes the text: how many files. */
export type SubmissionWritesKey = { files: number };

/** The receipt as the writes read it: SQL expressions, of given values or of the application row's statement. */
type ReceiptSql = { number: SQL; applicantIdNumber: SQL };

/**
 * Everything a submission writes after the application row, as one statement (`together`), for
 * the general path, which has the receipt from its update.
 */
export const buildSubmissionWrites = (db: Db, v: SubmissionWrites & GivenReceipt, key: SubmissionWritesKey): SQLWrapper =>
  together(
    submissionWriteParts(db, v, key, {
      // Typed: a bare parameter inside jsonb_build_object has no type PostgreSQL could infer.
      number: sql`${v.number}::text`,
      applicantIdNumber: sql`${v.applicantIdNumber}::text`,
    }),
  );
export const submissionWrites = shaped<SubmissionWritesKey, SubmissionWrites & GivenReceipt>(buildSubmissionWrites);

export type NewFiling = NewSubmitted & SubmissionWrites;

/**
 * A complete first post as one statement: the submitted application row (buildSubmittedInsert)
 * and, reading its number and the applicant's ID from it, everything written with it. Answers
 * with the receipt (RawReceipt), or fails on APPLICATION_KEY, writing nothing, when the
 * application exists.
 */
export const buildFiling = (db: Db, v: NewFiling, key: SubmissionWritesKey): SQLWrapper =>
  togetherAfter(
    'filed',
    buildSubmittedInsert(db, v),
    submissionWriteParts(db, v, key, { number: sql`(select "number" from filed)`, applicantIdNumber: sql`(select "applicant_id_number" from filed)` }),
  );
export const filing = shaped<SubmissionWritesKey, NewFiling>(buildFiling);

/**
 * The writes that go with the application row: the files of a new application, the queue item,
 * the audit event (with the facts the reports count it by; no report row is touched,
 * docs/decisions/0025) and the receipt message, both of which carry the receipt's number.
 */
function submissionWriteParts(db: Db, v: SubmissionWrites, key: SubmissionWritesKey, receipt: ReceiptSql): SQLWrapper[] {
  const fileRows = Array.from({ length: key.files }, (_, i) => ({
    applicationId: v.applicationId,
    ...(Object.fromEntries(FILE_FIELDS.map((f) => [f, v[`file${i}.${f}`]])) as FileFields),
  }));
  const actor = { kind: 'user', id: v.actorId, role: v.actorRole } as UserActor;
  const { officeCode, serviceCode, department, at: now } = v;
  // Through the columns' encoders, as drizzle sends a value given directly (services/sql-shapes.ts).
  const withNumber = (json: ReturnType<typeof sql.param>) => sql`${json}::jsonb || jsonb_build_object('number', ${receipt.number})`;
  return [
    ...(fileRows.length ? [insertFileRows(db, fileRows)] : []),
    db.insert(queueItems).values({
      applicationId: v.applicationId,
      officeCode,
      department,
      serviceCode,
      priority: v.priority,
      receivedAt: now,
      completenessDeadline: v.completenessDeadline,
      dueDate: v.dueDate,
      state: 'waiting',
    }),
    auditInsert(db, { actor, clock: { now: () => now } }, {
      applicationId: v.applicationId,
      action: 'application.submitted',
      fromStatus: 'draft',
      toStatus: 'submitted',
      officeCode,
      data: withNumber(sql.param(v.auditData, auditEvents.data)),
      facts: sql`${sql.param(v.auditFacts, auditEvents.facts)}::jsonb || jsonb_build_object('crossProvince', ${crossProvinceSql(receipt.applicantIdNumber, sql`${v.officeCityCode}::text`)})`,
      at: now,
    }),
    messageInsert(db, {
      applicationId: v.applicationId,
      userId: v.actorId,
      channel: 'sms',
      template: 'receipt',
      params: withNumber(sql.param(v.messageParams, messages.params)),
      idempotencyKey: v.idempotencyKey,
      createdAt: now,
    }),
  ];
}
