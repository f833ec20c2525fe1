import { sql, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { applications, queueItems, users, type FiledAs } from '../../db/schema/index.js';
import { auditInsert } from '../audit.js';
import type { Answers } from '../catalog/index.js';
import type { UserActor } from '../context.js';
import { insertFileRows, type NewFileRow } from '../files/files.js';
import type { SubmissionFacts } from '../integrations/submission-checks.js';
import { messageInsert } from '../notifications/outbox.js';
import type { ReportFacts } from '../reports/mapping.js';
import { shaped } from '../sql-shapes.js';
import { together } from '../sql.js';
import { nextApplicationNumberSql } from './numbers.js';

/**
 * The statements a submission sends, as builders of their values (services/sql-shapes.ts): the
 * shaped ones are built once per process and only filled in; the builders themselves are what
 * tests/unit/sql-shapes.test.ts holds the shapes equal to.
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

/** A complete first post, inserted as submitted; no row comes back when the application exists. */
export const buildSubmittedInsert = (db: Db, v: NewSubmitted) =>
  db
    .insert(applications)
    .values({ id: v.id, applicantId: v.applicantId, serviceCode: v.serviceCode, department: v.department, ...submittingColumns(v) })
    .onConflictDoNothing({ target: applications.id })
    .returning(receiptColumns);
export const submittedInsert = shaped<Record<string, never>, NewSubmitted>(buildSubmittedInsert);

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

export type SubmissionWrites = {
  applicationId: string;
  number: string;
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
  auditData: Record<string, unknown>;
  /** What the reports count the filing by (services/reports/mapping.ts). */
  auditFacts: ReportFacts;
  messageParams: Record<string, unknown>;
  idempotencyKey: string;
} & FileValues;

/** What changes the text: how many files. */
export type SubmissionWritesKey = { files: number };

/**
 * Everything a submission writes after the application row, as one statement (`together`): the
 * files of a new application, the queue item, the audit event (with the facts the reports count
 * it by; no report row is touched, docs/decisions/0025) and the receipt message.
 */
export function buildSubmissionWrites(db: Db, v: SubmissionWrites, key: SubmissionWritesKey): SQLWrapper {
  const fileRows = Array.from({ length: key.files }, (_, i) => ({
    applicationId: v.applicationId,
    ...(Object.fromEntries(FILE_FIELDS.map((f) => [f, v[`file${i}.${f}`]])) as FileFields),
  }));
  const actor = { kind: 'user', id: v.actorId, role: v.actorRole } as UserActor;
  const { officeCode, serviceCode, department, at: now } = v;
  return together([
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
      data: v.auditData,
      facts: v.auditFacts,
      at: now,
    }),
    messageInsert(db, {
      applicationId: v.applicationId,
      userId: v.actorId,
      channel: 'sms',
      template: 'receipt',
      params: v.messageParams,
      idempotencyKey: v.idempotencyKey,
      createdAt: now,
    }),
  ]);
}
export const submissionWrites = shaped<SubmissionWritesKey, SubmissionWrites>(buildSubmissionWrites);
