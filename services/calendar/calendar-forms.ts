import { z } from 'zod';
import { optionalText } from '../validation/zod.js';

/**
 * What the calendar's forms accept, apart from the service that stores it
 * (services/calendar/calendar-years.ts): the pages' components use the names and the schemas, and
 * must not pull the service, and with it drizzle, into a client chunk (decision 0029).
 */

/** The names a day may carry: keys under common:holidays, one per festival of the notice. */
export const HOLIDAY_NAMES = ['newYear', 'springFestival', 'qingming', 'labourDay', 'dragonBoat', 'midAutumn', 'nationalDay'] as const;

/** Years an administrator may enter: the portal's own era, nothing a typo could make absurd. */
export const FIRST_YEAR = 2020;
export const LAST_YEAR = 2100;

const yearSchema = z.coerce
  .number({ invalid_type_error: 'calendar.year' })
  .int('calendar.year')
  .min(FIRST_YEAR, 'calendar.year')
  .max(LAST_YEAR, 'calendar.year');

export const createYearSchema = z.object({ year: yearSchema });

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const dayField = z
  .string({ required_error: 'required', invalid_type_error: 'required' })
  .regex(DAY, 'calendar.day')
  // Well written but not on the calendar (2027-02-30): telling the administrator to use YYYY-MM-DD,
  // which they did, would send them looking for the wrong mistake.
  .refine((d) => !DAY.test(d) || isRealDay(d), 'calendar.dayNotExist');

/** Whether a YYYY-MM-DD names a day that exists (no 02-30, no 13th month, 02-29 only in leap years). */
export function isRealDay(d: string): boolean {
  const t = Date.parse(`${d}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
}

export const addDaySchema = z.object({
  day: dayField,
  /** The last day of a block of holidays; the first alone when absent. */
  until: z.union([dayField, z.literal('')]).optional(),
  kind: z.enum(['holiday', 'workday'], { errorMap: () => ({ message: 'choice' }) }),
  nameKey: z.enum(HOLIDAY_NAMES, { errorMap: () => ({ message: 'choice' }) }),
});
export const removeDaySchema = z.object({ day: dayField });
export const sourceSchema = z.object({
  source: optionalText(200),
  verified: z.literal('on').optional(),
});
