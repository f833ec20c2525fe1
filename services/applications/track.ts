import { and, eq, isNotNull } from 'drizzle-orm';
import { applications, users } from '../../db/schema/index.js';
import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors.js';
import { recordAudit } from '../audit.js';
import { enqueueMessage } from '../notifications/outbox.js';
import { codeMessageParams, consumeCode, countCodeIssue, createCode, findGrant, mayTextRecipient, proveCode } from '../auth/one-time-codes.js';
import { scopeFor } from '../permissions.js';
import { maskName } from '../validation/identifiers.js';
import { isApplicationNumber } from '../validation/ids.js';
import { citizenTimeline, type TimelineEntry } from './read.js';
import type { ApplicationStatus } from './status-machine.js';

/** How long the right code lets its holder look at the application (server-side, in the code's row). */
export const TRACK_GRANT_MS = 30 * 60 * 1000;

export type TrackedApplication = {
  number: string;
  serviceCode: string;
  status: ApplicationStatus;
  officeCode: string | null;
  submittedAt: string | null;
  dueDate: string | null;
  /** Masked: the page may be read by whoever holds the applicant's phone, or over a shoulder. */
  applicantName: string;
  /** Status changes only: no reasons, answers or files. */
  timeline: Omit<TimelineEntry, 'reason'>[];
  grantExpiresAt: string;
};

function assertTrackAllowed(ctx: Pick<ServiceContext, 'actor'>) {
  // A public action in the permission table: the code is the proof, not a session.
  if (scopeFor(ctx.actor, 'application:track') !== 'public') throw new DomainError('forbidden', 403);
}

/**
 * Following an application without signing in (decision 0024), first step: the number typed.
 * The answer is always "if the number is right, a code was sent to the mobile on file"; a number
 * that does not exist (or a draft, which has none) gets a flow whose every code is refused.
 * Counted per number typed and per address.
 */
export async function startTracking(ctx: ServiceContext, number: string, opts: { ip?: string } = {}): Promise<{ token: string }> {
  assertTrackAllowed(ctx);
  const ip = opts.ip ?? null;
  const typed = number.trim().toUpperCase();
  await countCodeIssue(ctx, 'track', typed, ip);
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const [app] = isApplicationNumber(typed)
      ? await tx
          .select({ id: applications.id, applicantId: applications.applicantId, mobile: users.mobile })
          .from(applications)
          .innerJoin(users, eq(users.id, applications.applicantId))
          .where(and(eq(applications.number, typed), isNotNull(applications.submittedAt)))
          .limit(1)
      : [];
    // The applicant's mobile is counted with every other SMS to it; over the cap, nothing is sent.
    const send = !!app?.mobile && (await mayTextRecipient(tx, ctx.clock, app.mobile));
    const c = await createCode(tx, ctx, { purpose: 'track', sent: send, userId: app?.applicantId ?? null, applicationId: app?.id ?? null });
    if (app && send) {
      await enqueueMessage(tx, {
        applicationId: app.id,
        userId: app.applicantId,
        channel: 'sms',
        template: 'trackCode',
        params: { ...codeMessageParams(ctx.config.dataKeys, c), applicationNumber: typed },
        idempotencyKey: `code:${c.id}`,
        createdAt: now,
      });
    }
    await recordAudit(tx, { ...ctx, actor: { kind: 'anonymous' } }, { action: 'application.track.codeSent', applicationId: app?.id, data: { codeId: c.id, ip } });
    return { token: c.token };
  });
}

/** Second step: the right code opens the application for TRACK_GRANT_MS to the browser holding the flow. */
export async function proveTracking(ctx: ServiceContext, token: string | null | undefined, code: string, opts: { ip?: string } = {}): Promise<void> {
  assertTrackAllowed(ctx);
  const ip = opts.ip ?? null;
  const row = await proveCode(ctx, 'track', token, code, ip);
  const ok = await ctx.db.transaction(async (tx) => {
    if (!(await consumeCode(tx, ctx.clock, row.id, TRACK_GRANT_MS))) return false;
    await recordAudit(tx, { ...ctx, actor: { kind: 'anonymous' } }, { action: 'application.track.opened', applicationId: row.applicationId ?? undefined, data: { codeId: row.id, ip } });
    return true;
  });
  if (!ok) throw new DomainError('code.expired', 400);
}

/** The application a live grant opens, or null (no grant, expired, or the application is gone). */
export async function trackedApplication(ctx: ServiceContext, token: string | null | undefined): Promise<TrackedApplication | null> {
  assertTrackAllowed(ctx);
  const grant = await findGrant(ctx, 'track', token);
  if (!grant?.applicationId || !grant.grantExpiresAt) return null;
  const [row] = await ctx.db
    .select({ app: applications, realName: users.realName })
    .from(applications)
    .innerJoin(users, eq(users.id, applications.applicantId))
    .where(eq(applications.id, grant.applicationId))
    .limit(1);
  if (!row?.app.number) return null;
  const timeline = (await citizenTimeline(ctx.db, row.app.id)).map(({ reason: _reason, ...e }) => e);
  return {
    number: row.app.number,
    serviceCode: row.app.serviceCode,
    status: row.app.status,
    officeCode: row.app.officeCode,
    submittedAt: row.app.submittedAt?.toISOString() ?? null,
    dueDate: row.app.dueDate ?? null,
    applicantName: maskName(row.realName),
    timeline,
    grantExpiresAt: grant.grantExpiresAt.toISOString(),
  };
}
