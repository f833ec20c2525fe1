import { sql, type SQL } from 'drizzle-orm';
import { applications } from '../../db/schema/index.js';
import { chinaTime } from '../calendar/working-days.js';
import type { ServiceContext } from '../context.js';

/** What a sweep needs: it acts for the system, not for a person (the worker's context). */
export type ClockContext = Pick<ServiceContext, 'db' | 'clock' | 'config'>;

/** The clock acts as the system, whoever's process happened to run the sweep. */
export const systemContext = (ctx: ClockContext): ServiceContext => ({ ...ctx, actor: { kind: 'anonymous' } });

/**
 * At most this many applications per rule per round: a round stays short after a long holiday
 * or an outage, and what is left is due again the next round (a couple of seconds later).
 */
export const SWEEP_BATCH = 200;

/**
 * The sets each sweep reads, as the partial indexes of db/schema/applications.ts state them,
 * word for word and with literal statuses (not parameters): the planner uses a partial index only
 * when it can prove the query's condition implies the index's. A range `< today` over these then
 * holds only what is due, so a round with nothing due reads nothing (tests/integration/
 * clock-sweeps.test.ts explains each query).
 */
export const DUE_SETS = {
  /** Art. 32(4): never notified, still waiting for the completeness check. */
  deemed: sql`${applications.status} in ('submitted','under_review') and ${applications.supplementDeadline} is null`,
  /** Waiting for the citizen's supplement. */
  supplement: sql`${applications.status} = 'needs_supplement'`,
  /** … and not yet reminded of its deadline. */
  reminder: sql`${applications.status} = 'needs_supplement' and ${applications.supplementRemindedAt} is null`,
  /** With the office (the committed time runs), and its current due date not yet flagged. */
  overdue: sql`${applications.status} in ('submitted','under_review','supplemented','accepted') and ${applications.overdueFlaggedDue} is distinct from ${applications.dueDate}`,
} satisfies Record<string, SQL>;

/** When offices open: messages the clock sends at night wait until then. */
const OFFICE_OPENS = '09:00';

/** Now, or the opening time of today (China) if that is later. */
export function duringOfficeHours(now: Date, today: string): Date {
  const opens = chinaTime(today, OFFICE_OPENS);
  return now < opens ? opens : now;
}

/**
 * Runs one sweep's step for each due application and collects what it returned. One that fails
 * (a bug, a lost connection) is logged and left for the next round, and does not hold up the rest:
 * the oldest deadline comes first, so a failure that stopped the loop would stop it every round.
 */
export async function forEachDue<T>(ids: readonly { id: string }[], step: (id: string) => Promise<T | null>): Promise<T[]> {
  const out: T[] = [];
  for (const { id } of ids) {
    try {
      const r = await step(id);
      if (r !== null) out.push(r);
    } catch (e) {
      console.warn(`clock: application ${id} left for the next round`, e);
    }
  }
  return out;
}
