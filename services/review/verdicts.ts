import { and, eq, isNull } from 'drizzle-orm';
import type { ZodError } from 'zod';
import { materialVerdicts, noticeOverrides } from '../../db/schema/index.js';
import { auditInsert, auditInsertAll } from '../audit.js';
import { together } from '../sql.js';
import type { ServiceContext } from '../context.js';
import { conflict, invalid } from '../errors.js';
import { beyondOnce, loadChecklist } from './checklist.js';
import { judgeSchema, verdictSchema, type JudgeInput, type VerdictInput } from './schemas.js';
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
    // The verdict and its audit row in one round trip (services/sql.ts): neither reads the other.
    await tx.execute(
      together([
        tx.insert(materialVerdicts).values({
          applicationId: app.id,
          materialCode: item.material.code,
          verdict: input.verdict,
          reasonCode: input.verdict === 'deficient' ? input.reasonCode! : null,
          note: input.note || null,
          clerkId: actor.id,
          at: ctx.clock.now(),
          fileIds: item.files.map((f) => f.id),
        }),
        auditInsert(tx, ctx, {
          applicationId: app.id,
          action: 'review.verdict',
          officeCode: app.officeCode,
          reason: input.note || null,
          data: { materialCode: item.material.code, verdict: input.verdict, reasonCode: input.reasonCode ?? null },
        }),
      ]),
    );
  });
}

/**
 * The clerk's one judging form: a verdict for every checklist item in one transaction under one
 * lease check. Every problem of every item is collected and refused together (400, nothing
 * saved), so the clerk corrects them in one pass. An item left blank, or judged exactly as it
 * already stands, writes nothing: a second submit of the same form (double click, back and
 * resubmit) records no second verdict and no second audit row.
 */
export async function recordVerdicts(ctx: ServiceContext, number: string, raw: JudgeInput): Promise<{ recorded: number }> {
  const parsed = judgeSchema.safeParse(raw);
  if (!parsed.success) throw invalid('form.invalid', fieldErrorsOf(parsed.error));
  const input = parsed.data;
  return withLease(ctx, number, input.leaseVersion, async ({ tx, actor, app }) => {
    if (app.status !== 'under_review') throw conflict('review.notUnderReview');
    const { items, notices } = await loadChecklist(tx, app);
    const [override] = notices.length
      ? await tx
          .select({ id: noticeOverrides.id })
          .from(noticeOverrides)
          .where(and(eq(noticeOverrides.applicationId, app.id), isNull(noticeOverrides.usedByNoticeId)))
          .limit(1)
      : [];
    const errors: Record<string, string[]> = {};
    const seen = new Set<string>();
    const writes: { item: (typeof items)[number]; verdict: 'ok' | 'missing' | 'deficient'; reasonCode: string | null; note: string | null }[] = [];
    input.items.forEach((given, i) => {
      const at = `items[${i}]`;
      const item = items.find((x) => x.material.code === given.materialCode);
      if (!item || seen.has(given.materialCode)) {
        errors[`${at}.materialCode`] = ['review.unknownMaterial'];
        return;
      }
      seen.add(given.materialCode);
      if (!given.verdict) return;
      if (given.verdict === 'deficient' && !item.material.deficiencyReasons.includes(given.reasonCode ?? '')) {
        errors[`${at}.reasonCode`] = ['review.reasonNotListed'];
        return;
      }
      if (given.verdict !== 'ok' && beyondOnce(item, notices.length) && !override) {
        errors[`${at}.verdict`] = ['review.onceRuleField'];
        return;
      }
      const reasonCode = given.verdict === 'deficient' ? given.reasonCode! : null;
      const note = given.note || null;
      const now = item.verdict;
      if (now && now.verdict === given.verdict && now.reasonCode === reasonCode && (now.note ?? null) === note) return;
      writes.push({ item, verdict: given.verdict, reasonCode, note });
    });
    if (Object.keys(errors).length > 0) throw invalid('review.judgeInvalid', errors, { count: Object.keys(errors).length });
    const at = ctx.clock.now();
    if (writes.length === 0) return { recorded: 0 };
    // The verdicts and one audit row each, in one round trip (services/sql.ts); the audit rows in one
    // insert, so they keep the form's order as the separate statements did.
    await tx.execute(
      together([
        tx.insert(materialVerdicts).values(
          writes.map((w) => ({
            applicationId: app.id,
            materialCode: w.item.material.code,
            verdict: w.verdict,
            reasonCode: w.reasonCode,
            note: w.note,
            clerkId: actor.id,
            at,
            fileIds: w.item.files.map((f) => f.id),
          })),
        ),
        auditInsertAll(
          tx,
          ctx,
          writes.map((w) => ({
            applicationId: app.id,
            action: 'review.verdict',
            officeCode: app.officeCode,
            reason: w.note,
            data: { materialCode: w.item.material.code, verdict: w.verdict, reasonCode: w.reasonCode },
          })),
        ),
      ]),
    );
    return { recorded: writes.length };
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
