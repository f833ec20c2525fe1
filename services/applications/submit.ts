import { and, eq, sql } from 'drizzle-orm';
import { applications, users } from '../../db/schema/index.js';
import { applicableMaterials, commitmentOf, getService, type Answers, type ServiceDefinition } from '../catalog/index.js';
import { itemReference, officeOffers, versionInForce } from '../catalog/item-versions.js';
import { withFacts } from '../catalog/item-facts.js';
import { addWorkingDays, chinaDate, committedDueDate, isUnknown, loadCalendar, orUnknown, type UnknownDay } from '../calendar/working-days.js';
import type { ServiceContext, UserActor } from '../context.js';
import { conflict, DomainError, isDomainError, notFound } from '../errors.js';
import { isUuid } from '../validation/ids.js';
import { attachFiles, currentFiles, storeBlobs, type NewFileRow } from '../files/files.js';
import { submissionFacts, type SubmissionFacts } from '../integrations/submission-checks.js';
import { officesHandling, type OfficeRow } from '../offices/offices.js';
import { authorize } from '../permissions.js';
import { removeBlobs } from '../files/storage.js';
import { isUniqueViolation, rowsOf } from '../sql.js';
import { checkApplyInput, materialField, type ApplyInput } from './apply-input.js';
import { requiredMaterialCodes, sharedFactsForRaw } from './checklist.js';
import { lockOrCreateDraft, storeDraftAnswers, withBlobCleanup } from './drafts.js';
import { decideOffice } from './jurisdiction.js';
import { applicationNumberPrefix } from './numbers.js';
import { parseAnswers, rawAnswersOf } from './parse-answers.js';
import { assertTransition } from './status-machine.js';
import {
  APPLICATION_KEY,
  fileValues,
  filing,
  receiptColumns,
  submissionWrites,
  submittingColumns,
  type RawReceipt,
  type SubmissionWrites,
  type Submitting,
} from './submit-statements.js';

export type SubmitResult = { applicationId: string; number: string };

/**
 * 'file' submits; 'check' runs every check of a submission and keeps the result as a draft, for
 * the check-your-answers page (docs/decisions/0030): the same checks, so what it passes files.
 */
type SubmitMode = 'file' | 'check';

/** Shorter committed limits are more urgent; on-the-spot items first. */
export function priorityOf(def: ServiceDefinition): number {
  if (def.priority !== undefined) return def.priority;
  const days = def.timeLimits.committedWorkingDays;
  return days === 0 ? 3 : days <= 5 ? 2 : 1;
}

type Outcome =
  | { kind: 'submitted'; number: string }
  | { kind: 'ready' }
  | { kind: 'refused'; error: DomainError }
  | { kind: 'invalid'; fieldErrors: Record<string, string[]> }
  | { kind: 'missing'; materials: string[] };

/** The submitting columns, computed before the transaction from the answers and reference data. */
type Plan = {
  answers: Answers;
  office: OfficeRow;
  priority: number;
  /** Null while the calendar year it falls in is not entered (docs/decisions/0028); unknownYear says which. */
  completenessDeadline: string | null;
  dueDate: string | null;
  unknownYear: number | null;
  manualCheck: SubmissionFacts['manualCheck'];
  subject: SubjectColumns;
  itemVersionId: string | null;
  /** When it is submitted: the receipt's, the queue's, the audit event's and the message's time. */
  at: Date;
  /** Its China day: the number's prefix and the report rows it counts in. */
  day: string;
};

/**
 * Submits an application into the single queue, in one transaction: lock (or create) the draft,
 * store what was posted, validate, check the materials, pick the office, number it, compute the
 * art. 32 completeness deadline and the committed due date in working days, move draft →
 * submitted, enqueue it, audit it and record the receipt message.
 *
 * A first post that is complete by itself (valid answers, an office, a file for every material)
 * is one statement, its own transaction: the application inserted as submitted with its files,
 * queue item, audit event and receipt message (buildFiling, docs/decisions/0048), built once per
 * process and then only filled in (services/sql-shapes.ts). With the session lookup that is two
 * round trips a filing. Every other post (a saved draft, a repost: the application exists, and the
 * statement fails writing nothing) takes the general path below, a transaction, to the same writes.
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
  const outcome = await runSubmission(ctx, input, 'file');
  if (outcome.kind !== 'submitted') throw new Error('submit: filing ended without a number');
  return { applicationId: input.applicationId, number: outcome.number };
}

/**
 * Files a draft as it stands, from its check-your-answers page: its stored answers and files go
 * through every check of submitApplication once more (the records may have changed meanwhile).
 * Someone else's id, or one that was never saved, is 404; a draft already filed answers with its number.
 */
export async function confirmDraft(ctx: ServiceContext, serviceCode: string, applicationId: string): Promise<SubmitResult> {
  const { actor } = authorize(ctx.actor, 'application:create');
  const def = getService(serviceCode);
  if (!isUuid(applicationId)) throw notFound('application.notFound');
  const [row] = await ctx.db
    .select({ status: applications.status, number: applications.number, answers: applications.answers })
    .from(applications)
    .where(and(eq(applications.id, applicationId), eq(applications.applicantId, actor.id), eq(applications.serviceCode, def.code)));
  if (!row) throw notFound('application.notFound');
  if (row.status !== 'draft' && row.number) return { applicationId, number: row.number };
  return submitApplication(ctx, { applicationId, serviceCode: def.code, rawAnswers: rawAnswersOf(row.answers), files: [] });
}

/**
 * Every check a submission makes, without filing: the posted answers and files are kept on the
 * draft, and either every problem is thrown at once (as submitApplication would) or the draft is
 * ready for the citizen to confirm. A draft submitted meanwhile answers with its number.
 */
export async function checkApplication(ctx: ServiceContext, input: ApplyInput): Promise<{ applicationId: string; number: string | null }> {
  const outcome = await runSubmission(ctx, input, 'check');
  return { applicationId: input.applicationId, number: outcome.kind === 'submitted' ? outcome.number : null };
}

async function runSubmission(given: ServiceContext, input: ApplyInput, mode: SubmitMode): Promise<Extract<Outcome, { kind: 'submitted' | 'ready' }>> {
  const { actor } = authorize(given.actor, 'application:create');
  const def = getService(input.serviceCode);
  const now = given.clock.now();
  // One instant for the whole submission: the files posted with it are uploaded when it is
  // submitted, not a few milliseconds after, or the receipt (files uploaded by the time of
  // submission, services/documents/sources.ts) would leave them out.
  const ctx: ServiceContext = { ...given, clock: { now: () => now } };
  const today = chinaDate(now);
  const files = await checkApplyInput(def, input, ctx.config).catch(async (e: unknown) => {
    // A wrong file, or a character no field may hold, refuses the request before anything is
    // stored; the answer still names every other problem, so the citizen is not sent back twice.
    const named = isDomainError(e) && (e.code === 'form.invalid' || Object.keys(e.fieldErrors).some((k) => k.startsWith('material.')));
    throw named ? await withEveryProblem(ctx, def, actor.id, input, e, today) : e;
  });
  // Asked before the transaction opens, so a slow system holds no locks (services/integrations/submission-checks.ts).
  const early = parseAnswers(def, input.rawAnswers, { today });
  // Invalid answers still decide which materials apply, judged on what was typed (checklist.ts).
  const rawShared = early.ok ? [] : await sharedFactsForRaw(ctx, def, actor.id, input.rawAnswers, today);
  const external = early.ok ? await submissionFacts(ctx, def, early.answers, () => applicantOf(ctx, actor.id), today) : null;
  const subject = external && !external.refusal ? await subjectColumns(ctx, external.relation) : NO_SUBJECT;
  // Reference data, cached per process (services/reference-cache.ts): no round trip on most filings.
  const [handling, calendar, items] = await Promise.all([officesHandling(ctx.db, def.department), loadCalendar(ctx.db, today), itemReference(ctx.db)]);
  // The list of items in force today (docs/decisions/0036): its limits decide the dates, its id is stored.
  const version = versionInForce(items, def.code, today);
  if (version && !version.facts.offered) throw conflict('service.notOffered');
  const listed = version ? withFacts(def, version.facts) : def;
  const candidates = handling.filter((o) => officeOffers(items, def, o));
  const posted = new Set(files.map((f) => f.materialCode));

  // The answers were parsed above from the same input and the same day: pure from here on.
  const planFor = (answers: Answers): Plan | { field: string; error: string } => {
    const decided = decideOffice(candidates, def, answers);
    if (!('office' in decided)) return decided;
    return {
      answers,
      office: decided.office,
      priority: priorityOf(listed),
      ...deadlines(
        orUnknown(() => addWorkingDays(today, ctx.config.completenessDays, calendar)),
        // The limit these answers are promised (an endorsement alone is on the spot; a passport outside
        // the hukou province takes longer), counted by the one due-date rule (docs/decisions/0021).
        orUnknown(() => committedDueDate(now, commitmentOf(listed, answers, { officeProvince: decided.office.cityCode.slice(0, 2) }), calendar)),
      ),
      itemVersionId: version?.id ?? null,
      manualCheck: external?.manualCheck ?? null,
      subject,
      at: now,
      day: today,
    };
  };
  const answers = early.ok && !external?.refusal ? { ...early.answers, ...external?.answersPatch } : null;
  const plan = answers ? planFor(answers) : null;
  // The materials these answers call for (the checklist of the definition).
  const required = answers ? applicableMaterials(def, answers, { today }).map((m) => m.code) : [];

  const outcome = await withBlobCleanup(ctx, async (written): Promise<Outcome> => {
    if (mode === 'file' && plan && 'office' in plan && required.every((code) => posted.has(code))) {
      assertTransition('draft', 'submitted', 'citizen');
      // Stored first: the statement names them. A failed statement leaves them to withBlobCleanup.
      const fileRows = await storeBlobs(ctx, input.applicationId, files, written);
      const values = { id: input.applicationId, applicantId: actor.id, ...submitting(plan), ...writesOf(actor, def, plan, input.applicationId, fileRows) };
      try {
        const [filed] = rowsOf<RawReceipt>(await ctx.db.execute(filing(ctx.db, { files: fileRows.length }, values)));
        if (!filed?.number) throw new Error('submit: the application was not numbered');
        return { kind: 'submitted', number: filed.number };
      } catch (e) {
        if (!isUniqueViolation(e, APPLICATION_KEY)) throw e;
        // The row exists: a saved draft or a second post of this form. The general path decides,
        // and stores the files again if it keeps them.
        await removeBlobs(ctx.config.uploadDir, written.splice(0));
      }
    }
    return ctx.db.transaction(async (tx): Promise<Outcome> => {
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

      // Files already on the draft count too.
      const have = new Set(created ? posted : (await currentFiles(tx, row.id)).map((f) => f.materialCode));
      // One answer names every problem (一次性告知): the answers' and the materials' together.
      if (!early.ok) {
        const missing = requiredMaterialCodes(def, input.rawAnswers, { today }, rawShared).filter((code) => !have.has(code));
        return keep({ kind: 'invalid', fieldErrors: { ...early.fieldErrors, ...missingMaterialErrors(missing) } });
      }
      // Refused by what the records say (or records that could not be asked): the draft is kept, nothing is submitted.
      if (external?.refusal) return keep({ kind: 'refused', error: external.refusal });
      if (!plan) throw new Error('submit: no plan for valid answers');
      const missing = required.filter((code) => !have.has(code));
      if (!('office' in plan)) return keep({ kind: 'invalid', fieldErrors: { [plan.field]: [plan.error], ...missingMaterialErrors(missing) } });
      if (missing.length > 0) return keep({ kind: 'missing', materials: missing });
      if (mode === 'check') return keep({ kind: 'ready' });

      assertTransition('draft', 'submitted', 'citizen');
      const [updated] = await tx
        .update(applications)
        .set({ ...submittingColumns(submitting(plan)), version: sql`${applications.version} + 1` })
        .where(eq(applications.id, row.id))
        .returning(receiptColumns);
      if (!updated?.number) throw new Error('submit: the application was not numbered');
      await tx.execute(submissionWrites(tx, { files: 0 }, { ...writesOf(actor, def, plan, row.id, []), number: updated.number, applicantIdNumber: updated.applicantIdNumber }));
      return { kind: 'submitted', number: updated.number };
    });
  });

  switch (outcome.kind) {
    case 'submitted':
    case 'ready':
      return outcome;
    case 'refused':
      throw outcome.error;
    case 'invalid':
      throw new DomainError('form.invalid', 400, { fieldErrors: outcome.fieldErrors });
    case 'missing':
      throw new DomainError('application.missingMaterials', 400, {
        params: { count: outcome.materials.length, materials: outcome.materials.join(',') },
        fieldErrors: missingMaterialErrors(outcome.materials),
      });
  }
}

const missingMaterialErrors = (codes: readonly string[]) => Object.fromEntries(codes.map((m) => [materialField(m), ['apply.materialMissing']]));

/**
 * A request refused for its files (too large, wrong type) or for a character no field may hold
 * names the answers' other problems and the missing materials too, so the citizen is not sent back
 * twice. Nothing of it is stored; files already on the citizen's draft count as provided.
 */
async function withEveryProblem(ctx: ServiceContext, def: ServiceDefinition, userId: string, input: ApplyInput, e: DomainError, today: string): Promise<DomainError> {
  // The answers already refused (a forbidden character) are judged as not given: they go nowhere
  // near the database, and their own message below says what is wrong with them.
  const raw = Object.fromEntries(Object.entries(input.rawAnswers).filter(([name]) => !Object.hasOwn(e.fieldErrors, name)));
  const parsed = parseAnswers(def, raw, { today });
  const shared = await sharedFactsForRaw(ctx, def, userId, raw, today);
  const [draft] = await ctx.db
    .select({ id: applications.id })
    .from(applications)
    .where(and(eq(applications.id, input.applicationId), eq(applications.applicantId, userId), eq(applications.status, 'draft')));
  const have = new Set([...input.files.map((f) => f.materialCode), ...(draft ? (await currentFiles(ctx.db, draft.id)).map((f) => f.materialCode) : [])]);
  const missing = requiredMaterialCodes(def, parsed.ok ? parsed.answers : raw, { today }, shared).filter((code) => !have.has(code));
  const fieldErrors = { ...(parsed.ok ? {} : parsed.fieldErrors), ...missingMaterialErrors(missing), ...e.fieldErrors };
  return new DomainError(e.code, e.status, { params: e.params, fieldErrors });
}

/**
 * A filing is never refused for a missing calendar year: the date that cannot be counted yet is
 * stored as null (the receipt, the desk and the message say which year is missing) and the year's
 * publication counts it (services/calendar/calendar-years.ts).
 */
function deadlines(completeness: string | UnknownDay, due: string | UnknownDay) {
  const missing = [completeness, due].find(isUnknown);
  return {
    completenessDeadline: isUnknown(completeness) ? null : completeness,
    dueDate: isUnknown(due) ? null : due,
    unknownYear: missing ? missing.unknownYear : null,
  };
}

/** A plan's submitting values, as services/applications/submit-statements.ts takes them. */
const submitting = (plan: Plan): Submitting => ({
  numberPrefix: applicationNumberPrefix(plan.day, plan.office.numberPrefix),
  answers: plan.answers,
  officeCode: plan.office.code,
  priority: plan.priority,
  at: plan.at,
  completenessDeadline: plan.completenessDeadline,
  dueDate: plan.dueDate,
  manualCheck: plan.manualCheck,
  ...plan.subject,
  itemVersionId: plan.itemVersionId,
});

/**
 * What a submission writes with its application row (submit-statements.ts), but the receipt's
 * number and the applicant's ID, which the statements read from the row. The audit row carries what
 * the reports count the filing by; no shared report row is written (docs/decisions/0025).
 */
function writesOf(actor: UserActor, def: ServiceDefinition, plan: Plan, applicationId: string, files: readonly NewFileRow[]): SubmissionWrites {
  const officeCode = plan.office.code;
  const { completenessDeadline, dueDate } = plan;
  return {
    applicationId,
    actorId: actor.id,
    actorRole: actor.role,
    officeCode,
    officeCityCode: plan.office.cityCode,
    serviceCode: def.code,
    department: def.department,
    priority: plan.priority,
    at: plan.at,
    completenessDeadline,
    dueDate,
    // The relation, not the subject's name or number: the trail says a guardian or agent filed.
    auditData: { filedAs: plan.subject.subjectRelation },
    auditFacts: { serviceCode: def.code, department: def.department },
    messageParams: { serviceCode: def.code, officeCode, completenessDeadline, dueDate, ...(plan.unknownYear ? { unknownYear: plan.unknownYear } : {}) },
    idempotencyKey: `receipt:${applicationId}`,
    ...fileValues(files),
  };
}

type SubjectColumns = Pick<Submitting, 'subjectRelation' | 'subjectName' | 'subjectIdNumber' | 'subjectUserId'>;
const NO_SUBJECT: SubjectColumns = { subjectRelation: 'self', subjectName: null, subjectIdNumber: null, subjectUserId: null };

/**
 * The relation as stored: the subject's account, when one holds their ID number, lets them read the
 * application (services/applications/read.ts); its real name stands in for a name the form did not ask.
 */
async function subjectColumns(ctx: ServiceContext, relation: SubmissionFacts['relation']): Promise<SubjectColumns> {
  if (!relation.subject) return NO_SUBJECT;
  const [account] = await ctx.db
    .select({ id: users.id, realName: users.realName })
    .from(users)
    .where(eq(users.idNumber, relation.subject.idNumber))
    .limit(1);
  return {
    subjectRelation: relation.filedAs,
    subjectName: relation.subject.name || account?.realName || null,
    subjectIdNumber: relation.subject.idNumber,
    subjectUserId: account?.id ?? null,
  };
}

async function applicantOf(ctx: ServiceContext, id: string): Promise<{ realName: string; idNumber: string | null }> {
  const [u] = await ctx.db.select({ realName: users.realName, idNumber: users.idNumber }).from(users).where(eq(users.id, id));
  return u ?? { realName: '', idNumber: null };
}
