import type { CompletionDelivery, DocumentKind, RenderedDocument } from '../../db/schema/index.js';
import type { Language } from '../../locales/index.js';
import { formatChinaDay, lookup, text } from '../locale-text.js';
import { officeNameIn, type OfficeNames } from '../offices/office-names.js';
import { chinaDate } from '../calendar/working-days.js';

/**
 * What a document says, as values: codes, keys and China days. Stored beside the text so the
 * facts stay readable by machines; the text is rendered from them once, at issue.
 */
export type DocumentFacts = {
  number: string;
  applicant: string;
  applicationNumber: string;
  serviceCode: string;
  officeCode: string;
  officePhone: string | null;
  receivedDay: string | null;
  issueDate: string;
  dueDate: string | null;
  completenessDeadline: string | null;
  acceptedDay: string | null;
  /** nonAcceptance / refusal: desk:notAccept.reasons.<code> / desk:refuse.reasons.<code>. */
  reasonCode: string | null;
  /** refusal: catalog:basis.<key>; nonAcceptance: the key recorded by the desk. */
  legalBasisKey: string | null;
  note: string | null;
  redirectOfficeCode: string | null;
  redirectPhone: string | null;
  /** completion: the certificate or document the office issued, and how it reaches the citizen. */
  certificateNumber: string | null;
  delivery: CompletionDelivery | null;
  /** completion by post: documents:carriers.<code> and the waybill number (absent in documents issued before). */
  carrier?: string | null;
  waybill?: string | null;
  /** completion by post: 'courier' when the courier is booked after the completion (decision 0035). */
  shipment?: 'courier' | null;
  /** deemedWithdrawal: the one-time notice whose deadline passed. */
  noticeNumber: string | null;
  noticeDate: string | null;
  deadline: string | null;
};

/** The facts every document of an application states, whatever it decides: who, what, where, when. */
export type FiledFacts = Pick<
  DocumentFacts,
  'number' | 'applicant' | 'applicationNumber' | 'serviceCode' | 'officeCode' | 'officePhone' | 'receivedDay' | 'issueDate' | 'dueDate' | 'completenessDeadline' | 'acceptedDay'
>;

/**
 * Those facts from the application row as read in the issuing transaction (one place for both
 * issuers, services/documents/issue.ts and electronic-result.ts). The caller has checked the
 * application has its number and office: an unnumbered one is never decided.
 */
export function filedFactsOf(
  app: { serviceCode: string; submittedAt: Date | null; dueDate: string | null; completenessDeadline: string | null; acceptedAt: Date | null },
  given: { number: string; applicationNumber: string; officeCode: string; applicant: string; officePhone: string | null; issueDate: string },
): FiledFacts {
  return {
    ...given,
    serviceCode: app.serviceCode,
    receivedDay: app.submittedAt ? chinaDate(app.submittedAt) : null,
    dueDate: app.dueDate,
    completenessDeadline: app.completenessDeadline,
    acceptedDay: app.acceptedAt ? chinaDate(app.acceptedAt) : null,
  };
}

/** Decisions the citizen may challenge carry the reconsideration and litigation rights. */
const CHALLENGEABLE: ReadonlySet<DocumentKind> = new Set(['nonAcceptance', 'refusal']);

/**
 * The first paragraph's text. A deemed acceptance can come after the committed date has passed
 * (a same-day item's due date falls before its completeness deadline): it then says the office must
 * decide at once, never that it will decide "by" a day already gone.
 */
export function bodyOf(kind: DocumentKind, f: Pick<DocumentFacts, 'dueDate' | 'issueDate'>): DocumentKind | 'deemedAcceptanceOverdue' {
  return kind === 'deemedAcceptance' && f.dueDate !== null && f.dueDate < f.issueDate ? 'deemedAcceptanceOverdue' : kind;
}

/**
 * The document in one language: title, header facts, paragraphs, signature last. `officeNames`:
 * the own names of offices created in the browser (services/offices/office-names.ts).
 */
export function renderDocument(kind: DocumentKind, f: DocumentFacts, lng: Language, officeNames?: OfficeNames): RenderedDocument {
  const day = (d: string | null) => formatChinaDay(lng, d);
  const office = officeNameIn(lng, f.officeCode, officeNames);
  const service = lookup(lng, `catalog:services.${f.serviceCode}.name`) ?? f.serviceCode;
  const reasonKey = kind === 'refusal' ? `desk:refuse.reasons.${f.reasonCode}` : `desk:notAccept.reasons.${f.reasonCode}`;
  const reason = f.reasonCode ? (lookup(lng, reasonKey) ?? f.reasonCode) : '';
  const basis =
    kind === 'nonAcceptance'
      ? (lookup(lng, `documents:nonAcceptanceBasis.${f.reasonCode}`) ?? '')
      : f.legalBasisKey
        ? (lookup(lng, f.legalBasisKey) ?? f.legalBasisKey)
        : '';
  const vars = {
    applicant: f.applicant,
    service,
    office,
    phone: f.officePhone ?? '',
    receivedDate: day(f.receivedDay),
    issueDate: day(f.issueDate),
    dueDate: day(f.dueDate),
    completenessDeadline: day(f.completenessDeadline),
    acceptedDate: day(f.acceptedDay),
    // In an English sentence the reason is not a heading: no capital.
    reason: lng === 'en' ? reason.charAt(0).toLowerCase() + reason.slice(1) : reason,
    basis,
    note: f.note ?? '',
    redirectOffice: f.redirectOfficeCode ? officeNameIn(lng, f.redirectOfficeCode, officeNames) : '',
    redirectPhone: f.redirectPhone ?? '',
    documentNumber: f.certificateNumber ?? '',
    carrier: f.carrier ? (lookup(lng, `documents:carriers.${f.carrier}`) ?? f.carrier) : '',
    waybill: f.waybill ?? '',
    noticeNumber: f.noticeNumber ?? '',
    noticeDate: day(f.noticeDate),
    deadline: day(f.deadline),
    reconsiderationBody: lookup(lng, `documents:reconsiderationBody.${f.officeCode}`) ?? text(lng, 'documents:reconsiderationBody.default'),
  };
  const p = (key: string) => text(lng, `documents:body.${key}`, vars);
  const paragraphs = [p(bodyOf(kind, f))];
  if (kind === 'nonAcceptance' && f.redirectOfficeCode) paragraphs.push(p('redirect'));
  // A posting recorded before waybills were (no waybill) keeps the old wording.
  // By post since decision 0035 the courier is booked after the completion: the waybill is on the citizen's page.
  if (kind === 'completion' && f.delivery) paragraphs.push(p(f.delivery === 'mail' ? (f.waybill ? 'mailTracked' : f.shipment ? 'mailShipment' : 'mail') : f.delivery));
  if ((kind === 'nonAcceptance' || kind === 'refusal') && f.note) paragraphs.push(p('note'));
  if (CHALLENGEABLE.has(kind)) paragraphs.push(p('rights'));
  if (kind !== 'completion' && f.officePhone) paragraphs.push(p('contact'));
  paragraphs.push(p('signature'));
  const fact = (key: string, value: string) => ({ label: text(lng, `documents:facts.${key}`), value });
  return {
    title: text(lng, `documents:kinds.${kind}`),
    facts: [
      fact('number', f.number),
      fact('applicant', f.applicant),
      fact('applicationNumber', f.applicationNumber),
      fact('service', service),
      fact('office', office),
      fact('receivedDate', vars.receivedDate),
      fact('issueDate', vars.issueDate),
      ...(kind === 'completion' && f.waybill ? [fact('carrier', vars.carrier), fact('waybill', vars.waybill)] : []),
      ...(kind === 'electronicResult' ? [fact('certificateNumber', vars.documentNumber)] : []),
    ],
    paragraphs,
  };
}
