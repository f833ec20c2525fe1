import { date, pgTable, text } from 'drizzle-orm/pg-core';

/**
 * Exceptions to the Monday–Friday working week: public holidays that fall on weekdays
 * and the weekend days the State Council turns into working days (调休).
 */
export const calendarDays = pgTable('calendar_days', {
  day: date('day', { mode: 'string' }).primaryKey(),
  kind: text('kind').$type<'holiday' | 'workday'>().notNull(),
  /** i18n key under common:holidays. */
  nameKey: text('name_key').notNull(),
});
