import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import { applications, noticeOverrides, notices, overrideRequests, users } from '../../db/schema/index.js';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import { conflict, invalid, notFound } from '../errors.js';
import { authorize } from '../permissions.js';
import { applicationInScope } from './access.js';
import { overrideDecisionSchema, overrideRequestSchema } from './schemas.js';
import { fieldErrorsOf } from './verdicts.js';
import { withLease } from './with-lease.js';

/** How many pending requests the manager's page lists: requests are rare, and a page is not a report. */
export const OVERRIDE_LIST_LIMIT = 100;

/**
 * The clerk holding an item asks the office manager to allow a further notice (the one-time rule's
 * override), with a written reason. Only after a first notice, only while no approval is waiting
 * to be used and no other request is pending (a partial unique index backs the last).
 */
export async function requestOverride(ctx: ServiceContext, number: string, raw: { leaseVersion: number; reason: string }): Promise<void> {
  authorize(ctx.actor, 'override:request');
  const parsed = overrideRequestSchema.safeParse(raw);
  if (!parsed.success) throw invalid('form.invalid', fieldErrorsOf(parsed.error));
  const { leaseVersion, reason } = parsed.data;
  await withLease(ctx, number, leaseVersion, async ({ tx, actor, app }) => {
    if (app.status !== 'under_review') throw conflict('review.overrideNotApplicable');
    const [first] = await tx.select({ id: notices.id }).from(notices).where(eq(notices.applicationId, app.id)).limit(1);
    if (!first) throw conflict('review.overrideNotNeeded');
    const [granted] = await tx
      .select({ id: noticeOverrides.id })
      .from(noticeOverrides)
      .where(and(eq(noticeOverrides.applicationId, app.id), isNull(noticeOverrides.usedByNoticeId)))
      .limit(1);
    if (granted) throw conflict('review.overrideAlreadyGranted');
    const [created] = await tx
      .insert(overrideRequests)
      .values({ applicationId: app.id, officeCode: app.officeCode!, requestedBy: actor.id, reason, requestedAt: ctx.clock.now() })
      .onConflictDoNothing()
      .returning({ id: overrideRequests.id });
    if (!created) throw conflict('review.overrideAlreadyRequested');
    await recordAudit(tx, ctx, { applicationId: app.id, action: 'override.requested', officeCode: app.officeCode, reason, data: { requestId: created.id } });
  });
}

export type OverrideRequestView = {
  id: string;
  number: string;
  serviceCode: string;
  status: string;
  reason: string;
  requestedAt: string;
  clerk: { staffNo: string | null; name: string };
};

/** The office manager's list of pending requests of their own office, oldest first, bounded. */
export async function listOverrideRequests(ctx: ServiceContext): Promise<{ officeCode: string | null; requests: OverrideRequestView[] }> {
  const { actor } = authorize(ctx.actor, 'notice:override');
  if (!actor.officeCode) return { officeCode: null, requests: [] };
  const rows = await ctx.db
    .select({
      id: overrideRequests.id,
      number: applications.number,
      serviceCode: applications.serviceCode,
      status: applications.status,
      reason: overrideRequests.reason,
      requestedAt: overrideRequests.requestedAt,
      staffNo: users.staffNo,
      name: users.realName,
    })
    .from(overrideRequests)
    .innerJoin(applications, eq(applications.id, overrideRequests.applicationId))
    .innerJoin(users, eq(users.id, overrideRequests.requestedBy))
    .where(and(eq(overrideRequests.officeCode, actor.officeCode), eq(overrideRequests.status, 'pending')))
    .orderBy(asc(overrideRequests.requestedAt))
    .limit(OVERRIDE_LIST_LIMIT);
  return {
    officeCode: actor.officeCode,
    requests: rows.map((r) => ({
      id: r.id,
      number: r.number ?? '',
      serviceCode: r.serviceCode,
      status: r.status,
      reason: r.reason,
      requestedAt: r.requestedAt.toISOString(),
      clerk: { staffNo: r.staffNo, name: r.name },
    })),
  };
}

/**
 * The manager approves or refuses one pending request, with a reason (audited). An approval is
 * the override the next notice consumes, its reason printed on that notice. A request of another
 * office reads as not found; one already decided (by a colleague, or a double submit) is 409.
 */
export async function decideOverrideRequest(
  ctx: ServiceContext,
  raw: { requestId: string; decision: 'approve' | 'refuse'; reason: string },
): Promise<{ number: string; decision: 'approve' | 'refuse' }> {
  const { actor } = authorize(ctx.actor, 'notice:override');
  const parsed = overrideDecisionSchema.safeParse(raw);
  if (!parsed.success) throw invalid('form.invalid', fieldErrorsOf(parsed.error));
  const { requestId, decision, reason } = parsed.data;
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ request: overrideRequests, number: applications.number })
      .from(overrideRequests)
      .innerJoin(applications, eq(applications.id, overrideRequests.applicationId))
      .where(eq(overrideRequests.id, requestId))
      .for('update', { of: overrideRequests });
    if (!row || row.request.officeCode !== actor.officeCode) throw notFound('review.overrideRequestNotFound');
    // The application's own scope check too (404 as for any application out of scope).
    const { app } = await applicationInScope(tx, ctx, row.number ?? '', 'notice:override');
    if (row.request.status !== 'pending') throw conflict('review.overrideRequestDecided');
    const now = ctx.clock.now();
    let overrideId: string | null = null;
    if (decision === 'approve') {
      if (!['under_review', 'supplemented'].includes(app.status)) throw conflict('review.overrideNotApplicable');
      const [granted] = await tx.insert(noticeOverrides).values({ applicationId: app.id, managerId: actor.id, reason, at: now }).returning({ id: noticeOverrides.id });
      overrideId = granted.id;
    }
    await tx
      .update(overrideRequests)
      .set({ status: decision === 'approve' ? 'approved' : 'refused', decidedBy: actor.id, decidedAt: now, decisionReason: reason, overrideId })
      .where(eq(overrideRequests.id, requestId));
    await recordAudit(tx, ctx, {
      applicationId: app.id,
      action: decision === 'approve' ? 'override.approved' : 'override.refused',
      officeCode: app.officeCode,
      reason,
      data: { requestId },
    });
    return { number: app.number ?? '', decision };
  });
}

/** The latest request of an application, for its review page: pending, or how the manager answered. */
export async function latestOverrideRequest(ctx: ServiceContext, applicationId: string) {
  const [row] = await ctx.db
    .select({ status: overrideRequests.status, reason: overrideRequests.reason, requestedAt: overrideRequests.requestedAt, decisionReason: overrideRequests.decisionReason })
    .from(overrideRequests)
    .where(eq(overrideRequests.applicationId, applicationId))
    .orderBy(desc(overrideRequests.requestedAt))
    .limit(1);
  return row ? { status: row.status, reason: row.reason, at: row.requestedAt.toISOString(), decisionReason: row.decisionReason } : null;
}
