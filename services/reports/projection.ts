import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { ROLLUP_COLUMN, ROLLUP_COUNTERS, ROLLUP_TALLIES } from '../../db/schema/reports.js';
import { rowsOf } from '../sql.js';
import { addDelta, isEmptyDelta, monthOf, type RollupDelta } from './counters.js';
import { reportDeltasOf, type ReportFacts, type ReportKey } from './mapping.js';

/** The projection's row in projection_cursors. */
export const REPORTS_PROJECTION = 'reports';

/** Events applied per transaction: the worker drains in batches of this many. */
const BATCH = 2000;

type Grain = 'report_daily' | 'report_monthly';

/**
 * The upsert of one grain's row: counters add, tallies merge with rollup_add_counts (migration
 * 0009). Only the columns the delta touches are written.
 */
function upsert(table: Grain, period: string, key: ReportKey, d: RollupDelta): SQL {
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
  const conflict = sets.length ? sql`do update set ${sql.raw(sets.join(', '))}` : sql`do nothing`;
  return sql`insert into ${sql.raw(table)} (${sql.raw(cols.join(', '))}) values (${sql.join(values, sql`, `)})
    on conflict (${sql.raw(periodCol)}, office_code, service_code, department) ${conflict}`;
}

type RawEvent = {
  id: number | string;
  xact: number | string;
  at: Date | string;
  action: string;
  to_status: string | null;
  actor_id: string | null;
  office_code: string | null;
  facts: ReportFacts | string | null;
};

/** An audit row as the mapping reads it (both drivers: jsonb may come back as text). */
export const trailEventOf = (r: RawEvent) => ({
  at: new Date(r.at),
  action: r.action,
  toStatus: r.to_status,
  actorId: r.actor_id,
  officeCode: r.office_code,
  facts: typeof r.facts === 'string' ? (JSON.parse(r.facts) as ReportFacts) : r.facts,
});

/** Deltas summed per grain row: one upsert per row however many events it takes. */
export function sumByRow(events: readonly RawEvent[]): { daily: Map<string, [string, ReportKey, RollupDelta]>; monthly: Map<string, [string, ReportKey, RollupDelta]> } {
  const daily = new Map<string, [string, ReportKey, RollupDelta]>();
  const monthly = new Map<string, [string, ReportKey, RollupDelta]>();
  const add = (m: typeof daily, period: string, key: ReportKey, d: RollupDelta) => {
    const k = `${period}|${key.officeCode}|${key.serviceCode}|${key.department}`;
    const cur = m.get(k) ?? [period, key, { counters: {}, tallies: {} }];
    addDelta(cur[2], d);
    m.set(k, cur);
  };
  for (const r of events) {
    for (const { day, key, delta } of reportDeltasOf(trailEventOf(r))) {
      add(daily, day, key, delta);
      add(monthly, monthOf(day), key, delta);
    }
  }
  return { daily, monthly };
}

/**
 * The oldest transaction id that may still write to this database: every transaction below it
 * has committed or aborted. Read in this order, each in its own statement: first the next id to
 * be assigned (xmax of a fresh snapshot), then the ids still held (every transaction holds a lock
 * on its own id from its first write until after its commit is visible), so a transaction that
 * got its id in between is above the first bound. The caller's next statement takes a later
 * snapshot, in which everything below the horizon that committed is visible.
 *
 * Only this database's writers count (pg_snapshot_xmin would wait for every database of the
 * cluster); a backend not yet in pg_stat_activity, or a prepared transaction, counts as ours.
 * The worker's own id is left out: it writes no audit row.
 */
async function writersHorizon(tx: Db): Promise<string> {
  const [next] = rowsOf<{ xmax: string }>(await tx.execute(sql`select pg_snapshot_xmax(pg_current_snapshot())::text as xmax`));
  const [held] = rowsOf<{ h: string | null }>(
    await tx.execute(sql`
      select min(${next.xmax}::bigint - ((${next.xmax}::bigint % 4294967296) - l.transactionid::text::bigint + 4294967296) % 4294967296)::text as h
      from pg_locks l left join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'transactionid' and l.mode = 'ExclusiveLock' and l.granted
        and l.pid is distinct from pg_backend_pid() and (a.datname is null or a.datname = current_database())`),
  );
  return held.h !== null && BigInt(held.h) < BigInt(next.xmax) ? held.h : next.xmax;
}

/**
 * One step of the report projection (docs/decisions/0025): applies the next committed audit
 * events to report_daily and report_monthly through the one mapping (mapping.ts) and moves the
 * cursor, in one transaction, so each event counts exactly once. Returns how many events it
 * applied (`busy`: another worker holds the projection; it is doing this work).
 *
 * Which events: those after the cursor in (xact, id) order, of transactions older than the oldest
 * still writing to this database (writersHorizon). Every such transaction has finished, so no
 * event can still appear behind the cursor: an id drawn early by a transaction that commits late
 * waits, with everything after it in xact order, until it commits or aborts.
 */
export async function projectReportsStep(db: Db, batch = BATCH): Promise<{ applied: number; busy: boolean }> {
  return db.transaction(async (tx) => {
    const [cur] = rowsOf<{ xact: number | string; audit_id: number | string }>(
      await tx.execute(sql`select xact, audit_id from projection_cursors where name = ${REPORTS_PROJECTION} for update skip locked`),
    );
    if (!cur) return { applied: 0, busy: true };
    const horizon = await writersHorizon(tx);
    const events = rowsOf<RawEvent>(
      await tx.execute(sql`
        select id, xact, at, action, to_status, actor_id, office_code, facts from audit_events
        where facts is not null and (xact, id) > (${cur.xact}::bigint, ${cur.audit_id}::bigint) and xact < ${horizon}::bigint
        order by xact, id limit ${batch}`),
    );
    if (events.length === 0) return { applied: 0, busy: false };
    const { daily, monthly } = sumByRow(events);
    const statements = [
      ...[...daily.values()].filter(([, , d]) => !isEmptyDelta(d)).map(([day, key, d]) => upsert('report_daily', day, key, d)),
      ...[...monthly.values()].filter(([, , d]) => !isEmptyDelta(d)).map(([month, key, d]) => upsert('report_monthly', month, key, d)),
    ];
    for (const s of statements) await tx.execute(s);
    const last = events[events.length - 1];
    const lastAt = events.reduce((m, e) => Math.max(m, new Date(e.at).getTime()), 0);
    await tx.execute(sql`
      update projection_cursors set xact = ${last.xact}::bigint, audit_id = ${last.id}::bigint,
        last_at = greatest(last_at, ${new Date(lastAt).toISOString()}::timestamptz)
      where name = ${REPORTS_PROJECTION}`);
    return { applied: events.length, busy: false };
  });
}

/**
 * The whole rollup rebuilt from the trail in one pass, for a bulk load with no other writer (the
 * volume seed): the same mapping and the same per-row upserts as projectReportsStep, but the
 * deltas of the whole trail are summed in memory first (a rollup row is a day × office × item, so
 * they stay few however long the trail), read in `chunk`-sized keyset pages down the projection's
 * index, and each rollup row is written once instead of once per batch that touches it. Empties
 * the rollup first and leaves the cursor after the last event, as the worker would. Returns how
 * many events it applied.
 */
export async function replayTrail(db: Db, chunk = 100_000): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`delete from report_daily`);
    await tx.execute(sql`delete from report_monthly`);
    const daily = new Map<string, [string, ReportKey, RollupDelta]>();
    const monthly = new Map<string, [string, ReportKey, RollupDelta]>();
    const merge = (into: typeof daily, from: typeof daily) => {
      for (const [k, [period, key, d]] of from) {
        const cur = into.get(k);
        if (cur) addDelta(cur[2], d);
        else into.set(k, [period, key, d]);
      }
    };
    let after: { xact: number | string; id: number | string } = { xact: 0, id: 0 };
    let lastAt = 0;
    let total = 0;
    for (;;) {
      const events = rowsOf<RawEvent>(
        await tx.execute(sql`
          select id, xact, at, action, to_status, actor_id, office_code, facts from audit_events
          where facts is not null and (xact, id) > (${after.xact}::bigint, ${after.id}::bigint)
          order by xact, id limit ${chunk}`),
      );
      if (events.length === 0) break;
      const sums = sumByRow(events);
      merge(daily, sums.daily);
      merge(monthly, sums.monthly);
      for (const e of events) lastAt = Math.max(lastAt, new Date(e.at).getTime());
      const last = events[events.length - 1];
      after = { xact: last.xact, id: last.id };
      total += events.length;
      if (events.length < chunk) break;
    }
    for (const [day, key, d] of daily.values()) if (!isEmptyDelta(d)) await tx.execute(upsert('report_daily', day, key, d));
    for (const [month, key, d] of monthly.values()) if (!isEmptyDelta(d)) await tx.execute(upsert('report_monthly', month, key, d));
    await tx.execute(sql`
      update projection_cursors set xact = ${after.xact}::bigint, audit_id = ${after.id}::bigint,
        last_at = ${total ? new Date(lastAt).toISOString() : null}::timestamptz
      where name = ${REPORTS_PROJECTION}`);
    return total;
  });
}

/** Applies every committed event there is now (the worker's round, and tests after an action). */
export async function projectReports(db: Db, batch = BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const { applied, busy } = await projectReportsStep(db, batch);
    total += applied;
    if (busy || applied < batch) return total;
  }
}

/** The time of the last event the report figures include (null before the first). */
export async function reportsFreshAsOf(db: Db): Promise<Date | null> {
  const [r] = rowsOf<{ last_at: Date | string | null }>(await db.execute(sql`select last_at from projection_cursors where name = ${REPORTS_PROJECTION}`));
  return r?.last_at ? new Date(r.last_at) : null;
}
