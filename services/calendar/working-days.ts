import { and, gte, isNotNull, lte, max } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { calendarDays, calendarYears } from '../../db/schema/index.js';
import { DomainError } from '../errors.js';
import { referenceRead } from '../reference-cache.js';
import { addDays } from './days.js';

/**
 * Offices work on China Standard Time; a day is a 'YYYY-MM-DD' string in that zone. This is the
 * one rule for "today" and for the day of any instant (receipts, notices, deadlines, reports,
 * decisions), whatever the server's zone: China has kept UTC+8 without daylight saving since
 * 1991, so a fixed offset is exact, and no Date method that reads the process's zone is used.
 */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

export function chinaDate(instant: Date): string {
  return new Date(instant.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a China day reaches a wall-clock time ('HH:MM'), e.g. when an office opens. */
export function chinaTime(day: string, hhmm: string): Date {
  return new Date(`${day}T${hhmm}:00+08:00`);
}

export type Calendar = {
  /** Weekday public holidays. */
  holidays: ReadonlySet<string>;
  /** Weekend days that are working days (调休). */
  workdays: ReadonlySet<string>;
  /**
   * The last day of the last year whose calendar is published (YYYY-12-31), or null when none is.
   * Past it nobody knows which days are worked: every rule below refuses to count there
   * (CalendarUnknown) instead of guessing a weekday-only year (docs/decisions/0028).
   */
  knownThrough: string | null;
};

/**
 * A count needed a day of a year whose calendar has not been entered. A DomainError (409, the
 * message names the year) so a page that cannot avoid it still answers in words, never a 500;
 * callers that can go on without the date catch it with `orUnknown`.
 */
export class CalendarUnknown extends DomainError {
  readonly year: number;
  constructor(year: number) {
    super('calendar.notEntered', 409, { params: { year } });
    this.year = year;
  }
}

/** A date the calendar cannot give yet: which year is missing. */
export type UnknownDay = { unknownYear: number };

/** `compute()`, or the year whose missing calendar stopped it. Any other failure is rethrown. */
export function orUnknown<T>(compute: () => T): T | UnknownDay {
  try {
    return compute();
  } catch (e) {
    if (e instanceof CalendarUnknown) return { unknownYear: e.year };
    throw e;
  }
}

export function isUnknown(v: unknown): v is UnknownDay {
  return typeof v === 'object' && v !== null && 'unknownYear' in v;
}

/**
 * For statistics of time already spent (the reports' working days per application), never for a
 * promise: days past the last entered year count Monday–Friday instead of stopping a completion.
 * The reports' recount (services/reports/recount.ts) corrects them once the year is published.
 */
export function forElapsedStatistics(cal: Calendar): Calendar {
  return { ...cal, knownThrough: '9999-12-31' };
}

/** The first year the clock rules cannot count in: the one after the last published year. */
export function firstUnknownYear(cal: Calendar): number {
  return cal.knownThrough === null ? 0 : Number(cal.knownThrough.slice(0, 4)) + 1;
}

export function isWorkingDay(day: string, cal: Calendar): boolean {
  if (cal.knownThrough === null || day > cal.knownThrough) throw new CalendarUnknown(Number(day.slice(0, 4)));
  if (cal.holidays.has(day)) return false;
  if (cal.workdays.has(day)) return true;
  const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
  return dow !== 0 && dow !== 6;
}

export { addDays };

const nextDay = (day: string) => addDays(day, 1);

/**
 * The date `n` working days after `start`, counting from the next day (time limits run from the
 * day after receipt). n = 0 means the same day, or the next working day when `start` is not one.
 */
export function addWorkingDays(start: string, n: number, cal: Calendar): string {
  let day = start;
  if (n === 0) {
    while (!isWorkingDay(day, cal)) day = nextDay(day);
    return day;
  }
  let left = n;
  while (left > 0) {
    day = nextDay(day);
    if (isWorkingDay(day, cal)) left -= 1;
  }
  return day;
}

/**
 * Office hours for counting a committed limit (docs/decisions/0021): what is received before
 * closing on a working day is received that day; anything later, or on a day off, is taken up the
 * next working day.
 */
export const OFFICE_HOURS = { opens: '09:00', closes: '17:00' } as const;

/**
 * The due date of a committed limit for something received at `receivedAt` (a filing, or the
 * supplement that restarts the clock). The one rule for due dates, so reports judge 按时办结率
 * against what was promised (docs/decisions/0021):
 * - n working days (n ≥ 1): n working days from the day after receipt (the receipt day is not
 *   counted, so an evening filing loses nothing);
 * - 0 working days (当场办结 / 即办件): the day of receipt if it came in during office hours of a
 *   working day, else the next working day — an online filing at 22:00 is due the next working
 *   day, not "already overdue" by the next morning;
 * - n calendar days: the calendar day n days after receipt, moved to the next working day when it
 *   falls on a day off (民法典 art. 203: a period ending on a holiday ends on the day after it).
 */
export function committedDueDate(receivedAt: Date, limit: { days: number; unit: 'working' | 'calendar' }, cal: Calendar): string {
  const day = chinaDate(receivedAt);
  if (limit.unit === 'calendar') {
    let due = addDays(day, limit.days);
    while (!isWorkingDay(due, cal)) due = nextDay(due);
    return due;
  }
  if (limit.days > 0) return addWorkingDays(day, limit.days, cal);
  const duringHours = isWorkingDay(day, cal) && receivedAt < chinaTime(day, OFFICE_HOURS.closes);
  return duringHours ? day : addWorkingDays(day, 1, cal);
}

/** Working days strictly after `from` up to and including `to` (0 when to <= from). */
export function workingDaysBetween(from: string, to: string, cal: Calendar): number {
  let count = 0;
  for (let day = nextDay(from); day <= to; day = nextDay(day)) if (isWorkingDay(day, cal)) count += 1;
  return count;
}

/**
 * Working days left until `deadline` as of `today`: those after today up to and including the
 * deadline (0 on the deadline day itself); negative once it has passed, by the working days since.
 */
export function workingDaysLeft(today: string, deadline: string, cal: Calendar): number {
  return today <= deadline ? workingDaysBetween(today, deadline, cal) : -workingDaysBetween(deadline, today, cal);
}

/**
 * The calendar exceptions around `around` (one year back, two forward is plenty for limits),
 * read once a minute per process and year (services/reference-cache.ts). `owner` is the root
 * database handle the cache belongs to (`ctx.db`, never a transaction); `via` what a miss reads
 * through: inside a transaction, that transaction, which then never waits on a read elsewhere.
 * Only published years count (calendar_years): a draft's days are invisible to the clocks, and the
 * calendar ends with the last published year. Publishing forgets the cache of the process that
 * published; others see it within the TTL (docs/decisions/0028).
 */
export function loadCalendar(owner: Db, around: string, via: Db = owner): Promise<Calendar> {
  const year = Number(around.slice(0, 4));
  return referenceRead(
    owner,
    `calendar:${year}`,
    async (on) => {
      const [last] = await on.select({ year: max(calendarYears.year) }).from(calendarYears).where(isNotNull(calendarYears.publishedAt));
      const through = last?.year ?? null;
      const rows = await on
        .select({ day: calendarDays.day, kind: calendarDays.kind })
        .from(calendarDays)
        .where(and(gte(calendarDays.day, `${year - 1}-01-01`), lte(calendarDays.day, `${Math.min(year + 2, through ?? 0)}-12-31`)));
      return {
        holidays: new Set(rows.filter((r) => r.kind === 'holiday').map((r) => r.day)),
        workdays: new Set(rows.filter((r) => r.kind === 'workday').map((r) => r.day)),
        knownThrough: through === null ? null : `${through}-12-31`,
      } satisfies Calendar;
    },
    { via },
  );
}
