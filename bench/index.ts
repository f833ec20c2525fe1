/**
 * `npm run bench -- [--duration 10] [--only submissions,pages,queue,reports,desk]
 *                   [--connections 16,64] [--page-connections 16] [--queue-items 100000]
 *                   [--reports-sizes 1000000,…] [--reports-iterations 10] [--desk-sizes 1000,10000,100000]
 *                   [--desk-iterations 60] [--clerks 4,16,64] [--clerk-ports 3104,3105] [--server-port 3106] [--keep-db]`
 *
 * Issue 7: every row measured beside its reference in the same run, against the production
 * build on the local PostgreSQL (DATABASE_URL, its database part ignored; default
 * postgres://postgres@127.0.0.1:5432), printed as one table and kept in bench/README.md with the
 * machine it ran on.
 *
 * - submissions and pages: a fresh database, `remix build`, the production server on its own
 *   port (bench/server.ts); bench/submissions.ts, bench/pages.ts;
 * - queue: bench/queue.ts (in-process, its own databases);
 * - reports: bench/reports.ts, on the onewindow_bench_<n> databases that are already seeded
 *   (largest first; 20,000 when there is none, seeded on the way);
 * - desk: bench/desk.ts (in-process, its own databases onewindow_bench_desk_<n>, dropped after);
 * - clerk-loop: bench/clerk-loop.ts (N clerks signed in with TOTP, over HTTP, against two
 *   production servers on its own database, dropped after).
 *
 * Exits 1 when any check fails (a response that was not success, an item claimed twice, …);
 * only the sections whose checks held are written to bench/README.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { createDb } from '../db/client.js';
import { databaseUrl, dropDatabase, ensureDatabase } from '../scripts/seed-volume.js';
import { runClerkLoopBench } from './clerk-loop.js';
import { deskTableRows, runDeskBench } from './desk.js';
import { runPagesBench } from './pages.js';
import { runQueueBench, type BenchRow } from './queue.js';
import { machineLine, runReportsBench, writeReadmeSection } from './reports.js';
import { buildApp, serverFactory } from './server.js';
import { runSubmissionsBench } from './submissions.js';
import { markdownTable, ms, rate, textTable, type Row } from './table.js';

const PARTS = ['submissions', 'pages', 'queue', 'reports', 'desk', 'clerk-loop'] as const;
type Part = (typeof PARTS)[number];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function numbers(name: string, fallback: number[]): number[] {
  const v = arg(name);
  if (v === undefined) return fallback;
  const xs = v.split(',').map(Number);
  if (xs.some((x) => !Number.isInteger(x) || x <= 0)) usage(`--${name} takes positive integers, comma-separated`);
  return xs;
}

function usage(problem: string): never {
  console.error(`${problem}
usage: npm run bench -- [--duration 10] [--only ${PARTS.join(',')}] [--connections 16,64] [--page-connections 16]
                        [--queue-items 100000] [--reports-sizes N,…] [--reports-iterations 10] [--desk-sizes N,…]
                        [--desk-iterations 60] [--clerks 4,16,64] [--clerk-ports P1,P2] [--server-port P] [--keep-db]`);
  process.exit(2);
}

const t0 = Date.now();
const log = (s: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${s}`);

/**
 * The reports databases to measure by default: onewindow_bench_<n> that are fully seeded (n
 * generated applications) and that nobody is writing to right now (a seed still running), largest
 * first, so `npm run bench` never starts an hours-long seed on its own.
 */
async function seededReportSizes(base: string): Promise<number[]> {
  const admin = new pg.Client({ connectionString: databaseUrl(base, 'postgres') });
  await admin.connect();
  const sizes: number[] = [];
  try {
    const { rows } = await admin.query<{ datname: string; busy: number }>(
      `select d.datname, (select count(*) from pg_stat_activity a where a.datname = d.datname and a.pid <> pg_backend_pid())::int as busy
       from pg_database d where d.datname ~ '^onewindow_bench_[0-9]+$'`,
    );
    for (const { datname, busy } of rows) {
      const n = Number(datname.slice('onewindow_bench_'.length));
      if (busy > 0) {
        log(`reports: skipping ${datname}: ${busy} other connection(s) to it (a seed still running?)`);
        continue;
      }
      const c = new pg.Client({ connectionString: databaseUrl(base, datname) });
      await c.connect();
      try {
        const r = await c.query<{ n: number }>(`select count(*)::int as n from applications where number like 'V%'`);
        if (r.rows[0].n >= n) sizes.push(n);
        else log(`reports: skipping ${datname}: ${r.rows[0].n} of ${n} applications seeded`);
      } catch (e) {
        log(`reports: skipping ${datname}: ${(e as Error).message}`);
      } finally {
        await c.end();
      }
    }
  } finally {
    await admin.end();
  }
  return sizes.sort((a, b) => b - a);
}

function queueRow(r: BenchRow): Row {
  const met = r.ratio === undefined || !r.goal ? null : r.ratio >= Number(/[\d.]+/.exec(r.goal)?.[0] ?? 1);
  return {
    label: r.label,
    measured: `${rate(r.value)} ${r.unit}`,
    reference: r.reference === undefined ? '—' : `${rate(r.reference)} ${r.referenceLabel ?? 'jobs/s (pg-boss)'}`,
    ratio: r.ratio === undefined ? '—' : r.ratio.toFixed(3),
    goal: r.goal ?? '—',
    met,
    // In-process clerks (bench/queue.ts), not through the server.
    peakRss: '— (no server)',
  };
}

async function main() {
  const known = ['--duration', '--only', '--connections', '--page-connections', '--queue-items', '--reports-sizes', '--reports-iterations', '--desk-sizes', '--desk-iterations', '--clerks', '--clerk-ports', '--server-port', '--keep-db'];
  const unknown = process.argv.slice(2).filter((a) => a.startsWith('--') && !known.includes(a));
  if (unknown.length) usage(`unknown option ${unknown.join(' ')}`);
  const seconds = Number(arg('duration') ?? 10);
  if (!Number.isFinite(seconds) || seconds < 1) usage('--duration takes seconds ≥ 1');
  const only = new Set((arg('only') ?? PARTS.join(',')).split(',')) as Set<Part>;
  for (const p of only) if (!PARTS.includes(p)) usage(`--only: unknown part ${p}`);
  const connections = numbers('connections', [16, 64]);
  const [pageConnections] = numbers('page-connections', [16]);
  const [queueItems] = numbers('queue-items', [100_000]);
  const reportIterations = numbers('reports-iterations', [10])[0];
  const base = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  if (!/^postgres(ql)?:\/\//.test(base)) usage('DATABASE_URL must be a PostgreSQL URL (postgres://…): the benchmark runs on PostgreSQL');

  const rows: Row[] = [];
  const sections: { name: string; body: string }[] = [];
  const failed: string[] = [];
  let version = '';
  const today = new Date().toISOString().slice(0, 10);
  // Everything shares the same cores: say how busy the machine was, since it moves every figure.
  const load = () => os.loadavg()[0].toFixed(1);
  const loadAtStart = load();
  log(`load average at start: ${loadAtStart} on ${os.cpus().length} CPUs`);

  if (only.has('submissions') || only.has('pages')) {
    buildApp(log);
    const name = `onewindow_bench_http_${Date.now()}`;
    await ensureDatabase(base, name, true);
    const url = databaseUrl(base, name);
    const uploadDir = mkdtempSync(path.join(os.tmpdir(), 'onewindow-bench-uploads-'));
    const [serverPort] = numbers('server-port', []);
    const servers = serverFactory({ databaseUrl: url, uploadDir, log, port: serverPort });
    const handle = await createDb({ url, max: 2 });
    const http: string[] = [];
    try {
      // The first start migrates and seeds the database; the bench's own handle reads it after.
      await servers.running();
      version = ((await handle.db.execute(sql`select version() as v`)) as unknown as { rows: { v: string }[] }).rows[0].v.split(' on ')[0];
      // Pages first: the desk is measured with exactly its 50 rows, before thousands of filings
      // (at another office, but in the same tables) have been made.
      if (only.has('pages')) {
        const p = await runPagesBench(handle.db, servers, { connections: pageConnections, seconds, databaseUrl: url, log });
        rows.push(...p.rows);
        if (p.ok) http.push(p.markdown);
        else failed.push('pages');
      }
      if (only.has('submissions')) {
        const s = await runSubmissionsBench(servers, handle.db, url, { connections, seconds, log });
        rows.unshift(...s.rows);
        if (s.ok) http.unshift(s.markdown);
        else failed.push('submissions');
      }
    } finally {
      await handle.close();
      await servers.stop();
      rmSync(uploadDir, { recursive: true, force: true });
      if (process.argv.includes('--keep-db')) log(`kept database ${name}`);
      else await dropDatabase(base, name);
    }
    if (http.length) {
      sections.push({
        name: 'http',
        body: `## Submissions and pages (\`npm run bench\`)

The production build (\`NODE_ENV=production\`, server/index.ts) on a fresh database of the local PostgreSQL,
driven by autocannon from the same machine; no external system is asked (the filed item needs none, the pages
neither; MOCKS=false, their URLs point at a closed port), the outbox worker off, as when it runs as its own process, and the default pool of 10
connections. Each measured load runs on a fresh server process (after its warm-up), and its server peak RSS is that
process's resident memory high-water mark during the load.

${http.join('\n')}
Latest run: ${today}, ${seconds} s per load, load average ${loadAtStart} at the start and ${load()} at the end. Machine: ${machineLine(version)}.`,
      });
    }
  }

  if (only.has('queue')) {
    const q = await runQueueBench({ baseUrl: base, items: queueItems, durationSeconds: seconds, log });
    version ||= q.version;
    rows.push(...q.rows.map(queueRow));
    if (q.ok) sections.push({ name: 'queue', body: `${q.markdown}\nLatest run: ${today}. Machine: ${machineLine(q.version)}.` });
    else failed.push('queue');
  }

  if (only.has('reports')) {
    let sizes = numbers('reports-sizes', []);
    if (sizes.length === 0) {
      sizes = await seededReportSizes(base);
      if (sizes.length === 0) {
        sizes = [20_000];
        log('reports: no seeded onewindow_bench_<n> database; seeding 20,000 applications (npm run seed:volume for more)');
      }
    }
    log(`reports: sizes ${sizes.map((s) => s.toLocaleString('en')).join(', ')}, ${reportIterations} iterations`);
    const r = await runReportsBench(base, { sizes, iterations: reportIterations, requests: Math.max(50, reportIterations), log });
    version ||= r.version;
    // The issue's goal is about each report as a manager opens it: the whole page (issue 17),
    // beside the naive GROUP BY of the same range (which has no page of its own).
    for (const p of r.pages) {
      const x = r.rows.find((x) => x.report === 'whole report' && x.who === p.who && x.days === p.days && x.size === p.size);
      rows.push({
        label: `Reports page ${p.page}: ${p.who}${p.days ? `, ${p.days} days` : ''}, ${p.size.toLocaleString('en')} applications (p50 ${ms(p.p50)}; service p95 ${ms(p.serviceP95)})`,
        measured: `${ms(p.p95)} p95`,
        reference: x?.naiveP95 == null ? '—' : `${ms(x.naiveP95)} p95 (naive GROUP BY, service only)`,
        ratio: x?.naiveP95 == null ? '—' : `${(x.naiveP95 / p.p95).toFixed(1)}× faster`,
        goal: '≤ 100 ms p95',
        // Judged on the figure shown.
        met: Number(p.p95.toFixed(1)) <= 100,
        peakRss: '—',
      });
    }
    sections.push({ name: 'reports', body: `${r.markdown}\nLatest run: ${today}. Machine: ${machineLine(r.version)}.` });
  }

  if (only.has('desk')) {
    const d = await runDeskBench({
      baseUrl: base,
      sizes: numbers('desk-sizes', [1_000, 10_000, 100_000]),
      iterations: numbers('desk-iterations', [60])[0],
      log,
      keep: process.argv.includes('--keep-db'),
    });
    version ||= d.version;
    rows.push(...deskTableRows(d.rows));
    if (d.ok) sections.push({ name: 'desk', body: `${d.markdown}\nLatest run: ${today}, load average ${loadAtStart} at the start of \`npm run bench\` and ${load()} after the desk (other work may share the machine). Machine: ${machineLine(d.version)}.` });
    else failed.push('desk');
  }

  if (only.has('clerk-loop')) {
    const ports = numbers('clerk-ports', []);
    if (ports.length !== 0 && ports.length !== 2) usage('--clerk-ports takes two ports');
    const c = await runClerkLoopBench({
      baseUrl: base,
      clerks: numbers('clerks', [4, 16, 64]),
      seconds,
      // Built already this run when the HTTP benches ran.
      build: !(only.has('submissions') || only.has('pages')),
      ports: ports.length === 2 ? [ports[0], ports[1]] : undefined,
      keep: process.argv.includes('--keep-db'),
      log,
    });
    version ||= c.version;
    rows.push(...c.rows);
    if (c.ok) sections.push({ name: 'clerk-loop', body: `${c.markdown}\n\nLatest run: ${today}. Machine: ${machineLine(c.version)}.` });
    else failed.push('clerk-loop');
  }

  console.log(`\n${textTable(rows)}\n`);
  console.log(`Machine: ${machineLine(version)}. ${today}. Load average ${loadAtStart} at the start, ${load()} at the end.`);
  for (const s of sections) writeReadmeSection(s.name, s.body);
  // The summary table is kept only from a complete run, so it never mixes runs.
  if (PARTS.every((p) => only.has(p)) && failed.length === 0) {
    writeReadmeSection(
      'summary',
      `## Latest \`npm run bench\`

${markdownTable(rows)}

${today}, ${seconds} s per load, load average ${loadAtStart} at the start and ${load()} at the end. Machine: ${machineLine(version)}. Details in the sections below.`,
    );
  }
  if (sections.length) console.log(`written to bench/README.md: ${sections.map((s) => s.name).join(', ')}`);
  if (failed.length) {
    console.error(`\nFAILED checks: ${failed.join(', ')} (their sections were not written)`);
    process.exitCode = 1;
  }
}


main().catch((e) => {
  console.error(e);
  process.exit(1);
});
