import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { applications, type CompletionDelivery } from '../../db/schema/index.js';
import { assertTransition, type ApplicationStatus, type Transition } from './status-machine.js';
import { auditInsert } from '../audit.js';
import { together } from '../sql.js';
import { issueDecisionDocument, type DecidedChange } from '../documents/issue.js';
import { onApplicationEnded } from '../payments/apply.js';
import { releaseVisitOfEndedApplication } from '../appointments/appointments.js';
import type { ServiceContext } from '../context.js';
import { conflict } from '../errors.js';
import { statusChangeFacts } from '../reports/facts.js';
import type { ApplicationRow } from '../review/access.js';

/**
 * The audit action each status change is recorded under. The citizen's timeline is built from
 * these names (labels: desk:timeline.<action>).
 */
export const STATUS_ACTIONS = {
  under_review: 'application.reviewStarted',
  needs_supplement: 'notice.issued',
  supplemented: 'application.supplemented',
  accepted: 'application.accepted',
  not_accepted: 'application.notAccepted',
  completed: 'application.completed',
  refused: 'application.refused',
  withdrawn: 'application.withdrawn',
} as const satisfies Partial<Record<ApplicationStatus, string>>;

type Changeable = keyof typeof STATUS_ACTIONS;

/**
 * Moves an application along the status machine inside the caller's transaction: asserts the
 * transition, writes the new status only if nobody changed it meanwhile, issues the decision's
 * document and tells the applicant (services/documents/issue.ts), and appends the audit row with
 * the facts the reports count it by (their projection applies it later, docs/decisions/0025). Every path that decides goes through here, so
 * none can decide without a document and a message (docs/decisions/0019).
 */
export async function changeStatus(
  tx: Db,
  ctx: Pick<ServiceContext, 'db' | 'actor' | 'clock'>,
  app: Pick<ApplicationRow, 'id' | 'status' | 'officeCode'>,
  to: Changeable,
  by: Transition['by'],
  opts: {
    reason?: string | null;
    data?: Record<string, unknown>;
    action?: string;
    set?: Partial<typeof applications.$inferInsert>;
    /** The decision row data.decisionId names, as its caller just inserted it: the document needs not read it back. */
    decision?: DecidedChange['decision'];
  } = {},
): Promise<void> {
  assertTransition(app.status, to, by);
  const now = ctx.clock.now();
  const updated = await tx
    .update(applications)
    .set({ ...opts.set, status: to, updatedAt: now, version: sql`${applications.version} + 1` })
    .where(and(eq(applications.id, app.id), eq(applications.status, app.status)))
    .returning({
      id: applications.id,
      applicantId: applications.applicantId,
      serviceCode: applications.serviceCode,
      department: applications.department,
      dueDate: applications.dueDate,
      submittedAt: applications.submittedAt,
      decidedAt: applications.decidedAt,
    });
  if (updated.length === 0) throw conflict('review.changedMeanwhile');
  // The reports' facts ride on the audit row; no report row is touched here (docs/decisions/0025).
  const facts = await statusChangeFacts({ db: ctx.db, tx }, now, { ...updated[0] }, to, {
    override: !!opts.data?.overrideBy,
    noticeId: typeof opts.data?.noticeId === 'string' ? opts.data.noticeId : null,
    delivery: deliveryOf(opts.data?.delivery),
  });
  const document = await issueDecisionDocument(tx, ctx, {
    applicationId: app.id,
    to,
    by,
    deemed: opts.set?.deemedAccepted === 1,
    reason: opts.reason ?? null,
    data: opts.data ?? {},
    decision: opts.decision,
  });
  // Ended without a result: a paid fee goes back, an unpaid order is cancelled (services/payments).
  await onApplicationEnded(tx, ctx, app.id, to);
  await releaseVisitOfEndedApplication(tx, ctx, app.id, to);
  // The document, its messages and the audit row in one round trip (services/sql.ts): none reads another's rows.
  const audit = auditInsert(tx, ctx, {
    applicationId: app.id,
    action: opts.action ?? STATUS_ACTIONS[to],
    fromStatus: app.status,
    toStatus: to,
    reason: opts.reason ?? null,
    officeCode: app.officeCode,
    // The audit trail names the document the change issued.
    data: document ? { ...opts.data, documentId: document.id, documentNumber: document.number, documentKind: document.kind } : opts.data,
    facts,
    // The report counts this change on this row's time.
    at: now,
  });
  await tx.execute(together([...(document?.writes ?? []), audit]));
}

/** How a completion's result reaches the citizen, as its caller said (completeApplication's data). */
function deliveryOf(v: unknown): CompletionDelivery | null {
  return v === 'pickup' || v === 'mail' || v === 'electronic' ? v : null;
}
