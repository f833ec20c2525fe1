/**
 * Pages (issue 7): server rendering of /services, /services/:code and /desk — the last as a
 * signed-in clerk of an office with 50 open items — each beside a static file the same server
 * serves (a fingerprinted asset of the build), at the same number of connections.
 */
import { and, count, eq, ne } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { queueItems } from '../db/schema/index.js';
import { DEMO_USERS } from '../db/seed-data.js';
import { failureLine, fileOnce, runLoad, signedInCookie, userIdBy, type LoadResult } from './load.js';
import { mib, type BenchServer, type serverFactory } from './server.js';
import { ms, rate, type Row } from './table.js';

const DESK_OFFICE = 'bj-dongcheng';
const DESK_ROWS = 50;
const SERVICE = 'passport';

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
  opts: { connections: number; seconds: number; log: (s: string) => void },
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

  const targets: { name: string; path: string; cookie?: string }[] = [
    { name: 'static file', path: asset },
    { name: '/services', path: '/services' },
    { name: `/services/${SERVICE}`, path: `/services/${SERVICE}` },
    { name: `/desk (clerk, ${DESK_ROWS} rows)`, path: '/desk', cookie: clerk.cookie },
  ];
  const results: { name: string; path: string; r: LoadResult }[] = [];
  let ok = true;
  for (const t of targets) {
    server = await servers.fresh();
    const spec = {
      path: t.path,
      cookies: t.cookie ? [t.cookie] : undefined,
      connections: opts.connections,
      accept: (status: number) => status === 200,
    };
    await runLoad(server, { ...spec, seconds: Math.min(2, opts.seconds) });
    const r = await runLoad(server, { ...spec, seconds: opts.seconds });
    const failures = failureLine(r);
    if (failures) {
      ok = false;
      log(`pages ${t.name}: ${failures}`);
    }
    log(`pages: ${t.name}: ${rate(r.reqPerSec)} req/s, p50 ${ms(r.p50)}, p99 ${ms(r.p99)}, peak RSS ${mib(r.peakRss)}`);
    results.push({ name: t.name, path: t.path, r });
  }
  const [stat, ...pages] = results;
  const rows: Row[] = pages.map(({ name, r }) => ({
    label: `Page ${name} (p50 ${ms(r.p50)}, p99 ${ms(r.p99)})`,
    measured: `${rate(r.reqPerSec)} req/s`,
    reference: `${rate(stat.r.reqPerSec)} req/s (static file)`,
    ratio: `${((100 * r.reqPerSec) / stat.r.reqPerSec).toFixed(1)}%`,
    goal: '—',
    met: null,
    peakRss: mib(r.peakRss),
  }));
  const markdown = `### Pages

Server-rendered HTML at ${opts.connections} connections for ${opts.seconds} s each, each on a fresh server process after a
2 s warm-up, anonymous for the
catalog and the guide, signed in as clerk 010001 for \`/desk\` with ${DESK_ROWS} open items in ${DESK_OFFICE} (filed
through the form first); only a 200 counts. Beside them, \`${stat.path}\` (a build asset) from the same server.

| page | req/s | p50 ms | p99 ms | ÷ static | server peak RSS |
|---|---:|---:|---:|---:|---:|
${results.map(({ name, r }) => `| ${name} | ${rate(r.reqPerSec)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${((100 * r.reqPerSec) / stat.r.reqPerSec).toFixed(1)}% | ${mib(r.peakRss)} |`).join('\n')}
`;
  return { rows, markdown, ok };
}
