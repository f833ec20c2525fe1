import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { applications, notices, queueItems, waitingIntervals } from '../../db/schema/index.js';
import { addWorkingDays, chinaDate, isUnknown, loadCalendar, orUnknown } from '../calendar/working-days.js';
import { notifyApplicant } from '../notifications/notify.js';
import { settleItem } from '../queue/lease.js';
import { lockApplication } from '../review/access.js';
import { changeStatus } from '../applications/transition.js';
import { DUE, duringOfficeHours, forEachDue, systemContext, type ClockContext } from './due.js';

/** The citizen is reminded this many working days before the last day to supplement. */
export const REMINDER_WORKING_DAYS = 2;

/**
 * A citizen who has not supplemented by the notice's deadline is taken to have withdrawn the
 * application, as the notice says (notice:consequence). From the day after the deadline (China
 * date), for every office; locked and rechecked like the deemed-acceptance sweep, so it happens
 * once. The citizen hears of it from the status change itself. Returns the numbers withdrawn.
 */
export async function applySupplementDeadlines(ctx: ClockContext): Promise<string[]> {
  const sys = systemContext(ctx);
  const today = chinaDate(ctx.clock.now());
  const due = await DUE.supplement(ctx.db, today);
  return forEachDue(due, (id) =>
    ctx.db.transaction(async (tx) => {
      const [item] = await tx.select().from(queueItems).where(eq(queueItems.applicationId, id)).for('update');
      const app = await lockApplication(tx, id);
      if (app.status !== 'needs_supplement') return null;
      const [notice] = await tx.select().from(notices).where(eq(notices.applicationId, id)).orderBy(desc(notices.sequence)).limit(1);
      if (!notice || notice.supplementDeadline >= today) return null;
      const now = sys.clock.now();
      await changeStatus(tx, sys, app, 'withdrawn', 'system', {
        action: 'application.supplementExpired',
        reason: 'supplementDeadline',
        data: { noticeId: notice.id, deadline: notice.supplementDeadline },
        set: { decidedAt: now },
      });
      await tx
        .update(waitingIntervals)
        .set({ endedAt: now, endedBy: 'withdrawn' })
        .where(and(eq(waitingIntervals.noticeId, notice.id), isNull(waitingIntervals.endedAt)));
      if (item) await settleItem(tx, item.id, 'done');
      return app.number;
    }),
  );
}

/**
 * Reminds the citizen, once per notice, from two working days before the last day to supplement
 * (or at once, when the notice left less): an SMS naming the deadline, sent from office hours.
 * The reminder is stamped on the application in the transaction that enqueues it, and the
 * message's key names the notice, so two sweeps remind once. Returns the numbers reminded.
 */
export async function remindSupplementDeadlines(ctx: ClockContext): Promise<string[]> {
  const now = ctx.clock.now();
  const today = chinaDate(now);
  const cal = await loadCalendar(ctx.db, today);
  const reach = orUnknown(() => addWorkingDays(today, REMINDER_WORKING_DAYS, cal));
  if (isUnknown(reach)) {
    // Which deadlines are two working days off cannot be told without next year's calendar.
    console.warn(`clock: supplement reminders skipped: the calendar for ${reach.unknownYear} has not been entered`);
    return [];
  }
  const horizon = reach;
  const due = await DUE.reminder(ctx.db, today, horizon);
  return forEachDue(due, (id) =>
    ctx.db.transaction(async (tx) => {
      const app = await lockApplication(tx, id);
      const deadline = app.supplementDeadline;
      if (app.status !== 'needs_supplement' || app.supplementRemindedAt || !deadline || deadline < today || deadline > horizon) return null;
      const [notice] = await tx.select().from(notices).where(eq(notices.applicationId, id)).orderBy(desc(notices.sequence)).limit(1);
      if (!notice) return null;
      await tx
        .update(applications)
        .set({ supplementRemindedAt: now, version: sql`${applications.version} + 1` })
        .where(eq(applications.id, id));
      // By SMS, and by e-mail too when the citizen gave an address.
      await notifyApplicant(tx, {
        applicationId: id,
        applicantId: app.applicantId,
        template: 'supplementReminder',
        params: { applicationNumber: app.number, noticeNumber: notice.number, deadline: notice.supplementDeadline },
        eventKey: `supplementReminder:${notice.id}`,
        createdAt: now,
        notBefore: duringOfficeHours(now, today),
      });
      return app.number;
    }),
  );
}
