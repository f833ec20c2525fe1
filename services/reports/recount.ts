import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { reportDaily, reportMonthly, ROLLUP_COUNTERS, ROLLUP_TALLIES, type RollupCounter, type RollupTally, type Tally } from '../../db/schema/reports.js';
import { addTally, monthOf } from './counters.js';
import { sumByRow } from './projection.js';
import { rowsOf } from '../sql.js';

type Dims = { officeCode: string; serviceCode: string; department: string };
export type RollupRow = { day: string } & Dims & Record<RollupCounter, number> & Record<RollupTally, Tally>;
export type MonthlyRow = { month: string } & Dims & Record<RollupCounter, number> & Record<RollupTally, Tally>;
export type Rollup = { daily: RollupRow[]; monthly: MonthlyRow[] };

/**
 * Every rollup column recomputed from the whole audit trail through the same mapping the live
 * projection applies (mapping.ts, docs/decisions/0025). The drift test and `seed:volume --verify`
 * compare this with report_daily and report_monthly after the projection has run; nothing on a
 * request path calls it. It holds the trail's counted events in memory: fine for tests and
 * small offices; a whole rebuild at volume replays the projection (rebuildReports).
 */
export async function recountRollup(db: Db): Promise<Rollup> {
  const events = rowsOf<Parameters<typeof sumByRow>[0][number]>(
    await db.execute(sql`select id, xact, at, action, to_status, actor_id, office_code, facts from audit_events where facts is not null`),
  );
  const daily = [...sumByRow(events).daily.values()]
    .map(([day, key, d]) => {
      const row: RollupRow = { day, ...emptyRow(key) };
      for (const [c, v] of Object.entries(d.counters)) row[c as RollupCounter] += v ?? 0;
      for (const [t, v] of Object.entries(d.tallies)) addTally(row[t as RollupTally], v ?? {});
      return row;
    })
    .map(normalize)
    .filter(nonEmpty)
    .sort(byKey);
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
