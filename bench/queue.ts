/**
 * `npm run bench:queue -- [--items 100000] [--clerks 32] [--seconds 30] [--pool 16]`: the queue row
 * of issue 7. Clerks take the next item and decide it through the same service functions the desk
 * routes call (claimNext, then recordVerdict for each material on the checklist, then
 * acceptApplication: the shortest way a clerk legitimately decides a complete application), beside
 * pg-boss fetch + complete of as many jobs on a fresh database of the same server, and the ratio.
 * At the end the audit trail, not our own counters, says whether any item was claimed twice or lost.
 *
 * The queue is filled the way submissions fill it: a few applications go through the real submit
 * service (files, registry look-ups simulated by the mocks the demo uses), then each row those
 * submissions wrote is copied set-based, column for column, under fresh ids and numbers (the
 * audit rows with their report facts, which the worker would project). A table the submit service writes that the copy does not cover
 * stops the benchmark rather than leaving the queue unlike a real one.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { createDb, migrate, type Db, type DbHandle } from '../db/client.js';
import { applications, users } from '../db/schema/index.js';
import { seedDemo, seedReference } from '../db/seed.js';
import { DEMO_USERS } from '../db/seed-data.js';
import { submitApplication } from '../services/applications/submit.js';
import { getService } from '../services/catalog/index.js';
import type { Department } from '../services/catalog/types.js';
import { defaultConfig, systemClock, type Config, type ServiceContext, type UserActor } from '../services/context.js';
import { EXAMPLE_ADDRESS } from '../services/catalog/examples.js';
import { claimNext } from '../services/queue/claim.js';
import { loadChecklist } from '../services/review/checklist.js';
import { acceptApplication } from '../services/review/decisions.js';
import { recordVerdict } from '../services/review/verdicts.js';
import { databaseUrl, ensureDatabase } from '../scripts/seed-volume.js';
import { mockServer } from '../tests/mocks/node.js';
import { createApplicant, sampleFileBytes } from '../tests/support/applications.js';
import { captureStatements, decisionScript } from './capture-decision.js';
import { sampleLockWaits } from './lock-waits.js';
import { runPgbench } from './submissions.js';
import { machineLine, writeReadmeSection } from './reports.js';

export type BenchRow = { label: string; value: number; unit: string; reference?: number; referenceLabel?: string; ratio?: number; goal?: string; note?: string };

export type QueueBenchOptions = {
  /** A PostgreSQL URL; its database part is ignored: the benchmark creates its own databases. */
  baseUrl: string;
  items?: number;
  clerks?: number;
  durationSeconds?: number;
  /** Connections of the one pool the clerks share, and of pg-boss's pool: the same for both. */
  poolSize?: number;
  /** The measured time is split into this many slices per side, alternating with the other side. */
  rounds?: number;
  log?: (s: string) => void;
};

export type QueueBench = { rows: BenchRow[]; markdown: string; ok: boolean; version: string };

const OURS_DB = 'onewindow_bench_queue';
/** A copy of the seeded queue for the take-next row: take next alone and pgbench's claim + complete both consume it. */
const TAKE_DB = 'onewindow_bench_queue_take';
const PGBENCH_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pgbench');
const CLAIM_SCRIPT = path.join(PGBENCH_DIR, 'claim-complete.sql');
/** A third copy of the seeded queue, for pgbench replaying the statements a whole decision sends. */
const DECIDE_DB = 'onewindow_bench_queue_decide';
const decisionScriptPath = (k: number) => path.join(PGBENCH_DIR, `decision-${k}.sql`);
/** pgbench at each of these client counts for a moment; the best is the reference (issue 17: the alternative at its strongest). */
const PGBENCH_CLIENTS = [1, 2, 4, 8, 16, 32];
/** pg-boss fetches and completes in batches, as its documentation scales it: these sizes are tried, the best is the reference. */
const BOSS_BATCHES = [10, 50, 100];
const BOSS_BATCH_WORKERS = 4;
const BOSS_DB = 'onewindow_bench_pgboss';
const OFFICE = 'bj-dongcheng';
/** pg-boss again with few jobs queued, for context: its fetch cost grows with the backlog. */
const SHALLOW_QUEUE = 'bench_shallow';
const SHALLOW_JOBS = 2_000;
const SHALLOW_SECONDS = 3;
const ALL_DEPARTMENTS: Department[] = ['hukou', 'traffic', 'exit_entry'];

/** Tables the submit service writes; the copy covers each, and scaleRollup the report rollups. */
const CLONED = ['applications', 'application_files', 'queue_items', 'audit_events', 'messages'] as const;
const isRollup = (table: string) => table.startsWith('report_');

type Template = { serviceCode: string; applicant: 'demoCitizen' | 'newCitizen'; answers: (idNumber: string) => Record<string, string> };

/**
 * One submission of each department at the comprehensive window: a temporary ID card whose
 * household book the registry confirms (two materials to judge) and one it does not (three), a
 * clean car's inspection mark, a first passport.
 */
const TEMPLATES: Template[] = [
  { serviceCode: 'temporary-id-card', applicant: 'demoCitizen', answers: () => ({ hukouRegion: '110101', reason: 'applying', delivery: 'pickup' }) },
  { serviceCode: 'temporary-id-card', applicant: 'newCitizen', answers: () => ({ hukouRegion: '110101', reason: 'replacing', delivery: 'mail', ...EXAMPLE_ADDRESS }) },
  {
    serviceCode: 'inspection-mark',
    applicant: 'demoCitizen',
    answers: () => ({ plate: '京A12345', filingAs: 'owner', vehicleType: 'smallPassenger', registrationDate: '2022-12-15', delivery: 'electronic' }),
  },
  {
    serviceCode: 'passport',
    applicant: 'newCitizen',
    answers: (idNumber) => ({ idNumber, officeCode: OFFICE, applicationType: 'first', stateFunctionary: 'no', delivery: 'pickup' }),
  },
];

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;

async function tableCounts(db: Db): Promise<Map<string, number>> {
  const tables = rowsOf<{ t: string }>(await db.execute(sql`select tablename as t from pg_tables where schemaname = 'public' order by 1`));
  const out = new Map<string, number>();
  for (const { t } of tables) {
    const [{ n }] = rowsOf<{ n: number }>(await db.execute(sql.raw(`select count(*)::int as n from "${t}"`)));
    out.set(t, n);
  }
  return out;
}

async function columnsOf(db: Db, table: string): Promise<string[]> {
  const rows = rowsOf<{ c: string }>(
    await db.execute(sql`select column_name as c from information_schema.columns where table_schema = 'public' and table_name = ${table} order by ordinal_position`),
  );
  return rows.map((r) => r.c);
}

/**
 * INSERT … SELECT that copies every column of `table` from the template's rows (alias t, joined
 * to the clone list c), except the ones given: an expression, or null to let the column default.
 */
async function copyStatement(db: Db, table: string, overrides: Record<string, string | null>, from: string): Promise<string> {
  const cols = (await columnsOf(db, table)).filter((c) => overrides[c] !== null);
  const unknown = Object.keys(overrides).filter((c) => overrides[c] !== null && !cols.includes(c));
  if (unknown.length) throw new Error(`bench:queue: ${table} has no column ${unknown.join(', ')}`);
  const list = cols.map((c) => `"${c}"`).join(', ');
  const select = cols.map((c) => overrides[c] ?? `t."${c}"`).join(', ');
  return `insert into ${table} (${list}) select ${select} ${from}`;
}

/**
 * The rollup as the real hook would have left it after every submission: the database held no
 * application before the templates, and each template has the same number of copies, so every
 * additive column (integer counters, jsonb tallies of counts) is the templates' own times `factor`.
 */
async function scaleRollup(db: Db, tables: string[], factor: number): Promise<void> {
  for (const t of tables) {
    const cols = rowsOf<{ c: string; type: string; key: boolean }>(
      await db.execute(sql`
        select a.attname as c, format_type(a.atttypid, a.atttypmod) as type,
               exists (select 1 from pg_index i where i.indrelid = a.attrelid and i.indisprimary and a.attnum = any(i.indkey)) as key
        from pg_attribute a where a.attrelid = ${t}::regclass and a.attnum > 0 and not a.attisdropped`),
    );
    const sets = cols
      .filter((c) => !c.key && (c.type === 'integer' || c.type === 'jsonb'))
      .map((c) =>
        c.type === 'integer'
          ? `"${c.c}" = "${c.c}" * ${factor}`
          : `"${c.c}" = coalesce((select jsonb_object_agg(k, (v::text)::numeric * ${factor}) from jsonb_each("${c.c}") x(k, v)), '{}'::jsonb)`,
      );
    if (sets.length) await db.execute(sql.raw(`update ${t} set ${sets.join(', ')}`));
  }
}

type Seeded = { clerks: UserActor[]; codesOf: Map<string, string[]>; templates: { serviceCode: string; codes: string[] }[] };

/** Fresh database, migrated and seeded, the templates submitted for real, then copied to `items`. */
async function seedOurs(handle: DbHandle, items: number, clerkCount: number, log: (s: string) => void): Promise<Seeded> {
  const db = handle.db;
  await migrate(handle);
  await seedReference(db);
  // A throwaway database no server opens: the process's own key will do.
  await seedDemo(db, defaultConfig().dataKeys);

  const uploadDir = mkdtempSync(path.join(os.tmpdir(), 'onewindow-bench-queue-'));
  const config: Config = defaultConfig({ uploadDir });
  const [demo] = await db.select().from(users).where(sql`${users.mobile} = ${DEMO_USERS[0].mobile}`);
  const before = await tableCounts(db);
  const templateIds: string[] = [];
  // The registry, vehicle records and controls answer from the demo's simulated systems, as under `npm start`.
  mockServer.listen({ onUnhandledRequest: 'bypass' });
  try {
    for (const t of TEMPLATES) {
      const citizen = t.applicant === 'demoCitizen' ? demo : await createApplicant(db);
      const def = getService(t.serviceCode);
      const files = await Promise.all(
        def.materials
          .filter((m) => m.required === 'always')
          .map(async (m) => ({ materialCode: m.code, originalName: `${m.code}.bin`, bytes: await sampleFileBytes(m.accept) })),
      );
      const ctx: ServiceContext = {
        db,
        actor: { kind: 'user', id: citizen.id, role: 'citizen', officeCode: null, skills: [], managerScope: null, cityCode: null, orgUnitCode: null },
        clock: systemClock,
        config,
      };
      const applicationId = randomUUID();
      await submitApplication(ctx, { applicationId, serviceCode: t.serviceCode, rawAnswers: t.answers(citizen.idNumber ?? ''), files });
      templateIds.push(applicationId);
    }
  } finally {
    mockServer.close();
    rmSync(uploadDir, { recursive: true, force: true });
  }
  const after = await tableCounts(db);
  const written = [...after].filter(([t, n]) => n !== before.get(t)).map(([t]) => t);
  // The desk's tallies are kept by the trigger on applications, which the copies fire too.
  const byTrigger = ['desk_tallies', 'desk_tally_changes'];
  const uncovered = written.filter((t) => !(CLONED as readonly string[]).includes(t) && !isRollup(t) && !byTrigger.includes(t) && t !== 'users');
  if (uncovered.length) throw new Error(`bench:queue: submission wrote to ${uncovered.join(', ')}, which the copy does not cover`);

  const templates: Seeded['templates'] = [];
  for (const id of templateIds) {
    const [app] = await db.select().from(applications).where(sql`${applications.id} = ${id}`);
    if (app.status !== 'submitted' || app.officeCode !== OFFICE) throw new Error(`bench:queue: template ${app.serviceCode} is ${app.status} at ${app.officeCode}`);
    const { items: checklist } = await loadChecklist(db, app);
    templates.push({ serviceCode: app.serviceCode, codes: checklist.map((i) => i.material.code) });
  }

  const copies = items - templateIds.length;
  const t0 = Date.now();
  const tpl = `array[${templateIds.map((id) => `'${id}'`).join(',')}]::uuid[]`;
  const on = 'from clone c join';
  const pairs = await db.transaction(async (tx) => {
    const q = (s: string) => tx.execute(sql.raw(s));
    await q('set local synchronous_commit = off');
    // Received one millisecond apart before the templates, so "take next" has a strict order to follow.
    await q(`
      create temp table clone on commit drop as
      select gen_random_uuid() as id, g.i, (${tpl})[1 + (g.i - 1) % ${templateIds.length}] as template_id,
             ((${copies} - g.i + 1) * interval '1 millisecond') as shift, nextval('application_number_seq') as seq
      from generate_series(1, ${copies}) g(i)`);
    await q(`alter table clone add column number text`);
    await q(`update clone c set number = left(a.number, 10) || lpad(c.seq::text, 6, '0') from applications a where a.id = c.template_id`);
    await q(
      await copyStatement(
        tx,
        'applications',
        { id: 'c.id', number: 'c.number', submitted_at: 't.submitted_at - c.shift', created_at: 't.created_at - c.shift', updated_at: 't.updated_at - c.shift' },
        `${on} applications t on t.id = c.template_id`,
      ),
    );
    await q(
      await copyStatement(
        tx,
        'application_files',
        { id: 'gen_random_uuid()', application_id: 'c.id', uploaded_at: 't.uploaded_at - c.shift' },
        `${on} application_files t on t.application_id = c.template_id`,
      ),
    );
    await q(
      await copyStatement(tx, 'queue_items', { id: null, application_id: 'c.id', received_at: 't.received_at - c.shift' }, `${on} queue_items t on t.application_id = c.template_id`),
    );
    await q(
      await copyStatement(
        tx,
        'audit_events',
        {
          id: null,
          // The copying transaction's own id, as a real filing's row carries its own (decision 0025).
          xact: null,
          application_id: 'c.id',
          at: 't.at - c.shift',
          data: `case when t.data ? 'number' then jsonb_set(t.data, '{number}', to_jsonb(c.number)) else t.data end`,
        },
        `${on} audit_events t on t.application_id = c.template_id`,
      ),
    );
    await q(
      await copyStatement(
        tx,
        'messages',
        {
          id: 'gen_random_uuid()',
          application_id: 'c.id',
          idempotency_key: 'replace(t.idempotency_key, c.template_id::text, c.id::text)',
          params: `case when t.params ? 'number' then jsonb_set(t.params, '{number}', to_jsonb(c.number)) else t.params end`,
          created_at: 't.created_at - c.shift',
          next_attempt_at: 't.next_attempt_at - c.shift',
        },
        `${on} messages t on t.application_id = c.template_id`,
      ),
    );
    return rowsOf<{ id: string; template_id: string }>(await q('select id, template_id from clone'));
  });
  await scaleRollup(db, written.filter(isRollup), items / templateIds.length);

  // Clerks of the comprehensive window, every department; generated accounts cannot sign in.
  const clerkRows = await db
    .insert(users)
    .values(
      Array.from({ length: clerkCount }, (_, i) => ({
        role: 'clerk' as const,
        realName: `bench clerk ${i + 1}`,
        staffNo: `B${String(i + 1).padStart(5, '0')}`,
        passwordHash: '!generated',
        officeCode: OFFICE,
        skills: ALL_DEPARTMENTS,
      })),
    )
    .returning();
  const clerks: UserActor[] = clerkRows.map((u) => ({
    kind: 'user',
    id: u.id,
    role: 'clerk',
    officeCode: u.officeCode,
    skills: u.skills as Department[],
    managerScope: null,
    cityCode: '1101',
    orgUnitCode: null,
  }));

  // What the review page lists for each item: the same checklist as its template.
  const codesOf = new Map<string, string[]>();
  const byTemplate = new Map(templateIds.map((id, i) => [id, templates[i].codes]));
  for (const id of templateIds) codesOf.set(id, byTemplate.get(id)!);
  for (const p of pairs) codesOf.set(p.id, byTemplate.get(p.template_id)!);
  if (codesOf.size !== items) throw new Error(`bench:queue: ${codesOf.size} items mapped to a checklist, expected ${items}`);
  await db.execute(sql`vacuum analyze`);
  log(`bench:queue: ${items.toLocaleString('en')} submitted applications queued in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { clerks, codesOf, templates };
}

type Steps = { items: number; claim: number; verdicts: number; accept: number; verdictCalls: number };
const noSteps = (): Steps => ({ items: 0, claim: 0, verdicts: 0, accept: 0, verdictCalls: 0 });

/**
 * A clerk's whole decision: take next, an ok verdict for each material on the item's checklist,
 * accept; the item taken, or null when the queue is empty. The clerks' loop and the capture of the
 * replayed statements both decide through here.
 */
async function decideNext(ctx: ServiceContext, codesOf: Map<string, string[]>, into: Steps) {
  let t = performance.now();
  const claim = await claimNext(ctx);
  into.claim += performance.now() - t;
  if (!claim) return null;
  t = performance.now();
  for (const materialCode of codesOf.get(claim.applicationId) ?? []) {
    await recordVerdict(ctx, claim.number, { leaseVersion: claim.leaseVersion, materialCode, verdict: 'ok' });
    into.verdictCalls++;
  }
  into.verdicts += performance.now() - t;
  t = performance.now();
  await acceptApplication(ctx, claim.number, { leaseVersion: claim.leaseVersion });
  into.accept += performance.now() - t;
  into.items++;
  return claim;
}

const DECISION_HEADER = (what: string) => `-- Generated by \`npm run bench:queue\` (bench/capture-decision.ts) from the statements one whole decision sends:
-- ${what}, through the service functions the desk routes call (claimNext, recordVerdict for each material,
-- acceptApplication), BEGIN and COMMIT included. Rewritten by every run, so it is always the code's current SQL.
-- Run as: pgbench -n -M extended -f decision-1.sql -f decision-2.sql … -D clerk=<clerk id>`;

/** Decisions captured, each a script: the next items in the queue's order, so their mix is the one the clerks decide. */
const CAPTURED_DECISIONS = 4;

/**
 * On the decide copy, one clerk decides the next items one at a time, each decision's statements
 * captured and made a pgbench script. The first decision only warms the process's caches, as a
 * running server's long are (bench/capture.ts).
 */
async function captureDecisions(url: string, seeded: Seeded): Promise<{ scripts: string[]; statements: number[]; labels: string[] }> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const db = drizzle(pool) as unknown as Db;
    const ctx: ServiceContext = { db, actor: seeded.clerks[0], clock: systemClock, config: defaultConfig() };
    await decideNext(ctx, seeded.codesOf, noSteps());
    const serviceOf = new Map(seeded.templates.map((t) => [t.codes.join(','), t.serviceCode]));
    const scripts: string[] = [];
    const statements: number[] = [];
    const labels: string[] = [];
    while (scripts.length < CAPTURED_DECISIONS) {
      const startedAt = Date.now();
      const { result: claim, statements: log } = await captureStatements(() => decideNext(ctx, seeded.codesOf, noSteps()));
      if (!claim) throw new Error('bench:queue: the queue ran dry while capturing a decision');
      const codes = seeded.codesOf.get(claim.applicationId) ?? [];
      const label = `${serviceOf.get(codes.join(',')) ?? '?'}, ${codes.length} materials to judge`;
      const file = decisionScriptPath(scripts.length + 1);
      writeFileSync(file, decisionScript(log, seeded.clerks[0].id, startedAt, DECISION_HEADER(`one ${label}`)));
      scripts.push(file);
      statements.push(log.length);
      labels.push(label);
    }
    // Scripts of an earlier run with more templates would otherwise linger beside these.
    for (const f of readdirSync(PGBENCH_DIR)) {
      const m = /^decision-(\d+)\.sql$/.exec(f);
      if (m && Number(m[1]) > scripts.length) rmSync(path.join(PGBENCH_DIR, f));
    }
    return { scripts, statements, labels };
  } finally {
    await pool.end();
  }
}

/** Each slice: every clerk takes the next item and decides it, until the time is up or the queue is empty. */
function prepareClerks(db: Db, seeded: Seeded) {
  const config = defaultConfig();
  const steps: Steps = { items: 0, claim: 0, verdicts: 0, accept: 0, verdictCalls: 0 };
  const errors: string[] = [];
  let counted = 0;
  const contexts = seeded.clerks.map((actor): ServiceContext => ({ db, actor, clock: systemClock, config }));

  /** Takes the next item and decides it; false when the queue is empty. */
  async function one(ctx: ServiceContext, into: Steps): Promise<boolean> {
    if (!(await decideNext(ctx, seeded.codesOf, into))) return false;
    counted++;
    return true;
  }

  const slice = (seconds: number) => timed(seconds, contexts.length, async (w) => ((await one(contexts[w], steps)) ? 1 : 0), errors);

  /** Median ms of take next and of the whole decision, one item at a time with nothing else running. */
  async function alone(n: number): Promise<{ claim: number; item: number; n: number }> {
    const claims: number[] = [];
    const whole: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = noSteps();
      const t = performance.now();
      if (!(await one(contexts[0], s))) break;
      whole.push(performance.now() - t);
      claims.push(s.claim);
    }
    return { claim: median(claims), item: median(whole), n: whole.length };
  }

  return { slice, alone, steps, errors, counted: () => counted };
}

/**
 * Take next alone, on the copy of the queue: every clerk takes one item after another (claimNext:
 * the lookup down the index, the lease, the audit row, the start of review), deciding nothing.
 */
function prepareTakers(db: Db, clerks: UserActor[]) {
  const config = defaultConfig();
  const contexts = clerks.map((actor): ServiceContext => ({ db, actor, clock: systemClock, config }));
  const errors: string[] = [];
  let counted = 0;
  const slice = async (seconds: number) => {
    const s = await timed(seconds, contexts.length, async (w) => ((await claimNext(contexts[w])) ? 1 : 0), errors);
    counted += s.done;
    return s;
  };
  return { slice, errors, counted: () => counted };
}

/** On the copy: no item taken twice, by clerks (audit trail) or by pgbench (rows claimed then done once each). */
async function checkTakes(db: Db, taken: number): Promise<Check> {
  const one = async <T>(q: string) => rowsOf<T>(await db.execute(sql.raw(q)))[0];
  const twice = await one<{ n: number }>(`select count(*)::int as n from (
      select application_id from audit_events where action = 'queue.claimed' group by 1 having count(*) > 1) x`);
  const claims = await one<{ n: number }>(`select count(*)::int as n from audit_events where action = 'queue.claimed'`);
  const states = await one<{ claimed: number; done: number; bumped: number }>(`select
      count(*) filter (where state = 'claimed')::int as claimed, count(*) filter (where state = 'done')::int as done,
      count(*) filter (where lease_version > 1)::int as bumped from queue_items`);
  const lines = [
    `take next alone: ${taken} takes counted, ${claims.n} claims in the audit trail, ${twice.n} items claimed twice; pgbench completed ${states.done} items; items taken more than once (lease version > 1): ${states.bumped}`,
  ];
  return { ok: twice.n === 0 && claims.n === taken && states.claimed === taken && states.bumped === 0, lines };
}

/** A copy of a database (nobody may be connected to the source meanwhile). */
async function copyDatabase(base: string, from: string, to: string): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseUrl(base, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${to} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${to} TEMPLATE ${from}`);
  } finally {
    await admin.end();
  }
}

/**
 * Runs `workers` loops for `seconds`, each calling `step` (given its worker's index) until the time
 * is up or it returns 0 (nothing left); a loop that throws stops and its message is kept. The one
 * timing loop of every side, so each is measured alike.
 */
async function timed(seconds: number, workers: number, step: (worker: number) => Promise<number>, errors: string[]): Promise<Slice> {
  let done = 0;
  const start = performance.now();
  const stopAt = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      try {
        while (performance.now() < stopAt) {
          const n = await step(w);
          if (!n) return;
          done += n;
        }
      } catch (e) {
        errors.push((e as Error).message);
      }
    }),
  );
  return { done, elapsed: (performance.now() - start) / 1000 };
}

type Check = { ok: boolean; lines: string[] };

/**
 * From the audit trail and the rows themselves: every item claimed at most once, every claim
 * decided by the clerk who holds it, and every item either still waiting or decided.
 */
async function checkOurs(db: Db, items: number, counted: number): Promise<Check> {
  const one = async <T>(q: string) => rowsOf<T>(await db.execute(sql.raw(q)))[0];
  const twice = await one<{ n: number }>(`select count(*)::int as n from (
      select application_id from audit_events where action = 'queue.claimed' group by 1 having count(*) > 1) x`);
  const claims = await one<{ n: number; apps: number }>(`select count(*)::int as n, count(distinct application_id)::int as apps from audit_events where action = 'queue.claimed'`);
  const accepted = await one<{ n: number }>(`select count(*)::int as n from audit_events where action = 'application.accepted'`);
  const decisions = await one<{ n: number }>(`select count(*)::int as n from decisions where kind = 'accepted'`);
  const otherHand = await one<{ n: number }>(`select count(*)::int as n from audit_events c join audit_events a
      on a.application_id = c.application_id and a.action = 'application.accepted'
      where c.action = 'queue.claimed' and a.actor_id is distinct from c.actor_id`);
  const states = await one<{ waiting: number; held: number; stray: number; total: number }>(`select
      count(*) filter (where q.state = 'waiting' and a.status = 'submitted')::int as waiting,
      count(*) filter (where q.state = 'claimed' and a.status = 'accepted')::int as held,
      count(*) filter (where not ((q.state = 'waiting' and a.status = 'submitted') or (q.state = 'claimed' and a.status = 'accepted')))::int as stray,
      count(*)::int as total
      from queue_items q join applications a on a.id = q.application_id`);
  const lines = [
    `items claimed more than once (audit trail): ${twice.n}`,
    `claims in the audit trail: ${claims.n} on ${claims.apps} items; acceptances: ${accepted.n}; accepted decisions: ${decisions.n}; counted by the clerks: ${counted}`,
    `accepted by a clerk other than the claimant: ${otherHand.n}`,
    `queue: ${states.waiting} waiting + ${states.held} decided and held = ${states.waiting + states.held} of ${items}; neither (lost or half-done): ${states.stray}`,
  ];
  const ok =
    twice.n === 0 &&
    claims.n === claims.apps &&
    claims.n === accepted.n &&
    accepted.n === decisions.n &&
    decisions.n === counted &&
    otherHand.n === 0 &&
    states.stray === 0 &&
    states.total === items &&
    states.waiting + states.held === items;
  return { ok, lines };
}

type Slice = { done: number; elapsed: number };

/**
 * pg-boss on its own fresh database: `items` jobs inserted in bulk; each slice then runs `workers`
 * loops of fetch (one job) + complete, as a clerk takes one item at a time.
 */
async function preparePgBoss(url: string, items: number, workers: number, poolSize: number, log: (s: string) => void) {
  const boss = new PgBoss({ connectionString: url, max: poolSize, supervise: false, schedule: false });
  const errors: string[] = [];
  boss.on('error', (e) => errors.push(e.message));
  await boss.start();
  const queue = 'bench';
  const t0 = Date.now();
  for (const [name, size] of [
    [queue, items],
    [SHALLOW_QUEUE, SHALLOW_JOBS],
  ] as const) {
    await boss.createQueue(name);
    for (let lo = 0; lo < size; lo += 10_000) {
      const n = Math.min(10_000, size - lo);
      await boss.insert(Array.from({ length: n }, (_, j) => ({ name, data: { item: lo + j } })));
    }
  }
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query('vacuum analyze');
  log(`bench:queue: ${items.toLocaleString('en')} pg-boss jobs inserted in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  let counted = 0;
  let shallowCounted = 0;

  /** One job at a time per worker, as a clerk takes one item at a time. */
  async function slice(seconds: number, name: string = queue): Promise<Slice> {
    const s = await timed(
      seconds,
      workers,
      async () => {
        const [job] = await boss.fetch(name, { batchSize: 1 });
        if (!job) return 0;
        await boss.complete(name, job.id);
        return 1;
      },
      errors,
    );
    if (name === queue) counted += s.done;
    else shallowCounted += s.done;
    return s;
  }

  /**
   * pg-boss as its documentation scales it: a few workers, each fetching `batchSize` jobs at once
   * and completing them with one `complete(ids)`.
   */
  async function sliceBatched(seconds: number, batchSize: number, workerCount = BOSS_BATCH_WORKERS): Promise<Slice> {
    const s = await timed(
      seconds,
      workerCount,
      async () => {
        const jobs = await boss.fetch(queue, { batchSize });
        if (jobs.length) await boss.complete(queue, jobs.map((j) => j.id));
        return jobs.length;
      },
      errors,
    );
    counted += s.done;
    return s;
  }

  /** Median ms of fetch + complete, one job at a time with nothing else running; and how many ran. */
  async function alone(n: number): Promise<{ ms: number; n: number }> {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const [job] = await boss.fetch(queue, { batchSize: 1 });
      if (!job) break;
      await boss.complete(queue, job.id);
      times.push(performance.now() - t);
      counted++;
    }
    return { ms: median(times), n: times.length };
  }

  async function finish(): Promise<{ ok: boolean; line: string; errors: string[] }> {
    const { rows } = await admin.query<{ name: string; completed: number; active: number; retried: number }>(
      `select name, count(*) filter (where state = 'completed')::int as completed, count(*) filter (where state = 'active')::int as active,
              count(*) filter (where retry_count > 0)::int as retried from pgboss.job group by name`,
    );
    await admin.end();
    await boss.stop({ graceful: false, wait: true });
    const of = (name: string) => rows.find((r) => r.name === name) ?? { completed: 0, active: 0, retried: 0 };
    const [c, sh] = [of(queue), of(SHALLOW_QUEUE)];
    const ok = errors.length === 0 && c.completed === counted && sh.completed === shallowCounted && c.active + sh.active === 0 && c.retried + sh.retried === 0;
    return {
      ok,
      line: `pg-boss: ${c.completed} jobs completed (counted ${counted}) and ${sh.completed} of the shallow queue (counted ${shallowCounted}), ${c.active + sh.active} left active, ${c.retried + sh.retried} retried`,
      errors,
    };
  }

  return { slice, sliceBatched, alone, finish };
}

/**
 * Statements any pg client of this process sends while `fn` runs (BEGIN and COMMIT included):
 * pg-boss and drizzle both go through pg's Client.query.
 */
async function countStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  let statements = 0;
  proto.query = function (this: unknown, ...args: unknown[]) {
    statements++;
    return original.apply(this, args);
  };
  try {
    return { result: await fn(), statements };
  } finally {
    proto.query = original;
  }
}

const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN);
const fmt = (x: number) => x.toLocaleString('en', { maximumFractionDigits: 0 });

/**
 * Runs the queue benchmark on the server of `baseUrl` and returns its rows for `npm run bench` and
 * its bench/README.md section. `ok` is false when an item was claimed twice or lost.
 *
 * Two rows, each against the alternative at its strongest (issue 17): the whole decision beside
 * pg-boss fetching and completing in batches (the best of a few batch sizes), and take next alone
 * beside pgbench claiming + completing with SKIP LOCKED down the same index (the best client count).
 */
export async function runQueueBench(opts: QueueBenchOptions): Promise<QueueBench> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const items = opts.items ?? 100_000;
  const clerkCount = opts.clerks ?? 32;
  const seconds = opts.durationSeconds ?? 30;
  const poolSize = opts.poolSize ?? 16;
  const rounds = opts.rounds ?? 3;
  const warmup = 2;
  const perRound = Math.max(1, Math.round(seconds / rounds));
  // Every template gets as many copies as the others, which keeps the rollup exact (scaleRollup).
  if (items < TEMPLATES.length || items % TEMPLATES.length !== 0) throw new Error(`bench:queue: items must be a positive multiple of ${TEMPLATES.length}`);

  const load = () => os.loadavg()[0].toFixed(1);
  const loadAtStart = load();
  await ensureDatabase(opts.baseUrl, OURS_DB, true);
  await ensureDatabase(opts.baseUrl, BOSS_DB, true);
  const oursUrl = databaseUrl(opts.baseUrl, OURS_DB);
  const takeUrl = databaseUrl(opts.baseUrl, TAKE_DB);
  const decideUrl = databaseUrl(opts.baseUrl, DECIDE_DB);

  let handle = await createDb({ url: oursUrl, max: poolSize });
  let takeHandle: DbHandle | null = null;
  let version = '';
  try {
    version = rowsOf<{ v: string }>(await handle.db.execute(sql`select version() as v`))[0].v.split(' on ')[0];
    const seeded = await seedOurs(handle, items, clerkCount, log);
    // The same queue twice: the decisions consume one, take next and pgbench the other.
    await handle.close();
    await copyDatabase(opts.baseUrl, OURS_DB, TAKE_DB);
    await copyDatabase(opts.baseUrl, OURS_DB, DECIDE_DB);
    handle = await createDb({ url: oursUrl, max: poolSize });
    takeHandle = await createDb({ url: takeUrl, max: poolSize });
    const captured = await captureDecisions(decideUrl, seeded);
    log(`bench:queue: one whole decision sends ${captured.statements.map((n, i) => `${n} statements (${captured.labels[i]})`).join(', ')}`);

    const boss = await preparePgBoss(databaseUrl(opts.baseUrl, BOSS_DB), items, clerkCount, poolSize, log);
    const clerks = prepareClerks(handle.db, seeded);
    const takers = prepareTakers(takeHandle.db, seeded.clerks);
    const claimVars = { office: OFFICE, clerk: seeded.clerks[0].id };
    const decideVars = { clerk: seeded.clerks[0].id };
    const bossUrl = databaseUrl(opts.baseUrl, BOSS_DB);
    // Each side starts from a clean slate: the other's dirty pages written out first.
    const checkpoint = async () => {
      const c = new pg.Client({ connectionString: bossUrl });
      await c.connect();
      await c.query('checkpoint');
      await c.end();
    };
    for (const warm of [() => clerks.slice(warmup), () => boss.sliceBatched(warmup, BOSS_BATCHES[1]), () => takers.slice(warmup)]) {
      await checkpoint();
      await warm();
    }
    // One at a time, nothing else running: what a single take costs on a queue this deep.
    await checkpoint();
    const ALONE = 21;
    const { result: bossAlone, statements: bossStatements } = await countStatements(() => boss.alone(ALONE));
    const { result: oursAlone, statements: oursStatements } = await countStatements(() => clerks.alone(ALONE));
    log(`bench:queue: alone: pg-boss fetch + complete ${bossAlone.ms.toFixed(1)} ms; take next ${oursAlone.claim.toFixed(1)} ms, whole decision ${oursAlone.item.toFixed(1)} ms`);

    // The references at their strongest: pg-boss's batch size and pgbench's client count, each the best of a short sweep.
    const batchRates: { batch: number; rate: number }[] = [];
    for (const batch of BOSS_BATCHES) {
      await checkpoint();
      const s = await boss.sliceBatched(2, batch);
      batchRates.push({ batch, rate: s.done / s.elapsed });
    }
    const bestBatch = batchRates.reduce((a, b) => (b.rate > a.rate ? b : a));
    const clientRates: { clients: number; tps: number }[] = [];
    for (const clients of PGBENCH_CLIENTS) {
      await checkpoint();
      const r = await runPgbench(takeUrl, clients, 2, claimVars, CLAIM_SCRIPT);
      if (r.failed) throw new Error(`bench:queue: pgbench claim + complete: ${r.failed} transactions failed at ${clients} clients`);
      clientRates.push({ clients, tps: r.tps });
    }
    const bestClients = clientRates.reduce((a, b) => (b.tps > a.tps ? b : a));
    const replayRates: { clients: number; tps: number }[] = [];
    for (const clients of PGBENCH_CLIENTS) {
      await checkpoint();
      const r = await runPgbench(decideUrl, clients, 2, decideVars, captured.scripts);
      if (r.failed) throw new Error(`bench:queue: pgbench decision replay: ${r.failed} transactions failed at ${clients} clients`);
      replayRates.push({ clients, tps: r.tps });
    }
    const bestReplay = replayRates.reduce((a, b) => (b.tps > a.tps ? b : a));
    log(`bench:queue: pgbench decision replay ${replayRates.map((r) => `${r.clients}: ${fmt(r.tps)} tps`).join(', ')} → ${bestReplay.clients} clients`);
    log(
      `bench:queue: pg-boss batched ${batchRates.map((r) => `${r.batch}: ${fmt(r.rate)}/s`).join(', ')} → batch ${bestBatch.batch}; ` +
        `pgbench claim + complete ${clientRates.map((r) => `${r.clients}: ${fmt(r.tps)} tps`).join(', ')} → ${bestClients.clients} clients`,
    );

    // pgbench stops with "expected one row, got 0" when the copy runs dry: say so before, not after.
    const [{ waiting }] = rowsOf<{ waiting: number }>(await takeHandle.db.execute(sql`select count(*)::int as waiting from queue_items where state = 'waiting'`));
    const needed = Math.ceil(bestClients.tps * perRound * rounds * 1.5);
    if (needed > waiting) throw new Error(`bench:queue: pgbench would take about ${fmt(needed)} items and ${fmt(waiting)} are left; raise --items or lower --seconds`);
    const decideClient = new pg.Client({ connectionString: decideUrl });
    await decideClient.connect();
    const decideWaiting = (await decideClient.query<{ waiting: number }>(`select count(*)::int as waiting from queue_items where state = 'waiting'`)).rows[0].waiting;
    await decideClient.end();
    const replayNeeded = Math.ceil(bestReplay.tps * perRound * rounds * 1.5);
    if (replayNeeded > decideWaiting) throw new Error(`bench:queue: the decision replay would take about ${fmt(replayNeeded)} items; raise --items or lower --seconds`);

    let lockSamples = 0;
    const lockWaits: Record<string, number> = {};
    const total = () => ({ done: 0, elapsed: 0, rounds: [] as number[] });
    const sides = { ours: total(), boss: total(), replay: total(), take: total(), pgbench: total() };
    const run = {
      ours: async () => {
        // Lock waits of the clerks' sessions, by relation: none may be on report rows (decision 0025).
        const sampler = sampleLockWaits(oursUrl);
        const s = await clerks.slice(perRound);
        const w = await sampler.stop();
        lockSamples += w.samples;
        for (const [rel, n] of Object.entries(w.byRelation)) lockWaits[rel] = (lockWaits[rel] ?? 0) + n;
        return s;
      },
      boss: () => boss.sliceBatched(perRound, bestBatch.batch),
      replay: async () => {
        const r = await runPgbench(decideUrl, bestReplay.clients, perRound, decideVars, captured.scripts);
        if (r.failed) throw new Error(`bench:queue: pgbench decision replay: ${r.failed} transactions failed`);
        return { done: r.transactions, elapsed: r.seconds };
      },
      take: () => takers.slice(perRound),
      pgbench: async () => {
        const r = await runPgbench(takeUrl, bestClients.clients, perRound, claimVars, CLAIM_SCRIPT);
        if (r.failed) throw new Error(`bench:queue: pgbench claim + complete: ${r.failed} transactions failed`);
        return { done: r.transactions, elapsed: r.seconds };
      },
    };
    // Rounds alternate which side of each pair goes first, so load from anything else on the machine falls on both alike.
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? (['boss', 'ours', 'replay', 'pgbench', 'take'] as const) : (['replay', 'ours', 'boss', 'take', 'pgbench'] as const);
      for (const name of order) {
        await checkpoint();
        const s = await run[name]();
        sides[name].done += s.done;
        sides[name].elapsed += s.elapsed;
        sides[name].rounds.push(s.done / s.elapsed);
        log(`bench:queue: round ${r + 1} ${name}: ${fmt(s.done)} in ${s.elapsed.toFixed(1)} s = ${fmt(s.done / s.elapsed)}/s`);
      }
    }
    await checkpoint();
    const shallow = await boss.slice(SHALLOW_SECONDS, SHALLOW_QUEUE);
    const shallowRate = shallow.done / shallow.elapsed;
    log(`bench:queue: pg-boss one job at a time with ${fmt(SHALLOW_JOBS)} queued: ${fmt(shallowRate)} jobs/s`);
    const rateOf = (k: keyof typeof sides) => sides[k].done / sides[k].elapsed;
    const [rate, bossRate, replayRate, takeRate, claimRate] = [rateOf('ours'), rateOf('boss'), rateOf('replay'), rateOf('take'), rateOf('pgbench')];
    const steps = clerks.steps;
    log(
      `bench:queue: decisions ${fmt(rate)} items/s, pg-boss batched ${fmt(bossRate)} jobs/s, pgbench decision replay ${fmt(replayRate)} tps; ` +
        `take next ${fmt(takeRate)}/s, pgbench claim + complete ${fmt(claimRate)} tps`,
    );

    const check = await checkOurs(handle.db, items, clerks.counted());
    const takeCheck = await checkTakes(takeHandle.db, takers.counted());
    const bossCheck = await boss.finish();
    const errors = [...clerks.errors.map((e) => `clerk: ${e}`), ...takers.errors.map((e) => `take next: ${e}`), ...bossCheck.errors.map((e) => `pg-boss worker: ${e}`)];
    const onReports = Object.entries(lockWaits).filter(([rel]) => /report_|desk_tallies\b/.test(rel));
    const lockLine =
      `lock waits of the clerks' sessions, sampled every 50 ms (${lockSamples} samples): ` +
      (Object.keys(lockWaits).length ? Object.entries(lockWaits).map(([rel, n]) => `${rel} ${n}`).join(', ') : 'none') +
      `; on report rows or desk tallies: ${onReports.reduce((a, [, n]) => a + n, 0)}`;
    check.lines.push(lockLine, ...takeCheck.lines);
    const ok = check.ok && takeCheck.ok && bossCheck.ok && errors.length === 0 && onReports.length === 0;
    for (const l of [...check.lines, bossCheck.line, ...errors]) log(`bench:queue: ${l}`);

    const per = (ms: number) => (steps.items ? (ms / steps.items).toFixed(1) : '—');
    const verdictsPerItem = steps.items ? steps.verdictCalls / steps.items : 0;
    const decisionRow: BenchRow = {
      label: `Queue: ${clerkCount} clerks take next + decide, ${fmt(items)} items`,
      value: Math.round(rate),
      unit: 'items/s',
      reference: Math.round(bossRate),
      referenceLabel: `jobs/s (pg-boss, ${BOSS_BATCH_WORKERS} workers × batches of ${bestBatch.batch})`,
      ratio: Number((rate / bossRate).toFixed(3)),
      goal: '≥ 1.0',
      note: `same server; pool ${poolSize}; no item claimed twice, none lost: ${check.ok ? 'yes' : 'NO'}`,
    };
    const replayRow: BenchRow = {
      label: `Queue: whole decision beside its replay, ${clerkCount} clerks, ${fmt(items)} items`,
      value: Math.round(rate),
      unit: 'items/s',
      reference: Math.round(replayRate),
      referenceLabel: `tps (pgbench replaying the statements one decision sends, ${bestReplay.clients} clients)`,
      ratio: Number((rate / replayRate).toFixed(3)),
      goal: '≥ 0.5',
    };
    const takeRow: BenchRow = {
      label: `Queue: take next alone, ${clerkCount} clerks, ${fmt(items)} items`,
      value: Math.round(takeRate),
      unit: 'takes/s',
      reference: Math.round(claimRate),
      referenceLabel: `tps (pgbench claim + complete, SKIP LOCKED, ${bestClients.clients} clients)`,
      ratio: Number((takeRate / claimRate).toFixed(3)),
      goal: '≥ 0.5',
    };
    const met = (ratio: number, goal: number) => (ratio >= goal ? 'met' : '**not met**');
    const markdown = `## Queue (\`npm run bench:queue\`)

${clerkCount} concurrent clerks on one pool of ${poolSize} connections, each taking the next item and deciding it
through the desk's own service functions — \`claimNext\`, \`recordVerdict\` (ok) for each material on the
checklist (${verdictsPerItem.toFixed(2)} per item on average), \`acceptApplication\` — on a queue of
${fmt(items)} submitted applications of one office (${seeded.templates.map((t) => `${t.serviceCode}: ${t.codes.length} to judge`).join('; ')}).

Each row stands beside the alternative at its strongest, found by a short sweep in the same run (2 s per setting):
- **the whole decision** beside pg-boss 10.4.2 on a fresh database of the same server (${fmt(items)} jobs, pool of ${poolSize}),
  as its documentation scales it: ${BOSS_BATCH_WORKERS} workers each \`fetch\`ing a batch and \`complete\`-ing its ids at once
  (batches of ${batchRates.map((r) => `${r.batch}: ${fmt(r.rate)} jobs/s`).join(', ')}; the best, ${bestBatch.batch}, is the reference);
- **the whole decision** also beside pgbench replaying the statements one decision sends, captured in the same run from the
  same service functions (bench/capture-decision.ts: ${captured.statements.map((n, i) => `${n} statements for ${captured.labels[i]}`).join('; ')};
  [pgbench/decision-1.sql](pgbench/decision-1.sql) and its siblings, one per checklist, picked at random per transaction) on a third
  copy of the queue (${replayRates.map((r) => `${r.clients} clients: ${fmt(r.tps)} tps`).join(', ')}; the best, ${bestReplay.clients}, is the reference);
- **take next alone** (\`claimNext\`, deciding nothing) on a copy of the same queue, beside pgbench claiming the most urgent
  waiting item with \`FOR UPDATE SKIP LOCKED\` down the same index and completing it
  ([pgbench/claim-complete.sql](pgbench/claim-complete.sql)) on that copy (${clientRates.map((r) => `${r.clients} clients: ${fmt(r.tps)} tps`).join(', ')};
  the best, ${bestClients.clients}, is the reference; the clerks' pool is ${poolSize}).

After a ${warmup} s warm-up each, ${perRound * rounds} s per side in ${rounds} alternating rounds (a checkpoint before each), so other
load on the machine falls on both alike (load average ${loadAtStart} at the start, ${load()} at the end).

| | ours | reference | ours ÷ reference | goal | |
|---|---:|---:|---:|---:|---|
| whole decision (take, verdicts, accept) | ${fmt(rate)} items/s | ${fmt(bossRate)} jobs/s pg-boss batched | ${(rate / bossRate).toFixed(3)} | ≥ 1.0 | ${met(rate / bossRate, 1)} |
| whole decision beside its replay | ${fmt(rate)} items/s | ${fmt(replayRate)} tps pgbench replaying its statements | ${(rate / replayRate).toFixed(3)} | ≥ 0.5 | ${met(rate / replayRate, 0.5)} |
| take next alone | ${fmt(takeRate)} takes/s | ${fmt(claimRate)} tps pgbench SKIP LOCKED | ${(takeRate / claimRate).toFixed(3)} | ≥ 0.5 | ${met(takeRate / claimRate, 0.5)} |

Per round: decisions ${sides.ours.rounds.map(fmt).join(', ')} items/s; pg-boss batched ${sides.boss.rounds.map(fmt).join(', ')} jobs/s;
decision replay ${sides.replay.rounds.map(fmt).join(', ')} tps;
take next ${sides.take.rounds.map(fmt).join(', ')}/s; pgbench ${sides.pgbench.rounds.map(fmt).join(', ')} tps.

A decision is not a job: it is a take, ${verdictsPerItem.toFixed(2)} verdicts and an acceptance, each its own transaction with its
audit row, while a pg-boss job is fetched and completed in bulk. The row says how far a clerk's whole decision is from the
queue mechanics of a well-run job queue, not that the two do the same work.

One at a time, with no other clerk or worker running (median of ${ALONE}): pg-boss fetch + complete of one job ${bossAlone.ms.toFixed(1)} ms
(pg-boss 10.4.2 has no index in the order its fetch serves, so at this depth each fetch sorts the backlog; with
${fmt(SHALLOW_JOBS)} queued, one job at a time, ${SHALLOW_SECONDS} s, it did ${fmt(shallowRate)} jobs/s);
our take next ${oursAlone.claim.toFixed(1)} ms, the whole take + verdicts + accept ${oursAlone.item.toFixed(1)} ms.
Statements sent per item, counted in the same one-at-a-time runs: pg-boss one job at a time ${(bossStatements / bossAlone.n).toFixed(1)}, ours
${(oursStatements / oursAlone.n).toFixed(1)} (a transaction each for the take, every verdict and the acceptance, BEGIN and COMMIT included).

Where a clerk's time goes (ms per decided item, summed over the calls, under ${clerkCount}-way contention):
take next ${per(steps.claim)}, verdicts ${per(steps.verdicts)}, accept ${per(steps.accept)}.

Checked at the end, from the audit trail and the rows (${ok ? 'all hold' : '**FAILED**'}):
${[...check.lines, bossCheck.line, ...errors].map((l) => `- ${l}`).join('\n')}
`;
    return { rows: [decisionRow, replayRow, takeRow], markdown, ok, version };
  } finally {
    await handle.close();
    await takeHandle?.close();
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const baseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  if (!/^postgres(ql)?:\/\//.test(baseUrl)) {
    console.error('bench:queue needs a PostgreSQL DATABASE_URL (or none, for postgres://postgres@127.0.0.1:5432/postgres)');
    process.exit(2);
  }
  const num = (name: string) => (arg(name) === undefined ? undefined : Number(arg(name)));
  const result = await runQueueBench({ baseUrl, items: num('items'), clerks: num('clerks'), durationSeconds: num('seconds'), poolSize: num('pool') });
  const stamp = `Latest run: ${new Date().toISOString().slice(0, 10)}. Machine: ${machineLine(result.version)}.`;
  writeReadmeSection('queue', `${result.markdown}\n${stamp}`);
  console.log(`\nwritten to bench/README.md${result.ok ? '' : ' — the check FAILED'}`);
  process.exit(result.ok ? 0 : 1);
}
