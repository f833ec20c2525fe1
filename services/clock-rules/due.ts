import { and, asc, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.js';
import { loggable } from '../../db/failures.js';
import { applications } from '../../db/schema/index.js';
import { chinaTime, OFFICE_HOURS } from '../calendar/working-days.js';
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
 * What each sweep reads, as the partial indexes of db/schema/applications.ts state it, word for
 * word and with literal statuses (not parameters): the planner uses a partial index only when it
 * can prove the query's condition implies the index's. A range up to today over these holds only
 * what is due, so a round with nothing due reads nothing (tests/integration/clock-sweeps.test.ts
 * explains each query).
 */
const DUE_SETS = {
  /** Art. 32(4): never notified, still waiting for the completeness check. */
  deemed: sql`${applications.status} in ('submitted','under_review') and ${applications.supplementDeadline} is null`,
  /** Waiting for the citizen's supplement. */
  supplement: sql`${applications.status} = 'needs_supplement'`,
  /** … and not yet reminded of its deadline. */
  reminder: sql`${applications.status} = 'needs_supplement' and ${applications.supplementRemindedAt} is null`,
  /** With the office (the committed time runs), and its current due date not yet flagged. */
  overdue: sql`${applications.status} in ('submitted','under_review','supplemented','accepted') and ${applications.overdueFlaggedDue} is distinct from ${applications.dueDate}`,
} satisfies Record<string, SQL>;

function dueApplications(db: Db, set: SQL, deadline: PgColumn, range: SQL | undefined) {
  return db
    .select({ id: applications.id })
    .from(applications)
    .where(and(set, range))
    .orderBy(asc(deadline), asc(applications.id))
    .limit(SWEEP_BATCH);
}

/** The applications each sweep acts on this round, oldest deadline first. Days are China dates. */
export const DUE = {
  /** Completeness deadline passed. */
  deemed: (db: Db, today: string) => dueApplications(db, DUE_SETS.deemed, applications.completenessDeadline, lt(applications.completenessDeadline, today)),
  /** Supplement deadline passed. */
  supplement: (db: Db, today: string) => dueApplications(db, DUE_SETS.supplement, applications.supplementDeadline, lt(applications.supplementDeadline, today)),
  /** Supplement deadline between today and `horizon` (the reminder's days ahead). */
  reminder: (db: Db, today: string, horizon: string) =>
    dueApplications(
      db,
      DUE_SETS.reminder,
      applications.supplementDeadline,
      and(gte(applications.supplementDeadline, today), lte(applications.supplementDeadline, horizon)),
    ),
  /** Committed due date passed. */
  overdue: (db: Db, today: string) => dueApplications(db, DUE_SETS.overdue, applications.dueDate, lt(applications.dueDate, today)),
};

/** Now, or the offices' opening time today (China) if that is later: what the clock decides at night is sent then. */
export function duringOfficeHours(now: Date, today: string): Date {
  const opens = chinaTime(today, OFFICE_HOURS.opens);
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
      console.warn(`clock: application ${id} left for the next round`, loggable(e));
    }
  }
  return out;
}
