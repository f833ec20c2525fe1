import { and, eq } from 'drizzle-orm';
import { provinceOfCity } from '../offices/offices.js';
import { z } from 'zod';
import { applications, offices, ratings, rectifications, type RatingChannel } from '../../db/schema/index.js';
import { addWorkingDays, chinaDate, isUnknown, loadCalendar, orUnknown } from '../calendar/working-days.js';
import type { ServiceContext } from '../context.js';
import { conflict, DomainError, invalid, notFound } from '../errors.js';
import { authorize, inScope } from '../permissions.js';
import { isBadReview } from '../reports/counters.js';
import { recordAudit } from '../audit.js';
import { RATING_ACTION } from '../reports/mapping.js';
import { isApplicationNumber } from '../validation/ids.js';
import { int32, optionalText } from '../validation/zod.js';

/** 1 非常不满意 … 5 非常满意; the comment is optional. */
export const ratingSchema = z.object({
  score: int32({ min: 1, max: 5, message: 'rating.scoreRequired', required: 'rating.scoreRequired' }),
  comment: optionalText(500, { multiline: true, tooLong: 'rating.commentTooLong' }),
});
export type RatingInput = z.input<typeof ratingSchema>;

export type RatingView = { channel: RatingChannel; score: number; comment: string | null; at: string };

/**
 * The citizen rates online (own applications); a clerk records what the citizen said at the
 * window (office and skill scope). Only after completion, once per application per channel.
 */
async function rateableApplication(ctx: ServiceContext, number: string) {
  const { actor, scope } = authorize(ctx.actor, 'rating:create');
  if (!isApplicationNumber(number)) throw notFound('review.applicationNotFound');
  const [row] = await ctx.db
    .select({ app: applications, cityCode: offices.cityCode, provinceCode: provinceOfCity(offices.cityCode) })
    .from(applications)
    .leftJoin(offices, eq(offices.code, applications.officeCode))
    .where(eq(applications.number, number))
    .limit(1);
  if (!row || !inScope(actor, scope, { ownerId: row.app.applicantId, officeCode: row.app.officeCode, cityCode: row.cityCode, provinceCode: row.provinceCode, department: row.app.department })) {
    throw notFound('review.applicationNotFound');
  }
  const channel: RatingChannel = actor.role === 'citizen' ? 'online' : 'window';
  return { app: row.app, actor, channel };
}

/** What the rating page shows: whether this actor may rate now, and the rating already given. */
export async function getRatingForm(ctx: ServiceContext, number: string): Promise<{ number: string; serviceCode: string; canRate: boolean; existing: RatingView | null }> {
  const { app, channel } = await rateableApplication(ctx, number);
  const [existing] = await ctx.db
    .select()
    .from(ratings)
    .where(and(eq(ratings.applicationId, app.id), eq(ratings.channel, channel)));
  return {
    number,
    serviceCode: app.serviceCode,
    canRate: app.status === 'completed' && !existing,
    existing: existing ? { channel, score: existing.score, comment: existing.comment, at: existing.at.toISOString() } : null,
  };
}

export async function rateApplication(ctx: ServiceContext, number: string, raw: RatingInput): Promise<{ rectificationId: string | null }> {
  const { app, actor, channel } = await rateableApplication(ctx, number);
  const parsed = ratingSchema.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) (fieldErrors[String(issue.path[0])] ??= []).push(issue.message);
    throw invalid('form.invalid', fieldErrors);
  }
  if (app.status !== 'completed' || !app.officeCode) throw new DomainError('rating.notCompleted', 409);
  const now = ctx.clock.now();
  const today = chinaDate(now);
  return ctx.db.transaction(async (tx) => {
    const [rating] = await tx
      .insert(ratings)
      .values({
        applicationId: app.id,
        channel,
        score: parsed.data.score,
        comment: parsed.data.comment || null,
        recordedBy: actor.id,
        at: now,
        day: today,
        officeCode: app.officeCode!,
        serviceCode: app.serviceCode,
        department: app.department,
      })
      .onConflictDoNothing()
      .returning();
    if (!rating) throw conflict('rating.alreadyRated');
    // The rating's audit row carries what the reports count (docs/decisions/0025).
    await recordAudit(tx, ctx, {
      applicationId: app.id,
      action: RATING_ACTION,
      officeCode: app.officeCode,
      data: { channel },
      facts: { serviceCode: app.serviceCode, department: app.department, score: rating.score },
      at: now,
    });
    if (!isBadReview(rating.score)) return { rectificationId: null };
    // A bad review is never refused for want of next year's calendar: the deadline waits for it (docs/decisions/0028).
    const cal = await loadCalendar(ctx.db, today, tx);
    const counted = orUnknown(() => addWorkingDays(today, ctx.config.rectificationDays, cal));
    const deadline = isUnknown(counted) ? null : counted;
    const [rect] = await tx
      .insert(rectifications)
      .values({ ratingId: rating.id, officeCode: app.officeCode!, openedAt: now, deadline })
      .returning({ id: rectifications.id });
    return { rectificationId: rect.id };
  });
}
