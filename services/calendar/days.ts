/**
 * Calendar-day arithmetic on China dates ('YYYY-MM-DD'), with no database and no working-day
 * calendar: the catalog's rules run in the browser too (conditions on answers), and must not pull
 * the calendar's loader, and with it drizzle, into a client chunk (decision 0029).
 */

/** The calendar day `days` after `day` (before, when negative). */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
