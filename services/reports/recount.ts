import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { reportDaily, reportMonthly, ROLLUP_COUNTERS, ROLLUP_TALLIES, type RollupCounter, type RollupTally, type Tally } from '../../db/schema/reports.js';
import { chinaDate, forElapsedStatistics, loadCalendar, workingDaysBetween, type Calendar } from '../calendar/working-days.js';
import { addTally, deltaFor, DECIDED_STATUSES, DECISION_STATUSES, isOnTime, monthOf, submittedEvent, type ReportEvent } from './counters.js';
import { rowsOf } from '../sql.js';

type Dims = { officeCode: string; serviceCode: string; department: string };
export type RollupRow = { day: string } & Dims & Record<RollupCounter, number> & Record<RollupTally, Tally>;
export type MonthlyRow = { month: string } & Dims & Record<RollupCounter, number> & Record<RollupTally, Tally>;
export type Rollup = { daily: RollupRow[]; monthly: MonthlyRow[] };

const list = (xs: readonly string[]) => sql.join(xs.map((x) => sql`${x}`), sql`, `);

/**
 * Every rollup column recomputed from the raw tables (the audit trail of status changes, the
 * applications and their waiting intervals, the notices and the ratings), through the same
 * definitions (counters.ts). The drift test and `seed:volume --verify` compare this with
 * report_daily and report_monthly; nothing on a request path calls it. It holds every event in
 * memory: fine for tests and small offices, not for millions (rebuild_report_rollup() in SQL is).
 */
export async function recountRollup(db: Db): Promise<Rollup> {
  const changes = rowsOf<{
    at: Date | string;
    action: string;
    to_status: string;
    actor_id: string | null;
    office_code: string | null;
    service_code: string;
    department: string;
    due_date: string | null;
    override_by: string | null;
    id_number: string | null;
    city_code: string | null;
    notices: number | string;
  }>(
    await db.execute(sql`
      select e.at, e.action, e.to_status, e.actor_id, e.office_code, a.service_code, a.department, a.due_date::text as due_date,
             e.data->>'overrideBy' as override_by, u.id_number, o.city_code,
             (select count(*) from notices n where n.application_id = a.id) as notices
      from audit_events e
      join applications a on a.id = e.application_id
      join users u on u.id = a.applicant_id
      left join offices o on o.code = e.office_code
      where e.to_status is not null`),
  );
  const decided = rowsOf<{ id: string; office_code: string | null; service_code: string; department: string; submitted_at: string | Date | null; decided_at: string | Date; waits: { s: string; e: string | null }[] | string | null }>(
    await db.execute(sql`
      select a.id, a.office_code, a.service_code, a.department, a.submitted_at, a.decided_at,
             (select json_agg(json_build_object('s', w.started_at, 'e', w.ended_at)) from waiting_intervals w where w.application_id = a.id) as waits
      from applications a where a.status in (${list(DECIDED_STATUSES)}) and a.decided_at is not null`),
  );
  const listed = rowsOf<{ day: string; office_code: string; service_code: string; department: string; items: { materialCode: string }[] | string }>(
    await db.execute(sql`
      select n.issue_date::text as day, n.office_code, a.service_code, a.department, n.items
      from notices n join applications a on a.id = n.application_id`),
  );
  const rated = rowsOf<{ day: string; office_code: string; service_code: string; department: string; score: number }>(
    await db.execute(sql`select day::text as day, office_code, service_code, department, score from ratings`),
  );

  const out = new Map<string, RollupRow>();
  const add = (day: string, officeCode: string | null, serviceCode: string, department: string, e: ReportEvent | null) => {
    if (!officeCode || !e) return;
    const k = `${day}|${officeCode}|${serviceCode}|${department}`;
    let row = out.get(k);
    if (!row) {
      row = { day, ...emptyRow({ officeCode, serviceCode, department }) };
      out.set(k, row);
    }
    const d = deltaFor(e);
    for (const [c, v] of Object.entries(d.counters)) row[c as RollupCounter] += v ?? 0;
    for (const [t, v] of Object.entries(d.tallies)) addTally(row[t as RollupTally], v ?? {});
  };
  for (const r of changes) {
    const day = chinaDate(new Date(r.at));
    const clerkId = (DECISION_STATUSES as readonly string[]).includes(r.to_status) ? r.actor_id : null;
    const e: ReportEvent | null =
      r.to_status === 'submitted'
        ? submittedEvent(r.id_number, r.city_code)
        : r.to_status === 'accepted'
          ? { kind: 'accepted', deemed: r.action === 'application.deemedAccepted', clerkId }
          : r.to_status === 'needs_supplement'
            ? { kind: 'notice', override: !!r.override_by }
            : r.to_status === 'completed'
              ? { kind: 'completed', onTime: isOnTime(day, r.due_date), oneVisit: Number(r.notices) === 0, clerkId }
              : r.to_status === 'not_accepted' || r.to_status === 'refused'
                ? { kind: r.to_status, clerkId }
                : r.to_status === 'withdrawn'
                  ? { kind: 'withdrawn' }
                  : null;
    add(day, r.office_code, r.service_code, r.department, e);
  }
  const calendars = new Map<string, Calendar>();
  for (const r of decided) {
    const day = chinaDate(new Date(r.decided_at));
    const around = r.submitted_at ? chinaDate(new Date(r.submitted_at)) : day;
    const cal = calendars.get(around.slice(0, 4)) ?? forElapsedStatistics(await loadCalendar(db, around));
    calendars.set(around.slice(0, 4), cal);
    const waits = typeof r.waits === 'string' ? (JSON.parse(r.waits) as { s: string; e: string | null }[]) : (r.waits ?? []);
    const totalDays = r.submitted_at ? workingDaysBetween(chinaDate(new Date(r.submitted_at)), day, cal) : 0;
    const waitingDays = waits.reduce((s, w) => s + workingDaysBetween(chinaDate(new Date(w.s)), w.e ? chinaDate(new Date(w.e)) : day, cal), 0);
    add(day, r.office_code, r.service_code, r.department, { kind: 'decided', totalDays, waitingDays });
  }
  for (const r of listed) {
    const items = typeof r.items === 'string' ? (JSON.parse(r.items) as { materialCode: string }[]) : r.items;
    add(r.day, r.office_code, r.service_code, r.department, { kind: 'listed', materials: items.map((i) => i.materialCode) });
  }
  for (const r of rated) add(r.day, r.office_code, r.service_code, r.department, { kind: 'rated', score: Number(r.score) });

  const daily = [...out.values()].map(normalize).filter(nonEmpty).sort(byKey);
  return { daily, monthly: monthsOf(daily) };
}

/** The monthly grain is the daily grain summed by month: what report_monthly must hold. */
export function monthsOf(daily: readonly RollupRow[]): MonthlyRow[] {
  const out = new Map<string, MonthlyRow>();
  for (const d of daily) {
    const month = monthOf(d.day);
    const k = `${month}|${d.officeCode}|${d.serviceCode}|${d.department}`;
    let row = out.get(k);
    if (!row) {
      row = { month, ...emptyRow(d) };
      out.set(k, row);
    }
    for (const c of ROLLUP_COUNTERS) row[c] += d[c];
    for (const t of ROLLUP_TALLIES) addTally(row[t], d[t]);
  }
  return [...out.values()].map(normalize).sort(byKey);
}

export async function readRollup(db: Db): Promise<Rollup> {
  const daily = (await db.select().from(reportDaily)).map(normalize).filter(nonEmpty).sort(byKey);
  const monthly = (await db.select().from(reportMonthly)).map(normalize).filter(nonEmpty).sort(byKey);
  return { daily, monthly };
}

function emptyRow(dims: Dims): Dims & Record<RollupCounter, number> & Record<RollupTally, Tally> {
  return {
    officeCode: dims.officeCode,
    serviceCode: dims.serviceCode,
    department: dims.department,
    ...(Object.fromEntries(ROLLUP_COUNTERS.map((c) => [c, 0])) as Record<RollupCounter, number>),
    ...(Object.fromEntries(ROLLUP_TALLIES.map((t) => [t, {}])) as Record<RollupTally, Tally>),
  };
}

/** Tallies with their keys in order and without zero counts, so equal rollups compare equal. */
function normalize<T extends Record<RollupTally, Tally>>(row: T): T {
  const out = { ...row };
  for (const t of ROLLUP_TALLIES) {
    out[t] = Object.fromEntries(Object.entries(row[t] ?? {}).filter(([, v]) => v !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T[typeof t];
  }
  return out;
}

const nonEmpty = (r: Record<RollupCounter, number> & Record<RollupTally, Tally>) =>
  ROLLUP_COUNTERS.some((c) => r[c] !== 0) || ROLLUP_TALLIES.some((t) => Object.values(r[t]).some((v) => v !== 0));

const keyOf = (r: { day?: string; month?: string } & Dims) => `${r.day ?? r.month}|${r.officeCode}|${r.serviceCode}|${r.department}`;
const byKey = (a: { day?: string; month?: string } & Dims, b: { day?: string; month?: string } & Dims) => keyOf(a).localeCompare(keyOf(b));
