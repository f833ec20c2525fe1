import { and, asc, eq, isNull, ne } from 'drizzle-orm';
import { filingOf, type Filing } from '../applications/read.js';
import { decisions, noticeOverrides, offices, queueItems, users, type CompletionDelivery, type ManualCheck } from '../../db/schema/index.js';
import type { ApplicationStatus } from '../applications/status-machine.js';
import { chinaDate, firstUnknownYear, loadCalendar } from '../calendar/working-days.js';
import { recordAudit } from '../audit.js';
import { fieldKeyBase, getService, type FileKind } from '../catalog/index.js';
import { correctionsOf, vehicleOwnerOf, type Correction } from '../catalog/definitions/vehicle-shared.js';
import { maskIdNumber } from '../validation/identifiers.js';
import type { ServiceContext } from '../context.js';
import { forbidden } from '../errors.js';
import { applicationDeliveries, type DeliveryView } from '../notifications/deliveries.js';
import { paymentSummaryOf, type PaymentSummary } from '../payments/orders.js';
import { leaseLive, WORKABLE_STATUSES } from '../queue/lease.js';
import { FILE_KINDS } from '../files/kinds.js';
import { postalAddressOf, type PostalAddress } from '../validation/address.js';
import { defaultDeliveryOf, electronicResultOffered } from '../documents/electronic-result.js';
import { shipmentOf, type ShipmentView } from '../shipments/shipments.js';
import { visitOf, type Visit } from '../appointments/appointments.js';
import { applicationInScope } from './access.js';
import { latestOverrideRequest } from './override-requests.js';
import { beyondOnce, loadChecklist, type NoticeRow } from './checklist.js';
import { definitionOfApplication } from '../catalog/item-versions.js';
import type { LocalText } from '../catalog/item-facts.js';

export type ReviewItem = {
  code: string;
  requirementKey: string;
  /** The requirement as the application's version of the list words it; null: the catalog's text (decision 0040). */
  requirementText: LocalText | null;
  deficiencyReasons: readonly string[];
  accept: readonly FileKind[];
  files: { id: string; originalName: string; sizeBytes: number; mimeType: string; uploadedAt: string }[];
  verdict: { verdict: 'ok' | 'missing' | 'deficient'; reasonCode: string | null; note: string | null; at: string } | null;
  inLastNotice: boolean;
  changedSinceNotice: boolean;
  /** Flagging it now would break the one-time rule (unless a supervisor overrides). */
  onceLocked: boolean;
};

export type ReviewPage = {
  application: {
    number: string;
    serviceCode: string;
    department: string;
    status: ApplicationStatus;
    officeCode: string | null;
    submittedAt: string | null;
    completenessDeadline: string | null;
    dueDate: string | null;
    /** When a date above is null for want of its calendar year: the first year not entered (docs/decisions/0028). */
    calendarPendingYear: number | null;
    deemedAccepted: boolean;
    manualCheck: ManualCheck | null;
    answers: Record<string, unknown>;
    fields: { name: string; kind: string; options?: readonly string[]; labelKey: string; group: string | null }[];
    result: Record<string, unknown> | null;
  };
  applicant: { realName: string; idNumber: string | null; mobile: string | null };
  /** Who filed for whom (guardian, agent), both masked as the citizen's pages show them; null for one's own matter. */
  filing: Filing | null;
  /**
   * A vehicle item: the registered owner as the vehicle records named them at filing (ID masked:
   * the owner may be a third party; the match was checked on the full number), and how the
   * applicant stands to them. null for other items.
   */
  vehicle: { plate: string; ownerName: string; ownerIdNumber: string; applicantRole: 'owner' | 'agent' | 'buyer' } | null;
  /** Answers the vehicle records replaced at filing: what the citizen typed and what the records say. */
  corrections: Correction[];
  checklist: ReviewItem[];
  /** Materials the population registry confirmed: listed as verified by data sharing, no verdict. */
  sharedMaterials: { code: string; requirementKey: string; requirementText: LocalText | null }[];
  notices: Pick<NoticeRow, 'number' | 'sequence' | 'issueDate' | 'supplementDeadline' | 'items' | 'overrideReason'>[];
  decisions: { kind: string; at: string; reasonCode: string | null; legalBasisKey: string | null; note: string | null; documentNumber: string | null; delivery: string | null; carrier: string | null; waybill: string | null; redirectOfficeCode: string | null }[];
  queue: {
    state: 'waiting' | 'claimed' | 'parked' | 'done';
    holder: { staffNo: string | null; name: string } | null;
    mine: boolean;
    /** Only for the holder: what their forms carry. */
    leaseVersion: number | null;
    leaseExpiresAt: string | null;
  } | null;
  /** requestOverride: the holder may ask the office manager for an override (after a notice, none granted or asked). */
  can: { claim: boolean; act: boolean; override: boolean; requestOverride: boolean; manageShipment: boolean };
  pendingOverride: { reason: string; at: string } | null;
  /** The clerk's latest request for an override and how it was answered. */
  overrideRequest: { status: 'pending' | 'approved' | 'refused'; reason: string; at: string; decisionReason: string | null } | null;
  transferClerks: { id: string; staffNo: string | null; name: string }[];
  transferOffices: string[];
  redirectOffices: string[];
  refusalBases: string[];
  leaseMinutes: number;
  /** What the citizen was told and whether it reached them; dead letters need a clerk to call. */
  deliveries: DeliveryView[];
  /** The fee's payment order, if one was opened (services/payments). */
  payment: PaymentSummary | null;
  /**
   * How the result is to reach the citizen: what they chose (the completion form starts from it,
   * 'paper' being collected), the kinds the completion may record here, and the postal address
   * in full (recorded as viewed with the other personal data).
   */
  resultDelivery: { chosen: CompletionDelivery | null; options: CompletionDelivery[]; address: PostalAddress | null };
  /** The parcel of a completion by post: booked, refused (the clerk retries or enters a waybill), its tracking (decision 0035). */
  shipment: ShipmentView | null;
  /** The citizen's visit, booked, kept or missed (services/appointments); null when none. */
  visit: Visit | null;
};

function resultDeliveryOf(electronic: boolean, chosen: unknown, address: PostalAddress | null): ReviewPage['resultDelivery'] {
  // The post only where there is an address to post to; electronic only where the item offers it (decision 0035).
  const options: CompletionDelivery[] = ['pickup', ...(address ? (['mail'] as const) : []), ...(electronic ? (['electronic'] as const) : [])];
  const kind = chosen === 'paper' ? 'pickup' : chosen;
  return { chosen: options.find((o) => o === kind) ?? null, options, address };
}

/**
 * Everything the review page shows. The applicant's full name, ID and mobile are shown unmasked
 * here, so every load is recorded in the audit trail (pii.viewed).
 */
export async function getReview(ctx: ServiceContext, number: string): Promise<ReviewPage> {
  const { app, actor } = await applicationInScope(ctx.db, ctx, number, 'application:read');
  if (actor.role === 'citizen') throw forbidden();
  const def = getService(app.serviceCode);
  const now = ctx.clock.now();
  const [{ items, shared, notices }, [applicant], [item], decisionRows, [pending], allOffices, deliveries, visit, listed] = await Promise.all([
    loadChecklist(ctx.db, app),
    ctx.db.select({ realName: users.realName, idNumber: users.idNumber, mobile: users.mobile }).from(users).where(eq(users.id, app.applicantId)),
    ctx.db.select().from(queueItems).where(eq(queueItems.applicationId, app.id)),
    ctx.db.select().from(decisions).where(eq(decisions.applicationId, app.id)).orderBy(asc(decisions.at)),
    ctx.db
      .select()
      .from(noticeOverrides)
      .where(and(eq(noticeOverrides.applicationId, app.id), isNull(noticeOverrides.usedByNoticeId)))
      .limit(1),
    ctx.db.select().from(offices).orderBy(asc(offices.code)),
    applicationDeliveries(ctx, number),
    visitOf(ctx.db, app.id),
    // The facts of the version the application was filed under (decision 0040): its materials' texts.
    definitionOfApplication(ctx.db, app),
  ]);
  const requirementTextOf = (code: string) => listed?.facts.materials[code]?.requirement ?? null;
  const overrideRequest = notices.length > 0 ? await latestOverrideRequest(ctx, app.id) : null;
  const live = item ? leaseLive(item, now) : false;
  const [holder] =
    item?.claimedBy && live
      ? await ctx.db.select({ staffNo: users.staffNo, name: users.realName }).from(users).where(eq(users.id, item.claimedBy))
      : [];
  const mine = !!item && live && item.claimedBy === actor.id;
  const isClerk = actor.role === 'clerk' && actor.officeCode === app.officeCode;
  const shipment = await shipmentOf(ctx.db, app.id, { staff: true });
  const workable = (WORKABLE_STATUSES as readonly string[]).includes(app.status);
  const colleagues = mine
    ? await ctx.db
        .select({ id: users.id, staffNo: users.staffNo, name: users.realName, skills: users.skills })
        .from(users)
        .where(and(eq(users.officeCode, app.officeCode!), eq(users.role, 'clerk'), ne(users.id, actor.id), isNull(users.disabledAt)))
        .orderBy(asc(users.staffNo))
    : [];

  const owner = vehicleOwnerOf(app.answers);
  const postalAddress = postalAddressOf(app.answers);
  await recordAudit(ctx.db, ctx, {
    applicationId: app.id,
    action: 'pii.viewed',
    officeCode: app.officeCode,
    // The postal address is named apart: it is a third person's data (the recipient) too.
    data: { fields: ['realName', 'idNumber', 'mobile', 'answers', ...(owner ? ['vehicleOwner'] : []), ...(postalAddress ? ['postalAddress'] : [])] },
  });

  return {
    application: {
      number,
      serviceCode: app.serviceCode,
      department: app.department,
      status: app.status,
      officeCode: app.officeCode,
      submittedAt: app.submittedAt?.toISOString() ?? null,
      completenessDeadline: app.completenessDeadline,
      dueDate: app.dueDate,
      calendarPendingYear:
        app.submittedAt && (app.dueDate === null || app.completenessDeadline === null) ? firstUnknownYear(await loadCalendar(ctx.db, chinaDate(app.submittedAt))) : null,
      deemedAccepted: app.deemedAccepted === 1,
      manualCheck: app.manualCheck ?? null,
      answers: app.answers,
      fields: def.fields.map((f) => ({ name: f.name, kind: f.kind, options: f.options, labelKey: `${fieldKeyBase(def.code, f)}.label`, group: f.group ?? null })),
      result: app.result ?? null,
    },
    applicant: applicant ?? { realName: '', idNumber: null, mobile: null },
    filing: filingOf(app, applicant?.realName ?? null, null),
    vehicle: owner
      ? {
          plate: owner.plate,
          ownerName: owner.name,
          ownerIdNumber: maskIdNumber(owner.idNumber),
          applicantRole: app.serviceCode === 'used-vehicle-transfer' ? 'buyer' : owner.applicantIsOwner ? 'owner' : 'agent',
        }
      : null,
    corrections: correctionsOf(app.answers),
    checklist: items.map((i) => ({
      code: i.material.code,
      requirementKey: i.requirementKey,
      requirementText: requirementTextOf(i.material.code),
      deficiencyReasons: i.material.deficiencyReasons,
      accept: i.material.accept ?? FILE_KINDS,
      files: i.files.map((f) => ({ id: f.id, originalName: f.originalName, sizeBytes: f.sizeBytes, mimeType: f.mimeType, uploadedAt: f.uploadedAt.toISOString() })),
      verdict: i.verdict
        ? { verdict: i.verdict.verdict, reasonCode: i.verdict.reasonCode, note: i.verdict.note, at: i.verdict.at.toISOString() }
        : null,
      inLastNotice: i.inLastNotice,
      changedSinceNotice: i.changedSinceNotice,
      onceLocked: beyondOnce(i, notices.length) && !pending,
    })),
    sharedMaterials: shared.map((i) => ({ code: i.material.code, requirementKey: i.requirementKey, requirementText: requirementTextOf(i.material.code) })),
    notices: notices.map((n) => ({
      number: n.number,
      sequence: n.sequence,
      issueDate: n.issueDate,
      supplementDeadline: n.supplementDeadline,
      items: n.items,
      overrideReason: n.overrideReason,
    })),
    decisions: decisionRows.map((d) => ({
      kind: d.kind,
      at: d.at.toISOString(),
      reasonCode: d.reasonCode,
      legalBasisKey: d.legalBasisKey,
      note: d.note,
      documentNumber: d.documentNumber,
      delivery: d.delivery,
      carrier: d.carrier,
      waybill: d.waybill,
      redirectOfficeCode: d.redirectOfficeCode,
    })),
    queue: item
      ? {
          state: item.state,
          holder: holder ?? null,
          mine,
          leaseVersion: mine ? item.leaseVersion : null,
          leaseExpiresAt: mine ? (item.leaseExpiresAt?.toISOString() ?? null) : null,
        }
      : null,
    can: {
      claim: isClerk && workable && !!item && !mine && !live && (item.state === 'waiting' || item.state === 'claimed'),
      act: mine && workable,
      override: actor.role === 'manager' && actor.officeCode === app.officeCode && notices.length > 0 && ['under_review', 'supplemented'].includes(app.status),
      requestOverride:
        mine && notices.length > 0 && ['under_review', 'supplemented'].includes(app.status) && !pending && overrideRequest?.status !== 'pending',
      // A parcel the courier refused: any clerk of the office with the department retries or enters the waybill (decision 0035).
      manageShipment: isClerk && shipment?.status === 'refused',
    },
    overrideRequest,
    pendingOverride: pending ? { reason: pending.reason, at: pending.at.toISOString() } : null,
    transferClerks: colleagues.filter((c) => c.skills.includes(app.department)).map(({ id, staffNo, name }) => ({ id, staffNo, name })),
    transferOffices: allOffices.filter((o) => o.code !== app.officeCode && o.departments.includes(app.department)).map((o) => o.code),
    redirectOffices: allOffices.filter((o) => o.code !== app.officeCode).map((o) => o.code),
    refusalBases: (listed?.def ?? def).legalBasisKeys.map((k) => `catalog:basis.${k}`),
    leaseMinutes: ctx.config.leaseMinutes,
    deliveries,
    resultDelivery: resultDeliveryOf(electronicResultOffered(def), defaultDeliveryOf(def, app.answers.delivery), postalAddress),
    shipment,
    visit,
    payment: await paymentSummaryOf(ctx.db, app.id),
  };
}
