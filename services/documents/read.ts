import { and, eq } from 'drizzle-orm';
import { decisionDocuments, documentSeals, type DocumentKind, type RenderedDocument } from '../../db/schema/index.js';
import type { Db } from '../../db/client.js';
import type { ServiceContext } from '../context.js';
import { notFound } from '../errors.js';
import { languageOf } from '../locale-text.js';
import { applicationInScope } from '../review/access.js';
import { scopeFor } from '../permissions.js';

export type DocumentSummary = { id: string; kind: DocumentKind; number: string; issueDate: string };

/**
 * An application's documents in the order they were issued, with the facts each was rendered
 * from (the page's summary reads the latest). The caller has checked access.
 */
export async function documentsOf(db: Db, applicationId: string): Promise<(DocumentSummary & { facts: Record<string, string | null> })[]> {
  const rows = await db
    .select({
      id: decisionDocuments.id,
      kind: decisionDocuments.kind,
      number: decisionDocuments.number,
      issueDate: decisionDocuments.issueDate,
      issuedAt: decisionDocuments.issuedAt,
      facts: decisionDocuments.facts,
    })
    .from(decisionDocuments)
    .where(eq(decisionDocuments.applicationId, applicationId));
  // Acceptance comes before the decision that ends the matter even when both carry the same
  // instant (a clerk may accept and complete on the spot, within one clock tick).
  // The electronic result comes after the completion that issued it.
  const stage = (k: DocumentKind) => (k === 'acceptance' || k === 'deemedAcceptance' ? 0 : k === 'electronicResult' ? 2 : 1);
  rows.sort((a, b) => a.issuedAt.getTime() - b.issuedAt.getTime() || stage(a.kind) - stage(b.kind));
  return rows.map(({ issuedAt: _issuedAt, ...r }) => r);
}

export type DocumentView = DocumentSummary & {
  applicationNumber: string;
  issuedAt: string;
  /** The language the text is in: the reader's when the document has it, else zh-CN. */
  lang: string;
  text: RenderedDocument;
  /** Set once a manager revoked it (decision 0034): the reason, shown above the text. */
  revokedReason: string | null;
  /** Whether the reader may revoke it (a manager of its office) and it is not revoked yet. */
  canRevoke: boolean;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One issued document, as issued, for the applicant or staff in scope; anyone else — and any id
 * that is not this application's document — gets 404, so ids and numbers leak nothing.
 */
export async function getDocument(ctx: ServiceContext, number: string, id: string, locale: string): Promise<DocumentView> {
  if (!UUID.test(id) || !/^[A-Z0-9]{1,40}$/.test(number)) throw notFound('documents.notFound');
  const { app } = await applicationInScope(ctx.db, ctx, number, 'application:read');
  const [doc] = await ctx.db
    .select()
    .from(decisionDocuments)
    .where(and(eq(decisionDocuments.id, id), eq(decisionDocuments.applicationId, app.id)))
    .limit(1);
  if (!doc) throw notFound('documents.notFound');
  const lng = languageOf(locale);
  const lang = doc.content[lng] ? lng : 'zh-CN';
  const [seal] = await ctx.db
    .select({ revokedAt: documentSeals.revokedAt, reason: documentSeals.revokeReason })
    .from(documentSeals)
    .where(and(eq(documentSeals.source, 'decision'), eq(documentSeals.sourceId, doc.id)))
    .limit(1);
  const revoked = Boolean(seal?.revokedAt);
  const actor = ctx.actor;
  const manager = actor.kind === 'user' && scopeFor(actor, 'document:revoke') !== null && actor.officeCode === doc.officeCode;
  return {
    id: doc.id,
    kind: doc.kind,
    number: doc.number,
    issueDate: doc.issueDate,
    issuedAt: doc.issuedAt.toISOString(),
    applicationNumber: number,
    lang,
    text: doc.content[lang],
    revokedReason: revoked ? (seal?.reason ?? '') : null,
    canRevoke: manager && !revoked,
  };
}
