import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { decisionDocuments, documentSeals, notices, type RenderedDocument, type SealSource } from '../../db/schema/index.js';
import { recordAudit } from '../audit.js';
import { chinaDate } from '../calendar/working-days.js';
import type { ServiceContext } from '../context.js';
import { conflict, invalid, notFound } from '../errors.js';
import { lookup, text } from '../locale-text.js';
import { authorize, inScope, scopeFor } from '../permissions.js';
import { applicationInScope } from '../review/access.js';
import { maskName } from '../validation/identifiers.js';
import { renderPdf } from './pdf.js';
import { revokeSchema } from './revoke-schema.js';
import { signBytes, verifyBytes } from './signing-keys.js';
import { isSuperseded, readSource, type SealableDocument } from './sources.js';
import { notifyApplicant } from '../notifications/notify.js';

/**
 * Every document the portal issues as a signed PDF (decision 0034). The PDF is rendered once, the
 * first time anyone needs it (a download, a revocation, the hand-over to the e-licence system),
 * and kept: its exact bytes, their SHA-256 and the Ed25519 signature over them. The QR code on it
 * leads to /verify/<token>, where anyone sees the minimum needed to trust it and can check a file.
 */
export type SealRow = typeof documentSeals.$inferSelect;
type SealContext = Pick<ServiceContext, 'db' | 'clock' | 'config'>;

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const verifyUrlOf = (publicUrl: string, token: string) => `${publicUrl}/verify/${token}`;

/** The seal of a document, made (rendered, signed, stored) if it has none yet. */
export async function ensureSeal(ctx: SealContext, source: SealSource, sourceId: string): Promise<SealRow> {
  const found = await sealOf(ctx.db, source, sourceId);
  if (found) return found;
  const doc = await readSource(ctx.db, source, sourceId);
  if (!doc) throw notFound('documents.notFound');
  const token = randomBytes(32).toString('base64url');
  const pdf = await renderDocumentPdf(doc, verifyUrlOf(ctx.config.publicUrl, token));
  const { keyId, signature } = signBytes(ctx.config.signingKeys, pdf);
  // Two first downloads at once: one insert wins, both answer with the winner's PDF.
  await ctx.db
    .insert(documentSeals)
    .values({
      token,
      source,
      sourceId,
      applicationId: doc.applicationId,
      kind: doc.kind,
      number: doc.number,
      officeCode: doc.officeCode,
      issueDate: doc.issueDate,
      maskedName: maskName(doc.applicantName),
      pdf: pdf.toString('base64'),
      sha256: createHash('sha256').update(pdf).digest('hex'),
      signature,
      keyId,
      sealedAt: ctx.clock.now(),
    })
    .onConflictDoNothing({ target: [documentSeals.source, documentSeals.sourceId] });
  return (await sealOf(ctx.db, source, sourceId))!;
}

async function sealOf(db: Db, source: SealSource, sourceId: string): Promise<SealRow | null> {
  const [row] = await db
    .select()
    .from(documentSeals)
    .where(and(eq(documentSeals.source, source), eq(documentSeals.sourceId, sourceId)))
    .limit(1);
  return row ?? null;
}

/** The PDF in zh-CN, the authoritative language of every issued document. */
export function renderDocumentPdf(doc: SealableDocument, verifyUrl: string): Promise<Buffer> {
  const lng = 'zh-CN' as const;
  return renderPdf({
    text: doc.text,
    number: doc.number,
    officeName: lookup(lng, `common:offices.${doc.officeCode}`) ?? doc.officeCode,
    labels: {
      seal: text(lng, 'verify:pdf.seal'),
      sealPlaceholder: text(lng, 'verify:pdf.sealPlaceholder'),
      verifyHint: text(lng, 'verify:pdf.verifyHint'),
      number: text(lng, 'verify:pdf.number'),
    },
    verifyUrl,
    issuedAt: doc.issuedAt,
  });
}

export type SealedPdf = { filename: string; bytes: Buffer };

/**
 * Which document of an application a download names: a decision document by id, a one-time
 * notice by sequence (null = the latest), or the application's receipt (one per application,
 * once submitted). Anything that is not this application's document is 404, as for the HTML pages.
 */
export type DocumentRef = { source: 'decision'; id: string } | { source: 'notice'; sequence: number | null } | { source: 'receipt' };

async function resolveRef(ctx: ServiceContext, number: string, ref: DocumentRef, action: 'application:read' | 'document:revoke') {
  if (ref.source === 'decision' && !UUID.test(ref.id)) throw notFound('documents.notFound');
  const { app } = await applicationInScope(ctx.db, ctx, number, action);
  if (ref.source === 'decision') {
    const [doc] = await ctx.db
      .select({ id: decisionDocuments.id })
      .from(decisionDocuments)
      .where(and(eq(decisionDocuments.id, ref.id), eq(decisionDocuments.applicationId, app.id)))
      .limit(1);
    if (!doc) throw notFound('documents.notFound');
    return { app, source: 'decision' as const, sourceId: doc.id };
  }
  if (ref.source === 'receipt') {
    // A draft has no receipt: nothing was received yet.
    if (!app.submittedAt) throw notFound('documents.notFound');
    return { app, source: 'receipt' as const, sourceId: app.id };
  }
  const [n] = await ctx.db
    .select({ id: notices.id })
    .from(notices)
    .where(ref.sequence === null ? eq(notices.applicationId, app.id) : and(eq(notices.applicationId, app.id), eq(notices.sequence, ref.sequence)))
    .orderBy(desc(notices.sequence))
    .limit(1);
  if (!n) throw notFound('review.noticeNotFound');
  return { app, source: 'notice' as const, sourceId: n.id };
}

/** The signed PDF of a document, for the applicant (and the subject) and staff in scope; 404 for anyone else. */
export async function sealedPdf(ctx: ServiceContext, number: string, ref: DocumentRef): Promise<SealedPdf> {
  const { source, sourceId } = await resolveRef(ctx, number, ref, 'application:read');
  const seal = await ensureSeal(ctx, source, sourceId);
  return { filename: `${seal.number}.pdf`, bytes: Buffer.from(seal.pdf, 'base64') };
}

export type VerifyStatus = 'valid' | 'superseded' | 'revoked';

export type VerifyView = {
  token: string;
  kind: string;
  number: string;
  officeCode: string;
  issueDate: string;
  maskedName: string;
  status: VerifyStatus;
  revokedDate: string | null;
  sha256: string;
  signature: string;
  keyId: string;
  verifications: number;
};

/**
 * The public verify page's facts for the token a QR code carries, counting the verification.
 * Nothing else about the citizen than the masked name; no link to the application. A token
 * that is not a seal's is 404, as is one of the wrong shape, before any query.
 */
export async function verifyDocument(ctx: ServiceContext, token: string, opts: { count: boolean } = { count: true }): Promise<VerifyView> {
  if (scopeFor(ctx.actor, 'document:verify') !== 'public') throw notFound('verify.notFound');
  if (!TOKEN.test(token)) throw notFound('verify.notFound');
  const now = ctx.clock.now();
  const [seal] = opts.count
    ? await ctx.db
        .update(documentSeals)
        .set({ verifications: sql`${documentSeals.verifications} + 1`, lastVerifiedAt: now })
        .where(eq(documentSeals.token, token))
        .returning()
    : await ctx.db.select().from(documentSeals).where(eq(documentSeals.token, token)).limit(1);
  if (!seal) throw notFound('verify.notFound');
  const superseded = !seal.revokedAt && (await isSuperseded(ctx.db, seal.source, seal.sourceId));
  return {
    token,
    kind: seal.kind,
    number: seal.number,
    officeCode: seal.officeCode,
    issueDate: seal.issueDate,
    maskedName: seal.maskedName,
    status: seal.revokedAt ? 'revoked' : superseded ? 'superseded' : 'valid',
    revokedDate: seal.revokedAt ? chinaDay(seal.revokedAt) : null,
    sha256: seal.sha256,
    signature: seal.signature,
    keyId: seal.keyId,
    verifications: seal.verifications,
  };
}

const chinaDay = (d: Date) => chinaDate(d);

export type FileCheck = { matches: boolean; status: VerifyStatus };

/**
 * Whether a file is exactly the PDF the office signed under this token: the stored signature
 * must verify over the file's bytes with the key that made it. One byte changed and it does not.
 * The answer says nothing about what differs.
 */
export async function checkDocumentFile(ctx: ServiceContext, token: string, bytes: Buffer): Promise<FileCheck> {
  const view = await verifyDocument(ctx, token, { count: false });
  if (bytes.length === 0) throw invalid('verify.fileRequired', { file: ['verify.fileRequired'] });
  return { matches: verifyBytes(ctx.config.signingKeys, view.keyId, bytes, view.signature), status: view.status };
}


/**
 * A manager withdraws the validity of a document of their office, with a reason: from the next
 * request on, its verify page says revoked. Audited; a document revoked once stays revoked.
 */
export async function revokeDocument(ctx: ServiceContext, number: string, ref: DocumentRef, raw: unknown): Promise<void> {
  const { actor, scope } = authorize(ctx.actor, 'document:revoke');
  const parsed = revokeSchema.safeParse(raw);
  if (!parsed.success) throw invalid('validation.failed', { reason: parsed.error.issues.map((i) => i.message) });
  const { app, source, sourceId } = await resolveRef(ctx, number, ref, 'document:revoke');
  if (!inScope(actor, scope, { officeCode: app.officeCode })) throw notFound('documents.notFound');
  const seal = await ensureSeal(ctx, source, sourceId);
  await ctx.db.transaction(async (tx) => {
    const now = ctx.clock.now();
    const [done] = await tx
      .update(documentSeals)
      .set({ revokedAt: now, revokedBy: actor.id, revokeReason: parsed.data.reason })
      .where(and(eq(documentSeals.id, seal.id), sql`${documentSeals.revokedAt} is null`))
      .returning({ id: documentSeals.id });
    if (!done) throw conflict('verify.revoke.already');
    await recordAudit(tx, ctx, {
      applicationId: app.id,
      action: 'document.revoke',
      reason: parsed.data.reason,
      officeCode: app.officeCode,
      data: { documentNumber: seal.number, documentKind: seal.kind, source, sourceId, sealId: seal.id },
      at: now,
    });
    // A revocation is a decision about the applicant's document: it reaches them in writing, once.
    await notifyApplicant(tx, {
      applicationId: app.id,
      applicantId: app.applicantId,
      template: 'documentRevoked',
      params: { applicationNumber: app.number, serviceCode: app.serviceCode, officeCode: app.officeCode, documentNumber: seal.number, reason: parsed.data.reason },
      eventKey: `documentRevoked:${seal.id}`,
      createdAt: now,
    });
  });
}

export type Revocation = {
  /** Set once a manager revoked it: the reason, shown above the document. */
  revokedReason: string | null;
  /** Whether the reader may revoke it (a manager of its office) and it is not revoked yet. */
  canRevoke: boolean;
};

/**
 * What the page of a document (a decision document, a notice, a receipt) shows about its
 * revocation, for a reader who may already see the document (the caller checked access).
 */
export async function revocationOf(ctx: ServiceContext, source: SealSource, sourceId: string, officeCode: string | null): Promise<Revocation> {
  const state = await sealStateOf(ctx.db, source, sourceId);
  const revoked = state?.revoked ?? false;
  const actor = ctx.actor;
  const manager = actor.kind === 'user' && scopeFor(actor, 'document:revoke') !== null && officeCode !== null && actor.officeCode === officeCode;
  return { revokedReason: revoked ? (state?.reason ?? '') : null, canRevoke: manager && !revoked };
}

export type ReceiptView = { number: string; text: RenderedDocument; revocation: Revocation };

/**
 * The receipt of an application as its signed PDF prints it (zh-CN, decision 0038), for the
 * applicant and staff in scope (404 for anyone else and for a draft): the page managers revoke
 * it from.
 */
export async function getReceipt(ctx: ServiceContext, number: string): Promise<ReceiptView> {
  const { app, sourceId } = await resolveRef(ctx, number, { source: 'receipt' }, 'application:read');
  const doc = await readSource(ctx.db, 'receipt', sourceId);
  if (!doc) throw notFound('documents.notFound');
  return { number: doc.number, text: doc.text, revocation: await revocationOf(ctx, 'receipt', sourceId, app.officeCode) };
}

/** Whether a document has been revoked, for the pages that show it to the applicant and staff. */
export async function sealStateOf(db: Db, source: SealSource, sourceId: string): Promise<{ revoked: boolean; reason: string | null } | null> {
  const row = await sealOf(db, source, sourceId);
  return row ? { revoked: row.revokedAt !== null, reason: row.revokeReason } : null;
}
