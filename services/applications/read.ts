import { and, asc, desc, eq, isNotNull, or } from 'drizzle-orm';
import { visitOf, type Visit } from '../appointments/appointments.js';
import { alias } from 'drizzle-orm/pg-core';
import { applications, auditEvents, offices, users, type FiledAs } from '../../db/schema/index.js';
import { commitmentOf, type FeeLine, type HandlingMode } from '../catalog/index.js';
import { definitionOfApplication } from '../catalog/item-versions.js';
import { chinaDate, firstUnknownYear, loadCalendar } from '../calendar/working-days.js';
import { completenessClockRuns } from '../clock-rules/deemed-acceptance.js';
import type { Db } from '../../db/client.js';
import type { ServiceContext } from '../context.js';
import { forbidden, notFound } from '../errors.js';
import { documentsOf, type DocumentSummary } from '../documents/read.js';
import { answerLines, type AnswerLine } from './answer-lines.js';
import { shipmentOf, type ShipmentView } from '../shipments/shipments.js';
import { currentFiles } from '../files/files.js';
import { authorize, inScope, subjectFor } from '../permissions.js';
import { maskIdNumber, maskName } from '../validation/identifiers.js';
import { maskAddress, postalAddressOf, type MaskedAddress } from '../validation/address.js';
import { isApplicationNumber } from '../validation/ids.js';
import type { ApplicationStatus } from './status-machine.js';
import { paymentSummaryOf, payableNow, type PaymentSummary } from '../payments/orders.js';

export type ApplicationSummary = {
  id: string;
  number: string | null;
  serviceCode: string;
  status: ApplicationStatus;
  officeCode: string | null;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  dueDate: string | null;
  /**
   * Who filed for whom, masked (张*), when it was not the filer's own matter; null otherwise.
   * forYou: the reader is the subject — they may read it, the filer alone may act on it.
   */
  filing: Filing | null;
};

export type Filing = { filedAs: Exclude<FiledAs, 'self'>; filerName: string; subjectName: string; forYou: boolean };

const filers = alias(users, 'filers');

/** The stored relation, masked for a page that may be read over a shoulder. */
export function filingOf(
  app: { subjectRelation: FiledAs | null; subjectName: string | null; subjectIdNumber: string | null; subjectUserId: string | null },
  filerName: string | null,
  readerId: string | null,
): Filing | null {
  if (!app.subjectRelation || app.subjectRelation === 'self') return null;
  return {
    filedAs: app.subjectRelation,
    filerName: maskName(filerName),
    // A typed child's number without an account carries no name: the masked number stands in.
    subjectName: app.subjectName ? maskName(app.subjectName) : maskIdNumber(app.subjectIdNumber),
    forYou: !!readerId && app.subjectUserId === readerId,
  };
}

/**
 * The citizen's own applications, drafts included, and those filed for them (they are the subject),
 * most recently touched first.
 */
export async function listMyApplications(ctx: ServiceContext): Promise<ApplicationSummary[]> {
  const { actor, scope } = authorize(ctx.actor, 'application:read');
  if (scope !== 'own') throw forbidden();
  const rows = await ctx.db
    .select({ app: applications, filerName: filers.realName })
    .from(applications)
    .innerJoin(filers, eq(filers.id, applications.applicantId))
    .where(or(eq(applications.applicantId, actor.id), eq(applications.subjectUserId, actor.id)))
    .orderBy(desc(applications.updatedAt), desc(applications.createdAt));
  return rows.map(({ app: r, filerName }) => ({
    id: r.id,
    number: r.number,
    serviceCode: r.serviceCode,
    status: r.status,
    officeCode: r.officeCode,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    submittedAt: r.submittedAt?.toISOString() ?? null,
    dueDate: r.dueDate,
    filing: filingOf(r, filerName, actor.id),
  }));
}

export type TimelineEntry = {
  at: string;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  officeCode: string | null;
  reason: string | null;
};

/**
 * What happened to an application, as the audit trail recorded it (阳光警务: the citizen sees the
 * same record the police keep, not a separate story). Status changes and the actions listed here
 * are shown; staff-internal events such as file views stay internal.
 */
export const CITIZEN_VISIBLE_ACTIONS = ['application.submitted'] as const;

export async function timelineOf(ctx: ServiceContext, applicationId: string): Promise<TimelineEntry[]> {
  const { actor, scope } = authorize(ctx.actor, 'application:read');
  const [row] = await ctx.db
    .select({ app: applications, cityCode: offices.cityCode })
    .from(applications)
    .leftJoin(offices, eq(offices.code, applications.officeCode))
    .where(eq(applications.id, applicationId))
    .limit(1);
  const visible =
    row &&
    inScope(actor, scope, { ownerId: row.app.applicantId, subjectId: subjectFor('application:read', row.app.subjectUserId), officeCode: row.app.officeCode, department: row.app.department, cityCode: row.cityCode });
  if (!visible) throw notFound('application.notFound');
  return citizenTimeline(ctx.db, applicationId);
}

/** The citizen-visible timeline of an application, for a caller that has already decided who may see it. */
export async function citizenTimeline(db: Db, applicationId: string): Promise<TimelineEntry[]> {
  const events = await db
    .select()
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.applicationId, applicationId),
        or(isNotNull(auditEvents.toStatus), eq(auditEvents.action, CITIZEN_VISIBLE_ACTIONS[0])),
      ),
    )
    .orderBy(asc(auditEvents.at), asc(auditEvents.id));
  return events.map((e) => ({
    at: e.at.toISOString(),
    action: e.action,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    officeCode: e.officeCode,
    reason: e.reason,
  }));
}

export type ApplicationDetail = ApplicationSummary & {
  department: string;
  officePhone: string | null;
  completenessDeadline: string | null;
  /**
   * When a date above is null for want of its calendar year (docs/decisions/0028): the first year
   * not yet entered, which the page names instead of the date. Null otherwise.
   */
  calendarPendingYear: number | null;
  /** Whether art. 32's completeness promise still stands (no acceptance, no notice yet). */
  completenessRunning: boolean;
  /** China day of receipt, the day the time limits count from. */
  receivedDay: string | null;
  fees: FeeLine[];
  feeTotal: number;
  handling: { mode: HandlingMode; visits: number } | null;
  /** The limit these answers were promised (an endorsement alone on the spot, a passport elsewhere 20 days). */
  committed: { days: number; unit: 'working' | 'calendar' } | null;
  notes: { key: string; params?: Record<string, string | number> }[];
  /** What was submitted, in form order (the postal address is in resultDelivery, masked). */
  answers: AnswerLine[];
  files: { id: string; materialCode: string; originalName: string; sizeBytes: number; uploadedAt: string }[];
  timeline: TimelineEntry[];
  /** The decision documents issued, oldest first (services/documents). */
  documents: DocumentSummary[];
  /**
   * How the result is to reach the citizen, as they chose it ('pickup', 'mail', 'electronic',
   * 'paper'), with the postal address masked (the page may be read over a shoulder or printed).
   */
  resultDelivery: { kind: string; address: MaskedAddress | null } | null;
  /** The parcel of a result by post: its waybill once booked and the courier's events (decision 0035). */
  shipment: ShipmentView | null;
  /** The latest decision document and what it said, for the page's summary; null before any decision. */
  decision: (DocumentSummary & { facts: Record<string, string | null> }) | null;
  /** The visit booked, kept or missed, when the item needs one (services/appointments); null otherwise. */
  visit: Visit | null;
  /** The fee's payment order, if one was opened (services/payments), and whether the filer may pay online now. */
  payment: PaymentSummary | null;
  payable: boolean;
};

function resultDeliveryOf(answers: Record<string, unknown>): ApplicationDetail['resultDelivery'] {
  if (typeof answers.delivery !== 'string') return null;
  const address = answers.delivery === 'mail' ? postalAddressOf(answers) : null;
  return { kind: answers.delivery, address: address ? maskAddress(address) : null };
}

/**
 * One of the citizen's own submitted applications by its public number, or one filed for them
 * (read-only: filing.forYou); anyone else's is 404.
 */
export async function getMyApplication(ctx: ServiceContext, number: string): Promise<ApplicationDetail> {
  const { actor, scope } = authorize(ctx.actor, 'application:read');
  if (scope !== 'own') throw forbidden();
  if (!isApplicationNumber(number)) throw notFound('application.notFound');
  const [row] = await ctx.db
    .select({ app: applications, officePhone: offices.phone, officeCity: offices.cityCode, filerName: filers.realName })
    .from(applications)
    .innerJoin(filers, eq(filers.id, applications.applicantId))
    .leftJoin(offices, eq(offices.code, applications.officeCode))
    .where(and(eq(applications.number, number), or(eq(applications.applicantId, actor.id), eq(applications.subjectUserId, actor.id))))
    .limit(1);
  if (!row) throw notFound('application.notFound');
  const app = row.app;
  // The item as the version of the list it was filed under states it (docs/decisions/0036): its fees
  // and limits stay what the receipt said, whatever the list says today.
  const listed = await definitionOfApplication(ctx.db, app);
  const def = listed?.def;
  const receivedDay = app.submittedAt ? chinaDate(app.submittedAt) : null;
  // Submitted answers are the schema's output, which is what the fee and note functions expect.
  const fees = def ? def.fee.lines(app.answers) : [];
  const notes = def?.notes && receivedDay ? def.notes(app.answers, { today: receivedDay }) : [];
  const commitment = def ? commitmentOf(def, app.answers, { officeProvince: row.officeCity ? row.officeCity.slice(0, 2) : null }) : null;
  const files = await currentFiles(ctx.db, app.id);
  const documents = await documentsOf(ctx.db, app.id);
  const payment = await paymentSummaryOf(ctx.db, app.id);
  const pending = receivedDay && (app.dueDate === null || app.completenessDeadline === null) ? firstUnknownYear(await loadCalendar(ctx.db, receivedDay)) : null;
  return {
    id: app.id,
    number: app.number,
    serviceCode: app.serviceCode,
    status: app.status,
    officeCode: app.officeCode,
    createdAt: app.createdAt.toISOString(),
    updatedAt: app.updatedAt.toISOString(),
    submittedAt: app.submittedAt?.toISOString() ?? null,
    dueDate: app.dueDate,
    filing: filingOf(app, row.filerName, actor.id),
    department: app.department,
    officePhone: row.officePhone,
    completenessDeadline: app.completenessDeadline,
    calendarPendingYear: pending,
    completenessRunning: completenessClockRuns(app),
    receivedDay,
    fees,
    feeTotal: fees.reduce((sum, l) => sum + l.amount, 0),
    handling: def && commitment ? { mode: def.handling.mode, visits: commitment.visits } : null,
    committed: commitment ? { days: commitment.days, unit: commitment.unit } : null,
    notes,
    answers: def ? answerLines(def, app.answers, { withPostalAddress: false }) : [],
    files: files.map((f) => ({ id: f.id, materialCode: f.materialCode, originalName: f.originalName, sizeBytes: f.sizeBytes, uploadedAt: f.uploadedAt.toISOString() })),
    timeline: await timelineOf(ctx, app.id),
    documents: documents.map(({ facts: _facts, ...d }) => d),
    resultDelivery: resultDeliveryOf(app.answers),
    shipment: await shipmentOf(ctx.db, app.id, { staff: false }),
    // The electronic result is the result itself, not a decision: the summary reads the completion.
    decision: documents.filter((d) => d.kind !== 'electronicResult').at(-1) ?? null,
    visit: commitment?.visits === 1 ? await visitOf(ctx.db, app.id) : null,
    payment,
    payable: fees.length > 0 && app.applicantId === actor.id && payableNow(def, app.status) && (!payment || payment.status === 'created' || payment.status === 'cancelled'),
  };
}
