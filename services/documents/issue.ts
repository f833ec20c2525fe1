import { randomUUID } from 'node:crypto';
import { desc, eq, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { applications, decisionDocuments, decisions, notices, offices, users, type CompletionDelivery, type DocumentKind } from '../../db/schema/index.js';
import { SUPPORTED_LANGUAGES } from '../../locales/index.js';
import type { Transition } from '../applications/status-machine.js';
import { chinaDate } from '../calendar/working-days.js';
import type { ServiceContext } from '../context.js';
import { applicantMessageInsert } from '../notifications/notify.js';
import { formatDocumentNumber, nextDocumentSerial } from './numbers.js';
import { bodyOf, filedFactsOf, renderDocument, type DocumentFacts } from './render.js';
import { officeNamesFrom } from '../offices/office-names.js';

/** A status change as changeStatus made it, with what its caller said about it. */
export type DecidedChange = {
  applicationId: string;
  to: string;
  by: Transition['by'];
  deemed: boolean;
  reason: string | null;
  data: Record<string, unknown>;
  /** The decision row data.decisionId names, when the caller has it in hand (just inserted): not read again. */
  decision?: typeof decisions.$inferSelect;
};

/**
 * Which document a status change issues, if any. The one-time notice is its own document
 * (services/review/notice.ts); review starting and supplements decide nothing.
 */
export function documentKindFor(change: Pick<DecidedChange, 'to' | 'by' | 'deemed'>): DocumentKind | null {
  switch (change.to) {
    case 'accepted':
      return change.deemed ? 'deemedAcceptance' : 'acceptance';
    case 'not_accepted':
      return 'nonAcceptance';
    case 'completed':
      return 'completion';
    case 'refused':
      return 'refusal';
    case 'withdrawn':
      return change.by === 'system' ? 'deemedWithdrawal' : 'withdrawal';
    default:
      return null;
  }
}

/**
 * The outbox event a document is announced under. Acceptance keeps one event whether a clerk
 * accepted or the law deemed it, so whichever comes first is the one message the citizen gets.
 */
const EVENT_OF: Record<Exclude<DocumentKind, 'electronicResult'>, string> = {
  acceptance: 'acceptance',
  deemedAcceptance: 'acceptance',
  nonAcceptance: 'nonAcceptance',
  completion: 'completion',
  refusal: 'refusal',
  withdrawal: 'withdrawal',
  deemedWithdrawal: 'withdrawal',
};

export type IssuedDocument = { id: string; number: string; kind: DocumentKind };

/** A document ready to issue: its writes (the document, the applicant's messages) not yet sent. */
export type PendingDocument = IssuedDocument & { writes: SQLWrapper[] };

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * The decision document of a status change and the applicant's message, for the change's
 * transaction (changeStatus, so every path that decides — a clerk, the citizen, the clock — issues
 * it and nothing survives a rollback). The document is numbered (office, year, kind and a serial
 * that locks nothing: decision 0043), dated in China time, rendered in every language and stored as
 * issued (immutable); the message goes through the outbox, an SMS and an e-mail when the applicant
 * gave an address. Reads here; the writes come back unsent, for changeStatus to send with its
 * audit row in one round trip (docs/decisions/0047): the document's id is drawn here so the audit
 * row can name it without waiting for the insert.
 */
export async function issueDecisionDocument(tx: Db, ctx: Pick<ServiceContext, 'clock'>, change: DecidedChange): Promise<PendingDocument | null> {
  const kind = documentKindFor(change);
  if (!kind || kind === 'electronicResult') return null;
  const [row] = await tx
    .select({
      app: applications,
      applicant: { realName: users.realName, email: users.email },
      officePhone: offices.phone,
      office: {
        code: offices.code,
        nameZh: offices.nameZh,
        nameEn: offices.nameEn,
      },
      serial: nextDocumentSerial,
    })
    .from(applications)
    .innerJoin(users, eq(users.id, applications.applicantId))
    .leftJoin(offices, eq(offices.code, applications.officeCode))
    .where(eq(applications.id, change.applicationId))
    .limit(1);
  const { app } = row;
  if (!app.officeCode || !app.number) throw new Error(`application ${app.id} decided without an office or number`);
  const decisionId = str(change.data.decisionId);
  const [decision] =
    change.decision && change.decision.id === decisionId ? [change.decision] : decisionId ? await tx.select().from(decisions).where(eq(decisions.id, decisionId)).limit(1) : [];
  // The notice whose deadline passed: the one the caller names, else the application's latest.
  const noticeId = str(change.data.noticeId);
  const [notice] =
    kind !== 'deemedWithdrawal'
      ? []
      : await tx
          .select()
          .from(notices)
          .where(noticeId ? eq(notices.id, noticeId) : eq(notices.applicationId, change.applicationId))
          .orderBy(desc(notices.sequence))
          .limit(1);
  const redirectOfficeCode = decision?.redirectOfficeCode ?? str(change.data.redirectOfficeCode);
  // The office redirected to: its phone for the document, its own names for the text, one read.
  const [redirect] = redirectOfficeCode
    ? await tx.select({ code: offices.code, phone: offices.phone, nameZh: offices.nameZh, nameEn: offices.nameEn }).from(offices).where(eq(offices.code, redirectOfficeCode)).limit(1)
    : [];

  const now = ctx.clock.now();
  const issueDate = chinaDate(now);
  const number = formatDocumentNumber(app.officeCode, Number(issueDate.slice(0, 4)), kind, row.serial);
  const delivery = decision?.delivery ?? (str(change.data.delivery) as CompletionDelivery | null);
  const facts: DocumentFacts = {
    ...filedFactsOf(app, {
      number,
      applicationNumber: app.number,
      officeCode: app.officeCode,
      applicant: row.applicant.realName,
      officePhone: row.officePhone,
      issueDate,
    }),
    reasonCode: decision?.reasonCode ?? str(change.data.reasonCode),
    legalBasisKey: decision?.legalBasisKey ?? str(change.data.legalBasisKey),
    note: decision?.note ?? (kind === 'nonAcceptance' || kind === 'refusal' ? change.reason : null),
    redirectOfficeCode,
    redirectPhone: redirect?.phone ?? null,
    certificateNumber: decision?.documentNumber ?? str(change.data.documentNumber),
    delivery,
    carrier: decision?.carrier ?? str(change.data.carrier),
    waybill: decision?.waybill ?? str(change.data.waybill),
    // By post without a waybill the courier is booked after the completion (decision 0035).
    shipment: kind === 'completion' && delivery === 'mail' && !(decision?.waybill ?? str(change.data.waybill)) ? 'courier' : null,
    noticeNumber: notice?.number ?? null,
    noticeDate: notice?.issueDate ?? null,
    deadline: notice?.supplementDeadline ?? null,
  };
  // Both offices a document can name came with the reads above: its own with the application, a redirect's with its phone.
  const officeNames = officeNamesFrom([row.office, redirect].filter((o) => o !== null && o !== undefined));
  const id = randomUUID();
  const insertDocument = tx.insert(decisionDocuments).values({
    id,
    number,
    applicationId: app.id,
    decisionId: decision?.id ?? null,
    kind,
    officeCode: app.officeCode,
    issuedAt: now,
    issueDate,
    facts,
    content: Object.fromEntries(SUPPORTED_LANGUAGES.map((lng) => [lng, renderDocument(kind, facts, lng, officeNames)])),
  });
  const insertMessages = applicantMessageInsert(
    tx,
    {
      applicationId: app.id,
      applicantId: app.applicantId,
      // The message says what the document's first paragraph says.
      template: bodyOf(kind, facts),
      params: {
        applicationNumber: app.number,
        serviceCode: app.serviceCode,
        officeCode: app.officeCode,
        documentNumber: number,
        dueDate: app.dueDate,
        ...(kind === 'completion' ? { certificateNumber: facts.certificateNumber, delivery } : {}),
      },
      eventKey: `${EVENT_OF[kind]}:${app.id}`,
      createdAt: now,
    },
    row.applicant.email,
  );
  return { id, number, kind, writes: [insertDocument, insertMessages] };
}
