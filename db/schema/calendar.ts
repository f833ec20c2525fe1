import { boolean, date, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './people.js';

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

/**
 * A calendar year as the root administrator entered it from the State Council's notice. Its days
 * count only once it is published: the clock rules refuse to count past the last published year
 * (services/calendar/working-days.ts) rather than guess a weekday-only year (docs/decisions/0028).
 */
export const calendarYears = pgTable('calendar_years', {
  year: integer('year').primaryKey(),
  /** The notice the days follow, e.g. "国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04". */
  source: text('source').notNull().default(''),
  /** Someone compared every day with the notice's published text. */
  verified: boolean('verified').notNull().default(false),
  /** Null while a draft; once set the year is in force and its days can no longer be edited. */
  publishedAt: timestamp('published_at', { withTimezone: true }),
  publishedBy: uuid('published_by').references(() => users.id),
});
