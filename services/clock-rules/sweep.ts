import { chinaDate, firstUnknownYear, loadCalendar } from '../calendar/working-days.js';
import { applyDeemedAcceptance } from './deemed-acceptance.js';
import type { ClockContext } from './due.js';
import { flagOverdue } from './overdue.js';
import { applySupplementDeadlines, remindSupplementDeadlines } from './supplement-deadline.js';

export type SweepResult = { deemedAccepted: string[]; withdrawn: string[]; reminded: string[]; overdue: string[] };

/**
 * Every clock the law and the office's commitments run, for every office, as one step of the
 * worker's round (services/notifications/loop.ts): nothing waits for a page to be opened. Each
 * rule reads only what is due through its partial index, so a round with nothing due costs four
 * index probes; each application is changed in its own transaction, locked and rechecked, so
 * any number of workers (or a worker and a clerk) act on it once. Expiry runs before reminders,
 * so a lapsed notice is never reminded of.
 */
export async function runClockSweeps(ctx: ClockContext): Promise<SweepResult> {
  const today = chinaDate(ctx.clock.now());
  const cal = await loadCalendar(ctx.db, today);
  // Dates filed while their year was not entered are null and wait, unswept, for its publication.
  if (cal.knownThrough === null || today > cal.knownThrough) {
    console.warn(`clock: the calendar for ${firstUnknownYear(cal) || today.slice(0, 4)} has not been entered: deadlines in it are not counted until it is published`);
  }
  return {
    deemedAccepted: await applyDeemedAcceptance(ctx),
    withdrawn: await applySupplementDeadlines(ctx),
    reminded: await remindSupplementDeadlines(ctx),
    overdue: await flagOverdue(ctx),
  };
}
