/**
 * `npm run seed:volume -- --applications N [--database NAME] [--reset] [--verify]`: fills a
 * PostgreSQL database with a realistic two-year history of N applications, for the reports
 * benchmark (issue 4, docs/decisions/0010). Everything is set-based SQL (INSERT … SELECT over
 * generate_series) in batches, so memory stays flat and progress prints.
 *
 * The rows mirror what the services write (audit actions and to_status of
 * services/review/transition.ts and submit.ts, notices, verdicts, waiting intervals, decisions,
 * ratings, rectifications, queue items), audit rows with the facts the services record; the
 * rollup is then rebuilt by replaying that trail through the live projection, never generated
 * directly, so the benchmark reads the figures the worker would have produced.
 *
 * --reset drops and recreates the database (the audit trail refuses TRUNCATE, by design).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { createDb, migrate, type Db } from '../db/client.js';
import { seedDemo, seedReference } from '../db/seed.js';
import { dataKeysFromEnv } from '../server/secrets.js';
import { OFFICES } from '../db/seed-data.js';
import { SERVICES } from '../services/catalog/index.js';
import { replayTrail } from '../services/reports/projection.js';
import { readRollup, recountRollup } from '../services/reports/recount.js';

export type SeedVolumeOptions = { applications: number; database?: string; reset?: boolean; verify?: boolean; batch?: number; log?: (s: string) => void };

const CLERKS_PER_OFFICE = 20;
/** Relative demand per service code; anything unlisted weighs 5. */
const SERVICE_WEIGHT: Record<string, number> = {
  'first-id-card': 10,
  'temporary-id-card': 6,
  'household-certificate': 8,
  'hukou-migration': 5,
  'birth-registration': 5,
  'inspection-mark': 14,
  'used-vehicle-transfer': 9,
  'motorcycle-registration': 4,
  passport: 14,
  'hk-macao-permit': 16,
  'entry-exit-records': 4,
};
const OFFICE_WEIGHT: Record<string, number> = { 'bj-dongcheng': 5, 'bj-chaoyang': 3, 'sh-huangpu': 4 };

/** The database URL for `name` on the server of `base`. */
export function databaseUrl(base: string, name: string): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates (or with reset, recreates) the database; returns whether it already existed. */
export async function ensureDatabase(base: string, name: string, reset: boolean): Promise<boolean> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`database name must match [a-z0-9_]+: ${name}`);
  const admin = new pg.Client({ connectionString: databaseUrl(base, 'postgres') });
  await admin.connect();
  try {
    if (reset) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount) return true;
    await admin.query(`CREATE DATABASE ${name}`);
    return false;
  } finally {
    await admin.end();
  }
}

/** Drops a database the benchmarks made (a throwaway: FORCE ends whatever still uses it). */
export async function dropDatabase(base: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseUrl(base, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const arr = (xs: readonly (string | number)[]) => `array[${xs.map((x) => (typeof x === 'number' ? String(x) : lit(x))).join(',')}]`;

function weighted<T>(items: readonly T[], weight: (t: T) => number): T[] {
  return items.flatMap((t) => Array.from({ length: weight(t) }, () => t));
}

export async function seedVolume(url: string, opts: SeedVolumeOptions): Promise<void> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const n = opts.applications;
  const batch = opts.batch ?? 200_000;
  const handle = await createDb({ url, max: 2 });
  if (handle.engine !== 'postgres') throw new Error('seed:volume needs PostgreSQL');
  const db = handle.db;
  const run = (q: string) => db.execute(sql.raw(q));
  const t0 = Date.now();
  try {
    await migrate(handle);
    await seedReference(db);
    // Under DATA_ENCRYPTION_KEYS when given (a server pointed at this database runs with it), else this checkout's local key.
    await seedDemo(db, dataKeysFromEnv({ ...process.env, DATABASE_URL: undefined }, path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')));
    await run('set synchronous_commit = off');

    const [{ count: existing }] = (await db.execute(sql`select count(*)::int as count from applications where number like 'V%'`) as unknown as { rows: { count: number }[] }).rows;
    if (existing >= n) {
      await restoreSecondaryIndexes(db, log);
      // A load interrupted while the rollup was replayed has all its rows but not their figures.
      const [{ behind }] = (
        (await db.execute(sql`
          select exists (select 1 from audit_events e, projection_cursors c where c.name = 'reports' and e.facts is not null
                         and (e.xact, e.id) > (c.xact, c.audit_id)) as behind`)) as unknown as { rows: { behind: boolean }[] }
      ).rows;
      if (behind) {
        log('seed:volume: the report rollup is behind the audit trail (an interrupted load?): replaying it');
        await rebuildRollup(db);
        await run('vacuum analyze');
      }
      log(`seed:volume: ${existing} generated applications already there; nothing to do (--reset to regenerate)`);
      return;
    }

    // Staff: enough clerks per office that per-clerk throughput looks like a real office. They
    // cannot sign in (no valid password hash), which is what a generated account should be.
    const officeCodes = OFFICES.map((o) => o.code);
    await run(`
      insert into users (id, role, real_name, staff_no, password_hash, office_code, skills)
      select md5('clerk|' || o || '|' || k)::uuid, 'clerk', 'clerk ' || o || ' ' || k, 'V' || oi || lpad(k::text, 3, '0'),
             '!generated', o, array['hukou','traffic','exit_entry']
      from unnest(${arr(officeCodes)}) with ordinality as x(o, oi), generate_series(1, ${CLERKS_PER_OFFICE}) k
      on conflict do nothing`);

    // Citizens: one per ten applications (people come back), most with a local ID, some from
    // other provinces (跨省通办).
    const citizens = Math.max(100, Math.ceil(n / 10));
    for (let lo = 0; lo < citizens; lo += batch) {
      const hi = Math.min(citizens, lo + batch) - 1;
      await run(`
        insert into users (id, role, real_name, id_number, password_hash, identity_verified)
        select md5('citizen|' || c)::uuid, 'citizen', 'citizen ' || c,
               (case when c % 100 < 55 then '110105' when c % 100 < 88 then '310104' when c % 100 < 94 then '440106' else '510107' end)
                 || lpad(c::text, 12, '0'),
               '!generated', true
        from generate_series(${lo}, ${hi}) c
        on conflict do nothing`);
    }

    // A bulk load of millions is several times faster without the secondary indexes, whose random
    // keys (uuids) turn every insert into random I/O; they are rebuilt by sorting once at the end.
    // Recorded in a table first, so an interrupted load still gets them back on its next run.
    const bulk = n - existing >= 1_000_000;
    if (bulk) await dropSecondaryIndexes(db);

    const svc = weighted(SERVICES, (s) => SERVICE_WEIGHT[s.code] ?? 5);
    const svcCodes = arr(svc.map((s) => s.code));
    const svcDepts = arr(svc.map((s) => s.department));
    // Calendar days from receipt to the committed due date (working days × 7/5, at least 1).
    const svcDays = arr(svc.map((s) => Math.max(1, Math.ceil((s.timeLimits.committedWorkingDays * 7) / 5))));
    const svcMat1 = arr(svc.map((s) => s.materials[0]?.code ?? 'idCard'));
    const svcMat2 = arr(svc.map((s) => s.materials[1]?.code ?? s.materials[0]?.code ?? 'idCard'));
    const off = weighted(officeCodes, (o) => OFFICE_WEIGHT[o] ?? 1);
    const offArr = arr(off);
    // Working days up to and including each day, from the stored calendar: the processing days a
    // decision's audit row carries are cum(decided) - cum(received), as workingDaysBetween counts
    // them when the decision is made (services/reports/facts.ts).
    await run(`
      create table if not exists seed_working_days as
      select d::date as day, sum(case when c.kind = 'workday' then 1 when c.kind = 'holiday' then 0
                                      when extract(isodow from d) in (6, 7) then 0 else 1 end) over (order by d)::int as cum
      from generate_series(date '2020-01-01', current_date + 3650, interval '1 day') d
      left join calendar_days c on c.day = d::date`);
    await run('create unique index if not exists seed_working_days_pk on seed_working_days (day)');

    for (let lo = existing; lo < n; lo += batch) {
      const hi = Math.min(n, lo + batch) - 1;
      const tb = Date.now();
      await db.transaction(async (tx) => {
        const q = (s: string) => tx.execute(sql.raw(s));
        // Plan each application: its outcome and the times it would have reached each step, then
        // what of that has happened by now (open applications form the backlog of recent days).
        await q(`
          create temp table g on commit drop as
          with r as (
            select i, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6, random() r7, random() r8
            from generate_series(${lo}, ${hi}) i
          ), p as (
            select r.*, 1 + floor(r1 * ${svc.length})::int si,
                   now() - interval '730 days' + (r2 * 730) * interval '1 day' as s_at
            from r
          ), q as (
            select p.*, (${svcCodes})[si] service_code, (${svcDepts})[si] department, (${svcDays})[si] limit_days,
                   (${svcMat1})[si] mat1, (${svcMat2})[si] mat2,
                   (${offArr})[1 + floor(r3 * ${off.length})::int] office0,
                   case when r4 < 0.84 then 'completed' when r4 < 0.88 then 'refused' when r4 < 0.92 then 'not_accepted' else 'withdrawn' end as outcome,
                   r5 < 0.2 as has_notice, r6 < 0.02 as deemed
            from p
          ), t as (
            select q.*, case when department = 'traffic' and office0 = 'bj-chaoyang' then 'bj-dongcheng' else office0 end as office_code,
                   s_at + (0.05 + r7 * 0.5) * interval '1 day' as review_at,
                   s_at + (1 + r7 * 2) * interval '1 day' as notice_at,
                   s_at + (3 + r7 * 6 + r8 * 4) * interval '1 day' as supp_at
            from q
          ), u as (
            select t.*,
                   case when deemed and not has_notice then s_at + interval '7 days'
                        when has_notice then supp_at + (0.2 + r8) * interval '1 day'
                        else review_at + (r8 * 0.3) * interval '1 day' end as acc_at
            from t
          ), v as (
            select u.*, acc_at + (0.3 + r6 * limit_days * 1.25) * interval '1 day' as dec_at,
                   ((s_at at time zone 'Asia/Shanghai')::date + limit_days + 1) as due_date
            from u
          )
          select v.*, md5('app|' || i)::uuid as id, md5('citizen|' || (i % ${citizens}))::uuid as applicant_id,
                 (notice_at at time zone 'Asia/Shanghai')::date as issue_day,
                 case when r8 < 0.6 then jsonb_build_array(mat1) else jsonb_build_array(mat1, mat2) end as mats,
                 md5('clerk|' || office_code || '|' || (1 + (i::bigint * 7919) % ${CLERKS_PER_OFFICE}))::uuid as clerk_id,
                 'V' || oi_pad || lpad((1 + (i::bigint * 7919) % ${CLERKS_PER_OFFICE})::text, 3, '0') as clerk_staff_no,
                 case
                   when review_at > now() then 'submitted'
                   when outcome = 'not_accepted' then 'not_accepted'
                   when outcome = 'withdrawn' and not has_notice then 'withdrawn'
                   when has_notice and notice_at > now() then 'under_review'
                   when outcome = 'withdrawn' and notice_at + interval '22 days' > now() then 'needs_supplement'
                   when outcome = 'withdrawn' then 'withdrawn'
                   when has_notice and supp_at > now() then 'needs_supplement'
                   when acc_at > now() then case when has_notice then 'supplemented' else 'under_review' end
                   when dec_at > now() then 'accepted'
                   else outcome
                 end as status
          from v, lateral (select array_position(${arr(officeCodes)}, v.office_code)::text as oi_pad) z`);

        await q(`
          insert into applications (id, number, applicant_id, service_code, department, status, office_code, submitted_at,
                                    completeness_deadline, due_date, accepted_at, decided_at, deemed_accepted, created_at, updated_at, version)
          select id, 'V' || lpad(i::text, 10, '0'), applicant_id, service_code, department, status, office_code, s_at,
                 (s_at at time zone 'Asia/Shanghai')::date + 7, due_date,
                 case when status in ('accepted','completed','refused') then acc_at end,
                 case when status in ('completed','refused','not_accepted','withdrawn') then
                   case status when 'not_accepted' then review_at + interval '2 hours' when 'withdrawn' then
                     case when has_notice then notice_at + interval '22 days' else review_at end else dec_at end end,
                 case when deemed and not has_notice and status in ('accepted','completed','refused') then 1 else 0 end,
                 s_at - interval '20 minutes', s_at, 3
          from g`);

        await q(`
          insert into queue_items (application_id, office_code, department, service_code, received_at, completeness_deadline, due_date, state)
          select id, office_code, department, service_code, s_at, (s_at at time zone 'Asia/Shanghai')::date + 7, due_date,
                 case when status in ('completed','refused','not_accepted','withdrawn') then 'done'
                      when status = 'needs_supplement' then 'parked' else 'waiting' end
          from g`);

        // The audit trail as changeStatus/submit write it: one row per step that has happened,
        // with the facts the reports count it by (services/reports/mapping.ts, ReportFacts).
        await q(`
          insert into audit_events (at, actor_id, actor_role, office_code, application_id, action, from_status, to_status, data, facts)
          select e.at, e.actor, e.role, g.office_code, g.id, e.action, e.from_s, e.to_s, e.data,
                 case when e.to_s in ('submitted','accepted','not_accepted','needs_supplement','completed','refused','withdrawn') then
                   jsonb_build_object('serviceCode', g.service_code, 'department', g.department)
                   || case e.to_s
                        when 'submitted' then jsonb_build_object('crossProvince', coalesce(left(u.id_number, 2) <> left(o.city_code, 2), false))
                        when 'needs_supplement' then jsonb_build_object('override', false, 'listed', jsonb_build_object('issueDate', g.issue_day, 'materials', g.mats))
                        when 'completed' then jsonb_build_object('dueDate', g.due_date, 'notices', g.has_notice::int,
                                                 'visits', jsonb_build_object('kept', (g.r7 < 0.4)::int, 'onSiteStep', g.r7 < 0.5,
                                                   'result', case when g.r8 < 0.5 then 'pickup' when g.r8 < 0.85 then 'post' else 'electronic' end,
                                                   'fee', g.r5 < 0.5, 'paidOnline', g.r6 < 0.7, 'suppliedOnSite', 0)) || days.j
                        when 'refused' then days.j
                        else '{}'::jsonb end
                 end
          from g
          join users u on u.id = g.applicant_id
          left join offices o on o.code = g.office_code
          cross join lateral (
            select jsonb_build_object(
              'totalDays', greatest(0, (select cum from seed_working_days where day = (g.dec_at at time zone 'Asia/Shanghai')::date)
                                     - (select cum from seed_working_days where day = (g.s_at at time zone 'Asia/Shanghai')::date)),
              'waitingDays', case when g.has_notice then greatest(0,
                                (select cum from seed_working_days where day = (g.supp_at at time zone 'Asia/Shanghai')::date)
                              - (select cum from seed_working_days where day = g.issue_day)) else 0 end) as j
          ) days
          cross join lateral (values
            (g.s_at, g.applicant_id, 'citizen', 'application.submitted', 'draft', 'submitted', jsonb_build_object('number', 'V' || lpad(g.i::text, 10, '0')), true),
            (g.review_at, g.clerk_id, 'clerk', 'application.reviewStarted', 'submitted', 'under_review', null::jsonb,
               g.status <> 'submitted' and not (g.status = 'withdrawn' and not g.has_notice)),
            (g.review_at + interval '2 hours', g.clerk_id, 'clerk', 'application.notAccepted', 'under_review', 'not_accepted', null, g.status = 'not_accepted'),
            (g.review_at, g.applicant_id, 'citizen', 'application.withdrawn', 'submitted', 'withdrawn', null, g.status = 'withdrawn' and not g.has_notice),
            (g.notice_at, g.clerk_id, 'clerk', 'notice.issued', 'under_review', 'needs_supplement', null,
               g.has_notice and g.status not in ('submitted','under_review','not_accepted')),
            (g.notice_at + interval '22 days', null::uuid, 'system', 'application.supplementExpired', 'needs_supplement', 'withdrawn', null,
               g.has_notice and g.status = 'withdrawn'),
            (g.supp_at, g.applicant_id, 'citizen', 'application.supplemented', 'needs_supplement', 'supplemented', null,
               g.has_notice and g.status in ('supplemented','accepted','completed','refused')),
            (g.supp_at + interval '1 hour', g.clerk_id, 'clerk', 'application.reviewStarted', 'supplemented', 'under_review', null,
               g.has_notice and g.status in ('accepted','completed','refused')),
            (g.acc_at, case when g.deemed and not g.has_notice then null else g.clerk_id end,
               case when g.deemed and not g.has_notice then 'system' else 'clerk' end,
               case when g.deemed and not g.has_notice then 'application.deemedAccepted' else 'application.accepted' end,
               case when g.deemed and not g.has_notice then 'submitted' else 'under_review' end, 'accepted', null,
               g.status in ('accepted','completed','refused')),
            (g.dec_at, g.clerk_id, 'clerk', 'application.' || g.status, 'accepted', g.status, null, g.status in ('completed','refused'))
          ) as e(at, actor, role, action, from_s, to_s, data, happened)
          where e.happened`);

        await q(`
          insert into decisions (application_id, kind, clerk_id, at, reason_code, legal_basis_key)
          select g.id, d.kind, g.clerk_id, d.at, d.reason, null
          from g cross join lateral (values
            ('accepted', g.acc_at, null::text, g.status in ('accepted','completed','refused') and not (g.deemed and not g.has_notice)),
            ('not_accepted', g.review_at + interval '2 hours', 'jurisdiction', g.status = 'not_accepted'),
            ('completed', g.dec_at, null, g.status = 'completed'),
            ('refused', g.dec_at, 'requirementsNotMet', g.status = 'refused')
          ) as d(kind, at, reason, happened)
          where d.happened`);

        // One-time notices (一次性告知) with the verdicts behind them and the citizen's waiting time.
        await q(`
          create temp table gn on commit drop as
          select g.*, md5('notice|' || i)::uuid as notice_id
          from g where has_notice and status not in ('submitted','under_review','not_accepted')`);
        await q(`
          insert into notices (id, number, application_id, office_code, clerk_id, clerk_staff_no, issued_at, issue_date,
                               supplement_deadline, legal_basis_key, items, file_snapshot, sequence)
          select notice_id, 'VN' || lpad(i::text, 10, '0'), id, office_code, clerk_id, clerk_staff_no, notice_at, issue_day, issue_day + 21,
                 'notice:basis.licensingLaw32_4',
                 (select jsonb_agg(jsonb_build_object('materialCode', m, 'verdict', 'missing', 'reasonCode', null, 'note', null,
                                                      'requirementKey', 'materials.' || m || '.requirement'))
                  from jsonb_array_elements_text(mats) m),
                 '{}'::jsonb, 1
          from gn`);
        await q(`
          insert into material_verdicts (application_id, material_code, verdict, clerk_id, at)
          select gn.id, m, 'missing', gn.clerk_id, gn.notice_at - interval '5 minutes'
          from gn, jsonb_array_elements_text(gn.mats) m`);
        await q(`
          insert into waiting_intervals (application_id, notice_id, started_at, ended_at, ended_by)
          select id, notice_id, notice_at,
                 case when status = 'needs_supplement' then null when status = 'withdrawn' then notice_at + interval '22 days' else supp_at end,
                 case when status = 'needs_supplement' then null when status = 'withdrawn' then 'withdrawn' else 'supplemented' end
          from gn`);

        // 好差评: most completed applications are rated, nearly all satisfied; a bad one opens a
        // rectification that is closed once it is a couple of weeks old.
        await q(`
          create temp table gr on commit drop as
          select g.*, md5('rating|' || i)::uuid as rating_id, least(now(), dec_at + (r5 * 3) * interval '1 day') as rated_at,
                 case when r7 < 0.7 then 'online' else 'window' end as channel,
                 case when r8 < 0.03 then 1 when r8 < 0.05 then 2 when r8 < 0.09 then 3 when r8 < 0.25 then 4 else 5 end as score
          from g where status = 'completed' and r6 < 0.6`);
        await q(`
          insert into ratings (id, application_id, channel, score, recorded_by, at, day, office_code, service_code, department)
          select rating_id, id, channel, score, case channel when 'online' then applicant_id else clerk_id end, rated_at,
                 (rated_at at time zone 'Asia/Shanghai')::date, office_code, service_code, department
          from gr`);
        await q(`
          insert into audit_events (at, actor_id, actor_role, office_code, application_id, action, data, facts)
          select rated_at, case channel when 'online' then applicant_id else clerk_id end, case channel when 'online' then 'citizen' else 'clerk' end,
                 office_code, id, 'rating.recorded', jsonb_build_object('channel', channel),
                 jsonb_build_object('serviceCode', service_code, 'department', department, 'score', score)
          from gr`);
        await q(`
          insert into rectifications (rating_id, office_code, opened_at, deadline, contact_note, outcome, closed_at, closed_by)
          select rating_id, office_code, rated_at, (rated_at at time zone 'Asia/Shanghai')::date + 7,
                 case when rated_at < now() - interval '14 days' then 'called back' end,
                 case when rated_at < now() - interval '14 days' then 'fixed' end,
                 case when rated_at < now() - interval '14 days' then rated_at + interval '5 days' end,
                 case when rated_at < now() - interval '14 days' then md5('clerk|' || office_code || '|1')::uuid end
          from gr where score <= 2`);
      });
      const done = hi + 1;
      const secs = (Date.now() - tb) / 1000;
      log(`seed:volume: ${done}/${n} applications (${Math.round((hi - lo + 1) / secs)} applications/s in this batch)`);
    }

    await restoreSecondaryIndexes(db, log);
    await run('drop table if exists seed_working_days');
    log('seed:volume: replaying the audit trail into the report rollup (the projection)');
    await rebuildRollup(db);
    // Index-only scans (report series, backlog) need the visibility map a fresh bulk load lacks.
    await run('vacuum analyze');
    const secs = (Date.now() - t0) / 1000;
    log(`seed:volume: ${n - existing} applications in ${secs.toFixed(1)} s (${Math.round((n - existing) / secs)} applications/s)`);

    if (opts.verify) {
      const [a, b] = [await recountRollup(db), await readRollup(db)];
      const same = isDeepStrictEqual(a, b);
      log(`seed:volume: rollup ${same ? 'matches' : 'DIFFERS FROM'} services/reports/recount.ts (${a.daily.length} daily, ${a.monthly.length} monthly rows)`);
      if (!same) throw new Error('rollup replayed by the projection differs from recountRollup');
    }
  } finally {
    await handle.close();
  }
}

const BULK_TABLES = ['applications', 'queue_items', 'audit_events', 'decisions', 'notices', 'material_verdicts', 'waiting_intervals', 'ratings', 'rectifications'];

async function dropSecondaryIndexes(db: Db): Promise<void> {
  await db.execute(sql`create table if not exists seed_dropped_indexes (name text primary key, def text not null)`);
  await db.execute(sql`
    insert into seed_dropped_indexes (name, def)
    select i.indexname, i.indexdef from pg_indexes i
    where i.schemaname = 'public' and i.tablename in (${sql.join(BULK_TABLES.map((t) => sql`${t}`), sql`, `)})
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname)
      and not exists (select 1 from pg_index x where x.indexrelid = (quote_ident(i.indexname))::regclass and x.indisunique)
    on conflict do nothing`);
  const rows = (await db.execute(sql`select name from seed_dropped_indexes`)) as unknown as { rows: { name: string }[] };
  for (const { name } of rows.rows) await db.execute(sql.raw(`drop index if exists "${name}"`));
}

/** Puts back what dropSecondaryIndexes took away (also after an interrupted load). */
async function restoreSecondaryIndexes(db: Db, log: (s: string) => void): Promise<void> {
  const exists = (await db.execute(sql`select to_regclass('seed_dropped_indexes') is not null as e`)) as unknown as { rows: { e: boolean }[] };
  if (!exists.rows[0].e) return;
  const rows = (await db.execute(sql`select name, def from seed_dropped_indexes order by name`)) as unknown as { rows: { name: string; def: string }[] };
  for (const { name, def } of rows.rows) {
    log(`seed:volume: rebuilding index ${name}`);
    await db.execute(sql.raw('set maintenance_work_mem = \'1GB\''));
    await db.execute(sql.raw(def.replace(/^CREATE INDEX /, 'CREATE INDEX IF NOT EXISTS ')));
    await db.execute(sql`delete from seed_dropped_indexes where name = ${name}`);
  }
  await db.execute(sql`drop table seed_dropped_indexes`);
}

/**
 * The rollup (report_daily and report_monthly) rebuilt by replaying the whole audit trail through
 * the live projection's mapping (services/reports/projection.ts replayTrail: emptied, summed in one
 * pass, each row written once, the cursor left after the last event). Replaying it through the
 * worker's step instead (projectReports) upserts every rollup row once per batch that touches it:
 * about 70,000 events a minute here, over an hour for the 4.8 million events of 1M applications.
 * --verify compares the result with recountRollup.
 */
export async function rebuildRollup(db: Db): Promise<void> {
  await replayTrail(db);
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const base = process.env.DATABASE_URL;
  if (!base || !/^postgres(ql)?:\/\//.test(base)) {
    console.error('seed:volume needs DATABASE_URL=postgres://… (PostgreSQL); the embedded PGlite engine is not meant for millions of rows.');
    process.exit(2);
  }
  const n = Number(arg('applications') ?? '');
  if (!Number.isInteger(n) || n <= 0) {
    console.error('usage: npm run seed:volume -- --applications N [--database NAME] [--reset] [--verify]');
    process.exit(2);
  }
  const name = arg('database');
  // Millions of rows and the whole schema in the server's maintenance database would be a mess to undo.
  const target = decodeURIComponent(new URL(base).pathname.slice(1)) || 'postgres';
  if (!name && ['postgres', 'template0', 'template1'].includes(target)) {
    console.error(`seed:volume would fill the maintenance database "${target}": name one with --database NAME (the benchmarks read onewindow_bench_<N>)`);
    process.exit(2);
  }
  let url = base;
  if (name) {
    await ensureDatabase(base, name, process.argv.includes('--reset'));
    url = databaseUrl(base, name);
  } else if (process.argv.includes('--reset')) {
    console.error('--reset needs --database NAME: the audit trail refuses TRUNCATE, so a reset is a fresh database');
    process.exit(2);
  }
  await seedVolume(url, { applications: n, verify: process.argv.includes('--verify') });
}
