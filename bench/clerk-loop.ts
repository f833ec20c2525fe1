/**
 * `npm run bench -- --only clerk-loop [--clerks 4,16,64] [--duration 10]`, or alone
 * `npm run bench:clerks -- [--clerks 4,16,64] [--seconds 10] [--warmup 2] [--keep-db]`:
 * the browser-like clerk loop of issue 16.
 *
 * N clerks (4, 16, 64 by default) over HTTP against TWO production server processes (the
 * production build, NODE_ENV=production, server/index.ts) on one PostgreSQL database. Each clerk
 * is a staff account of its own, signed in through the real pages — `/login` with the password,
 * then `/login/totp` with the current code of its TOTP secret — from an address of its own (the
 * servers trust the loopback proxy's X-Forwarded-For, as behind nginx, so the per-address login
 * limit counts each clerk's desk and not the benchmark). Clerk i talks to server i mod 2.
 *
 * Each clerk loops as a person in a browser does, following every redirect:
 *   desk      GET /desk
 *   takeNext  POST /desk intent=takeNext (the redirect to the item)
 *   review    GET the review page it redirected to
 *   judge     POST the one judging form, every material "ok" (decision 0026), + the page it lands on
 *   accept    POST intent=accept + the page it lands on
 *   complete  POST intent=complete (collected at the window) + the page it lands on
 * (the review page's lazy image and PDF frames are not loaded: they are below the fold.)
 *
 * Measured per N after a warm-up: items completed per second in the window, p50/p95 of each
 * step, and the sessions waiting for a lock sampled from pg_stat_activity every 50 ms
 * (wait_event_type = 'Lock', grouped by relation; bench/lock-waits.ts). Meanwhile this process
 * applies the report projection every second, as the worker does (decision 0025), so report rows
 * are written while clerks decide. Goals (issue 16): no wait on report rows; the rate at the
 * largest N at least 0.9 × the rate at 16.
 *
 * The queue is filled through the apply route itself (household certificates of Shanghai
 * Huangpu, free and handled online: nothing external is asked) before each N with enough items for
 * it. A clerk asked to stop finishes the item in hand, so at the end every claimed item is
 * completed; the audit trail and the rows then say whether each item was claimed once, accepted
 * and completed once by the clerk who took it, and nothing is left half-done.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createDb, type Db } from '../db/client.js';
import { users } from '../db/schema/index.js';
import { DEMO_USERS } from '../db/seed-data.js';
import { hashPassword } from '../services/auth/password.js';
import { parseKeyRing } from '../services/auth/secret-box.js';
import { currentTotpCode, enrollTotp, newTotpSecret } from '../services/auth/totp.js';
import { systemClock } from '../services/context.js';
import { runProjections } from '../services/reports/run-projections.js';
import { databaseUrl, dropDatabase, ensureDatabase } from '../scripts/seed-volume.js';
import { fileOnce, signedInCookie, userIdBy } from './load.js';
import { sampleLockWaits } from './lock-waits.js';
import { machineLine, writeReadmeSection } from './reports.js';
import { BENCH_KEYS, buildApp, mib, startServer, watchPeakRss, type BenchServer } from './server.js';
import { ms, rate, type Row } from './table.js';

const OFFICE = 'sh-huangpu';
const REGION = '310101';
const STEPS = ['desk', 'takeNext', 'review', 'judge', 'accept', 'complete'] as const;
type Step = (typeof STEPS)[number];
const PASSWORD = `bench-${randomBytes(6).toString('hex')}`;
/** Relations whose lock waits the goal forbids: the report rollups (decision 0025). */
const isReportRelation = (rel: string) => /\breport_/.test(rel);

export type ClerkLoopOptions = {
  /** A PostgreSQL URL; its database part is ignored: the benchmark makes its own database. */
  baseUrl: string;
  clerks?: number[];
  seconds?: number;
  warmupSeconds?: number;
  /** The two servers' ports (fixed ports given to this user of the machine), free ports otherwise. */
  ports?: [number, number];
  /** `remix build` first (false when the caller already built this run). */
  build?: boolean;
  keep?: boolean;
  log?: (s: string) => void;
};

export type ClerkLoopRun = {
  clerks: number;
  items: number;
  seconds: number;
  rate: number;
  steps: Record<Step, { p50: number; p95: number; n: number }>;
  lockSamples: number;
  lockWaiting: number;
  byRelation: Record<string, number>;
  peakRss: [number, number];
  failures: string[];
  dry: boolean;
  /** Seconds of warm-up: at least the asked ones, and until every clerk had completed an item. */
  warmedUp: number;
  /** 503 answers the clerks were given (and tried again after), warm-up included. */
  unavailable: number;
};

export type ClerkLoopBench = { runs: ClerkLoopRun[]; rows: Row[]; markdown: string; ok: boolean; version: string; checkLines: string[] };

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/** One browser: its cookies, its address, its server. */
class Browser {
  private jar = new Map<string, string>();
  constructor(
    readonly server: BenchServer,
    private readonly ip: string,
  ) {}

  private keep(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (value === '' || /max-age=0\b|expires=thu, 01 jan 1970/i.test(c)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  /** 503 answers (the server could not get a database connection in time) this browser was given. */
  unavailable = 0;

  /**
   * One request; on a 503 ("briefly unavailable, try again": the pool's wait for a connection ran
   * out) the person tries again a second later, up to five times, as the page asks. Nothing was
   * done by the refused request, so trying again is safe; the wait counts in the step's time.
   */
  async request(method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<{ status: number; location: string; body: string }> {
    for (let attempt = 0; ; attempt++) {
      const r = await this.once(method, url, form);
      if (r.status !== 503 || attempt >= 5) return r;
      this.unavailable++;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  private async once(method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<{ status: number; location: string; body: string }> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.ip, accept: 'text/html' };
    if (this.jar.size) headers.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method === 'POST') {
      headers.origin = this.server.url;
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(`${this.server.url}${url}`, {
      method,
      redirect: 'manual',
      headers,
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    this.keep(res);
    return { status: res.status, location: res.headers.get('location') ?? '', body: await res.text() };
  }

  /** A POST and, as a browser does, the page its redirect names. */
  async submit(url: string, form: Record<string, string>): Promise<{ status: number; location: string; body: string }> {
    const posted = await this.request('POST', url, form);
    if (posted.status !== 302 && posted.status !== 303) return posted;
    const page = await this.request('GET', posted.location.replace(/#.*$/, ''));
    return { ...page, location: posted.location };
  }
}

class StepError extends Error {}

function expectStatus(step: string, r: { status: number; location: string; body: string }, status: number, location?: RegExp) {
  if (r.status !== status || (location && !location.test(r.location))) {
    const text = r.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 300);
    throw new StepError(`${step}: ${r.status} ${r.location} ${text}`);
  }
}

const leaseOf = (html: string) => /name="leaseVersion" value="(\d+)"/.exec(html)?.[1];

/** The materials of the judging form: its hidden items[i].materialCode inputs. */
function materialsOf(html: string): string[] {
  const codes: string[] = [];
  for (const m of html.matchAll(/<input[^>]*name="items\[(\d+)\]\.materialCode"[^>]*>/g)) {
    const v = /value="([^"]*)"/.exec(m[0])?.[1];
    if (v !== undefined) codes[Number(m[1])] = v;
  }
  return codes;
}

type Clerk = { staffNo: string; secret: string; browser: Browser };

async function createClerks(db: Db, servers: BenchServer[], n: number): Promise<Clerk[]> {
  const keys = parseKeyRing(BENCH_KEYS);
  const passwordHash = await hashPassword(PASSWORD);
  const clerks: Clerk[] = [];
  for (let i = 0; i < n; i++) {
    const staffNo = `8${String(i).padStart(5, '0')}`;
    const [u] = await db
      .insert(users)
      .values({ role: 'clerk', realName: `测试${i}`, staffNo, officeCode: OFFICE, skills: ['hukou', 'traffic', 'exit_entry'], passwordHash })
      .returning({ id: users.id });
    const secret = await newTotpSecret();
    await enrollTotp(db, keys, u.id, secret);
    clerks.push({ staffNo, secret, browser: new Browser(servers[i % servers.length], `10.20.${Math.floor(i / 250)}.${(i % 250) + 1}`) });
  }
  return clerks;
}

/** Password, then the code: the session a clerk at a browser ends up with. */
async function signIn(c: Clerk): Promise<void> {
  const login = await c.browser.request('POST', '/login', { identifier: c.staffNo, password: PASSWORD });
  expectStatus('login', login, 302, /^\/login\/totp/);
  const code = await c.browser.request('POST', '/login/totp', { code: currentTotpCode(c.secret, systemClock) });
  expectStatus('totp', code, 302, /^\/desk/);
}

async function waitingItems(db: Db): Promise<number> {
  const [r] = rowsOf<{ n: number }>(
    await db.execute(sql`select count(*)::int as n from queue_items q join applications a on a.id = q.application_id
      where q.state = 'waiting' and a.office_code = ${OFFICE}`),
  );
  return r.n;
}

/** Files applications through the apply route until `target` wait in the office's queue. */
async function fillQueue(db: Db, server: BenchServer, cookie: string, target: number, log: (s: string) => void): Promise<void> {
  const have = await waitingItems(db);
  const missing = target - have;
  if (missing <= 0) return;
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < missing) {
        next++;
        await fileOnce(server, cookie, OFFICE, REGION);
      }
    }),
  );
  log(`clerk loop: filed ${missing} applications through the apply route in ${((performance.now() - t0) / 1000).toFixed(1)} s (${target} waiting)`);
}

async function runOnce(
  db: Db,
  url: string,
  servers: BenchServer[],
  clerks: Clerk[],
  opts: { seconds: number; warmupSeconds: number; log: (s: string) => void },
): Promise<ClerkLoopRun & { completedAll: number }> {
  const latencies: Record<Step, { at: number; ms: number }[]> = { desk: [], takeNext: [], review: [], judge: [], accept: [], complete: [] };
  const completions: number[] = [];
  const failures: string[] = [];
  let dry = false;
  let stop = false;
  const t0 = performance.now();
  // Set when the warm-up ends: after warmupSeconds and once every clerk has completed an item, so
  // the window does not start while all clerks are still on their first (synchronized) item.
  let windowStart = Infinity;
  let windowEnd = Infinity;
  const doneBy = clerks.map(() => 0);
  const unavailableBefore = clerks.reduce((n, c) => n + c.browser.unavailable, 0);

  const timed = async <T>(step: Step, f: () => Promise<T>): Promise<T> => {
    const at = performance.now();
    const r = await f();
    latencies[step].push({ at, ms: performance.now() - at });
    return r;
  };

  const loop = async (c: Clerk, index: number) => {
    const b = c.browser;
    while (!stop) {
      try {
        const desk = await timed('desk', () => b.request('GET', '/desk'));
        expectStatus('desk', desk, 200);
        const taken = await timed('takeNext', () => b.request('POST', '/desk', { intent: 'takeNext' }));
        if (taken.status === 302 && taken.location.startsWith('/desk?empty')) {
          dry = true;
          return;
        }
        expectStatus('takeNext', taken, 302, /^\/desk\/applications\/[A-Z0-9]+$/);
        const path = taken.location;
        const review = await timed('review', () => b.request('GET', path));
        expectStatus('review', review, 200);
        const lease = leaseOf(review.body);
        const codes = materialsOf(review.body);
        if (!lease || codes.length === 0) throw new StepError(`review: no lease or no materials on ${path}`);
        const judgeForm: Record<string, string> = { intent: 'judge', leaseVersion: lease };
        codes.forEach((code, i) => Object.assign(judgeForm, { [`items[${i}].materialCode`]: code, [`items[${i}].verdict`]: 'ok', [`items[${i}].reasonCode`]: '', [`items[${i}].note`]: '' }));
        const judged = await timed('judge', () => b.submit(path, judgeForm));
        expectStatus('judge', judged, 200, /done=judge/);
        const accepted = await timed('accept', () => b.submit(path, { intent: 'accept', leaseVersion: leaseOf(judged.body) ?? lease }));
        expectStatus('accept', accepted, 200, /done=accept/);
        const completed = await timed('complete', () =>
          b.submit(path, { intent: 'complete', leaseVersion: leaseOf(accepted.body) ?? lease, documentNumber: `BENCH-${path.split('/').pop()}`, delivery: 'pickup' }),
        );
        expectStatus('complete', completed, 200, /done=complete/);
        completions.push(performance.now());
        doneBy[index]++;
      } catch (e) {
        failures.push(e instanceof StepError ? e.message : String(e));
        if (failures.length > 20) stop = true;
      }
    }
  };

  const running = clerks.map((c, i) => loop(c, i));
  // The projection, as the worker applies it, while clerks decide.
  const projecting = (async () => {
    while (!stop) {
      await runProjections(db);
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  await new Promise((r) => setTimeout(r, opts.warmupSeconds * 1000));
  const warmupCap = performance.now() + 120_000;
  while (!stop && doneBy.some((n) => n === 0) && performance.now() < warmupCap) await new Promise((r) => setTimeout(r, 100));
  windowStart = performance.now();
  const warmedUp = (windowStart - t0) / 1000;
  const sampler = sampleLockWaits(url, 50);
  const rss = servers.map((s) => watchPeakRss(s.pid));
  // The window lasts the asked seconds and at least until two items per clerk were completed in it:
  // with many clerks one loop can take longer than the seconds asked, and a window shorter than a
  // loop counts nothing but chance (capped at three minutes).
  const since = completions.length;
  const cap = windowStart + 180_000;
  await new Promise((r) => setTimeout(r, opts.seconds * 1000));
  while (!stop && completions.length - since < 2 * clerks.length && performance.now() < cap) await new Promise((r) => setTimeout(r, 100));
  windowEnd = performance.now();
  const waits = await sampler.stop();
  const peakRss = rss.map((w) => w.stop()) as [number, number];
  stop = true;
  await Promise.all(running);
  await projecting;

  const unavailable = clerks.reduce((n, c) => n + c.browser.unavailable, 0) - unavailableBefore;
  const inWindow = (at: number) => at >= windowStart && at < windowEnd;
  const items = completions.filter(inWindow).length;
  const steps = Object.fromEntries(
    STEPS.map((s) => {
      const xs = latencies[s].filter((l) => inWindow(l.at)).map((l) => l.ms);
      return [s, { p50: quantile(xs, 0.5), p95: quantile(xs, 0.95), n: xs.length }];
    }),
  ) as ClerkLoopRun['steps'];
  return {
    clerks: clerks.length,
    items,
    seconds: (windowEnd - windowStart) / 1000,
    rate: items / ((windowEnd - windowStart) / 1000),
    steps,
    lockSamples: waits.samples,
    lockWaiting: waits.waiting,
    byRelation: waits.byRelation,
    peakRss,
    failures,
    dry,
    warmedUp,
    unavailable,
    completedAll: completions.length,
  };
}

/**
 * From the audit trail and the rows: every item claimed at most once, accepted and completed
 * once each by the clerk who claimed it, completed as many times as the clerks counted, and every
 * item of the office either still waiting or done.
 */
async function check(db: Db, counted: number): Promise<{ ok: boolean; lines: string[] }> {
  const one = async <T>(q: string) => rowsOf<T>(await db.execute(sql.raw(q)))[0];
  const per = await one<{ twice: number; claims: number; apps: number; accepted: number; completed: number }>(`select
      count(*) filter (where claims > 1)::int as twice, coalesce(sum(claims), 0)::int as claims, count(*) filter (where claims > 0)::int as apps,
      coalesce(sum(accepted), 0)::int as accepted, coalesce(sum(completed), 0)::int as completed
    from (select application_id,
            count(*) filter (where action = 'queue.claimed') as claims,
            count(*) filter (where action = 'application.accepted') as accepted,
            count(*) filter (where action = 'application.completed') as completed
          from audit_events where application_id is not null group by 1) x`);
  const decided = await one<{ accepted: number; completed: number; twice: number }>(`select
      count(*) filter (where kind = 'accepted')::int as accepted, count(*) filter (where kind = 'completed')::int as completed,
      (select count(*)::int from (select application_id, kind from decisions group by 1, 2 having count(*) > 1) d) as twice
    from decisions`);
  const otherHand = await one<{ n: number }>(`select count(*)::int as n from audit_events c join audit_events a
      on a.application_id = c.application_id and a.action in ('application.accepted', 'application.completed')
      where c.action = 'queue.claimed' and a.actor_id is distinct from c.actor_id`);
  const states = await one<{ waiting: number; done: number; stray: number }>(`select
      count(*) filter (where q.state = 'waiting' and a.status = 'submitted')::int as waiting,
      count(*) filter (where q.state = 'done' and a.status = 'completed')::int as done,
      count(*) filter (where not ((q.state = 'waiting' and a.status = 'submitted') or (q.state = 'done' and a.status = 'completed')))::int as stray
    from queue_items q join applications a on a.id = q.application_id where a.office_code = '${OFFICE}'`);
  const lines = [
    `items claimed more than once (audit trail): ${per.twice}; a decision of one kind recorded twice: ${decided.twice}`,
    `claims: ${per.claims} on ${per.apps} items; acceptances: ${per.accepted} (decisions ${decided.accepted}); completions: ${per.completed} (decisions ${decided.completed}); completed as the clerks counted: ${counted}`,
    `accepted or completed by a clerk other than the claimant: ${otherHand.n}`,
    `queue of ${OFFICE}: ${states.waiting} waiting, ${states.done} done; neither (lost or half-done): ${states.stray}`,
  ];
  const ok =
    per.twice === 0 &&
    decided.twice === 0 &&
    per.claims === per.apps &&
    per.claims === per.accepted &&
    per.accepted === per.completed &&
    per.completed === decided.completed &&
    decided.accepted === decided.completed &&
    per.completed === counted &&
    states.done === counted &&
    otherHand.n === 0 &&
    states.stray === 0;
  return { ok, lines };
}

const relations = (by: Record<string, number>) =>
  Object.entries(by)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || 'none';

export async function runClerkLoopBench(opts: ClerkLoopOptions): Promise<ClerkLoopBench> {
  const log = opts.log ?? console.log;
  const counts = opts.clerks ?? [4, 16, 64];
  const seconds = opts.seconds ?? 10;
  const warmupSeconds = opts.warmupSeconds ?? 2;
  if (opts.build !== false) buildApp(log);
  const name = `onewindow_bench_clerks_${Date.now()}`;
  await ensureDatabase(opts.baseUrl, name, true);
  const url = databaseUrl(opts.baseUrl, name);
  const uploadDir = mkdtempSync(path.join(os.tmpdir(), 'onewindow-bench-clerks-'));
  const sessionSecret = randomBytes(32).toString('hex');
  const servers: BenchServer[] = [];
  const handle = await createDb({ url, max: 4 });
  const loadAtStart = os.loadavg()[0].toFixed(1);
  try {
    // The first start migrates and seeds; the second starts on the ready database.
    const env = { TRUST_PROXY: 'loopback' };
    servers.push(await startServer({ databaseUrl: url, uploadDir, log, sessionSecret, env, port: opts.ports?.[0] }));
    servers.push(await startServer({ databaseUrl: url, uploadDir, log, sessionSecret, env, port: opts.ports?.[1] }));
    const db = handle.db;
    const version = rowsOf<{ v: string }>(await db.execute(sql`select version() as v`))[0].v.split(' on ')[0];
    const citizenMobile = (DEMO_USERS.find((u) => u.role === 'citizen' && 'mobile' in u) as { mobile: string }).mobile;
    const citizen = await signedInCookie(db, servers[0], await userIdBy(db, { mobile: citizenMobile }));
    const all = await createClerks(db, servers, Math.max(...counts));
    const t0 = performance.now();
    for (const c of all) await signIn(c);
    log(`clerk loop: ${all.length} clerks signed in with password and TOTP in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const runs: ClerkLoopRun[] = [];
    let guess = 40; // items/s, until a run says better
    let counted = 0;
    for (const n of counts) {
      // Enough for the warm-up and the window at half again the rate seen, and a few per clerk.
      await fillQueue(db, servers[0], citizen.cookie, Math.ceil(guess * 1.5 * (seconds + warmupSeconds + 10)) + 4 * n, log);
      log(`clerk loop: ${n} clerks, ≥ ${warmupSeconds} s warm-up + ${seconds} s …`);
      const r = await runOnce(db, url, servers, all.slice(0, n), { seconds, warmupSeconds, log });
      counted += r.completedAll;
      guess = Math.max(guess, (r.completedAll / (r.seconds + r.warmedUp)) * 1.2);
      log(
        `clerk loop: ${n} clerks (warm-up ${r.warmedUp.toFixed(1)} s, window ${r.seconds.toFixed(1)} s): ${rate(r.rate)} items/s; ` +
          STEPS.map((s) => `${s} p50 ${ms(r.steps[s].p50)} p95 ${ms(r.steps[s].p95)}`).join('; ') +
          `; lock waits ${r.lockWaiting} in ${r.lockSamples} samples (${relations(r.byRelation)})` +
          (r.unavailable ? `; ${r.unavailable} answers 503 (tried again)` : '') +
          (r.failures.length ? `; FAILURES ${r.failures.length}: ${r.failures.slice(0, 3).join(' | ')}` : '') +
          (r.dry ? '; the queue ran dry' : ''),
      );
      const { completedAll: _c, ...run } = r;
      runs.push(run);
    }
    await runProjections(db);
    const verdict = await check(db, counted);
    for (const l of verdict.lines) log(`clerk loop: ${l}`);
    const failures = runs.flatMap((r) => r.failures);
    const ok = verdict.ok && failures.length === 0 && runs.every((r) => !r.dry);

    const at16 = runs.find((r) => r.clerks === 16);
    const largest = runs[runs.length - 1];
    const reportWaits = runs.reduce((s, r) => s + Object.entries(r.byRelation).filter(([k]) => isReportRelation(k)).reduce((a, [, v]) => a + v, 0), 0);
    const rows: Row[] = [];
    if (at16 && largest.clerks > 16) {
      const ratio = largest.rate / at16.rate;
      rows.push({
        label: `Clerk loop: ${largest.clerks} clerks over 2 servers (complete p95 ${ms(largest.steps.complete.p95)})`,
        measured: `${rate(largest.rate)} items/s`,
        reference: `${rate(at16.rate)} items/s (same loop, 16 clerks)`,
        ratio: ratio.toFixed(2),
        goal: '≥ 0.9',
        met: Number(ratio.toFixed(2)) >= 0.9,
        peakRss: largest.peakRss.map((b) => mib(b)).join(' + '),
      });
    }
    rows.push({
      label: `Clerk loop: lock waits on report rows (${runs.map((r) => r.clerks).join('/')} clerks)`,
      measured: `${reportWaits} of ${runs.reduce((s, r) => s + r.lockWaiting, 0)} waits`,
      reference: `${runs.reduce((s, r) => s + r.lockSamples, 0)} samples of pg_stat_activity`,
      ratio: '—',
      goal: 'none',
      met: reportWaits === 0,
      peakRss: '—',
    });

    const stepHead = STEPS.map((s) => `${s} p50 / p95 ms`);
    const table = [
      `| clerks | warm-up s | window s | items/s | ${stepHead.join(' | ')} | 503 answers | lock waits (samples) | waiting on |`,
      `|---:|---:|---:|---:|${STEPS.map(() => '---:').join('|')}|---:|---:|---|`,
      ...runs.map(
        (r) =>
          `| ${r.clerks} | ${r.warmedUp.toFixed(1)} | ${r.seconds.toFixed(1)} | ${rate(r.rate)} | ${STEPS.map((s) => `${r.steps[s].p50.toFixed(0)} / ${r.steps[s].p95.toFixed(0)}`).join(' | ')} | ${r.unavailable} | ${r.lockWaiting} (${r.lockSamples}) | ${relations(r.byRelation)} |`,
      ),
    ].join('\n');
    const markdown = `## Clerk loop (\`npm run bench -- --only clerk-loop\`, or \`npm run bench:clerks\`)

N clerks over HTTP against two production server processes (\`NODE_ENV=production\`, the \`remix build\` output) on
one fresh PostgreSQL database, each clerk its own staff account signed in through \`/login\` and \`/login/totp\`
(password, then the current TOTP code) from an address of its own, clerk i on server i mod 2. Each loops as a
browser does, following every redirect: load the desk, take next, open the review page, judge every material in
one form, accept, complete (collected at the window). The queue is filled through the apply route (household
certificates of ${OFFICE}, nothing external asked). A warm-up of at least ${warmupSeconds} s that lasts until every clerk
has completed one item (so the window never starts with all clerks on their first item), then a window of at least
${seconds} s and at least two completed items per clerk per N; items/s = items completed in the window ÷ its length. Each step's time is the clerk's wait: the request and the page it
redirects to; a 503 answer (the server's wait for a pool connection, 5 s, ran out) is tried again a second later, as
the page asks, and counted. Meanwhile the report projection is applied every second, as the worker does, and sessions waiting
for a lock are sampled from \`pg_stat_activity\` every 50 ms (\`wait_event_type = 'Lock'\`, by relation).

${table}

Goals (issue 16): no wait on report rows: ${reportWaits === 0 ? 'met' : `NOT met (${reportWaits})`}; rate at ${largest.clerks} ≥ 0.9 × rate at 16: ${
      at16 && largest.clerks > 16 ? `${(largest.rate / at16.rate).toFixed(2)} (${(largest.rate / at16.rate) >= 0.9 ? 'met' : 'NOT met'})` : 'not measured'
    }. Correctness, from the audit trail and the rows after the run:

${verdict.lines.map((l) => `- ${l}`).join('\n')}

Taken on a loaded, shared machine: load average ${loadAtStart} at the start and ${os.loadavg()[0].toFixed(1)} at the end, the two
servers, PostgreSQL and the clerks (this process) on the same ${os.cpus().length} CPUs as other work. Peak RSS of the two servers at
${largest.clerks} clerks: ${largest.peakRss.map((b) => mib(b)).join(' and ')}.`;
    return { runs, rows, markdown, ok, version, checkLines: verdict.lines };
  } finally {
    await handle.close();
    for (const s of servers) await s.stop();
    rmSync(uploadDir, { recursive: true, force: true });
    if (opts.keep) log(`kept database ${name}`);
    else await dropDatabase(opts.baseUrl, name);
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const base = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const clerks = (arg('clerks') ?? '4,16,64').split(',').map(Number);
  const seconds = Number(arg('seconds') ?? 10);
  const warmupSeconds = Number(arg('warmup') ?? 2);
  const ports = arg('ports')?.split(',').map(Number);
  if (clerks.some((n) => !Number.isInteger(n) || n <= 0) || !(seconds >= 1) || !(warmupSeconds >= 0) || (ports && ports.length !== 2)) {
    console.error('usage: npm run bench:clerks -- [--clerks 4,16,64] [--seconds 10] [--warmup 2] [--ports 3104,3105] [--keep-db]');
    process.exit(2);
  }
  const t0 = Date.now();
  const result = await runClerkLoopBench({
    baseUrl: base,
    clerks,
    seconds,
    warmupSeconds,
    ports: ports as [number, number] | undefined,
    keep: process.argv.includes('--keep-db'),
    log: (s) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${s}`),
  });
  if (result.ok) {
    writeReadmeSection('clerk-loop', `${result.markdown}\n\nLatest run: ${new Date().toISOString().slice(0, 10)}. Machine: ${machineLine(result.version)}.`);
    console.log('written to bench/README.md: clerk-loop');
  } else {
    console.error('FAILED checks: the clerk-loop section was not written');
    process.exitCode = 1;
  }
}
