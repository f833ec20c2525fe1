import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { applications, ratings, rectifications, type RectificationOutcome } from '../../db/schema/index.js';
import { officesInScope } from '../offices/offices.js';
import { chinaDate, firstUnknownYear, loadCalendar } from '../calendar/working-days.js';
import type { ServiceContext } from '../context.js';
import { conflict, invalid, notFound } from '../errors.js';
import { authorize } from '../permissions.js';
import { optionalText, text } from '../validation/zod.js';

export type RectificationView = {
  id: string;
  applicationNumber: string | null;
  serviceCode: string;
  officeCode: string;
  score: number;
  channel: string;
  comment: string | null;
  ratedAt: string;
  /** Null while its calendar year is not entered; `calendarPendingYear` names that year. */
  deadline: string | null;
  calendarPendingYear: number | null;
  overdue: boolean;
  contactNote: string | null;
  outcome: RectificationOutcome | null;
  outcomeNote: string | null;
  closedAt: string | null;
};

/** Open rectifications shown at most, and closed ones (the latest) under them. */
const OPEN_LIMIT = 200;
const CLOSED_LIMIT = 50;
/** Rows per page of /reports/rectifications, each list paged on its own. */
export const RECTIFICATION_PAGE_SIZE = 20;
/** Pages beyond this are not offered (each page reads offset + size rows per office). */
export const RECTIFICATION_MAX_PAGE = 500;

type Range = { offset: number; limit: number };

/**
 * The open rectifications of `codes` by deadline (an unknown one last), then the most recently
 * closed, each list sliced to its range; `more` says whether rows follow each slice. Each office's
 * open and closed rows are read through rectifications_office_idx with their own limits (offset +
 * limit + 1), so a page costs the same with 250,000 closed rectifications behind it as with ten;
 * only the rows shown are then read in full, and only the columns shown.
 */
async function readRectifications(ctx: ServiceContext, codes: string[], today: string, open: Range, closed: Range): Promise<{ views: RectificationView[]; moreOpen: boolean; moreClosed: boolean }> {
  const keys = (
    (await ctx.db.execute(sql`
      select x.id, x.closed, x.deadline, x.opened_ms, x.closed_ms from unnest(array[${sql.join(codes.map((c) => sql`${c}`), sql`, `)}]::text[]) as o(code)
      cross join lateral (
        (select r.id, false as closed, r.deadline::text as deadline, (extract(epoch from r.opened_at) * 1000)::float8 as opened_ms, null::float8 as closed_ms
         from rectifications r where r.office_code = o.code and r.closed_at is null
         order by r.deadline nulls last, r.opened_at desc limit ${open.offset + open.limit + 1})
        union all
        (select r.id, true, null, null, (extract(epoch from r.closed_at) * 1000)::float8
         from rectifications r where r.office_code = o.code and r.closed_at is not null
         order by r.closed_at desc limit ${closed.offset + closed.limit + 1})
      ) x`)) as unknown as { rows: { id: string; closed: boolean; deadline: string | null; opened_ms: number | null; closed_ms: number | null }[] }
  ).rows;
  const openKeys = keys
    .filter((k) => !k.closed)
    // An unknown deadline (its calendar year not entered) last, as `nulls last` above.
    .sort((a, b) => (a.deadline ?? '~').localeCompare(b.deadline ?? '~') || Number(b.opened_ms) - Number(a.opened_ms));
  const closedKeys = keys.filter((k) => k.closed).sort((a, b) => Number(b.closed_ms) - Number(a.closed_ms));
  const shown = [...openKeys.slice(open.offset, open.offset + open.limit), ...closedKeys.slice(closed.offset, closed.offset + closed.limit)].map((k) => k.id);
  const moreOpen = openKeys.length > open.offset + open.limit;
  const moreClosed = closedKeys.length > closed.offset + closed.limit;
  if (shown.length === 0) return { views: [], moreOpen, moreClosed };
  const rows = await ctx.db
    .select({
      id: rectifications.id,
      officeCode: rectifications.officeCode,
      deadline: rectifications.deadline,
      contactNote: rectifications.contactNote,
      outcome: rectifications.outcome,
      outcomeNote: rectifications.outcomeNote,
      closedAt: rectifications.closedAt,
      serviceCode: ratings.serviceCode,
      score: ratings.score,
      channel: ratings.channel,
      comment: ratings.comment,
      ratedAt: ratings.at,
      number: applications.number,
    })
    .from(rectifications)
    .innerJoin(ratings, eq(ratings.id, rectifications.ratingId))
    .innerJoin(applications, eq(applications.id, ratings.applicationId))
    .where(inArray(rectifications.id, shown));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const pending = rows.some((r) => r.deadline === null) ? firstUnknownYear(await loadCalendar(ctx.db, today)) : null;
  const views = shown.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    return [
      {
        id: r.id,
        applicationNumber: r.number,
        serviceCode: r.serviceCode,
        officeCode: r.officeCode,
        score: r.score,
        channel: r.channel,
        comment: r.comment,
        ratedAt: r.ratedAt.toISOString(),
        deadline: r.deadline,
        calendarPendingYear: r.deadline === null ? pending : null,
        overdue: !r.closedAt && r.deadline !== null && r.deadline < today,
        contactNote: r.contactNote,
        outcome: r.outcome,
        outcomeNote: r.outcomeNote,
        closedAt: r.closedAt?.toISOString() ?? null,
      },
    ];
  });
  return { views, moreOpen, moreClosed };
}

/**
 * The rectification list (差评整改): every open bad review of the manager's offices by deadline
 * (an open one past its deadline is flagged overdue), then the most recently closed ones (at most
 * 200 and 50). Managers reach it with the same scope as the reports.
 */
export async function listRectifications(ctx: ServiceContext): Promise<RectificationView[]> {
  const { actor, scope } = authorize(ctx.actor, 'report:read');
  const codes = await officesInScope(ctx.db, actor, scope);
  if (codes.length === 0) return [];
  const today = chinaDate(ctx.clock.now());
  return (await readRectifications(ctx, codes, today, { offset: 0, limit: OPEN_LIMIT }, { offset: 0, limit: CLOSED_LIMIT })).views;
}

export type RectificationPage = {
  open: RectificationView[];
  closed: RectificationView[];
  /** Every open rectification of the manager's offices, not only this page's. */
  openCount: number;
  openPage: number;
  closedPage: number;
  moreOpen: boolean;
  moreClosed: boolean;
};

/** A page number from the query string: 1 unless a whole number from 1 to RECTIFICATION_MAX_PAGE. */
export function pageNumber(raw: unknown): number {
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= RECTIFICATION_MAX_PAGE ? n : 1;
}

/**
 * /reports/rectifications a page at a time: RECTIFICATION_PAGE_SIZE open rectifications (each with
 * its follow-up form) and as many closed ones, each list paged on its own, and how many are open.
 */
export async function rectificationsPage(
  ctx: ServiceContext,
  pages: { open?: number | string | null; closed?: number | string | null; size?: number } = {},
): Promise<RectificationPage> {
  const { actor, scope } = authorize(ctx.actor, 'report:read');
  // As the query string gives them (`?open=2`): anything but a page number is the first page.
  const openPage = pageNumber(pages.open ?? 1);
  const closedPage = pageNumber(pages.closed ?? 1);
  const codes = await officesInScope(ctx.db, actor, scope);
  const none = { open: [], closed: [], openCount: 0, openPage, closedPage, moreOpen: false, moreClosed: false };
  if (codes.length === 0) return none;
  const today = chinaDate(ctx.clock.now());
  const size = pages.size ?? RECTIFICATION_PAGE_SIZE;
  const [read, [{ n }]] = await Promise.all([
    readRectifications(ctx, codes, today, { offset: (openPage - 1) * size, limit: size }, { offset: (closedPage - 1) * size, limit: size }),
    ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(rectifications)
      .where(and(inArray(rectifications.officeCode, codes), isNull(rectifications.closedAt))),
  ]);
  return {
    open: read.views.filter((v) => !v.closedAt),
    closed: read.views.filter((v) => v.closedAt),
    openCount: Number(n),
    openPage,
    closedPage,
    moreOpen: read.moreOpen,
    moreClosed: read.moreClosed,
  };
}

export const followUpSchema = z.object({
  id: z.string({ required_error: 'required', invalid_type_error: 'required' }).uuid('rectification.notFound'),
  contactNote: text(1000, { multiline: true, tooLong: 'rectification.tooLong' }),
  outcome: z.enum(['fixed', 'explained', 'appealed'], { errorMap: () => ({ message: 'choice' }) }),
  outcomeNote: optionalText(1000, { multiline: true, tooLong: 'rectification.tooLong' }),
});
export type FollowUpInput = z.input<typeof followUpSchema>;

/** The manager records the follow-up contact and the outcome; a closed rectification stays closed. */
export async function recordFollowUp(ctx: ServiceContext, raw: FollowUpInput): Promise<void> {
  const { actor, scope } = authorize(ctx.actor, 'report:read');
  const parsed = followUpSchema.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) (fieldErrors[String(issue.path[0])] ??= []).push(issue.message);
    throw invalid('form.invalid', fieldErrors);
  }
  const codes = await officesInScope(ctx.db, actor, scope);
  const input = parsed.data;
  const [row] = await ctx.db.select().from(rectifications).where(eq(rectifications.id, input.id));
  if (!row || !codes.includes(row.officeCode)) throw notFound('rectification.notFound');
  const updated = await ctx.db
    .update(rectifications)
    .set({ contactNote: input.contactNote, outcome: input.outcome, outcomeNote: input.outcomeNote || null, closedAt: ctx.clock.now(), closedBy: actor.id })
    .where(and(eq(rectifications.id, input.id), isNull(rectifications.closedAt)))
    .returning({ id: rectifications.id });
  if (updated.length === 0) throw conflict('rectification.alreadyClosed');
}
