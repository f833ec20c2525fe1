import { inArray, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '../../db/schema/index.js';
import { ROLLUP_COLUMN, ROLLUP_COUNTERS, ROLLUP_TALLIES, type RollupCounter, type RollupTally, type Tally } from '../../db/schema/reports.js';
import { addTally } from './counters.js';
import { reportsFreshAsOf } from './projection.js';
import { addDays, chinaDate } from '../calendar/working-days.js';
import { officesInScope } from '../offices/offices.js';
import { reportView, type Crumb } from './drill.js';
import type { ServiceContext } from '../context.js';
import { invalid, notFound } from '../errors.js';
import { authorize } from '../permissions.js';
import { rowsOf } from '../sql.js';
import { isRealIsoDate } from '../validation/zod.js';

const REPORT_FIRST_DAY = '2000-01-01';
const REPORT_LAST_DAY = '2099-12-31';

/**
 * Every figure of /reports, each defined once here (what each rollup column counts: counters.ts).
 * Counts, rates, processing-time medians, per-clerk throughput and missing materials come from the
 * rollup (whole months from report_monthly, edge days from report_daily); only the backlog now is
 * read from applications, through the open-status index. docs/decisions/0010 and 0013 say why.
 */

export type Period = 'day' | 'week' | 'month';

/**
 * A real calendar day of the years a report can be about: Date.parse takes '2026-02-30' (as
 * 2 March), and years 0000 or 9999 are days PostgreSQL refuses or day arithmetic overflows.
 */
/** A day a report may start or end on: a real date of 2000–2099 (every report's filter, the payments report's too). */
export const isReportDay = (d: string): boolean => isRealIsoDate(d) && d >= REPORT_FIRST_DAY && d <= REPORT_LAST_DAY;
const day = z.string().refine(isReportDay, 'reports.dateInvalid');
export const reportFilterSchema = z
  .object({
    from: day.optional(),
    to: day.optional(),
    department: z.enum(['hukou', 'traffic', 'exit_entry'], { errorMap: () => ({ message: 'choice' }) }).optional(),
    serviceCode: z.string().max(64, 'choice').regex(/^[a-z0-9-]+$/, 'choice').optional(),
    officeCode: z.string().max(64, 'choice').regex(/^[a-z0-9-]+$/, 'choice').optional(),
    /** The org unit in view (drill.ts): its offices' figures, broken down by its children. */
    unit: z.string().max(40, 'choice').regex(/^[A-Za-z0-9_.:-]+$/, 'choice').optional(),
    period: z.enum(['day', 'week', 'month'], { errorMap: () => ({ message: 'choice' }) }).optional(),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: 'reports.rangeInvalid', path: ['to'] });
export type ReportFilterInput = z.input<typeof reportFilterSchema>;

export type ReportFilters = { from: string; to: string; department?: string; serviceCode?: string; officeCode?: string; unit?: string; period: Period };

export type CounterTotals = {
  received: number;
  accepted: number;
  completed: number;
  refused: number;
  notAccepted: number;
  withdrawn: number;
  deemedAccepted: number;
  notices: number;
  overrideNotices: number;
  receivedCrossProvince: number;
  completedOnTime: number;
  completedOneVisit: number;
  completedZeroVisits: number;
  completedAtMostOneVisit: number;
  ratings: number;
  ratingsSatisfied: number;
};

export type Rates = {
  /** 按时办结率: completed on or before the due date ÷ completed. */
  onTimeRate: number | null;
  /** 一次办成率: completed without any notice (no supplement round) ÷ completed. */
  oneVisitRate: number | null;
  /** 零跑动率: completed with no visit to an office ÷ completed (visits: services/reports/mapping.ts, visitsOf). */
  zeroVisitRate: number | null;
  /** 最多跑一次率: completed with at most one visit ÷ completed. */
  atMostOneVisitRate: number | null;
  /** 满意率: ratings of 3–5 ÷ all ratings. */
  satisfaction: number | null;
  /** 跨省通办 share: received from applicants with an ID of another province ÷ received. */
  crossProvinceShare: number | null;
  /** One-time notices issued ÷ applications received. */
  noticesPerApplication: number | null;
};

export type SeriesRow = { period: string; received: number; accepted: number; completed: number; refused: number };
export type BacklogBucket = { bucket: '0-5' | '6-10' | '11-20' | '21+'; count: number };
export type Durations = { count: number; median: number | null; p90: number | null };
export type ProcessingTimes = { total: Durations; office: Durations; waiting: Durations };
export type ClerkRow = { clerkId: string; staffNo: string | null; decided: number; completed: number };
export type MissingRow = { serviceCode: string; materialCode: string; count: number };
/** The figures of one child of the view (a unit one level down, or an office): each a link one level down. */
export type DrillRow = {
  kind: 'unit' | 'office';
  code: string;
  nameZh: string | null;
  nameEn: string | null;
  received: number;
  accepted: number;
  completed: number;
  refused: number;
  onTimeRate: number | null;
  zeroVisitRate: number | null;
  atMostOneVisitRate: number | null;
};
/**
 * Where the view stands (breadcrumbs from the top of the reader's scope) and what lies one level
 * down: units and offices (`rows`), or, for an office, its clerks (the report's `clerks`).
 */
export type Drill = { trail: Crumb[]; level: 'unit' | 'office'; rows: DrillRow[] };

export type Report = {
  filters: ReportFilters;
  offices: string[];
  totals: CounterTotals;
  rates: Rates;
  series: SeriesRow[];
  backlog: { total: number; buckets: BacklogBucket[] };
  processing: ProcessingTimes;
  clerks: ClerkRow[];
  missing: MissingRow[];
  drill: Drill;
  /**
   * The time of the last audit event the figures include (ISO; null before the first): they are a
   * projection the worker applies shortly after each event (docs/decisions/0025). The backlog is
   * read live.
   */
  freshAsOf: string | null;
};

/** What each row of the breakdown sums. */
const DRILL_COUNTERS = ['received', 'accepted', 'completed', 'refused', 'completedOnTime', 'completedZeroVisits', 'completedAtMostOneVisit'] as const satisfies readonly RollupCounter[];
type DrillCounter = (typeof DRILL_COUNTERS)[number];

const ratio = (num: number, den: number) => (den > 0 ? num / den : null);

export function ratesOf(t: CounterTotals): Rates {
  return {
    onTimeRate: ratio(t.completedOnTime, t.completed),
    oneVisitRate: ratio(t.completedOneVisit, t.completed),
    zeroVisitRate: ratio(t.completedZeroVisits, t.completed),
    atMostOneVisitRate: ratio(t.completedAtMostOneVisit, t.completed),
    satisfaction: ratio(t.ratingsSatisfied, t.ratings),
    crossProvinceShare: ratio(t.receivedCrossProvince, t.received),
    noticesPerApplication: ratio(t.notices, t.received),
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

const list = (codes: string[]) => sql.join(codes.map((c) => sql`${c}`), sql`, `);

/** Validated filters with defaults: the last 30 days, by day. */
export function parseFilters(raw: ReportFilterInput, today: string): ReportFilters {
  const r = reportFilterSchema.safeParse(raw);
  if (!r.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of r.error.issues) (fieldErrors[String(issue.path[0] ?? 'to')] ??= []).push(issue.message);
    throw invalid('form.invalid', fieldErrors);
  }
  const to = r.data.to ?? today;
  const from = r.data.from ?? addDays(to, -29);
  if (Date.parse(to) - Date.parse(from) > 3 * 366 * 86_400_000) throw invalid('form.invalid', { from: ['reports.rangeTooLong'] });
  return { from, to, department: r.data.department, serviceCode: r.data.serviceCode, officeCode: r.data.officeCode, unit: r.data.officeCode ? undefined : r.data.unit, period: r.data.period ?? 'day' };
}

/** The offices a manager may filter /reports by, without computing a report (a form sent back with errors). */
export async function reportOffices(ctx: ServiceContext): Promise<string[]> {
  const { actor, scope } = authorize(ctx.actor, 'report:read');
  return officesInScope(ctx.db, actor, scope);
}

export async function getReport(ctx: ServiceContext, raw: ReportFilterInput): Promise<Report> {
  const { actor, scope } = authorize(ctx.actor, 'report:read');
  const now = ctx.clock.now();
  const today = chinaDate(now);
  const filters = parseFilters(raw, today);
  const all = await officesInScope(ctx.db, actor, scope);
  if (filters.officeCode && !all.includes(filters.officeCode)) throw notFound('reports.officeNotFound');
  // The unit or office in view, within the reader's scope (404 outside it), and its children.
  const view = await reportView(ctx.db, actor, scope, all, filters);
  const codes = view.codes;
  const drill: Drill = { trail: view.trail, level: view.office ? 'office' : 'unit', rows: [] };
  const empty: Report = {
    filters,
    offices: all,
    totals: zeroTotals(),
    rates: ratesOf(zeroTotals()),
    series: [],
    backlog: { total: 0, buckets: [] },
    processing: { total: fromTally({}), office: fromTally({}), waiting: fromTally({}) },
    clerks: [],
    missing: [],
    drill,
    freshAsOf: null,
  };
  // One row by primary key, read beside the figures (started now, awaited with them).
  const fresh = reportsFreshAsOf(ctx.db).then((d) => d?.toISOString() ?? null);
  if (codes.length === 0) return { ...empty, freshAsOf: await fresh };

  const dims = (alias: string): SQL =>
    sql.join(
      [
        sql.raw(`${alias}.office_code in (`).append(list(codes)).append(sql`)`),
        filters.department ? sql.raw(`${alias}.department = `).append(sql`${filters.department}`) : null,
        filters.serviceCode ? sql.raw(`${alias}.service_code = `).append(sql`${filters.serviceCode}`) : null,
      ].filter((x): x is SQL => x !== null),
      sql` and `,
    );
  const inRange = sql`r.day between ${filters.from}::date and ${filters.to}::date`;

  // Counts, processing days, clerks and missing materials: whole months from report_monthly, the
  // days at the edges of the range from report_daily (docs/decisions/0013), summed here.
  const tiers = tiersOf(filters.from, filters.to);
  const pieces: SQL[] = [];
  const cols = sql.raw(`r.service_code, ${[...ROLLUP_COUNTERS, ...ROLLUP_TALLIES].map((k) => `r.${ROLLUP_COLUMN[k]} as "${k}"`).join(', ')}`);
  if (tiers.months) pieces.push(sql`select ${cols} from report_monthly r where r.month between ${tiers.months[0]}::date and ${tiers.months[1]}::date and ${dims('r')}`);
  for (const [a, b] of tiers.days) pieces.push(sql`select ${cols} from report_daily r where r.day between ${a}::date and ${b}::date and ${dims('r')}`);
  // The breakdown: the same rollup rows, each office's summed into the child of the view it lies
  // under (a VALUES list from the hierarchy, which drill.ts reads whole), grouped in SQL.
  const grouping = view.groups.flatMap((g) => g.offices.map((o) => sql`(${o}::text, ${`${g.kind}:${g.code}`}::text)`));
  const byChild = sql.raw(`r.office_code, ${DRILL_COUNTERS.map((k) => `r.${ROLLUP_COLUMN[k]} as "${k}"`).join(', ')}`);
  const childPieces: SQL[] = [];
  if (tiers.months) childPieces.push(sql`select ${byChild} from report_monthly r where r.month between ${tiers.months[0]}::date and ${tiers.months[1]}::date and ${dims('r')}`);
  for (const [a, b] of tiers.days) childPieces.push(sql`select ${byChild} from report_daily r where r.day between ${a}::date and ${b}::date and ${dims('r')}`);
  const unit = filters.period === 'day' ? 'day' : filters.period === 'week' ? 'week' : 'month';
  // The three reads are independent: on PostgreSQL they run at once on separate pool connections
  // (PGlite takes them in turn). Started in this order; bench/reports.ts labels them by it.
  const [rolledRes, seriesRes, backlogRes, childRes] = await Promise.all([
    ctx.db.execute(sql.join(pieces, sql` union all `)),
    ctx.db.execute(sql`
      select to_char(date_trunc(${unit}, r.day::timestamp), 'YYYY-MM-DD') as period,
             sum(received)::int as received, sum(accepted)::int as accepted, sum(completed)::int as completed, sum(refused)::int as refused
      from report_daily r where ${inRange} and ${dims('r')}
      group by 1 order by 1`),
    // Backlog now: open applications by age since receipt in China days (0-5, 6-10, 11-20, 21+),
    // whatever the date range. Compared as instants against the start of each boundary day, so
    // the index-only scan converts no time zone per row.
    ctx.db.execute(sql`
      with b as (select ((${today}::date - 5)::timestamp at time zone 'Asia/Shanghai') as d5,
                        ((${today}::date - 10)::timestamp at time zone 'Asia/Shanghai') as d10,
                        ((${today}::date - 20)::timestamp at time zone 'Asia/Shanghai') as d20)
      select count(*) filter (where a.submitted_at >= b.d5)::int as "0-5",
             count(*) filter (where a.submitted_at >= b.d10 and a.submitted_at < b.d5)::int as "6-10",
             count(*) filter (where a.submitted_at >= b.d20 and a.submitted_at < b.d10)::int as "11-20",
             count(*) filter (where a.submitted_at < b.d20)::int as "21+"
      from applications a, b
      where a.status in ('submitted','under_review','needs_supplement','supplemented','accepted') and ${dims('a')}`),
    grouping.length
      ? ctx.db.execute(sql`
      select g.child, ${sql.raw(DRILL_COUNTERS.map((k) => `sum(x."${k}")::int as "${k}"`).join(', '))}
      from (${sql.join(childPieces, sql` union all `)}) x
      join (values ${sql.join(grouping, sql`, `)}) g(office_code, child) on g.office_code = x.office_code
      group by g.child`)
      : null,
  ]);
  const rolled = rowsOf<{ service_code: string } & Record<RollupCounter, number | string> & Record<RollupTally, Tally | string>>(rolledRes);
  const totals = zeroTotals();
  const tallies = Object.fromEntries(ROLLUP_TALLIES.map((t) => [t, {}])) as Record<RollupTally, Tally>;
  const missingBy = new Map<string, Tally>();
  for (const r of rolled) {
    for (const c of ROLLUP_COUNTERS) totals[c] += Number(r[c]);
    for (const t of ROLLUP_TALLIES) {
      const v = typeof r[t] === 'string' ? (JSON.parse(r[t] as string) as Tally) : (r[t] as Tally);
      addTally(tallies[t], v);
      if (t === 'missing' && Object.keys(v).length) missingBy.set(r.service_code, addTally(missingBy.get(r.service_code) ?? {}, v));
    }
  }

  const series = rowsOf<{ period: string; received: number; accepted: number; completed: number; refused: number }>(seriesRes).map((r) => ({ period: r.period, received: Number(r.received), accepted: Number(r.accepted), completed: Number(r.completed), refused: Number(r.refused) }));

  const [backlogRow] = rowsOf<Record<BacklogBucket['bucket'], number | string>>(backlogRes);
  const order: BacklogBucket['bucket'][] = ['0-5', '6-10', '11-20', '21+'];
  const buckets = order.map((b) => ({ bucket: b, count: Number(backlogRow?.[b] ?? 0) }));

  const top = Object.entries(tallies.clerkDecided)
    .filter(([, n]) => n > 0)
    .map(([clerkId, decided]) => ({ clerkId, decided, completed: tallies.clerkCompleted[clerkId] ?? 0 }));
  const names = top.length
    ? new Map((await ctx.db.select({ id: users.id, staffNo: users.staffNo }).from(users).where(inArray(users.id, top.map((c) => c.clerkId)))).map((u) => [u.id, u.staffNo]))
    : new Map<string, string | null>();
  const clerks: ClerkRow[] = top
    .map((c) => ({ clerkId: c.clerkId, staffNo: names.get(c.clerkId) ?? null, decided: c.decided, completed: c.completed }))
    .sort((a, b) => b.decided - a.decided || (a.staffNo ?? '\uffff').localeCompare(b.staffNo ?? '\uffff'))
    .slice(0, 50);

  const missing: MissingRow[] = [...missingBy.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([serviceCode, t]) =>
      Object.entries(t)
        .filter(([, n]) => n > 0)
        .map(([materialCode, count]) => ({ serviceCode, materialCode, count }))
        .sort((a, b) => b.count - a.count || a.materialCode.localeCompare(b.materialCode)),
    );

  const figures = new Map(rowsOf<{ child: string } & Record<DrillCounter, number | string>>(childRes ?? { rows: [] }).map((r) => [r.child, r]));
  drill.rows = view.groups.map((g): DrillRow => {
    const f = figures.get(`${g.kind}:${g.code}`);
    const n = (k: DrillCounter) => Number(f?.[k] ?? 0);
    return {
      kind: g.kind,
      code: g.code,
      nameZh: g.kind === 'unit' ? g.nameZh : null,
      nameEn: g.kind === 'unit' ? g.nameEn : null,
      received: n('received'),
      accepted: n('accepted'),
      completed: n('completed'),
      refused: n('refused'),
      onTimeRate: ratio(n('completedOnTime'), n('completed')),
      zeroVisitRate: ratio(n('completedZeroVisits'), n('completed')),
      atMostOneVisitRate: ratio(n('completedAtMostOneVisit'), n('completed')),
    };
  });

  return {
    filters,
    offices: all,
    drill,
    freshAsOf: await fresh,
    totals,
    rates: ratesOf(totals),
    series,
    backlog: { total: buckets.reduce((s, b) => s + b.count, 0), buckets },
    processing: { total: fromTally(tallies.totalDays), office: fromTally(tallies.officeDays), waiting: fromTally(tallies.waitingDays) },
    clerks,
    missing: topPerService(missing, 5),
  };
}

/**
 * [from, to] as whole calendar months (first days, inclusive) and the days left at either edge.
 * A range inside one month is all days.
 */
export function tiersOf(from: string, to: string): { months: [string, string] | null; days: [string, string][] } {
  const firstFull = from.endsWith('-01') ? from : firstOfNextMonth(from);
  const lastFullStart = addDays(to, 1).endsWith('-01') ? `${to.slice(0, 7)}-01` : firstOfPrevMonth(to);
  if (firstFull > lastFullStart) return { months: null, days: [[from, to]] };
  const days: [string, string][] = [];
  if (from < firstFull) days.push([from, addDays(firstFull, -1)]);
  const afterLast = firstOfNextMonth(lastFullStart);
  if (afterLast <= to) days.push([afterLast, to]);
  return { months: [firstFull, lastFullStart], days };
}

function firstOfNextMonth(d: string): string {
  const x = new Date(`${d.slice(0, 7)}-01T00:00:00Z`);
  x.setUTCMonth(x.getUTCMonth() + 1);
  return x.toISOString().slice(0, 10);
}

function firstOfPrevMonth(d: string): string {
  const x = new Date(`${d.slice(0, 7)}-01T00:00:00Z`);
  x.setUTCMonth(x.getUTCMonth() - 1);
  return x.toISOString().slice(0, 10);
}

/** Median and p90 (nearest rank) of a distribution of working days held as counts per value. */
export function fromTally(t: Tally): Durations {
  const values = Object.entries(t)
    .map(([k, n]) => [Number(k), n] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => a[0] - b[0]);
  const count = values.reduce((s, [, n]) => s + n, 0);
  const at = (p: number) => {
    if (count === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * count));
    let seen = 0;
    for (const [v, n] of values) {
      seen += n;
      if (seen >= rank) return v;
    }
    return null;
  };
  return { count, median: at(50), p90: at(90) };
}

function zeroTotals(): CounterTotals {
  return {
    received: 0,
    accepted: 0,
    completed: 0,
    refused: 0,
    notAccepted: 0,
    withdrawn: 0,
    deemedAccepted: 0,
    notices: 0,
    overrideNotices: 0,
    receivedCrossProvince: 0,
    completedOnTime: 0,
    completedOneVisit: 0,
    completedZeroVisits: 0,
    completedAtMostOneVisit: 0,
    ratings: 0,
    ratingsSatisfied: 0,
  };
}

function topPerService(rows: MissingRow[], n: number): MissingRow[] {
  const seen = new Map<string, number>();
  return rows.filter((r) => {
    const k = (seen.get(r.serviceCode) ?? 0) + 1;
    seen.set(r.serviceCode, k);
    return k <= n;
  });
}
