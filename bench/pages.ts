/**
 * Pages (issue 7): server rendering of /services, /services/:code and /desk — the last as a
 * signed-in clerk of an office with 50 open items — each beside a static file the same server
 * serves (a fingerprinted asset of the build), at the same number of connections.
 */
import { and, count, eq, ne } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { queueItems } from '../db/schema/index.js';
import { DEMO_USERS } from '../db/seed-data.js';
import { spawn } from 'node:child_process';
import { failureLine, fileOnce, runLoad, signedInCookie, userIdBy, type LoadResult } from './load.js';
import { freePort, mib, ROOT, type BenchServer, type serverFactory } from './server.js';
import { ms, rate, type Row } from './table.js';

const DESK_OFFICE = 'bj-dongcheng';
const DESK_ROWS = 50;
const SERVICE = 'passport';
const ROUNDS = 2;

/** Runs of one side pooled: the rate over their total time, percentiles over every response. */
function pooled(runs: LoadResult[]): LoadResult {
  const ok = runs.reduce((n, r) => n + r.ok, 0);
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { ...runs[0], ok, seconds, reqPerSec: ok / seconds, p50: at(0.5), p99: at(0.99), peakRss: Math.max(...runs.map((r) => r.peakRss)), latencies };
}

const pct = (a: LoadResult, b: LoadResult) => `${((100 * a.reqPerSec) / b.reqPerSec).toFixed(1)}%`;

/**
 * What a reader gets of a page, to compare the references with the portal: the scripts (Remix's
 * hydration, the reference's JSON) and modulepreload links set aside, and the nonces, which differ
 * per response. null when equal, else where they part.
 */
export function sameMarkup(page: string, reference: string): string | null {
  const strip = (html: string) =>
    html
      .replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '')
      .replace(/<link rel="modulepreload"[^>]*\/>/g, '')
      .replace(/ nonce="[^"]*"/g, '');
  const [a, b] = [strip(page), strip(reference)];
  if (a === b) return null;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `at character ${i}: page …${a.slice(Math.max(0, i - 80), i + 120)}… reference …${b.slice(Math.max(0, i - 80), i + 120)}…`;
}

/** A reference server (bench/pages-reference.ts) on the portal's database, with its session secret. */
async function startReference(render: 'react' | 'template', portal: BenchServer, databaseUrl: string, hydrates: string[], log: (s: string) => void): Promise<BenchServer> {
  const port = await freePort();
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'bench/pages-reference.ts'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: databaseUrl, PORT: String(port), SESSION_SECRET: portal.sessionSecret, REFERENCE_RENDER: render, REFERENCE_HYDRATES: hydrates.join(',') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!output.includes('ready')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the ${render} reference did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  log(`reference (${render}) ready on port ${port} (pid ${child.pid})`);
  return {
    url: `http://localhost:${port}`,
    pid: child.pid!,
    sessionSecret: portal.sessionSecret,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export type PagesBench = { rows: Row[]; markdown: string; ok: boolean };

async function openItems(db: Db): Promise<number> {
  const [r] = await db
    .select({ n: count() })
    .from(queueItems)
    .where(and(eq(queueItems.officeCode, DESK_OFFICE), ne(queueItems.state, 'done')));
  return Number(r.n);
}

/** GETs a page once and checks it is the page, not a redirect or an error page. */
async function check(server: BenchServer, path: string, cookie: string | undefined, test: (html: string) => string | null): Promise<string> {
  const res = await fetch(`${server.url}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.headers.get('location') ?? ''}\n${body.slice(0, 1000)}`);
  const problem = test(body);
  if (problem) throw new Error(`GET ${path}: ${problem}`);
  return body;
}

export async function runPagesBench(
  db: Db,
  servers: ReturnType<typeof serverFactory>,
  opts: { connections: number; seconds: number; databaseUrl: string; log: (s: string) => void },
): Promise<PagesBench> {
  const { log } = opts;
  let server = await servers.running();
  // The desk lists the office's whole open queue (services/queue/desk.ts): fill it to 50 through
  // the filing route itself, as citizens would.
  const citizenKey = DEMO_USERS.find((u) => u.role === 'citizen' && 'mobile' in u) as { mobile: string } | undefined;
  if (!citizenKey) throw new Error('no demo citizen seeded');
  const citizen = await signedInCookie(db, server, await userIdBy(db, { mobile: citizenKey.mobile }));
  const missing = DESK_ROWS - (await openItems(db));
  for (let i = 0; i < missing; i++) await fileOnce(server, citizen.cookie, DESK_OFFICE, '110101');
  const open = await openItems(db);
  if (open !== DESK_ROWS) throw new Error(`the ${DESK_OFFICE} desk has ${open} open items, not ${DESK_ROWS}`);

  // Clerk 010001 (综合窗口, all departments). A staff session exists only once the second factor
  // was entered (app/routes/login_.totp.tsx), so this is a clerk fully signed in.
  const clerk = await signedInCookie(db, server, await userIdBy(db, { staffNo: '010001' }));

  const catalog = await check(server, '/services', undefined, (html) => (html.includes(`/services/${SERVICE}`) ? null : `no link to /services/${SERVICE}`));
  await check(server, `/services/${SERVICE}`, undefined, (html) => (html.includes(`/services/${SERVICE}/apply`) ? null : 'no link to the form'));
  await check(server, '/desk', clerk.cookie, (html) => {
    const numbers = new Set(html.match(/GA\d{14}/g) ?? []);
    return numbers.size === DESK_ROWS ? null : `${numbers.size} application numbers on the desk, expected ${DESK_ROWS}`;
  });
  const asset = /(?:href|src)="(\/build\/[^"]+\.css)"/.exec(catalog)?.[1] ?? /(?:href|src)="(\/build\/[^"]+\.js)"/.exec(catalog)?.[1];
  if (!asset) throw new Error('no /build/ asset linked from /services');

  // The references (bench/pages-reference.ts): the same pages from the same loaders without
  // Remix, rendered by renderToString and by a template string; each page's markup is checked
  // against the portal's before anything is measured.
  const pages: { name: string; path: string; cookie?: string }[] = [
    { name: '/services', path: '/services' },
    { name: `/services/${SERVICE}`, path: `/services/${SERVICE}` },
    { name: `/desk (clerk, ${DESK_ROWS} rows)`, path: '/desk', cookie: clerk.cookie },
  ];
  const served: Record<string, string> = {};
  for (const p of pages) served[p.path] = await check(server, p.path, p.cookie, () => null);
  const hydrates = pages.filter((p) => served[p.path].includes('__remixContext')).map((p) => p.path);
  const react = await startReference('react', server, opts.databaseUrl, hydrates, log);
  const template = await startReference('template', server, opts.databaseUrl, hydrates, log);
  const results: { name: string; path: string; r: LoadResult; react?: LoadResult; template?: LoadResult | null }[] = [];
  let ok = true;
  const load = async (target: BenchServer, path: string, cookie: string | undefined, seconds: number) => {
    const r = await runLoad(target, { path, cookies: cookie ? [cookie] : undefined, connections: opts.connections, seconds, accept: (status: number) => status === 200 });
    const failures = failureLine(r);
    if (failures) {
      ok = false;
      log(`pages ${path}: ${failures}`);
    }
    return r;
  };
  try {
    const markups: Record<string, { react: string; template: string | null }> = {};
    for (const p of pages) {
      const reactHtml = await check(react, p.path, p.cookie, () => null);
      const problem = sameMarkup(served[p.path], reactHtml);
      if (problem) throw new Error(`GET ${p.path}: the renderToString reference differs from the page: ${problem}`);
      const res = await fetch(`${template.url}${p.path}`, { headers: p.cookie ? { cookie: p.cookie } : {} });
      const templateHtml = res.status === 200 ? await res.text() : null;
      if (templateHtml !== null) {
        const tp = sameMarkup(served[p.path], templateHtml);
        if (tp) throw new Error(`GET ${p.path}: the template-string reference differs from the page: ${tp}`);
      }
      markups[p.path] = { react: reactHtml, template: templateHtml };
    }

    server = await servers.fresh();
    await load(server, asset, undefined, Math.min(2, opts.seconds));
    const stat = await load(server, asset, undefined, opts.seconds);
    log(`pages: static file: ${rate(stat.reqPerSec)} req/s, p50 ${ms(stat.p50)}, p99 ${ms(stat.p99)}, peak RSS ${mib(stat.peakRss)}`);
    results.push({ name: 'static file', path: asset, r: stat });
    // Per page: a fresh portal process, each side warmed up, then A B C A B C in halves of the duration, pooled.
    for (const p of pages) {
      server = await servers.fresh();
      const sides: { target: BenchServer; runs: LoadResult[] }[] = [{ target: server, runs: [] }, { target: react, runs: [] }];
      if (markups[p.path].template !== null) sides.push({ target: template, runs: [] });
      for (const s of sides) await load(s.target, p.path, p.cookie, Math.min(2, opts.seconds));
      for (let round = 0; round < ROUNDS; round++) {
        for (const s of sides) s.runs.push(await load(s.target, p.path, p.cookie, Math.max(1, Math.round(opts.seconds / ROUNDS))));
      }
      const [route, viaReact, viaTemplate] = sides.map((s) => pooled(s.runs));
      log(
        `pages: ${p.name}: ${rate(route.reqPerSec)} req/s beside renderToString ${rate(viaReact.reqPerSec)} (${pct(route, viaReact)})` +
          (viaTemplate ? ` and a template string ${rate(viaTemplate.reqPerSec)} (${pct(route, viaTemplate)})` : '') +
          `; p50 ${ms(route.p50)}, p99 ${ms(route.p99)}, peak RSS ${mib(route.peakRss)}`,
      );
      results.push({ name: p.name, path: p.path, r: route, react: viaReact, template: viaTemplate ?? null });
    }
  } finally {
    await react.stop();
    await template.stop();
  }
  const [stat, ...measured] = results;
  const rows: Row[] = measured.map(({ name, r, react: x }) => ({
    label: `Page ${name} (p50 ${ms(r.p50)}, p99 ${ms(r.p99)})`,
    measured: `${rate(r.reqPerSec)} req/s`,
    reference: `${rate(x!.reqPerSec)} req/s (renderToString, no Remix)`,
    ratio: pct(r, x!),
    goal: '≥ 80%',
    met: r.reqPerSec >= 0.8 * x!.reqPerSec,
    peakRss: mib(r.peakRss),
  }));
  const markdown = `### Pages

Server-rendered HTML at ${opts.connections} connections, anonymous for the catalog and the guide, signed in as clerk
010001 for \`/desk\` with ${DESK_ROWS} open items in ${DESK_OFFICE} (filed through the form first); only a 200 counts.
Beside each page, two references (bench/pages-reference.ts, issue 17), each a plain node:http server (no Remix, no
express) in its own Node process that, for every request, calls the same route modules' loaders of the same build
(root and page: the same queries, session lookup and caches) and renders the same markup — checked equal to the
page's, scripts and nonces set aside — by renderToString of the route's own components (React Router's static
router for their hooks) or by a template string (bench/pages-templates.ts; "—" where there is none). Where the
page hydrates, the renderToString reference inlines the loader data as one JSON script too. Each side is warmed up
for 2 s, then route, renderToString, template, twice, ${Math.max(1, Math.round(opts.seconds / ROUNDS))} s each, pooled; each page on a
fresh portal process (its peak RSS is the portal's). \`${stat.path}\` (a build asset) from the portal for scale.
Goal: every page ≥ 80% of renderToString of the same markup.

| page | portal req/s | p50 ms | p99 ms | renderToString req/s | portal ÷ renderToString | goal | template string req/s | portal ÷ template | ÷ static | portal peak RSS |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
| static file | ${rate(stat.r.reqPerSec)} | ${stat.r.p50.toFixed(1)} | ${stat.r.p99.toFixed(1)} | — | — | — | — | — | 100% | ${mib(stat.r.peakRss)} |
${measured
  .map(
    ({ name, r, react: x, template: y }) =>
      `| ${name} | ${rate(r.reqPerSec)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${rate(x!.reqPerSec)} | ${pct(r, x!)} | ≥ 80% ${r.reqPerSec >= 0.8 * x!.reqPerSec ? '✓' : '✗'} | ${y ? rate(y.reqPerSec) : '—'} | ${y ? pct(r, y) : '—'} | ${((100 * r.reqPerSec) / stat.r.reqPerSec).toFixed(1)}% | ${mib(r.peakRss)} |`,
  )
  .join('\n')}
`;
  return { rows, markdown, ok };
}
