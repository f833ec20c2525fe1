import { eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { offices } from '../../db/schema/index.js';
import { chinaDate, loadCalendar, workingDaysBetween, type Calendar } from '../calendar/working-days.js';
import type { ServiceContext } from '../context.js';
import { invalid, notFound } from '../errors.js';
import { authorize } from '../permissions.js';

/**
 * Every figure of /reports, each defined once here (counter definitions in counters.ts). Counts
 * and rates come from the daily rollup; the figures a rollup cannot hold (backlog now, medians,
 * per-clerk throughput, missing materials) come from the raw tables through their indexes.
 * docs/decisions/0010 says why.
 */

export type Period = 'day' | 'week' | 'month';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'reports.dateInvalid').refine((d) => !Number.isNaN(Date.parse(d)), 'reports.dateInvalid');
export const reportFilterSchema = z
  .object({
    from: day.optional(),
    to: day.optional(),
    department: z.enum(['hukou', 'traffic', 'exit_entry'], { errorMap: () => ({ message: 'choice' }) }).optional(),
    serviceCode: z.string().max(64, 'choice').regex(/^[a-z0-9-]+$/, 'choice').optional(),
    officeCode: z.string().max(64, 'choice').regex(/^[a-z0-9-]+$/, 'choice').optional(),
    period: z.enum(['day', 'week', 'month'], { errorMap: () => ({ message: 'choice' }) }).optional(),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: 'reports.rangeInvalid', path: ['to'] });
export type ReportFilterInput = z.input<typeof reportFilterSchema>;

export type ReportFilters = { from: string; to: string; department?: string; serviceCode?: string; officeCode?: string; period: Period };

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
  ratings: number;
  ratingsSatisfied: number;
};

export type Rates = {
  /** 按时办结率: completed on or before the due date ÷ completed. */
  onTimeRate: number | null;
  /** 一次办成率: completed without any notice (no supplement round) ÷ completed. */
  oneVisitRate: number | null;
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
};

const ratio = (num: number, den: number) => (den > 0 ? num / den : null);

export function ratesOf(t: CounterTotals): Rates {
  return {
    onTimeRate: ratio(t.completedOnTime, t.completed),
    oneVisitRate: ratio(t.completedOneVisit, t.completed),
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

const durations = (values: number[]): Durations => {
  const s = [...values].sort((a, b) => a - b);
  return { count: s.length, median: percentile(s, 50), p90: percentile(s, 90) };
};

const rowsOf = <T>(res: unknown): T[] => (res as { rows: T[] }).rows;
const list = (codes: string[]) => sql.join(codes.map((c) => sql`${c}`), sql`, `);

function addDays(d: string, n: number): string {
  const x = new Date(`${d}T00:00:00Z`);
  x.setUTCDate(x.getUTCDate() + n);
  return x.toISOString().slice(0, 10);
}

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
  return { from, to, department: r.data.department, serviceCode: r.data.serviceCode, officeCode: r.data.officeCode, period: r.data.period ?? 'day' };
}

export async function getReport(ctx: ServiceContext, raw: ReportFilterInput): Promise<Report> {
  const { actor, scope } = authorize(ctx.actor, 'report:read');
  const now = ctx.clock.now();
  const today = chinaDate(now);
  const filters = parseFilters(raw, today);
  const all =
    scope === 'city' && actor.cityCode
      ? (await ctx.db.select({ code: offices.code }).from(offices).where(eq(offices.cityCode, actor.cityCode))).map((o) => o.code)
      : actor.officeCode
        ? [actor.officeCode]
        : [];
  if (filters.officeCode && !all.includes(filters.officeCode)) throw notFound('reports.officeNotFound');
  const codes = filters.officeCode ? [filters.officeCode] : all;
  const empty: Report = {
    filters,
    offices: all,
    totals: zeroTotals(),
    rates: ratesOf(zeroTotals()),
    series: [],
    backlog: { total: 0, buckets: [] },
    processing: { total: durations([]), office: durations([]), waiting: durations([]) },
    clerks: [],
    missing: [],
  };
  if (codes.length === 0) return empty;

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

  const [totalsRow] = rowsOf<Record<string, number | string>>(
    await ctx.db.execute(sql`
      select coalesce(sum(received),0)::int as received, coalesce(sum(accepted),0)::int as accepted,
             coalesce(sum(completed),0)::int as completed, coalesce(sum(refused),0)::int as refused,
             coalesce(sum(not_accepted),0)::int as "notAccepted", coalesce(sum(withdrawn),0)::int as withdrawn,
             coalesce(sum(deemed_accepted),0)::int as "deemedAccepted", coalesce(sum(notices),0)::int as notices,
             coalesce(sum(override_notices),0)::int as "overrideNotices",
             coalesce(sum(received_cross_province),0)::int as "receivedCrossProvince",
             coalesce(sum(completed_on_time),0)::int as "completedOnTime", coalesce(sum(completed_one_visit),0)::int as "completedOneVisit",
             coalesce(sum(ratings),0)::int as ratings, coalesce(sum(ratings_satisfied),0)::int as "ratingsSatisfied"
      from report_daily r where ${inRange} and ${dims('r')}`),
  );
  const totals = Object.fromEntries(Object.entries(totalsRow).map(([k, v]) => [k, Number(v)])) as CounterTotals;

  const unit = filters.period === 'day' ? 'day' : filters.period === 'week' ? 'week' : 'month';
  const series = rowsOf<{ period: string; received: number; accepted: number; completed: number; refused: number }>(
    await ctx.db.execute(sql`
      select to_char(date_trunc(${unit}, r.day::timestamp), 'YYYY-MM-DD') as period,
             sum(received)::int as received, sum(accepted)::int as accepted, sum(completed)::int as completed, sum(refused)::int as refused
      from report_daily r where ${inRange} and ${dims('r')}
      group by 1 order by 1`),
  ).map((r) => ({ period: r.period, received: Number(r.received), accepted: Number(r.accepted), completed: Number(r.completed), refused: Number(r.refused) }));

  // Backlog now: open applications by age since receipt (calendar days), whatever the date range.
  const backlogRows = rowsOf<{ bucket: BacklogBucket['bucket']; count: number }>(
    await ctx.db.execute(sql`
      select case when age <= 5 then '0-5' when age <= 10 then '6-10' when age <= 20 then '11-20' else '21+' end as bucket, count(*)::int as count
      from (select (${today}::date - (a.submitted_at at time zone 'Asia/Shanghai')::date) as age
            from applications a
            where a.status in ('submitted','under_review','needs_supplement','supplemented','accepted') and ${dims('a')}) x
      group by 1`),
  );
  const order: BacklogBucket['bucket'][] = ['0-5', '6-10', '11-20', '21+'];
  const buckets = order.map((b) => ({ bucket: b, count: Number(backlogRows.find((r) => r.bucket === b)?.count ?? 0) }));

  const processing = await processingTimes(ctx, filters, dims('a'));

  const clerks = rowsOf<{ clerk_id: string; staff_no: string | null; decided: number; completed: number }>(
    await ctx.db.execute(sql`
      select d.clerk_id, u.staff_no, count(*)::int as decided, count(*) filter (where d.kind = 'completed')::int as completed
      from decisions d join applications a on a.id = d.application_id left join users u on u.id = d.clerk_id
      where d.clerk_id is not null
        and (d.at at time zone 'Asia/Shanghai')::date between ${filters.from}::date and ${filters.to}::date and ${dims('a')}
      group by d.clerk_id, u.staff_no order by decided desc, u.staff_no limit 50`),
  ).map((r) => ({ clerkId: r.clerk_id, staffNo: r.staff_no, decided: Number(r.decided), completed: Number(r.completed) }));

  const missing = rowsOf<{ service_code: string; material_code: string; count: number }>(
    await ctx.db.execute(sql`
      select a.service_code, item->>'materialCode' as material_code, count(*)::int as count
      from notices n join applications a on a.id = n.application_id, jsonb_array_elements(n.items) item
      where n.issue_date between ${filters.from}::date and ${filters.to}::date and ${dims('a')}
      group by 1, 2 order by 1, 3 desc, 2`),
  ).map((r) => ({ serviceCode: r.service_code, materialCode: r.material_code, count: Number(r.count) }));

  return {
    filters,
    offices: all,
    totals,
    rates: ratesOf(totals),
    series,
    backlog: { total: buckets.reduce((s, b) => s + b.count, 0), buckets },
    processing,
    clerks,
    missing: topPerService(missing, 5),
  };
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

/**
 * Processing time of applications decided (completed or refused) in the range, in working days:
 * total from receipt to decision, citizen waiting time (notice to supplement) and office time =
 * total − waiting.
 */
async function processingTimes(ctx: ServiceContext, f: ReportFilters, dims: SQL): Promise<ProcessingTimes> {
  const rows = rowsOf<{ id: string; submitted: string; decided: string; waits: { s: string; e: string | null }[] | null }>(
    await ctx.db.execute(sql`
      select a.id, to_char(a.submitted_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as submitted,
             to_char(a.decided_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as decided,
             (select json_agg(json_build_object('s', to_char(w.started_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD'),
                                                'e', to_char(w.ended_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD')))
              from waiting_intervals w where w.application_id = a.id) as waits
      from applications a
      where a.status in ('completed','refused') and a.decided_at is not null and a.submitted_at is not null
        and (a.decided_at at time zone 'Asia/Shanghai')::date between ${f.from}::date and ${f.to}::date and ${dims}`),
  );
  const cal: Calendar = await loadCalendar(ctx.db, f.to);
  const total: number[] = [];
  const office: number[] = [];
  const waiting: number[] = [];
  for (const r of rows) {
    const t = workingDaysBetween(r.submitted, r.decided, cal);
    const waits = typeof r.waits === 'string' ? (JSON.parse(r.waits) as { s: string; e: string | null }[]) : (r.waits ?? []);
    const w = waits.reduce((s, x) => s + workingDaysBetween(x.s, x.e ?? r.decided, cal), 0);
    total.push(t);
    waiting.push(w);
    office.push(Math.max(0, t - w));
  }
  return { total: durations(total), office: durations(office), waiting: durations(waiting) };
}
