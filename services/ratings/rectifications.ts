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

/**
 * The rectification list (差评整改): every open bad review of the manager's offices by deadline
 * (an open one past its deadline is flagged overdue), then the most recently closed ones. Managers
 * reach it with the same scope as the reports. Each office's open and closed rows are read through
 * rectifications_office_idx with their own limits, so the list costs the same with 250,000 closed
 * rectifications behind it as with ten.
 */
export async function listRectifications(ctx: ServiceContext): Promise<RectificationView[]> {
  const { actor, scope } = authorize(ctx.actor, 'report:read');
  const codes = await officesInScope(ctx.db, actor, scope);
  if (codes.length === 0) return [];
  const today = chinaDate(ctx.clock.now());
  const ids = (
    (await ctx.db.execute(sql`
      select x.id from unnest(array[${sql.join(codes.map((c) => sql`${c}`), sql`, `)}]::text[]) as o(code)
      cross join lateral (
        (select r.id from rectifications r where r.office_code = o.code and r.closed_at is null
         order by r.deadline nulls last, r.opened_at desc limit ${OPEN_LIMIT})
        union all
        (select r.id from rectifications r where r.office_code = o.code and r.closed_at is not null
         order by r.closed_at desc limit ${CLOSED_LIMIT})
      ) x`)) as unknown as { rows: { id: string }[] }
  ).rows.map((r) => r.id);
  if (ids.length === 0) return [];
  const rows = await ctx.db
    .select({ r: rectifications, rating: ratings, number: applications.number })
    .from(rectifications)
    .innerJoin(ratings, eq(ratings.id, rectifications.ratingId))
    .innerJoin(applications, eq(applications.id, ratings.applicationId))
    .where(inArray(rectifications.id, ids));
  const open = rows
    .filter(({ r }) => !r.closedAt)
    // An unknown deadline (its calendar year not entered) last, as `nulls last` above.
    .sort((a, b) => (a.r.deadline ?? '~').localeCompare(b.r.deadline ?? '~') || b.r.openedAt.getTime() - a.r.openedAt.getTime())
    .slice(0, OPEN_LIMIT);
  const closed = rows
    .filter(({ r }) => r.closedAt)
    .sort((a, b) => b.r.closedAt!.getTime() - a.r.closedAt!.getTime())
    .slice(0, CLOSED_LIMIT);
  const pending = rows.some(({ r }) => r.deadline === null) ? firstUnknownYear(await loadCalendar(ctx.db, today)) : null;
  return [...open, ...closed].map(({ r, rating, number }) => ({
    id: r.id,
    applicationNumber: number,
    serviceCode: rating.serviceCode,
    officeCode: r.officeCode,
    score: rating.score,
    channel: rating.channel,
    comment: rating.comment,
    ratedAt: rating.at.toISOString(),
    deadline: r.deadline,
    calendarPendingYear: r.deadline === null ? pending : null,
    overdue: !r.closedAt && r.deadline !== null && r.deadline < today,
    contactNote: r.contactNote,
    outcome: r.outcome,
    outcomeNote: r.outcomeNote,
    closedAt: r.closedAt?.toISOString() ?? null,
  }));
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
