/**
 * `npm run bench -- --only desk [--desk-sizes 1000,10000,100000] [--desk-iterations 60]`, or alone:
 * `DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/desk.ts [--sizes …] [--iterations 60] [--keep-db]`.
 *
 * Tracker issue 16: the desk of one office holding 1,000 / 10,000 / 100,000 open items. Each size
 * gets a fresh database (onewindow_bench_desk_<n>, dropped afterwards), migrated, seeded with
 * SQL (generate_series: citizens, their applications and queue items, plus half as many closed
 * items of the same office and a quarter as many open ones of another office, so the indexes
 * must skip both), vacuumed and analysed as autovacuum would leave it. Then the desk service is
 * timed in-process over a pool, as the loader calls it: the first page, page 50, filters, the
 * "waiting for the citizen" tab and each kind of search, p50/p95 over the iterations. The
 * reference is the desk before issue 16 (bench/desk-before.ts) on the same database, at the
 * sizes where it finishes in reasonable time (1,000 and 10,000).
 */
import os from 'node:os';
import { sql } from 'drizzle-orm';
import { createDb, migrate, type Db } from '../db/client.js';
import { users } from '../db/schema/index.js';
import { seedReference } from '../db/seed.js';
import { defaultConfig, systemClock, type ServiceContext, type UserActor } from '../services/context.js';
import { loadDesk, searchDesk, type Desk, type DeskFilters } from '../services/queue/desk.js';
import { parseDeskSearch } from '../services/queue/desk-search.js';
import { databaseUrl, dropDatabase, ensureDatabase } from '../scripts/seed-volume.js';
import { loadDeskBefore } from './desk-before.js';
import { machineLine, writeReadmeSection } from './reports.js';
import { ms, type Row } from './table.js';

const OFFICE = 'bj-dongcheng';
const GOAL_MS = 100;

export type DeskBenchRow = { size: number; label: string; p50: number; p95: number; rows: number; bytes: number; beforeP95: number | null; beforeBytes: number | null };

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

/**
 * N open items in OFFICE: statuses as a busy office holds them (15% waiting for the citizen),
 * every service the office offers, deadlines spread over six weeks around today, names from
 * common surnames and given names (so a two-character prefix matches about 1 in 600 people),
 * a few items held by clerks. IDs and mobiles are unique, as the users table requires.
 */
async function seedDesk(db: Db, n: number): Promise<void> {
  const closed = Math.floor(n / 2);
  const elsewhere = Math.floor(n / 4);
  const total = n + closed + elsewhere;
  await db.execute(sql.raw(`
    insert into users (role, real_name, id_number, mobile, password_hash, identity_verified)
    select 'citizen',
           (array['王','李','张','刘','陈','杨','赵','黄','周','吴','徐','孙','胡','朱','高','林','何','郭','马','罗'])[1 + i % 20]
           || (array['伟','芳','娜','敏','静','丽','强','磊','军','洋','勇','艳','杰','娟','涛','明','超','秀','霞','平','刚','桂','华','红','建','文','玉','兰','英','梅'])[1 + (i / 20) % 30]
           || (array['国','海','林','峰','春','晓','雪','云','宇','鹏','辉','婷','飞','斌','琳','波','龙','凤','東','新','志','光','荣','亮','成','颖','杰','欣','宁','瑶'])[1 + (i / 600) % 30],
           '1101011990' || lpad(i::text, 8, '0'),
           '139' || lpad(i::text, 8, '0'),
           'bench-not-a-login', true
    from generate_series(1, ${total}) as i`));
  // i ≤ n: open here; then closed here; then open at another office.
  await db.execute(sql.raw(`
    insert into applications (id, number, applicant_id, service_code, department, status, answers, office_code, priority,
                              submitted_at, completeness_deadline, due_date, supplement_deadline, created_at, updated_at)
    select gen_random_uuid(), 'GA20261201' || lpad(i::text, 8, '0'), u.id, s.code, s.dept,
           case when i > ${n} and i <= ${n + closed} then 'completed'
                else (array['submitted','submitted','submitted','submitted','submitted','submitted','submitted','under_review','under_review',
                            'supplemented','accepted','accepted','accepted','accepted','accepted','accepted','accepted',
                            'needs_supplement','needs_supplement','needs_supplement'])[1 + (i * 7) % 20] end,
           '{}'::jsonb,
           case when i > ${n + closed} then 'bj-chaoyang' else '${OFFICE}' end,
           s.prio,
           timestamptz '2026-12-01 09:00+08' - ((i::bigint * 7919) % 40)::int * interval '1 day' + (i % 480) * interval '1 minute',
           date '2026-12-03' + ((i::bigint * 7919) % 40 - 20)::int,
           date '2026-12-03' + ((i::bigint * 104729) % 42 - 14)::int,
           date '2026-12-10' + (i % 15),
           now(), now()
    from generate_series(1, ${total}) as i
    join users u on u.id_number = '1101011990' || lpad(i::text, 8, '0')
    cross join lateral (select (array['temporary-id-card','birth-registration','hukou-migration','household-certificate','first-id-card',
                                      'inspection-mark','motorcycle-registration','used-vehicle-transfer','passport','hk-macao-permit','entry-exit-records'])[1 + i % 11] as code) c
    cross join lateral (select c.code,
                               case when c.code in ('inspection-mark','motorcycle-registration','used-vehicle-transfer') then 'traffic'
                                    when c.code in ('passport','hk-macao-permit','entry-exit-records') then 'exit_entry' else 'hukou' end as dept,
                               case c.code when 'birth-registration' then 3 when 'temporary-id-card' then 2 else 1 + i % 2 end as prio) s`));
  await db.execute(sql.raw(`
    insert into queue_items (application_id, office_code, department, service_code, priority, received_at, completeness_deadline, due_date, state, front_of_queue)
    select a.id, a.office_code, a.department, a.service_code, a.priority, a.submitted_at, a.completeness_deadline, a.due_date,
           case a.status when 'completed' then 'done' when 'needs_supplement' then 'parked' else 'waiting' end,
           case when a.status = 'supplemented' and a.number like '%3' then -1 else 0 end
    from applications a where a.number like 'GA20261201%'`));
  await db.execute(sql.raw(`update applications set supplement_deadline = null where status <> 'needs_supplement' and number like 'GA20261201%'`));
  // A clerk per department holding a few items each (the desk's holders, and "mine").
  await db.execute(sql.raw(`
    insert into users (role, real_name, staff_no, office_code, skills, password_hash)
    select 'clerk', '民警' || g, 'B' || lpad(g::text, 5, '0'), '${OFFICE}', array['hukou','traffic','exit_entry'], 'bench-not-a-login'
    from generate_series(1, 16) as g`));
  await db.execute(sql.raw(`
    update queue_items q set state = 'claimed', claimed_by = c.id, lease_expires_at = now() + interval '1 day', lease_version = 1
    from (select q2.id, row_number() over (order by q2.id) as k from queue_items q2 where q2.office_code = '${OFFICE}' and q2.state = 'waiting' limit 48) pick
    join users c on c.staff_no = 'B' || lpad((1 + pick.k % 16)::text, 5, '0')
    where q.id = pick.id`));
  await db.execute(sql.raw('vacuum analyze'));
}

async function time(iterations: number, f: () => Promise<Desk>): Promise<{ p50: number; p95: number; desk: Desk }> {
  let desk = await f(); // warm the plan cache and the buffers
  const xs: number[] = [];
  for (let k = 0; k < iterations; k++) {
    const t = performance.now();
    desk = await f();
    xs.push(performance.now() - t);
  }
  return { p50: pct(xs, 50), p95: pct(xs, 95), desk };
}

export async function runDeskBench(opts: {
  baseUrl: string;
  sizes: number[];
  iterations: number;
  log: (s: string) => void;
  /** Keep the databases (to EXPLAIN the desk's queries on them). */
  keep?: boolean;
}): Promise<{ rows: DeskBenchRow[]; markdown: string; version: string; ok: boolean }> {
  const out: DeskBenchRow[] = [];
  let version = '';
  let ok = true;
  for (const n of opts.sizes) {
    const name = `onewindow_bench_desk_${n}`;
    await ensureDatabase(opts.baseUrl, name, true);
    const handle = await createDb({ url: databaseUrl(opts.baseUrl, name), max: 4 });
    try {
      const db = handle.db;
      await migrate(handle);
      await seedReference(db);
      const t0 = performance.now();
      await seedDesk(db, n);
      opts.log(`desk: seeded ${n.toLocaleString('en')} open items in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      version ||= ((await db.execute(sql`select version() as v`)) as unknown as { rows: { v: string }[] }).rows[0].v.split(' on ')[0];
      const [clerk] = await db.select().from(users).where(sql`${users.staffNo} = 'B00001'`);
      const actor: UserActor = { kind: 'user', id: clerk.id, role: 'clerk', officeCode: OFFICE, skills: ['hukou', 'traffic', 'exit_entry'], managerScope: null, cityCode: '1101', orgUnitCode: null };
      const ctx: ServiceContext = { db, actor, clock: systemClock, config: defaultConfig() };
      const probe = (i: number) => ({ number: `GA20261201${String(i).padStart(8, '0')}`, id: `1101011990${String(i).padStart(8, '0')}`, mobile: `139${String(i).padStart(8, '0')}` });
      // An open item of this office (i = 21: submitted; i ≤ n).
      const target = probe(21);
      const search = (raw: string) => {
        const s = parseDeskSearch(raw);
        if (!s || 'error' in s) throw new Error(`bench search ${raw} refused`);
        return () => searchDesk(ctx, s);
      };
      const cases: { label: string; run: () => Promise<Desk>; before?: DeskFilters; check: (d: Desk) => boolean }[] = [
        { label: 'first page', run: () => loadDesk(ctx), before: {}, check: (d) => d.rows.length === Math.min(50, d.total) && d.total > 0 },
        { label: 'page 50', run: () => loadDesk(ctx, { page: 50 }), check: (d) => d.rows.length > 0 },
        { label: 'filter: traffic', run: () => loadDesk(ctx, { department: 'traffic' }), before: { department: 'traffic' }, check: (d) => d.rows.every((r) => r.department === 'traffic') },
        { label: 'filter: passports, overdue', run: () => loadDesk(ctx, { service: 'passport', overdue: true }), check: (d) => d.rows.every((r) => r.serviceCode === 'passport' && r.overdue) },
        { label: 'filter: accepted', run: () => loadDesk(ctx, { status: 'accepted' }), check: (d) => d.rows.every((r) => r.status === 'accepted') },
        { label: 'tab: waiting for the citizen', run: () => loadDesk(ctx, { tab: 'waiting' }), check: (d) => d.rows.every((r) => r.status === 'needs_supplement') },
        { label: 'tab: mine', run: () => loadDesk(ctx, { tab: 'mine' }), before: { mine: true } as DeskFilters, check: (d) => d.rows.length > 0 && d.rows.every((r) => r.mine) },
        { label: 'search: application number', run: search(target.number), check: (d) => d.rows.length === 1 },
        { label: 'search: ID number', run: search(target.id), check: (d) => d.rows.length === 1 },
        { label: 'search: mobile', run: search(target.mobile), check: (d) => d.rows.length === 1 },
        { label: 'search: name prefix (2 characters)', run: search('张伟'), check: (d) => d.rows.length > 0 && d.rows.every((r) => r.applicantName.startsWith('张')) },
      ];
      for (const c of cases) {
        const r = await time(opts.iterations, c.run);
        if (!c.check(r.desk)) {
          ok = false;
          opts.log(`desk: CHECK FAILED at ${n}: ${c.label}`);
        }
        let beforeP95: number | null = null;
        let beforeBytes: number | null = null;
        if (c.before && n <= 10_000) {
          // The old desk read the whole office each time: fewer rounds, it is slow at 10,000.
          const old = await time(n <= 1_000 ? opts.iterations : 10, async () => {
            const d = await loadDeskBefore(ctx, c.before as Parameters<typeof loadDeskBefore>[1]);
            beforeBytes = JSON.stringify(d).length;
            return d as unknown as Desk;
          });
          beforeP95 = old.p95;
        }
        const row = { size: n, label: c.label, p50: r.p50, p95: r.p95, rows: r.desk.rows.length, bytes: JSON.stringify(r.desk).length, beforeP95, beforeBytes };
        out.push(row);
        opts.log(`desk ${n.toLocaleString('en')}: ${c.label}: p50 ${ms(r.p50)}, p95 ${ms(r.p95)}${beforeP95 === null ? '' : ` (before: p95 ${ms(beforeP95)})`}`);
      }
    } finally {
      await handle.close();
      if (opts.keep) opts.log(`desk: kept database ${name}`);
      else await dropDatabase(opts.baseUrl, name);
    }
  }
  const kb = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
  const table = [
    '| open items | desk | p50 | p95 | rows | JSON | before issue 16: p95 | before: JSON |',
    '|---:|---|---:|---:|---:|---:|---:|---:|',
    ...out.map(
      (r) =>
        `| ${r.size.toLocaleString('en')} | ${r.label} | ${ms(r.p50)} | ${ms(r.p95)} ${r.p95 < GOAL_MS ? '✓' : '✗'} | ${r.rows} | ${kb(r.bytes)} | ${r.beforeP95 === null ? '—' : ms(r.beforeP95)} | ${r.beforeBytes === null ? '—' : kb(r.beforeBytes)} |`,
    ),
  ].join('\n');
  const markdown = `## Desk at volume (\`npm run bench -- --only desk\`)

The desk service (services/queue/desk.ts: \`loadDesk\`, \`searchDesk\`) as the \`/desk\` loader calls it, in-process over a pool
of 4 connections to the local PostgreSQL, for one office holding the given number of open items — plus half as many
closed items of the same office and a quarter as many open items of another office, which the indexes must skip —
seeded with SQL (generate_series) into a fresh database per size and vacuumed. p50/p95 over ${opts.iterations} calls after one warm-up;
a search also appends its audit rows. "JSON" is the size of what the loader would send for the call. The reference is the
desk before issue 16 (every open item of the office read, filtered and counted in JavaScript; bench/desk-before.ts) on the
same database, at 1,000 and 10,000 only${opts.iterations > 10 ? ' (10 calls at 10,000)' : ''}; it has no tabs or search. Goal: p95 < ${GOAL_MS} ms at 100,000.
Page 50 reads the last page where there are fewer pages.

${table}
`;
  return { rows: out, markdown, version, ok };
}

/** The rows for `npm run bench`'s one table: first page and searches at each size. */
export function deskTableRows(rows: DeskBenchRow[]): Row[] {
  return rows
    .filter((r) => r.label === 'first page' || r.label.startsWith('search: name') || r.label === 'page 50')
    .map((r) => ({
      label: `Desk: ${r.label}, ${r.size.toLocaleString('en')} open items (p50 ${ms(r.p50)})`,
      measured: `${ms(r.p95)} p95`,
      reference: r.beforeP95 === null ? '—' : `${ms(r.beforeP95)} p95 (desk before issue 16)`,
      ratio: r.beforeP95 === null ? '—' : `${(r.beforeP95 / r.p95).toFixed(1)}× faster`,
      goal: `< ${GOAL_MS} ms p95`,
      met: Number(r.p95.toFixed(1)) < GOAL_MS,
      peakRss: '— (no server)',
    }));
}


if (import.meta.url === `file://${process.argv[1]}`) {
  const base = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const arg = (k: string) => {
    const i = process.argv.indexOf(`--${k}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const sizes = (arg('sizes') ?? '1000,10000,100000').split(',').map(Number);
  const iterations = Number(arg('iterations') ?? 60);
  const started = Date.now();
  const load = () => os.loadavg()[0].toFixed(1);
  const atStart = load();
  runDeskBench({ baseUrl: base, sizes, iterations, keep: process.argv.includes('--keep-db'), log: (s) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${s}`) })
    .then((r) => {
      console.log(`\n${r.markdown}`);
      const stamp = `Latest run: ${new Date().toISOString().slice(0, 10)}, load average ${atStart} at the start and ${load()} at the end (other work shared the machine). Machine: ${machineLine(r.version)}.`;
      if (r.ok) writeReadmeSection('desk', `${r.markdown}\n${stamp}`);
      else process.exitCode = 1;
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
