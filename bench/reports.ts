/**
 * `npm run bench:reports -- [--sizes 1000000,10000000] [--iterations 30]`: p50/p95 of every
 * report query getReport runs (issue 4, docs/decisions/0010), at each size, beside the naive
 * GROUP BY over the raw tables that answers the same figures, and the ratio. Needs DATABASE_URL
 * (PostgreSQL); seeds onewindow_bench_<size> with scripts/seed-volume.ts when it is missing.
 * Writes the table to bench/README.md.
 *
 * Each figure group is timed by wrapping the database handle getReport receives, so what is
 * measured is exactly the service's SQL, not a copy of it.
 */
import os from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type SQL } from 'drizzle-orm';
import { createDb, type Db } from '../db/client.js';
import { addDays, chinaDate } from '../services/calendar/working-days.js';
import { defaultConfig, systemClock, type ServiceContext, type UserActor } from '../services/context.js';
import { getReport, percentile } from '../services/reports/metrics.js';
import { listRectifications } from '../services/ratings/rectifications.js';
import { databaseUrl, ensureDatabase, seedVolume } from '../scripts/seed-volume.js';

/**
 * The order in which getReport issues its execute() calls: the rollup rows (counts, processing
 * days, clerks, missing materials from report_monthly + report_daily), the day series, the backlog,
 * the breakdown by the hierarchy's children of the view (decision 0037; none for an office manager).
 */
const GROUPS = ['rollup', 'series', 'backlog', 'breakdown'] as const;
type Group = (typeof GROUPS)[number];

type Row = { report: string; who: string; size: number; p50: number; p95: number; naiveP50: number | null; naiveP95: number | null };

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Nearest rank, as the reports define it. */
const pct = (xs: number[], p: number) => percentile([...xs].sort((x, y) => x - y), p) ?? 0;

const naiveRuns = (size: number, iterations: number) => Math.min(iterations, size >= 5_000_000 ? 1 : size >= 1_000_000 ? 3 : iterations);

/** A Db whose execute() calls are timed, in the order they start, into `sink`. */
function timed(db: Db, sink: number[]): Db {
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== 'execute') return Reflect.get(target, prop, receiver) as unknown;
      return async (q: SQL) => {
        // Labelled by the order the calls start in (getReport starts its reads together).
        const k = sink.length;
        sink.push(0);
        const t = performance.now();
        const r = await target.execute(q);
        sink[k] = performance.now() - t;
        return r;
      };
    },
  });
}


/**
 * What a report would cost without the rollup: the same counts and rates grouped straight from
 * the audit trail and the ratings (totals), and the day series from the audit trail. The other
 * groups already read the raw tables, so they have no naive twin.
 */
function naiveQueries(codes: string[], from: string, to: string): Partial<Record<Group, SQL[]>> {
  const list = sql.join(codes.map((c) => sql`${c}`), sql`, `);
  const inRange = sql`e.at >= (${from}::date)::timestamp at time zone 'Asia/Shanghai' and e.at < ((${to}::date + 1)::timestamp at time zone 'Asia/Shanghai')`;
  const decidedInRange = sql`(a.decided_at at time zone 'Asia/Shanghai')::date between ${from}::date and ${to}::date`;
  return {
    rollup: [
      sql`
      select count(*) filter (where e.to_status = 'submitted') as received,
             count(*) filter (where e.to_status = 'submitted' and left(u.id_number, 2) <> left(o.city_code, 2)) as cross_province,
             count(*) filter (where e.to_status = 'accepted') as accepted,
             count(*) filter (where e.action = 'application.deemedAccepted') as deemed,
             count(*) filter (where e.to_status = 'not_accepted') as not_accepted,
             count(*) filter (where e.to_status = 'completed') as completed,
             count(*) filter (where e.to_status = 'completed' and (e.at at time zone 'Asia/Shanghai')::date <= a.due_date) as on_time,
             count(*) filter (where e.to_status = 'completed' and not exists (select 1 from notices n where n.application_id = a.id)) as one_visit,
             count(*) filter (where e.to_status = 'refused') as refused,
             count(*) filter (where e.to_status = 'withdrawn') as withdrawn,
             count(*) filter (where e.to_status = 'needs_supplement') as notices,
             (select count(*) from ratings r where r.office_code in (${list}) and r.day between ${from}::date and ${to}::date) as ratings,
             (select count(*) from ratings r where r.office_code in (${list}) and r.day between ${from}::date and ${to}::date and r.score >= 3) as satisfied
      from audit_events e join applications a on a.id = e.application_id join users u on u.id = a.applicant_id
           left join offices o on o.code = e.office_code
      where e.to_status is not null and e.office_code in (${list}) and ${inRange}`,
      // Processing days: what the report read before the tallies (session 1), working days in SQL.
      sql`
      with wd as (
        select d::date as day, sum(case when c.kind = 'workday' then 1 when c.kind = 'holiday' then 0
                                        when extract(isodow from d) in (6, 7) then 0 else 1 end) over (order by d) as cum
        from generate_series(${from}::date - 800, ${to}::date + 1, interval '1 day') d left join calendar_days c on c.day = d::date)
      select percentile_disc(array[0.5, 0.9]) within group (order by t.total) as total,
             percentile_disc(array[0.5, 0.9]) within group (order by t.waiting) as waiting
      from (select greatest(0, d.cum - s.cum) as total,
                   coalesce((select sum(greatest(0, we.cum - ws.cum)) from waiting_intervals w
                             join wd ws on ws.day = (w.started_at at time zone 'Asia/Shanghai')::date
                             join wd we on we.day = coalesce((w.ended_at at time zone 'Asia/Shanghai')::date, (a.decided_at at time zone 'Asia/Shanghai')::date)
                             where w.application_id = a.id), 0) as waiting
            from applications a
            join wd d on d.day = (a.decided_at at time zone 'Asia/Shanghai')::date
            join wd s on s.day = (a.submitted_at at time zone 'Asia/Shanghai')::date
            where a.status in ('completed','refused') and a.office_code in (${list}) and ${decidedInRange}) t`,
      sql`
      select d.clerk_id, count(*)::int as decided, count(*) filter (where d.kind = 'completed')::int as completed
      from decisions d join applications a on a.id = d.application_id
      where d.clerk_id is not null and (d.at at time zone 'Asia/Shanghai')::date between ${from}::date and ${to}::date and a.office_code in (${list})
      group by d.clerk_id order by decided desc limit 50`,
      sql`
      select a.service_code, item->>'materialCode' as material_code, count(*)::int as count
      from notices n join applications a on a.id = n.application_id, jsonb_array_elements(n.items) item
      where n.issue_date between ${from}::date and ${to}::date and a.office_code in (${list})
      group by 1, 2`,
    ],
    series: [
      sql`
      select (e.at at time zone 'Asia/Shanghai')::date as day,
             count(*) filter (where e.to_status = 'submitted') as received, count(*) filter (where e.to_status = 'accepted') as accepted,
             count(*) filter (where e.to_status = 'completed') as completed, count(*) filter (where e.to_status = 'refused') as refused
      from audit_events e
      where e.to_status in ('submitted','accepted','completed','refused') and e.office_code in (${list}) and ${inRange}
      group by 1 order by 1`,
    ],
  };
}

async function bench(db: Db, size: number, iterations: number, warmup: number): Promise<Row[]> {
  const managers = (
    (await db.execute(sql`
      select u.id, u.staff_no, u.office_code, u.manager_scope, o.city_code
      from users u join offices o on o.code = u.office_code where u.staff_no in ('019000','019001')`)) as unknown as {
      rows: { id: string; staff_no: string; office_code: string; manager_scope: 'office' | 'city'; city_code: string }[];
    }
  ).rows;
  const today = chinaDate(new Date());
  const from = addDays(today, -364);
  const out: Row[] = [];
  for (const m of managers.sort((a, b) => a.staff_no.localeCompare(b.staff_no))) {
    const who = m.manager_scope === 'city' ? 'city manager' : 'office manager';
    const actor: UserActor = { kind: 'user', id: m.id, role: 'manager', officeCode: m.office_code, skills: [], managerScope: m.manager_scope, cityCode: m.city_code, orgUnitCode: null };
    const whole: number[] = [];
    const perGroup: Record<Group, number[]> = { rollup: [], series: [], backlog: [], breakdown: [] };
    let codes: string[] = [];
    for (let i = 0; i < warmup + iterations; i++) {
      const calls: number[] = [];
      const ctx: ServiceContext = { db: timed(db, calls), actor, clock: systemClock, config: defaultConfig() };
      const t = performance.now();
      const report = await getReport(ctx, { from, to: today, period: 'day' });
      const ms = performance.now() - t;
      codes = report.offices;
      if (i < warmup) continue;
      whole.push(ms);
      GROUPS.forEach((g, k) => perGroup[g].push(calls[k] ?? 0));
    }
    const rect: number[] = [];
    for (let i = 0; i < warmup + iterations; i++) {
      const ctx: ServiceContext = { db, actor, clock: systemClock, config: defaultConfig() };
      const t = performance.now();
      await listRectifications(ctx);
      if (i >= warmup) rect.push(performance.now() - t);
    }
    const naive = naiveQueries(codes, from, today);
    const naiveTimes: Partial<Record<Group, number[]>> = {};
    for (const [g, qs] of Object.entries(naive) as [Group, SQL[]][]) {
      const xs: number[] = [];
      // Raw-table scans at millions of rows take seconds to minutes: a few runs tell the story
      // (one at 10M: p50 = p95 = that run), without a warm-up above 1M.
      const runs = naiveRuns(size, iterations);
      const warm = size >= 1_000_000 ? 0 : 1;
      for (let i = 0; i < warm + runs; i++) {
        const t = performance.now();
        for (const q of qs) await db.execute(q);
        if (i >= warm) xs.push(performance.now() - t);
      }
      naiveTimes[g] = xs;
    }
    const runs = naiveTimes.rollup?.length ?? 0;
    const naiveWhole = Array.from({ length: runs }, (_, i) => GROUPS.reduce((s, g) => s + (naiveTimes[g]?.[i] ?? perGroup[g][i]), 0));
    out.push({ report: 'whole report', who, size, p50: pct(whole, 50), p95: pct(whole, 95), naiveP50: runs ? pct(naiveWhole, 50) : null, naiveP95: runs ? pct(naiveWhole, 95) : null });
    for (const g of GROUPS) {
      const n = naiveTimes[g];
      out.push({ report: g, who, size, p50: pct(perGroup[g], 50), p95: pct(perGroup[g], 95), naiveP50: n ? pct(n, 50) : null, naiveP95: n ? pct(n, 95) : null });
    }
    out.push({ report: 'rectification list', who, size, p50: pct(rect, 50), p95: pct(rect, 95), naiveP50: null, naiveP95: null });
  }
  return out;
}

const f = (x: number | null) => (x === null ? '—' : x.toFixed(1));
const ratioOf = (r: Row) => (r.naiveP95 === null ? '—' : `${(r.naiveP95 / r.p95).toFixed(1)}×`);

function table(rows: Row[]): string {
  const head = '| report | as | applications | p50 ms | p95 ms | naive p50 ms | naive p95 ms | naive ÷ ours (p95) |\n|---|---|---:|---:|---:|---:|---:|---:|';
  return [head, ...rows.map((r) => `| ${r.report} | ${r.who} | ${r.size.toLocaleString('en')} | ${f(r.p50)} | ${f(r.p95)} | ${f(r.naiveP50)} | ${f(r.naiveP95)} | ${ratioOf(r)} |`)].join('\n');
}

export type ReportsBench = { rows: Row[]; markdown: string; version: string };

/**
 * Runs the reports benchmark at each size on `base` (a PostgreSQL URL; each size gets its own
 * database, seeded when missing) and returns the rows and the markdown section for bench/README.md.
 * `npm run bench` calls this for its reports rows; `npm run bench:reports` runs it alone.
 */
export async function runReportsBench(base: string, opts: { sizes: number[]; iterations: number; log?: (s: string) => void }): Promise<ReportsBench> {
  const rows: Row[] = [];
  let version = '';
  for (const size of opts.sizes) {
    const name = `onewindow_bench_${size}`;
    await ensureDatabase(base, name, false);
    const url = databaseUrl(base, name);
    // Seeds what is missing (a database already at `size` returns at once).
    await seedVolume(url, { applications: size });
    const handle = await createDb({ url, max: 2 });
    try {
      version = ((await handle.db.execute(sql`select version() as v`)) as unknown as { rows: { v: string }[] }).rows[0].v;
      rows.push(...(await bench(handle.db, size, opts.iterations, 3)));
    } finally {
      await handle.close();
    }
    opts.log?.(table(rows.filter((r) => r.size === size)));
  }
  const markdown = `## Reports (\`npm run bench:reports\`)

Sizes ${opts.sizes.map((s) => s.toLocaleString('en')).join(', ')} applications,
${opts.iterations} timed iterations after 3 warm-ups, range = the last 365 days, period = day.

Rows: the whole getReport call (services/reports/metrics.ts) as a manager opens /reports, and each
query it runs, timed inside the service: "rollup" (every count and rate, processing-time medians,
per-clerk throughput and missing materials, from report_monthly + report_daily), "series" (the day
series from report_daily) and "backlog" (open applications now, from the raw table). "naive" computes
the same figures straight from the raw tables (audit_events, applications, waiting_intervals,
decisions, notices, ratings) with GROUP BY and percentile_disc, no rollup (docs/decisions/0010, 0013);
the backlog has no rollup, so the naive whole report reuses its time. Naive runs: 3 at 1M (no
warm-up), 1 at 10M (p50 = p95 = that run; each takes minutes). "rectification list" is
/reports/rectifications (open bad reviews by deadline, then the latest closed).

${table(rows)}
`;
  return { rows, markdown, version: version.split(' on ')[0] };
}

export const machineLine = (pgVersion: string) =>
  `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB memory, ${pgVersion}`;

/**
 * bench/README.md holds one section per benchmark between markers, so each command rewrites only
 * its own section and the others' latest results stay.
 */
export function writeReadmeSection(name: string, body: string): void {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'README.md');
  const begin = `<!-- bench:${name}:begin -->`;
  const end = `<!-- bench:${name}:end -->`;
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = '# Benchmarks\n';
  }
  const block = `${begin}\n${body.trim()}\n${end}`;
  const at = text.indexOf(begin);
  const stop = text.indexOf(end);
  text = at >= 0 && stop > at ? text.slice(0, at) + block + text.slice(stop + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, text);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const base = process.env.DATABASE_URL;
  if (!base || !/^postgres(ql)?:\/\//.test(base)) {
    console.error('bench:reports needs DATABASE_URL=postgres://… (PostgreSQL); the benchmark is about PostgreSQL at millions of rows.');
    process.exit(2);
  }
  const sizes = (arg('sizes') ?? '1000000,10000000').split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0)) {
    console.error('usage: npm run bench:reports -- [--sizes 1000000,10000000] [--iterations 30]');
    process.exit(2);
  }
  const iterations = Number(arg('iterations') ?? 30);
  const result = await runReportsBench(base, { sizes, iterations, log: console.log });
  const stamp = `Latest run: ${new Date().toISOString().slice(0, 10)}. Machine: ${machineLine(result.version)}.`;
  writeReadmeSection('reports', `${result.markdown}\n${stamp}`);
  console.log(`\nwritten to bench/README.md`);
}
