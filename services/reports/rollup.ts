import { count, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { applications, notices, offices, reportDaily, reportMonthly, users, waitingIntervals } from '../../db/schema/index.js';
import { ROLLUP_COUNTERS, ROLLUP_TALLIES, type NoticeItem } from '../../db/schema/index.js';
import { chinaDate, loadCalendar, workingDaysBetween } from '../calendar/working-days.js';
import { addTally, deltaFor, DECIDED_STATUSES, DECISION_STATUSES, isCrossProvince, isOnTime, type ReportEvent, type RollupDelta } from './counters.js';

export type RollupKey = { officeCode: string | null; serviceCode: string; department: string };

const colName = (table: typeof reportDaily | typeof reportMonthly, key: string) => (table as unknown as Record<string, { name: string }>)[key].name;

/**
 * The upsert of one grain's row: counters add, tallies merge with rollup_add_counts (migration
 * 0009). Only the columns the delta touches are written.
 */
function upsert(table: typeof reportDaily | typeof reportMonthly, period: string, key: RollupKey & { officeCode: string }, d: RollupDelta): SQL {
  const name = table === reportDaily ? 'report_daily' : 'report_monthly';
  const periodCol = table === reportDaily ? 'day' : 'month';
  const counters = ROLLUP_COUNTERS.filter((c) => d.counters[c]);
  const tallies = ROLLUP_TALLIES.filter((t) => d.tallies[t] && Object.keys(d.tallies[t]!).length);
  const cols = [periodCol, 'office_code', 'service_code', 'department', ...counters.map((c) => colName(table, c)), ...tallies.map((t) => colName(table, t))];
  const values = [
    sql`${period}::date`,
    sql`${key.officeCode}`,
    sql`${key.serviceCode}`,
    sql`${key.department}`,
    ...counters.map((c) => sql`${d.counters[c]}::int`),
    ...tallies.map((t) => sql`${JSON.stringify(d.tallies[t])}::jsonb`),
  ];
  const sets = [
    ...counters.map((c) => sql.raw(`${colName(table, c)} = ${name}.${colName(table, c)} + excluded.${colName(table, c)}`)),
    ...tallies.map((t) => sql.raw(`${colName(table, t)} = rollup_add_counts(${name}.${colName(table, t)}, excluded.${colName(table, t)})`)),
  ];
  return sql`insert into ${sql.raw(name)} (${sql.raw(cols.join(', '))}) values (${sql.join(values, sql`, `)})
    on conflict (${sql.raw(periodCol)}, office_code, service_code, department) do update set ${sql.join(sets, sql`, `)}`;
}

/** Adds events to their day's and their month's rows, inside the caller's transaction, in one statement per day. */
async function bump(tx: Db, key: RollupKey, events: { day: string; event: ReportEvent }[]): Promise<void> {
  if (!key.officeCode) return;
  const byDay = new Map<string, RollupDelta>();
  for (const { day, event } of events) {
    const d = deltaFor(event);
    const acc = byDay.get(day) ?? { counters: {}, tallies: {} };
    for (const [c, v] of Object.entries(d.counters)) acc.counters[c as keyof RollupDelta['counters']] = (acc.counters[c as keyof RollupDelta['counters']] ?? 0) + (v ?? 0);
    for (const [t, v] of Object.entries(d.tallies)) acc.tallies[t as keyof RollupDelta['tallies']] = addTally(acc.tallies[t as keyof RollupDelta['tallies']] ?? {}, v ?? {});
    byDay.set(day, acc);
  }
  for (const [day, d] of byDay) {
    if (!ROLLUP_COUNTERS.some((c) => d.counters[c]) && !ROLLUP_TALLIES.some((t) => d.tallies[t] && Object.keys(d.tallies[t]!).length)) continue;
    const k = { ...key, officeCode: key.officeCode };
    // Both grains in one round trip: a data-modifying CTE runs whether or not its rows are read.
    await tx.execute(sql`with daily as (${upsert(reportDaily, day, k, d)} returning 1) ${upsert(reportMonthly, `${day.slice(0, 7)}-01`, k, d)}`);
  }
}

export type StatusChangeFacts = RollupKey & {
  id: string;
  applicantId: string;
  dueDate: string | null;
  submittedAt?: Date | null;
  decidedAt?: Date | null;
};

/**
 * The one hook the state changes call (submit, changeStatus, ratings): gathers the facts an
 * event's counters need and bumps the rollup in the same transaction, so a rolled-back change
 * is never counted.
 */
export async function countStatusChange(
  tx: Db,
  at: Date,
  app: StatusChangeFacts,
  to: string,
  opts: { deemed?: boolean; override?: boolean; deciderId?: string | null; noticeId?: string | null } = {},
): Promise<void> {
  const day = chinaDate(at);
  const clerkId = (DECISION_STATUSES as readonly string[]).includes(to) ? (opts.deciderId ?? null) : null;
  const events: { day: string; event: ReportEvent }[] = [];
  switch (to) {
    case 'submitted': {
      const [who] = await tx.select({ idNumber: users.idNumber }).from(users).where(eq(users.id, app.applicantId));
      const [office] = app.officeCode ? await tx.select({ cityCode: offices.cityCode }).from(offices).where(eq(offices.code, app.officeCode)) : [];
      events.push({ day, event: { kind: 'submitted', crossProvince: isCrossProvince(who?.idNumber ?? null, office?.cityCode ?? null) } });
      break;
    }
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
  if ((DECIDED_STATUSES as readonly string[]).includes(to)) events.push(await decidedEvent(tx, app, at));
  await bump(tx, app, events);
}

/** Processing time of an application being decided now, in working days (see DECIDED_STATUSES). */
async function decidedEvent(tx: Db, app: StatusChangeFacts, at: Date): Promise<{ day: string; event: ReportEvent }> {
  let { submittedAt, decidedAt } = app;
  if (submittedAt === undefined || decidedAt === undefined) {
    [{ submittedAt, decidedAt }] = await tx
      .select({ submittedAt: applications.submittedAt, decidedAt: applications.decidedAt })
      .from(applications)
      .where(eq(applications.id, app.id));
  }
  const decided = chinaDate(decidedAt ?? at);
  const waits = await tx
    .select({ startedAt: waitingIntervals.startedAt, endedAt: waitingIntervals.endedAt })
    .from(waitingIntervals)
    .where(eq(waitingIntervals.applicationId, app.id));
  // Around the receipt day: the calendar loaded covers the year before it and two after.
  const cal = await loadCalendar(tx, submittedAt ? chinaDate(submittedAt) : decided);
  const totalDays = submittedAt ? workingDaysBetween(chinaDate(submittedAt), decided, cal) : 0;
  const waitingDays = waits.reduce((s, w) => s + workingDaysBetween(chinaDate(w.startedAt), w.endedAt ? chinaDate(w.endedAt) : decided, cal), 0);
  return { day: decided, event: { kind: 'decided', totalDays, waitingDays } };
}

export async function countRating(tx: Db, at: Date, key: RollupKey, score: number): Promise<void> {
  await bump(tx, key, [{ day: chinaDate(at), event: { kind: 'rated', score } }]);
}
