import { eq, sql } from 'drizzle-orm';
import { applications, queueItems, users } from '../../db/schema/index.js';
import { recordAudit } from '../audit.js';
import { countStatusChange } from '../reports/rollup.js';
import { applicableMaterials, getService, type ServiceDefinition } from '../catalog/index.js';
import { addWorkingDays, chinaDate, loadCalendar } from '../calendar/working-days.js';
import type { ServiceContext } from '../context.js';
import { conflict, DomainError } from '../errors.js';
import { attachFiles, currentFiles } from '../files/files.js';
import { submissionFacts } from '../integrations/submission-checks.js';
import { enqueueMessage } from '../notifications/outbox.js';
import { authorize } from '../permissions.js';
import { checkApplyInput, materialField, type ApplyInput } from './apply-input.js';
import { lockOrCreateDraft, storeDraftAnswers, withBlobCleanup } from './drafts.js';
import { decideOffice } from './jurisdiction.js';
import { nextApplicationNumberSql } from './numbers.js';
import { parseAnswers } from './parse-answers.js';
import { assertTransition } from './status-machine.js';

export type SubmitResult = { applicationId: string; number: string };

/** Shorter committed limits are more urgent; on-the-spot items first. */
export function priorityOf(def: ServiceDefinition): number {
  if (def.priority !== undefined) return def.priority;
  const days = def.timeLimits.committedWorkingDays;
  return days === 0 ? 3 : days <= 5 ? 2 : 1;
}

type Outcome =
  | { kind: 'submitted'; number: string }
  | { kind: 'refused'; error: DomainError }
  | { kind: 'invalid'; fieldErrors: Record<string, string[]> }
  | { kind: 'missing'; materials: string[] };

/**
 * Submits an application into the single queue, in one transaction: lock (or create) the draft,
 * store what was posted, validate, check the materials, pick the office, number it, compute the
 * art. 32 completeness deadline and the committed due date in working days, move draft →
 * submitted, enqueue it, audit it and record the receipt message.
 *
 * When the answers are invalid or a required material has no file, the posted values and files
 * are still kept on the draft (the transaction commits as a draft save) and the 400 names every
 * problem: a browser cannot re-fill file inputs, so refusing to keep them would make the citizen
 * upload everything again. Nothing is submitted, numbered or enqueued in that case.
 *
 * Posting the same form twice (same applicationId) answers the second time with the first
 * result: the row lock makes the second wait, then it finds the application already submitted.
 */
export async function submitApplication(ctx: ServiceContext, input: ApplyInput): Promise<SubmitResult> {
  const { actor } = authorize(ctx.actor, 'application:create');
  const def = getService(input.serviceCode);
  const files = await checkApplyInput(def, input, ctx.config);
  const now = ctx.clock.now();
  const today = chinaDate(now);
  // Asked before the transaction opens, so a slow system holds no locks (services/integrations/submission-checks.ts).
  const early = parseAnswers(def, input.rawAnswers, { today });
  const external = early.ok ? await submissionFacts(ctx, def, early.answers, () => applicantOf(ctx, actor.id)) : null;

  const outcome = await withBlobCleanup(ctx, (written) =>
    ctx.db.transaction(async (tx): Promise<Outcome> => {
      const { row, created } = await lockOrCreateDraft(tx, actor, def, input.applicationId);
      if (row.status !== 'draft') {
        if (row.number) return { kind: 'submitted', number: row.number };
        throw conflict('application.notDraft');
      }
      await attachFiles(tx, ctx, row.id, files, written, { fresh: created });
      // What was posted stays on the draft whenever it is not submitted; when it is, the submitting
      // update below writes the parsed answers in the same statement as the status.
      const keep = async <T extends Outcome>(o: T): Promise<T> => {
        await storeDraftAnswers(tx, ctx, row.id, input.rawAnswers);
        return o;
      };

      // The answers were parsed above from the same input and the same day: a pure function.
      if (!early.ok) return keep({ kind: 'invalid', fieldErrors: early.fieldErrors });
      // Refused by what the records say (or records that could not be asked): the draft is kept, nothing is submitted.
      if (external?.refusal) return keep({ kind: 'refused', error: external.refusal });
      const answers = { ...early.answers, ...external?.answersPatch };

      // A draft created by this post has exactly the files it carried.
      const have = new Set(created ? files.map((f) => f.materialCode) : (await currentFiles(tx, row.id)).map((f) => f.materialCode));
      const missing = applicableMaterials(def, answers, { today })
        .filter((m) => !have.has(m.code))
        .map((m) => m.code);
      if (missing.length > 0) return keep({ kind: 'missing', materials: missing });

      const office = await decideOffice(tx, def, answers);
      if ('error' in office) return keep({ kind: 'invalid', fieldErrors: { [office.field]: [office.error] } });

      assertTransition('draft', 'submitted', 'citizen');
      const calendar = await loadCalendar(tx, today);
      const completenessDeadline = addWorkingDays(today, ctx.config.completenessDays, calendar);
      const dueDate = addWorkingDays(today, def.timeLimits.committedWorkingDays, calendar);
      const priority = priorityOf(def);

      const [{ number }] = await tx
        .update(applications)
        .set({
          status: 'submitted',
          number: nextApplicationNumberSql(today),
          answers,
          officeCode: office.officeCode,
          priority,
          submittedAt: now,
          completenessDeadline,
          dueDate,
          manualCheck: external?.manualCheck ?? null,
          updatedAt: now,
          version: sql`${applications.version} + 1`,
        })
        .where(eq(applications.id, row.id))
        .returning({ number: applications.number });
      if (!number) throw new Error('submit: the application was not numbered');
      await tx.insert(queueItems).values({
        applicationId: row.id,
        officeCode: office.officeCode,
        department: def.department,
        serviceCode: def.code,
        priority,
        receivedAt: now,
        completenessDeadline,
        dueDate,
        state: 'waiting',
      });
      await recordAudit(tx, ctx, {
        applicationId: row.id,
        action: 'application.submitted',
        fromStatus: 'draft',
        toStatus: 'submitted',
        officeCode: office.officeCode,
        data: { number },
      });
      await enqueueMessage(tx, {
        applicationId: row.id,
        userId: actor.id,
        channel: 'sms',
        template: 'receipt',
        params: { number, serviceCode: def.code, officeCode: office.officeCode, completenessDeadline, dueDate },
        idempotencyKey: `receipt:${row.id}`,
        createdAt: now,
      });
      // Last before commit: every filing of the office, service and day updates this one rollup row,
      // and holds its lock from here until the transaction ends.
      await countStatusChange(tx, now, { id: row.id, applicantId: actor.id, officeCode: office.officeCode, serviceCode: def.code, department: def.department, dueDate }, 'submitted');
      return { kind: 'submitted', number };
    }),
  );

  switch (outcome.kind) {
    case 'submitted':
      return { applicationId: input.applicationId, number: outcome.number };
    case 'refused':
      throw outcome.error;
    case 'invalid':
      throw new DomainError('form.invalid', 400, { fieldErrors: outcome.fieldErrors });
    case 'missing':
      throw new DomainError('application.missingMaterials', 400, {
        params: { count: outcome.materials.length, materials: outcome.materials.join(',') },
        fieldErrors: Object.fromEntries(outcome.materials.map((m) => [materialField(m), ['apply.materialMissing']])),
      });
  }
}

async function applicantOf(ctx: ServiceContext, id: string): Promise<{ realName: string; idNumber: string | null }> {
  const [u] = await ctx.db.select({ realName: users.realName, idNumber: users.idNumber }).from(users).where(eq(users.id, id));
  return u ?? { realName: '', idNumber: null };
}
