/**
 * `npm run bench:reports -- [--sizes 1000000,10000000] [--iterations 30] [--requests 50] [--no-pages | --pages-only]`:
 * p50/p95 of the whole /reports and /reports/rectifications pages over HTTP from a production
 * server, beside the service call behind each (issue 17), for the last 30 and 365 days; then of
 * every report query getReport runs (issue 4, docs/decisions/0010), at each size, beside the naive
 * GROUP BY over the raw tables that answers the same figures, and the ratio. Needs DATABASE_URL
 * (PostgreSQL); seeds onewindow_bench_<size> with scripts/seed-volume.ts when it is missing.
 * Writes the table to bench/README.md.
 *
 * Each figure group is timed by wrapping the database handle getReport receives, so what is
 * measured is exactly the service's SQL, not a copy of it.
 */
import os from 'node:os';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type SQL } from 'drizzle-orm';
import { createDb, type Db } from '../db/client.js';
import { addDays, chinaDate } from '../services/calendar/working-days.js';
import { defaultConfig, systemClock, type ServiceContext, type UserActor } from '../services/context.js';
import { getReport, percentile } from '../services/reports/metrics.js';
import { rectificationsPage } from '../services/ratings/rectifications.js';
import { databaseUrl, ensureDatabase, seedVolume } from '../scripts/seed-volume.js';
import { signedInCookie } from './load.js';
import { generatedSecret } from '../server/secrets.js';
import { newKeyRingSpec } from '../services/auth/secret-box.js';
import { buildApp, ROOT, startServer, type BenchServer } from './server.js';

/**
 * The order in which getReport issues its execute() calls: the rollup rows (counts, processing
 * days, clerks, missing materials from report_monthly + report_daily), the day series, the backlog,
 * the breakdown by the hierarchy's children of the view (decision 0037; none for an office manager).
 */
const GROUPS = ['rollup', 'series', 'backlog', 'breakdown'] as const;
type Group = (typeof GROUPS)[number];

type Row = {
  report: string;
  who: string;
  /** Days in the report's range (30 or 365); 0 where there is no range (the rectification list). */
  days: number;
  size: number;
  p50: number;
  p95: number;
  naiveP50: number | null;
  naiveP95: number | null;
  /** How many naive runs were timed (after one warm-up run). */
  naiveRuns: number;
};

/** The whole page over HTTP beside the service call it is built on, so the render cost shows. */
export type PageRow = { page: string; who: string; days: number; size: number; serviceP50: number; serviceP95: number; p50: number; p95: number; requests: number };

/** The ranges a manager opens /reports with: the default month and a whole year. */
const RANGES = [30, 365] as const;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Nearest rank, as the reports define it. */
const pct = (xs: number[], p: number) => percentile([...xs].sort((x, y) => x - y), p) ?? 0;

/**
 * Naive runs: one warm-up run (as ours have warm-ups), then as many timed runs as ours have, but
 * stopping once they have taken NAIVE_BUDGET_MS (at least 3 runs): a raw-table scan of a year at
 * 10M takes minutes, so there the run count is smaller than ours, and the table says how many.
 */
const NAIVE_BUDGET_MS = 120_000;
const NAIVE_MIN_RUNS = 3;

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

type Manager = { id: string; staff_no: string; office_code: string; manager_scope: 'office' | 'city'; city_code: string };

async function managersOf(db: Db): Promise<Manager[]> {
  const rows = (
    (await db.execute(sql`
      select u.id, u.staff_no, u.office_code, u.manager_scope, o.city_code
      from users u join offices o on o.code = u.office_code where u.staff_no in ('019000','019001')`)) as unknown as { rows: Manager[] }
  ).rows;
  return rows.sort((a, b) => a.staff_no.localeCompare(b.staff_no));
}

const whoOf = (m: Manager) => (m.manager_scope === 'city' ? 'city manager' : 'office manager');
const actorOf = (m: Manager): UserActor => ({ kind: 'user', id: m.id, role: 'manager', officeCode: m.office_code, skills: [], managerScope: m.manager_scope, cityCode: m.city_code, orgUnitCode: null });

/** Timed runs of `fn` after `warmup` untimed ones. */
async function times(fn: () => Promise<unknown>, warmup: number, iterations: number): Promise<number[]> {
  const xs: number[] = [];
  for (let i = 0; i < warmup + iterations; i++) {
    const t = performance.now();
    await fn();
    if (i >= warmup) xs.push(performance.now() - t);
  }
  return xs;
}

async function bench(db: Db, size: number, iterations: number, warmup: number, log?: (s: string) => void): Promise<Row[]> {
  const today = chinaDate(new Date());
  const out: Row[] = [];
  for (const m of await managersOf(db)) {
    const who = whoOf(m);
    const actor = actorOf(m);
    for (const days of RANGES) {
      const from = addDays(today, -(days - 1));
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
      const naive = naiveQueries(codes, from, today);
      const naiveTimes: Partial<Record<Group, number[]>> = {};
      for (const [g, qs] of Object.entries(naive) as [Group, SQL[]][]) {
        // One warm-up run, as ours have, then up to as many runs as ours within the budget.
        for (const q of qs) await db.execute(q);
        const xs: number[] = [];
        const started = performance.now();
        while (xs.length < iterations && (xs.length < NAIVE_MIN_RUNS || performance.now() - started < NAIVE_BUDGET_MS)) {
          const t = performance.now();
          for (const q of qs) await db.execute(q);
          xs.push(performance.now() - t);
        }
        naiveTimes[g] = xs;
      }
      const runs = Math.min(...Object.values(naiveTimes).map((x) => x.length));
      const naiveWhole = Array.from({ length: runs }, (_, i) => GROUPS.reduce((s, g) => s + (naiveTimes[g]?.[i] ?? perGroup[g][i]), 0));
      out.push({ report: 'whole report', who, days, size, p50: pct(whole, 50), p95: pct(whole, 95), naiveP50: pct(naiveWhole, 50), naiveP95: pct(naiveWhole, 95), naiveRuns: runs });
      for (const g of GROUPS) {
        const n = naiveTimes[g];
        out.push({ report: g, who, days, size, p50: pct(perGroup[g], 50), p95: pct(perGroup[g], 95), naiveP50: n ? pct(n, 50) : null, naiveP95: n ? pct(n, 95) : null, naiveRuns: n?.length ?? 0 });
      }
      log?.(`reports: ${who}, ${days} days, ${size.toLocaleString('en')}: p95 ${pct(whole, 95).toFixed(1)} ms, naive p95 ${pct(naiveWhole, 95).toFixed(1)} ms (${runs} runs)`);
    }
    const ctx: ServiceContext = { db, actor, clock: systemClock, config: defaultConfig() };
    const rect = await times(() => rectificationsPage(ctx), warmup, iterations);
    out.push({ report: 'rectification list', who, days: 0, size, p50: pct(rect, 50), p95: pct(rect, 95), naiveP50: null, naiveP95: null, naiveRuns: 0 });
  }
  return out;
}

/** GETs a page and checks it is the page (200, the marker in it), not a redirect or an error page. */
async function getPage(server: BenchServer, path: string, cookie: string, marker: string): Promise<void> {
  const res = await fetch(`${server.url}${path}`, { redirect: 'manual', headers: { cookie } });
  const body = await res.text();
  if (res.status !== 200 || !body.includes(marker)) throw new Error(`GET ${path}: ${res.status} ${res.headers.get('location') ?? ''} ${body.slice(0, 500)}`);
}

/**
 * The whole pages over HTTP: a production server (bench/server.ts) on the seeded database, each
 * manager signed in with a real session, GET /reports for each range and /reports/rectifications,
 * one request at a time (the latency of one page, not throughput), `warmup` untimed then
 * `requests` timed; beside each, the service call the loader makes, in this process, the same way.
 */
async function benchPages(db: Db, url: string, size: number, requests: number, warmup: number, log: (s: string) => void): Promise<PageRow[]> {
  const uploadDir = mkdtempSync(path.join(os.tmpdir(), 'onewindow-bench-reports-'));
  // seedVolume sealed the demo staff's TOTP secrets under DATA_ENCRYPTION_KEYS, else this
  // checkout's local key (.data/, as the embedded demo keeps it): the server runs with that ring
  // alone, so it neither fails to open them nor reseals them under a key the next run lacks.
  const seededUnder = process.env.DATA_ENCRYPTION_KEYS?.trim() || generatedSecret(ROOT, 'data-encryption-keys', () => newKeyRingSpec('local'));
  const server = await startServer({ databaseUrl: url, uploadDir, log, env: { DATA_ENCRYPTION_KEYS: seededUnder } });
  const out: PageRow[] = [];
  try {
    const today = chinaDate(new Date());
    for (const m of await managersOf(db)) {
      const who = whoOf(m);
      const { cookie } = await signedInCookie(db, server, m.id);
      const ctx: ServiceContext = { db, actor: actorOf(m), clock: systemClock, config: defaultConfig() };
      for (const days of RANGES) {
        const from = addDays(today, -(days - 1));
        const page = `/reports?from=${from}&to=${today}&period=day`;
        const service = await times(() => getReport(ctx, { from, to: today, period: 'day' }), warmup, requests);
        const http = await times(() => getPage(server, page, cookie, 'data-testid="drill-table"'), warmup, requests);
        out.push({ page: '/reports', who, days, size, serviceP50: pct(service, 50), serviceP95: pct(service, 95), p50: pct(http, 50), p95: pct(http, 95), requests });
        log(`reports: GET ${page} as ${who}: p95 ${pct(http, 95).toFixed(1)} ms (service ${pct(service, 95).toFixed(1)} ms)`);
      }
      const service = await times(() => rectificationsPage(ctx), warmup, requests);
      const http = await times(() => getPage(server, '/reports/rectifications', cookie, '<h1'), warmup, requests);
      out.push({ page: '/reports/rectifications', who, days: 0, size, serviceP50: pct(service, 50), serviceP95: pct(service, 95), p50: pct(http, 50), p95: pct(http, 95), requests });
      log(`reports: GET /reports/rectifications as ${who}: p95 ${pct(http, 95).toFixed(1)} ms (service ${pct(service, 95).toFixed(1)} ms)`);
    }
  } finally {
    await server.stop();
    rmSync(uploadDir, { recursive: true, force: true });
  }
  return out;
}

const f = (x: number | null) => (x === null ? '—' : x.toFixed(1));
const ratioOf = (r: Row) => (r.naiveP95 === null ? '—' : `${(r.naiveP95 / r.p95).toFixed(1)}×`);
const range = (days: number) => (days ? `${days} days` : '—');

function table(rows: Row[]): string {
  const head = '| report | as | range | applications | p50 ms | p95 ms | naive p50 ms | naive p95 ms | naive runs | naive ÷ ours (p95) |\n|---|---|---|---:|---:|---:|---:|---:|---:|---:|';
  return [
    head,
    ...rows.map((r) => `| ${r.report} | ${r.who} | ${range(r.days)} | ${r.size.toLocaleString('en')} | ${f(r.p50)} | ${f(r.p95)} | ${f(r.naiveP50)} | ${f(r.naiveP95)} | ${r.naiveRuns || '—'} | ${ratioOf(r)} |`),
  ].join('\n');
}

function pageTable(rows: PageRow[]): string {
  const head =
    '| page | as | range | applications | service p50 ms | service p95 ms | page p50 ms | page p95 ms | page − service (p95) | goal p95 ≤ 100 ms |\n|---|---|---|---:|---:|---:|---:|---:|---:|---|';
  return [
    head,
    ...rows.map(
      (r) =>
        `| ${r.page} | ${r.who} | ${range(r.days)} | ${r.size.toLocaleString('en')} | ${f(r.serviceP50)} | ${f(r.serviceP95)} | ${f(r.p50)} | ${f(r.p95)} | ${f(r.p95 - r.serviceP95)} | ${Number(r.p95.toFixed(1)) <= 100 ? 'met' : '**not met**'} |`,
    ),
  ].join('\n');
}

export type ReportsBench = { rows: Row[]; pages: PageRow[]; markdown: string; version: string };

/**
 * Runs the reports benchmark at each size on `base` (a PostgreSQL URL; each size gets its own
 * database, seeded when missing) and returns the rows and the markdown section for bench/README.md.
 * `npm run bench` calls this for its reports rows; `npm run bench:reports` runs it alone.
 */
export async function runReportsBench(
  base: string,
  opts: { sizes: number[]; iterations: number; requests?: number; pages?: boolean; service?: boolean; log?: (s: string) => void },
): Promise<ReportsBench> {
  const log = opts.log ?? (() => {});
  const requests = opts.requests ?? Math.max(50, opts.iterations);
  const withPages = opts.pages !== false;
  const rows: Row[] = [];
  const pages: PageRow[] = [];
  const seeded: string[] = [];
  let version = '';
  if (withPages) buildApp(log);
  for (const size of opts.sizes) {
    const name = `onewindow_bench_${size}`;
    await ensureDatabase(base, name, false);
    const url = databaseUrl(base, name);
    // Seeds what is missing (a database already at `size` returns at once).
    const t = performance.now();
    await seedVolume(url, { applications: size, log });
    const seedSecs = (performance.now() - t) / 1000;
    if (seedSecs > 60) seeded.push(`${size.toLocaleString('en')} seeded in ${(seedSecs / 60).toFixed(1)} min`);
    const handle = await createDb({ url, max: 2 });
    try {
      version = ((await handle.db.execute(sql`select version() as v`)) as unknown as { rows: { v: string }[] }).rows[0].v;
      const load = os.loadavg()[0].toFixed(1);
      if (withPages) pages.push(...(await benchPages(handle.db, url, size, requests, 5, log)));
      if (opts.service !== false) rows.push(...(await bench(handle.db, size, opts.iterations, 3, log)));
      log(`reports at ${size.toLocaleString('en')}: load average ${load} before, ${os.loadavg()[0].toFixed(1)} after`);
    } finally {
      await handle.close();
    }
    log(pageTable(pages.filter((r) => r.size === size)));
    log(table(rows.filter((r) => r.size === size)));
  }
  const markdown = `## Reports (\`npm run bench:reports\`)

Sizes ${opts.sizes.map((s) => s.toLocaleString('en')).join(', ')} applications; ranges: the last 30 days (the page's default)
and the last 365 days, period = day.${seeded.length ? ` (${seeded.join(', ')}.)` : ''}

**The whole page.** A production server (\`NODE_ENV=production\`, bench/server.ts) on the seeded database, each
manager signed in with a real session; one request at a time, ${withPages ? requests : '—'} timed GETs after 5 warm-ups
per row. "service" is the call the page's loader makes (getReport, rectificationsPage), timed in this process
the same way; "page − service" is what the HTTP round trip, the session check, the loader's other reads and
the render add.

${withPages ? pageTable(pages) : '(not run: --no-pages)'}

**The service, query by query.** ${opts.iterations} timed iterations after 3 warm-ups. Rows: the whole getReport
call (services/reports/metrics.ts), and each query it runs, timed inside the service: "rollup" (every count and
rate, processing-time medians, per-clerk throughput and missing materials, from report_monthly + report_daily),
"series" (the day series from report_daily), "backlog" (open applications now, from the raw table) and
"breakdown" (the hierarchy's children; none for an office manager). "naive" computes the same figures straight
from the raw tables (audit_events, applications, waiting_intervals, decisions, notices, ratings) with GROUP BY and
percentile_disc, no rollup (docs/decisions/0010, 0013); the backlog and breakdown have no naive twin, so the
naive whole report reuses their times. Naive runs are warmed like ours (one untimed run first), then timed up to
as many times as ours, stopping after ${NAIVE_BUDGET_MS / 1000} s of runs (at least ${NAIVE_MIN_RUNS}): "naive runs" says
how many were timed. "rectification list" is the service of /reports/rectifications.

${table(rows)}
`;
  return { rows, pages, markdown, version: version.split(' on ')[0] };
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
    console.error('usage: npm run bench:reports -- [--sizes 1000000,10000000] [--iterations 30] [--requests 50] [--no-pages | --pages-only]');
    process.exit(2);
  }
  const iterations = Number(arg('iterations') ?? 30);
  const requests = Number(arg('requests') ?? 50);
  const loadAtStart = os.loadavg()[0].toFixed(1);
  const result = await runReportsBench(base, { sizes, iterations, requests, pages: !process.argv.includes('--no-pages'), service: !process.argv.includes('--pages-only'), log: console.log });
  if (process.argv.includes('--pages-only')) {
    // A quick look at the pages alone (no naive runs): printed, bench/README.md left as it is.
    process.exit(0);
  }
  const stamp = `Latest run: ${new Date().toISOString().slice(0, 10)}, load average ${loadAtStart} at the start and ${os.loadavg()[0].toFixed(1)} at the end. Machine: ${machineLine(result.version)}.`;
  writeReadmeSection('reports', `${result.markdown}\n${stamp}`);
  console.log(`\nwritten to bench/README.md`);
}
