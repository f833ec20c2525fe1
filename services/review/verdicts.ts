import { and, eq, isNull } from 'drizzle-orm';
import type { ZodError } from 'zod';
import { materialVerdicts, noticeOverrides } from '../../db/schema/index.js';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import { conflict, invalid } from '../errors.js';
import { beyondOnce, loadChecklist } from './checklist.js';
import { verdictSchema, type VerdictInput } from './schemas.js';
import { withLease } from './with-lease.js';

/**
 * Records the clerk's verdict on one checklist item: ok, missing, or deficient with a reason
 * from that material's list. After a notice went out, an item may be flagged only if the notice
 * named it or the citizen changed its files — unless a supervisor granted an override.
 */
export async function recordVerdict(ctx: ServiceContext, number: string, raw: VerdictInput): Promise<void> {
  const parsed = verdictSchema.safeParse(raw);
  if (!parsed.success) throw invalid('form.invalid', fieldErrorsOf(parsed.error));
  const input = parsed.data;
  await withLease(ctx, number, input.leaseVersion, async ({ tx, actor, app }) => {
    if (app.status !== 'under_review') throw conflict('review.notUnderReview');
    // "ok" is never beyond the one-time rule, so only a flag needs the notices.
    const { items, notices } = await loadChecklist(tx, app, { verdicts: false, notices: input.verdict !== 'ok' });
    const item = items.find((i) => i.material.code === input.materialCode);
    if (!item) throw invalid('form.invalid', { materialCode: ['review.unknownMaterial'] });
    if (input.verdict === 'deficient' && !item.material.deficiencyReasons.includes(input.reasonCode ?? '')) {
      throw invalid('form.invalid', { reasonCode: ['review.reasonNotListed'] });
    }
    if (input.verdict !== 'ok' && beyondOnce(item, notices.length)) {
      const [override] = await tx
        .select({ id: noticeOverrides.id })
        .from(noticeOverrides)
        .where(and(eq(noticeOverrides.applicationId, app.id), isNull(noticeOverrides.usedByNoticeId)))
        .limit(1);
      if (!override) throw invalid('review.onceRule', { [`verdict-${item.material.code}`]: ['review.onceRuleField'] }, { material: item.material.code });
    }
    await tx.insert(materialVerdicts).values({
      applicationId: app.id,
      materialCode: item.material.code,
      verdict: input.verdict,
      reasonCode: input.verdict === 'deficient' ? input.reasonCode! : null,
      note: input.note || null,
      clerkId: actor.id,
      at: ctx.clock.now(),
      fileIds: item.files.map((f) => f.id),
    });
    await recordAudit(tx, ctx, {
      applicationId: app.id,
      action: 'review.verdict',
      officeCode: app.officeCode,
      reason: input.note || null,
      data: { materialCode: item.material.code, verdict: input.verdict, reasonCode: input.reasonCode ?? null },
    });
  });
}

/** zod issues → { field: [validation keys] }, the shape DomainError carries to forms. */
export function fieldErrorsOf(error: ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || 'form';
    (out[key] ??= []).push(issue.message);
  }
  return out;
}
