import { and, eq, isNull, lte, or } from 'drizzle-orm';
import { applications, decisionDocuments, eLicencePushes, users } from '../../db/schema/index.js';
import type { ServiceContext } from '../context.js';
import { registerLicence } from '../integrations/e-licence.js';
import { isIntegrationError } from '../integrations/http.js';
import { ensureSeal, verifyUrlOf } from './seal.js';

type JobContext = Pick<ServiceContext, 'db' | 'clock' | 'config'>;

const BATCH = 10;
const MAX_ATTEMPTS = 8;
const retryDelayMs = (attempts: number) => Math.min(60 * 60_000, 30_000 * 2 ** (attempts - 1));

/**
 * The worker's hand-over of completion documents to the national e-licence system (decision
 * 0034): a completion with no hand-over yet, or one due for another try, is sealed (its signed
 * PDF made if nobody downloaded it yet) and registered through the adapter. Runs outside any
 * decision's transaction, so a slow or absent e-licence system never holds a decision up; the
 * adapter's idempotency key (the document id) makes a repeat after a crash harmless. A refusal
 * (4xx, malformed answer) is final and kept with its reason; an outage is retried with backoff.
 */
export async function pushCompletionsToELicence(ctx: JobContext): Promise<{ sent: number; failed: number }> {
  const now = ctx.clock.now();
  const due = await ctx.db
    .select({ doc: decisionDocuments, push: eLicencePushes, holderIdNumber: users.idNumber, serviceCode: applications.serviceCode })
    .from(decisionDocuments)
    .innerJoin(applications, eq(applications.id, decisionDocuments.applicationId))
    .innerJoin(users, eq(users.id, applications.applicantId))
    .leftJoin(eLicencePushes, eq(eLicencePushes.documentId, decisionDocuments.id))
    .where(and(eq(decisionDocuments.kind, 'completion'), or(isNull(eLicencePushes.documentId), and(eq(eLicencePushes.status, 'pending'), lte(eLicencePushes.nextAttemptAt, now)))))
    .limit(BATCH);
  let sent = 0;
  let failed = 0;
  for (const { doc, push, holderIdNumber, serviceCode } of due) {
    const attempts = (push?.attempts ?? 0) + 1;
    // Claim: whoever inserts or bumps the row first does the hand-over this round.
    const claimed = push
      ? await ctx.db
          .update(eLicencePushes)
          .set({ attempts, nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)) })
          .where(and(eq(eLicencePushes.documentId, doc.id), eq(eLicencePushes.attempts, push.attempts), eq(eLicencePushes.status, 'pending')))
          .returning({ id: eLicencePushes.documentId })
      : await ctx.db
          .insert(eLicencePushes)
          .values({ documentId: doc.id, status: 'pending', attempts, nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)) })
          .onConflictDoNothing()
          .returning({ id: eLicencePushes.documentId });
    if (claimed.length === 0) continue;
    try {
      const seal = await ensureSeal(ctx, 'decision', doc.id);
      const accepted = await registerLicence(ctx.config.integrations, {
        documentId: doc.id,
        documentNumber: doc.number,
        certificateNumber: doc.facts.certificateNumber ?? null,
        serviceCode,
        officeCode: doc.officeCode,
        issueDate: doc.issueDate,
        holderName: doc.facts.applicant ?? '',
        holderIdNumber,
        pdfSha256: seal.sha256,
        verifyUrl: verifyUrlOf(ctx.config.publicUrl, seal.token),
      });
      await ctx.db.update(eLicencePushes).set({ status: 'sent', licenceId: accepted.licenceId, sentAt: ctx.clock.now(), lastError: null }).where(eq(eLicencePushes.documentId, doc.id));
      sent++;
    } catch (e) {
      if (!isIntegrationError(e)) throw e;
      const final = !e.retryable || attempts >= MAX_ATTEMPTS;
      await ctx.db
        .update(eLicencePushes)
        .set({ status: final ? 'failed' : 'pending', lastError: `${e.failure}` })
        .where(eq(eLicencePushes.documentId, doc.id));
      failed++;
    }
  }
  return { sent, failed };
}

/** For the tests and the desk: a document's hand-over state. */
export async function eLicencePushOf(ctx: Pick<ServiceContext, 'db'>, documentId: string) {
  const [row] = await ctx.db.select().from(eLicencePushes).where(eq(eLicencePushes.documentId, documentId)).limit(1);
  return row ?? null;
}

