import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { applications, decisionDocuments, offices, users } from '../../db/schema/index.js';
import { SUPPORTED_LANGUAGES } from '../../locales/index.js';
import { chinaDate } from '../calendar/working-days.js';
import { deliveryOptionsOf } from '../catalog/definitions/shared.js';
import type { ServiceDefinition } from '../catalog/types.js';
import type { ServiceContext } from '../context.js';
import { formatDocumentNumber, nextDocumentSerial } from './numbers.js';
import { filedFactsOf, renderDocument, type DocumentFacts } from './render.js';
import { officeNamesOf } from '../offices/office-names.js';
import type { IssuedDocument } from './issue.js';

/**
 * Whether an item's result can be issued electronically (decision 0035): its form offers the
 * choice ('electronic' among its deliveries, as the inspection mark's), or the item is handled
 * wholly online and asks no delivery at all (the record inquiry, the household certificate),
 * whose result is electronic unless the clerk records a pickup.
 */
export function electronicResultOffered(def: Pick<ServiceDefinition, 'fields' | 'handling'>): boolean {
  const offered = deliveryOptionsOf(def);
  return offered.includes('electronic') || (def.handling.mode === 'online' && offered.length === 0);
}

/** The delivery the completion starts from when the citizen chose none: electronic for an item wholly online. */
export function defaultDeliveryOf(def: Pick<ServiceDefinition, 'fields' | 'handling'>, chosen: unknown): unknown {
  return chosen ?? (def.handling.mode === 'online' && deliveryOptionsOf(def).length === 0 ? 'electronic' : undefined);
}

/**
 * Issues the result itself as an electronic document ('electronicResult'), in the completion's
 * transaction: numbered like every document (numbers.ts), rendered in every language
 * and stored as issued; the citizen opens it from the application page. Its facts name the
 * certificate or document number the clerk recorded. The completion's own message announces it
 * (the completion document says the result is electronic), so no second message is sent.
 */
export async function issueElectronicResult(
  tx: Db,
  ctx: Pick<ServiceContext, 'clock'>,
  input: { applicationId: string; decisionId: string; certificateNumber: string },
): Promise<IssuedDocument> {
  const [row] = await tx
    .select({ app: applications, applicant: users.realName, officePhone: offices.phone, serial: nextDocumentSerial })
    .from(applications)
    .innerJoin(users, eq(users.id, applications.applicantId))
    .leftJoin(offices, eq(offices.code, applications.officeCode))
    .where(eq(applications.id, input.applicationId))
    .limit(1);
  const { app } = row;
  if (!app.officeCode || !app.number) throw new Error(`application ${app.id} completed without an office or number`);
  const now = ctx.clock.now();
  const issueDate = chinaDate(now);
  const kind = 'electronicResult' as const;
  const number = formatDocumentNumber(app.officeCode, Number(issueDate.slice(0, 4)), kind, row.serial);
  const facts: DocumentFacts = {
    ...filedFactsOf(app, { number, applicationNumber: app.number, officeCode: app.officeCode, applicant: row.applicant, officePhone: row.officePhone, issueDate }),
    reasonCode: null,
    legalBasisKey: null,
    note: null,
    redirectOfficeCode: null,
    redirectPhone: null,
    certificateNumber: input.certificateNumber,
    delivery: 'electronic',
    noticeNumber: null,
    noticeDate: null,
    deadline: null,
  };
  // An office an administrator created is named by its own names (decision 0037), as on every other document.
  const officeNames = await officeNamesOf(tx, [facts.officeCode]);
  const [doc] = await tx
    .insert(decisionDocuments)
    .values({
      number,
      applicationId: app.id,
      decisionId: input.decisionId,
      kind,
      officeCode: app.officeCode,
      issuedAt: now,
      issueDate,
      facts,
      content: Object.fromEntries(SUPPORTED_LANGUAGES.map((lng) => [lng, renderDocument(kind, facts, lng, officeNames)])),
    })
    .returning({ id: decisionDocuments.id });
  return { id: doc.id, number, kind };
}
