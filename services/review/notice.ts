import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { noticeOverrides, notices, users, waitingIntervals, type NoticeItem } from '../../db/schema/index.js';
import { recordAudit } from '../audit.js';
import { addWorkingDays, chinaDate, loadCalendar } from '../calendar/working-days.js';
import type { ServiceContext } from '../context.js';
import { conflict, invalid, notFound } from '../errors.js';
import { deemedAcceptanceDue } from '../clock-rules/deemed-acceptance.js';
import { enqueueMessage } from '../notifications/outbox.js';
import { settleItem } from '../queue/lease.js';
import { applicationInScope } from './access.js';
import { beyondOnce, loadChecklist, type NoticeRow } from './checklist.js';
import { overrideSchema } from './schemas.js';
import { changeStatus } from '../applications/transition.js';
import { fieldErrorsOf } from './verdicts.js';
import { withLease } from './with-lease.js';
import { rowsOf } from '../sql.js';
import { definitionOfApplication } from '../catalog/item-versions.js';

/** Administrative Licensing Law art. 32(4): notify once, all at once, within five days. */
export const NOTICE_BASIS_KEY = 'notice:basis.licensingLaw32_4';

/**
 * Issues the one-time notice (一次性告知书): every applicable item must have a verdict; the
 * notice lists every missing or deficient item with its requirement and reason, the basis, the
 * deadline to supplement and the issuing clerk. It is stored as issued (immutable), the
 * application waits for the citizen (that time is recorded and not counted), and an SMS is
 * recorded once per notice.
 */
export async function issueNotice(ctx: ServiceContext, number: string, leaseVersion: number): Promise<{ id: string; number: string }> {
  return withLease(ctx, number, leaseVersion, async ({ tx, actor, app, item }) => {
    const { items, notices: earlier } = await loadChecklist(tx, app);
    const now = ctx.clock.now();
    const today = chinaDate(now);
    // Art. 32(4): a notice after the completeness deadline comes too late — by law the
    // application was accepted the day its materials arrived; the sweep records that.
    if (deemedAcceptanceDue(app, today, { notified: earlier.length > 0 })) {
      throw conflict('review.noticeTooLate', { deadline: app.completenessDeadline ?? '' });
    }
    const unreviewed = items.filter((i) => !i.verdict);
    if (unreviewed.length > 0) {
      throw invalid(
        'review.unreviewedItems',
        Object.fromEntries(unreviewed.map((i) => [`verdict-${i.material.code}`, ['review.unreviewed']])),
        { count: unreviewed.length },
      );
    }
    const flagged = items.filter((i) => i.verdict && i.verdict.verdict !== 'ok');
    if (flagged.length === 0) throw invalid('review.nothingToNotify');

    let override: typeof noticeOverrides.$inferSelect | undefined;
    if (flagged.some((i) => beyondOnce(i, earlier.length))) {
      [override] = await tx
        .select()
        .from(noticeOverrides)
        .where(and(eq(noticeOverrides.applicationId, app.id), isNull(noticeOverrides.usedByNoticeId)))
        .orderBy(asc(noticeOverrides.at))
        .limit(1);
      if (!override) throw invalid('review.overrideRequired');
    }

    const cal = await loadCalendar(ctx.db, today, tx);
    const [{ seq }] = rowsOf<{ seq: string }>(await tx.execute(sql`select nextval('notice_number_seq')::text as seq`));
    const [clerk] = await tx.select({ staffNo: users.staffNo }).from(users).where(eq(users.id, actor.id));
    // The requirement as the version of the list the application was filed under words it, kept
    // in the notice as issued: a later publication never rewrites a legal document (decision 0040).
    const listed = (await definitionOfApplication(ctx.db, app, tx))?.facts.materials ?? {};
    const noticeItems: NoticeItem[] = flagged.map((i) => ({
      materialCode: i.material.code,
      verdict: i.verdict!.verdict as 'missing' | 'deficient',
      reasonCode: i.verdict!.reasonCode,
      note: i.verdict!.note,
      requirementKey: i.requirementKey,
      requirementText: listed[i.material.code]?.requirement ?? null,
    }));
    const [notice] = await tx
      .insert(notices)
      .values({
        number: `BZ${today.slice(0, 4)}${seq.padStart(6, '0')}`,
        applicationId: app.id,
        officeCode: item.officeCode,
        clerkId: actor.id,
        clerkStaffNo: clerk?.staffNo ?? '',
        issuedAt: now,
        issueDate: today,
        supplementDeadline: addWorkingDays(today, ctx.config.supplementDays, cal),
        legalBasisKey: NOTICE_BASIS_KEY,
        items: noticeItems,
        fileSnapshot: Object.fromEntries(items.map((i) => [i.material.code, i.files.map((f) => f.id)])),
        sequence: earlier.length + 1,
        overrideBy: override?.managerId ?? null,
        overrideReason: override?.reason ?? null,
      })
      .returning();
    if (override) {
      await tx.update(noticeOverrides).set({ usedByNoticeId: notice.id }).where(eq(noticeOverrides.id, override.id));
    }
    await changeStatus(tx, ctx, app, 'needs_supplement', 'clerk', {
      data: {
        noticeId: notice.id,
        noticeNumber: notice.number,
        sequence: notice.sequence,
        items: noticeItems.map((i) => i.materialCode),
        overrideBy: notice.overrideBy,
      },
      // The clock's sweeps read the deadline beside the status (services/clock-rules/): a new
      // notice is a new deadline, to be reminded of afresh.
      set: { supplementDeadline: notice.supplementDeadline, supplementRemindedAt: null },
    });
    // Waiting for the citizen: nobody holds it; it comes back to this clerk if on duty.
    await settleItem(tx, item.id, 'parked', { preferredClerkId: actor.id });
    await tx.insert(waitingIntervals).values({ applicationId: app.id, noticeId: notice.id, startedAt: now });
    await enqueueMessage(tx, {
      applicationId: app.id,
      userId: app.applicantId,
      channel: 'sms',
      template: 'notice',
      params: { applicationNumber: app.number, noticeNumber: notice.number, deadline: notice.supplementDeadline },
      idempotencyKey: `notice:${notice.id}`,
      createdAt: now,
    });
    return { id: notice.id, number: notice.number };
  });
}

/**
 * A supervisor (manager of the office) allows a further notice naming items the first one did
 * not, with a written reason. Stored, audited, and consumed by the next notice issued.
 */
export async function grantNoticeOverride(ctx: ServiceContext, number: string, raw: { reason: string }): Promise<void> {
  const parsed = overrideSchema.safeParse(raw);
  if (!parsed.success) throw invalid('form.invalid', fieldErrorsOf(parsed.error));
  await ctx.db.transaction(async (tx) => {
    const { app, actor } = await applicationInScope(tx, ctx, number, 'notice:override');
    const [first] = await tx.select({ id: notices.id }).from(notices).where(eq(notices.applicationId, app.id)).limit(1);
    if (!first) throw conflict('review.overrideNotNeeded');
    if (!['under_review', 'supplemented'].includes(app.status)) throw conflict('review.overrideNotApplicable');
    await tx.insert(noticeOverrides).values({ applicationId: app.id, managerId: actor.id, reason: parsed.data.reason, at: ctx.clock.now() });
    await recordAudit(tx, ctx, {
      applicationId: app.id,
      action: 'notice.override',
      reason: parsed.data.reason,
      officeCode: app.officeCode,
    });
  });
}

export type NoticeView = {
  notice: NoticeRow;
  /** receivedDay: the China date of receipt, as the receipt shows it (chinaDate), never the server's. */
  application: { number: string; serviceCode: string; submittedAt: string | null; receivedDay: string | null; status: string };
  applicant: { realName: string };
  deadlinePassed: boolean;
  /** Every notice of the application (number, sequence, date): each is read at its own address. */
  all: { number: string; sequence: number; issueDate: string }[];
  /** Whether this is the latest notice (only the latest can still be supplemented). */
  latest: boolean;
};

/**
 * The latest notice of an application, for the citizen who filed it (or staff in scope): the
 * printable 一次性告知书. 404 when there is none or the application is someone else's.
 */
export async function getLatestNotice(ctx: ServiceContext, number: string): Promise<NoticeView> {
  return getNotice(ctx, number, null);
}

/**
 * One notice of an application by its sequence (1 the first, null the latest): after a further
 * notice, the earlier ones stay readable as issued, each at its own address. 404 when there is
 * no such notice or the application is someone else's.
 */
export async function getNotice(ctx: ServiceContext, number: string, sequence: number | null): Promise<NoticeView> {
  const { app } = await applicationInScope(ctx.db, ctx, number, 'application:read');
  const issued = await ctx.db.select().from(notices).where(eq(notices.applicationId, app.id)).orderBy(desc(notices.sequence));
  const notice = sequence === null ? issued[0] : issued.find((n) => n.sequence === sequence);
  if (!notice) throw notFound(sequence === null ? 'review.noNotice' : 'review.noticeNotFound');
  const [applicant] = await ctx.db.select({ realName: users.realName }).from(users).where(eq(users.id, app.applicantId));
  return {
    notice,
    application: {
      number: app.number ?? '',
      serviceCode: app.serviceCode,
      submittedAt: app.submittedAt?.toISOString() ?? null,
      receivedDay: app.submittedAt ? chinaDate(app.submittedAt) : null,
      status: app.status,
    },
    applicant: { realName: applicant?.realName ?? '' },
    deadlinePassed: chinaDate(ctx.clock.now()) > notice.supplementDeadline,
    all: issued.map((n) => ({ number: n.number, sequence: n.sequence, issueDate: n.issueDate })).reverse(),
    latest: notice.id === issued[0].id,
  };
}
