import { count, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { notices, waitingIntervals, type NoticeItem } from '../../db/schema/index.js';
import { ROLLUP_COLUMN, ROLLUP_COUNTERS, ROLLUP_TALLIES } from '../../db/schema/reports.js';
import { chinaDate, forElapsedStatistics, loadCalendar, workingDaysBetween } from '../calendar/working-days.js';
import { together } from '../sql.js';
import { addDelta, deltaFor, isEmptyDelta, DECIDED_STATUSES, DECISION_STATUSES, isOnTime, monthOf, type ReportEvent, type RollupDelta } from './counters.js';

export type RollupKey = { officeCode: string | null; serviceCode: string; department: string };

/**
 * The upsert of one grain's row: counters add, tallies merge with rollup_add_counts (migration
 * 0009). Only the columns the delta touches are written.
 */
function upsert(table: 'report_daily' | 'report_monthly', period: string, key: RollupKey & { officeCode: string }, d: RollupDelta): SQL {
  const periodCol = table === 'report_daily' ? 'day' : 'month';
  const counters = ROLLUP_COUNTERS.filter((c) => d.counters[c]);
  const tallies = ROLLUP_TALLIES.filter((t) => d.tallies[t] && Object.keys(d.tallies[t]!).length);
  const cols = [periodCol, 'office_code', 'service_code', 'department', ...[...counters, ...tallies].map((k) => ROLLUP_COLUMN[k])];
  const values = [
    sql`${period}::date`,
    sql`${key.officeCode}`,
    sql`${key.serviceCode}`,
    sql`${key.department}`,
    ...counters.map((c) => sql`${d.counters[c]}::int`),
    ...tallies.map((t) => sql`${JSON.stringify(d.tallies[t])}::jsonb`),
  ];
  const sets = [
    ...counters.map((c) => `${ROLLUP_COLUMN[c]} = ${table}.${ROLLUP_COLUMN[c]} + excluded.${ROLLUP_COLUMN[c]}`),
    ...tallies.map((t) => `${ROLLUP_COLUMN[t]} = rollup_add_counts(${table}.${ROLLUP_COLUMN[t]}, excluded.${ROLLUP_COLUMN[t]})`),
  ];
  return sql`insert into ${sql.raw(table)} (${sql.raw(cols.join(', '))}) values (${sql.join(values, sql`, `)})
    on conflict (${sql.raw(periodCol)}, office_code, service_code, department) do update set ${sql.raw(sets.join(', '))}`;
}

/** A fresh empty delta: addDelta adds into its first argument. */
const noDelta = (): RollupDelta => ({ counters: {}, tallies: {} });

/** Sums events into one delta per day. */
function deltasByDay(events: readonly { day: string; event: ReportEvent }[]): Map<string, RollupDelta> {
  const byDay = new Map<string, RollupDelta>();
  for (const { day, event } of events) byDay.set(day, addDelta(byDay.get(day) ?? noDelta(), deltaFor(event)));
  return byDay;
}

/**
 * The two upserts (its day's row, its month's row) that add one day's events: data-modifying
 * statements without RETURNING, so a caller can send them in one statement with its own writes
 * (`together`). Empty when the application has no office yet or nothing counts.
 */
export function rollupUpserts(key: RollupKey, day: string, events: readonly ReportEvent[], month = monthOf(day)): SQL[] {
  return dayUpserts(key, day, events.reduce((d, e) => addDelta(d, deltaFor(e)), noDelta()), month);
}

/** `month` is passed, not derived, where `day` is a placeholder (services/sql-shapes.ts). */
function dayUpserts(key: RollupKey, day: string, d: RollupDelta, month: string): SQL[] {
  if (!key.officeCode || isEmptyDelta(d)) return [];
  const k = { ...key, officeCode: key.officeCode };
  return [upsert('report_daily', day, k, d), upsert('report_monthly', month, k, d)];
}

/**
 * Adds events to their day's and their month's rows, inside the caller's transaction, in one
 * statement per day: two days of one month in one statement would update the month's row twice,
 * which PostgreSQL does not allow.
 */
async function bump(tx: Db, key: RollupKey, events: { day: string; event: ReportEvent }[]): Promise<void> {
  for (const [day, d] of deltasByDay(events)) {
    const parts = dayUpserts(key, day, d, monthOf(day));
    if (parts.length) await tx.execute(together(parts));
  }
}

export type StatusChangeFacts = RollupKey & {
  id: string;
  applicantId: string;
  dueDate: string | null;
  /** As written by the change (changeStatus returns them); needed for decided statuses. */
  submittedAt?: Date | null;
  decidedAt?: Date | null;
};

/**
 * The hook the state changes after submission call (changeStatus, ratings): gathers the facts an
 * event's counters need and bumps the rollup in the same transaction, so a rolled-back change
 * is never counted. Submission sends its upserts with its own writes (rollupUpserts). `db` is the
 * root handle (`ctx.db`), which owns the reference cache the calendar comes from; `tx` reads.
 */
export async function countStatusChange(
  { db, tx }: { db: Db; tx: Db },
  at: Date,
  app: StatusChangeFacts,
  to: string,
  opts: { deemed?: boolean; override?: boolean; deciderId?: string | null; noticeId?: string | null } = {},
): Promise<void> {
  const day = chinaDate(at);
  const clerkId = (DECISION_STATUSES as readonly string[]).includes(to) ? (opts.deciderId ?? null) : null;
  const events: { day: string; event: ReportEvent }[] = [];
  switch (to) {
    case 'submitted':
      // Submission counts in the submitting statement itself (rollupUpserts + submittedEvent, applications/submit.ts).
      throw new Error('countStatusChange: submissions are counted by submitApplication');
    case 'accepted':
      events.push({ day, event: { kind: 'accepted', deemed: !!opts.deemed, clerkId } });
      break;
    case 'needs_supplement': {
      const [notice] = opts.noticeId
        ? await tx.select({ items: notices.items, issueDate: notices.issueDate }).from(notices).where(eq(notices.id, opts.noticeId))
        : [];
      events.push({ day, event: { kind: 'notice', override: !!opts.override } });
      if (notice) events.push({ day: notice.issueDate, event: { kind: 'listed', materials: (notice.items as NoticeItem[]).map((i) => i.materialCode) } });
      break;
    }
    case 'completed': {
      const [n] = await tx.select({ n: count() }).from(notices).where(eq(notices.applicationId, app.id));
      events.push({ day, event: { kind: 'completed', onTime: isOnTime(day, app.dueDate), oneVisit: Number(n.n) === 0, clerkId } });
      break;
    }
    case 'not_accepted':
      events.push({ day, event: { kind: 'not_accepted', clerkId } });
      break;
    case 'refused':
      events.push({ day, event: { kind: 'refused', clerkId } });
      break;
    case 'withdrawn':
      events.push({ day, event: { kind: 'withdrawn' } });
      break;
    default:
      return;
  }
  if ((DECIDED_STATUSES as readonly string[]).includes(to)) events.push(await decidedEvent({ db, tx }, app, at));
  await bump(tx, app, events);
}

/** Processing time of an application being decided now, in working days (see DECIDED_STATUSES). */
async function decidedEvent({ db, tx }: { db: Db; tx: Db }, app: StatusChangeFacts, at: Date): Promise<{ day: string; event: ReportEvent }> {
  const { submittedAt, decidedAt } = app;
  const decided = chinaDate(decidedAt ?? at);
  const waits = await tx
    .select({ startedAt: waitingIntervals.startedAt, endedAt: waitingIntervals.endedAt })
    .from(waitingIntervals)
    .where(eq(waitingIntervals.applicationId, app.id));
  // Around the receipt day: the calendar loaded covers the year before it and two after.
  const cal = forElapsedStatistics(await loadCalendar(db, submittedAt ? chinaDate(submittedAt) : decided, tx));
  const totalDays = submittedAt ? workingDaysBetween(chinaDate(submittedAt), decided, cal) : 0;
  const waitingDays = waits.reduce((s, w) => s + workingDaysBetween(chinaDate(w.startedAt), w.endedAt ? chinaDate(w.endedAt) : decided, cal), 0);
  return { day: decided, event: { kind: 'decided', totalDays, waitingDays } };
}

export async function countRating(tx: Db, at: Date, key: RollupKey, score: number): Promise<void> {
  await bump(tx, key, [{ day: chinaDate(at), event: { kind: 'rated', score } }]);
}
