import { and, asc, eq, gte, isNotNull, lte, max } from 'drizzle-orm';
import { type z } from 'zod';
import type { Db } from '../../db/client.js';
import { calendarDays, calendarYears } from '../../db/schema/index.js';
import { isRootAdmin } from '../admin/scope.js';
import { recordAudit } from '../audit.js';
import type { ServiceContext, UserActor } from '../context.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';
import { authorize } from '../permissions.js';
import { forgetReference } from '../reference-cache.js';
import { countDatesLeftUnknown } from './unknown-dates.js';
import { addDaySchema, createYearSchema, FIRST_YEAR, HOLIDAY_NAMES, LAST_YEAR, removeDaySchema, sourceSchema } from './calendar-forms.js';

export { addDaySchema, createYearSchema, FIRST_YEAR, HOLIDAY_NAMES, LAST_YEAR, removeDaySchema, sourceSchema };
import { addDays, addWorkingDays, chinaDate, isUnknown, orUnknown, type Calendar } from './working-days.js';

/**
 * The working-day calendar as the root administrator keeps it (docs/decisions/0028): each year is
 * entered as a draft from the State Council's notice (holidays and make-up working days, 调休),
 * previewed against due dates, and published; a published year is in force and no longer edited.
 * Years are published in order, so the calendar never has a gap the clock rules would count through.
 */


export type CalendarYearSummary = {
  year: number;
  source: string;
  verified: boolean;
  publishedAt: string | null;
  holidays: number;
  workdays: number;
};

export type CalendarOverview = {
  years: CalendarYearSummary[];
  /** The last published year, or null. */
  lastPublished: number | null;
  /** From 1 November (China date): next year has no published calendar. */
  nextYearMissing: number | null;
  /** The year a new draft would be (the one after the last published, unless it already has a row). */
  nextToEnter: number | null;
};

function requireRoot(ctx: ServiceContext): UserActor {
  const { actor } = authorize(ctx.actor, 'calendar:manage');
  // The calendar is national: only the root administrator enters it.
  if (!isRootAdmin(actor)) throw forbidden();
  return actor;
}

async function lastPublishedYear(db: Db): Promise<number | null> {
  const [row] = await db.select({ year: max(calendarYears.year) }).from(calendarYears).where(isNotNull(calendarYears.publishedAt));
  return row?.year ?? null;
}

/**
 * Whether administrators must be told next year's calendar is missing: from 1 November (China
 * date), when the State Council's notice is usually out, until next year is published. Any
 * administrator sees it, so it asks only for an administrator.
 */
export async function missingNextYear(ctx: ServiceContext): Promise<number | null> {
  if (ctx.actor.kind !== 'user' || ctx.actor.role !== 'admin') return null;
  const today = chinaDate(ctx.clock.now());
  const next = Number(today.slice(0, 4)) + 1;
  const last = await lastPublishedYear(ctx.db);
  if (last !== null && last >= next) return null;
  // Past the last published year altogether, this year is missing too: say the earliest.
  if (last === null || last < next - 1) return last === null ? next - 1 : last + 1;
  return today.slice(5) >= '11-01' ? next : null;
}

export async function calendarOverview(ctx: ServiceContext): Promise<CalendarOverview> {
  requireRoot(ctx);
  const [years, days] = await Promise.all([
    ctx.db.select().from(calendarYears).orderBy(asc(calendarYears.year)),
    ctx.db.select({ day: calendarDays.day, kind: calendarDays.kind }).from(calendarDays),
  ]);
  const count = (year: number, kind: 'holiday' | 'workday') => days.filter((d) => d.kind === kind && d.day.startsWith(`${year}-`)).length;
  const published = years.filter((y) => y.publishedAt);
  const lastPublished = published.length ? published[published.length - 1].year : null;
  const candidate = lastPublished === null ? Number(chinaDate(ctx.clock.now()).slice(0, 4)) : lastPublished + 1;
  return {
    years: years.map((y) => ({
      year: y.year,
      source: y.source,
      verified: y.verified,
      publishedAt: y.publishedAt?.toISOString() ?? null,
      holidays: count(y.year, 'holiday'),
      workdays: count(y.year, 'workday'),
    })),
    lastPublished,
    nextYearMissing: await missingNextYear(ctx),
    nextToEnter: years.some((y) => y.year === candidate) ? null : candidate,
  };
}

export type CalendarDayRow = { day: string; kind: 'holiday' | 'workday'; nameKey: string };

/** One sample of the preview: a filing on `filed` with `days` working days is due on … */
export type PreviewRow = {
  filed: string;
  days: number;
  /** With the calendar in force now: a day, or the year whose calendar is missing. */
  now: string | { unknownYear: number };
  /** Once this year is published as it stands. */
  after: string | { unknownYear: number };
};

export type CalendarYearView = CalendarYearSummary & {
  days: CalendarDayRow[];
  preview: PreviewRow[];
  /** Why it cannot be published yet (i18n keys under adminCatalog:calendar.blocked), [] when it can. */
  publishBlockers: string[];
};

async function yearRow(db: Db, year: number) {
  const [row] = await db.select().from(calendarYears).where(eq(calendarYears.year, year));
  if (!row) throw notFound('calendar.yearNotFound');
  return row;
}

async function daysOf(db: Db, fromYear: number, toYear: number): Promise<CalendarDayRow[]> {
  return db
    .select({ day: calendarDays.day, kind: calendarDays.kind, nameKey: calendarDays.nameKey })
    .from(calendarDays)
    .where(and(gte(calendarDays.day, `${fromYear}-01-01`), lte(calendarDays.day, `${toYear}-12-31`)))
    .orderBy(asc(calendarDays.day));
}

const calendarOf = (rows: readonly CalendarDayRow[], knownThrough: string | null): Calendar => ({
  holidays: new Set(rows.filter((r) => r.kind === 'holiday').map((r) => r.day)),
  workdays: new Set(rows.filter((r) => r.kind === 'workday').map((r) => r.day)),
  knownThrough,
});

/** Working-day limits the preview shows: art. 32's completeness check and the supplement period. */
const previewLimits = (ctx: ServiceContext) => [...new Set([ctx.config.completenessDays, ctx.config.supplementDays])];

/**
 * Sample filings around the year's holidays: the last day before each block of days off, where a
 * limit is most stretched (and the year's first day), each with the preview's limits.
 */
function previewDates(year: number, rows: readonly CalendarDayRow[]): string[] {
  const starts = rows.filter((r) => r.kind === 'holiday' && !rows.some((o) => o.kind === 'holiday' && o.day === addDays(r.day, -1)));
  const dates = [`${year}-01-01`, ...starts.map((r) => addDays(r.day, -1))].filter((d) => d.startsWith(`${year}-`) || d === `${year - 1}-12-31`);
  return [...new Set(dates)].sort().slice(0, 8);
}

export async function calendarYear(ctx: ServiceContext, year: number): Promise<CalendarYearView> {
  requireRoot(ctx);
  const row = await yearRow(ctx.db, year);
  const last = await lastPublishedYear(ctx.db);
  // The year before and after cover limits that cross New Year in either direction.
  const around = await daysOf(ctx.db, year - 1, year + 1);
  const mine = around.filter((d) => d.day.startsWith(`${year}-`));
  const publishedRows = around.filter((d) => last !== null && Number(d.day.slice(0, 4)) <= last);
  const nowCal = calendarOf(publishedRows, last === null ? null : `${last}-12-31`);
  const afterThrough = Math.max(year, last ?? year);
  const afterCal = calendarOf(
    around.filter((d) => Number(d.day.slice(0, 4)) <= afterThrough),
    `${afterThrough}-12-31`,
  );
  const due = (cal: Calendar, filed: string, days: number) => {
    const v = orUnknown(() => addWorkingDays(filed, days, cal));
    return isUnknown(v) ? { unknownYear: v.unknownYear } : v;
  };
  const preview = previewDates(year, mine).flatMap((filed) =>
    previewLimits(ctx).map((days) => ({ filed, days, now: due(nowCal, filed, days), after: due(afterCal, filed, days) })),
  );
  return {
    ...summaryOf(row, mine),
    days: mine,
    preview,
    publishBlockers: row.publishedAt ? [] : blockersOf(row, mine, last),
  };
}

const summaryOf = (row: typeof calendarYears.$inferSelect, days: readonly CalendarDayRow[]): CalendarYearSummary => ({
  year: row.year,
  source: row.source,
  verified: row.verified,
  publishedAt: row.publishedAt?.toISOString() ?? null,
  holidays: days.filter((d) => d.kind === 'holiday').length,
  workdays: days.filter((d) => d.kind === 'workday').length,
});

function blockersOf(row: typeof calendarYears.$inferSelect, days: readonly CalendarDayRow[], last: number | null): string[] {
  const out: string[] = [];
  if (last !== null && row.year !== last + 1) out.push('order');
  if (!row.source.trim()) out.push('source');
  if (!days.some((d) => d.kind === 'holiday')) out.push('noHolidays');
  return out;
}

// ---- Changes (drafts only), each audited with before and after ----

function parse<T extends z.ZodTypeAny>(schema: T, raw: unknown): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) (fieldErrors[String(issue.path[0] ?? 'form')] ??= []).push(issue.message);
    throw invalid('form.invalid', fieldErrors);
  }
  return parsed.data;
}

async function draftForUpdate(tx: Db, year: number) {
  const [row] = await tx.select().from(calendarYears).where(eq(calendarYears.year, year)).for('update');
  if (!row) throw notFound('calendar.yearNotFound');
  if (row.publishedAt) throw conflict('calendar.published', { year });
  return row;
}

/** Opens a draft for the year after the last published one (or any year, when none is). */
export async function createCalendarYear(ctx: ServiceContext, raw: z.input<typeof createYearSchema>): Promise<number> {
  requireRoot(ctx);
  const { year } = parse(createYearSchema, raw);
  return ctx.db.transaction(async (tx) => {
    const last = await lastPublishedYear(tx);
    if (last !== null && year !== last + 1) throw invalid('form.invalid', { year: ['calendar.yearOrder'] }, { year: last + 1 });
    const [created] = await tx.insert(calendarYears).values({ year }).onConflictDoNothing().returning();
    if (!created) throw conflict('calendar.yearExists', { year });
    await recordAudit(tx, ctx, { action: 'calendar.yearCreated', data: { year, before: null, after: { year, source: '', verified: false } } });
    return year;
  });
}

/** Adds a holiday (or a block of them, `day` to `until`) or a make-up working day to a draft. */
export async function addCalendarDays(ctx: ServiceContext, year: number, raw: z.input<typeof addDaySchema>): Promise<void> {
  requireRoot(ctx);
  const input = parse(addDaySchema, raw);
  const last = input.until || input.day;
  if (last < input.day) throw invalid('form.invalid', { until: ['calendar.until'] });
  const days: string[] = [];
  for (let d = input.day; d <= last; d = addDays(d, 1)) days.push(d);
  if (days.length > 31) throw invalid('form.invalid', { until: ['calendar.until'] });
  // A block may run into the next year's first days (a Spring Festival never does, but New Year's
  // Eve could); every day is kept in the year it belongs to only when that is this draft.
  if (days.some((d) => !d.startsWith(`${year}-`))) throw invalid('form.invalid', { day: ['calendar.dayInYear'] }, { year });
  if (input.kind === 'workday') {
    if (days.length > 1) throw invalid('form.invalid', { until: ['calendar.workdayOne'] });
    const dow = new Date(`${input.day}T00:00:00Z`).getUTCDay();
    // A make-up working day is always a weekend day; a weekday is worked anyway.
    if (dow !== 0 && dow !== 6) throw invalid('form.invalid', { day: ['calendar.workdayWeekend'] });
  }
  await ctx.db.transaction(async (tx) => {
    await draftForUpdate(tx, year);
    const before = await daysOf(tx, year, year);
    const taken = before.filter((b) => days.includes(b.day));
    if (taken.length) throw invalid('form.invalid', { day: ['calendar.dayTaken'] }, { day: taken[0].day });
    await tx.insert(calendarDays).values(days.map((day) => ({ day, kind: input.kind, nameKey: input.nameKey })));
    await recordAudit(tx, ctx, {
      action: 'calendar.daysAdded',
      data: { year, before: before.length, added: days.map((day) => ({ day, kind: input.kind, nameKey: input.nameKey })), after: before.length + days.length },
    });
  });
}

export async function removeCalendarDay(ctx: ServiceContext, year: number, raw: z.input<typeof removeDaySchema>): Promise<void> {
  requireRoot(ctx);
  const { day } = parse(removeDaySchema, raw);
  if (!day.startsWith(`${year}-`)) throw notFound('calendar.dayNotFound');
  await ctx.db.transaction(async (tx) => {
    await draftForUpdate(tx, year);
    const [removed] = await tx.delete(calendarDays).where(eq(calendarDays.day, day)).returning();
    if (!removed) throw notFound('calendar.dayNotFound');
    await recordAudit(tx, ctx, { action: 'calendar.dayRemoved', data: { year, before: removed, after: null } });
  });
}

/** The notice the draft follows, and whether its days were checked against the notice's text. */
export async function setCalendarSource(ctx: ServiceContext, year: number, raw: z.input<typeof sourceSchema>): Promise<void> {
  requireRoot(ctx);
  const input = parse(sourceSchema, raw);
  await ctx.db.transaction(async (tx) => {
    const row = await draftForUpdate(tx, year);
    const after = { source: input.source ?? '', verified: input.verified === 'on' };
    await tx.update(calendarYears).set(after).where(eq(calendarYears.year, year));
    await recordAudit(tx, ctx, { action: 'calendar.sourceSet', data: { year, before: { source: row.source, verified: row.verified }, after } });
  });
}

/**
 * Puts the year in force. From now on the clock rules count in it (this process at once, the
 * others within the reference cache's minute); the dates that could not be counted while it was
 * missing are counted right after (services/calendar/unknown-dates.ts). Returns how many
 * applications got their dates.
 */
export async function publishCalendarYear(ctx: ServiceContext, year: number): Promise<number> {
  const actor = requireRoot(ctx);
  await ctx.db.transaction(async (tx) => {
    const row = await draftForUpdate(tx, year);
    const days = await daysOf(tx, year, year);
    const blockers = blockersOf(row, days, await lastPublishedYear(tx));
    if (blockers.length) throw conflict(`calendar.blocked.${blockers[0]}`, { year });
    const now = ctx.clock.now();
    await tx.update(calendarYears).set({ publishedAt: now, publishedBy: actor.id }).where(eq(calendarYears.year, year));
    await recordAudit(tx, ctx, {
      action: 'calendar.published',
      data: { year, before: { publishedAt: null }, after: { publishedAt: now.toISOString(), source: row.source, verified: row.verified, days } },
    });
  });
  forgetReference(ctx.db);
  return countDatesLeftUnknown(ctx);
}
