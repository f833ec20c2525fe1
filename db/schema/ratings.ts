import { sql } from 'drizzle-orm';
import { check, date, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { applications } from './applications.js';
import { offices, users } from './people.js';

export type RatingChannel = 'online' | 'window';
export type RectificationOutcome = 'fixed' | 'explained' | 'appealed';

/**
 * 好差评: one rating per application per channel (the citizen online, or staff recording what
 * the citizen said at the window). Office, service and department are copied from the
 * application so reports group ratings without a join.
 */
export const ratings = pgTable(
  'ratings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id),
    channel: text('channel').$type<RatingChannel>().notNull(),
    /** 1 非常不满意 … 5 非常满意. */
    score: integer('score').notNull(),
    comment: text('comment'),
    recordedBy: uuid('recorded_by')
      .notNull()
      .references(() => users.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** China date of the rating: the report day it counts on. */
    day: date('day', { mode: 'string' }).notNull(),
    officeCode: text('office_code')
      .notNull()
      .references(() => offices.code),
    serviceCode: text('service_code').notNull(),
    department: text('department').notNull(),
  },
  (t) => [
    uniqueIndex('ratings_app_channel_uq').on(t.applicationId, t.channel),
    index('ratings_office_day_idx').on(t.officeCode, t.day),
    check('ratings_score_range', sql`${t.score} between 1 and 5`),
  ],
);

/**
 * A bad review (1 or 2) becomes a rectification (整改) with a deadline; a manager records the
 * follow-up contact and the outcome.
 */
export const rectifications = pgTable(
  'rectifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ratingId: uuid('rating_id')
      .notNull()
      .references(() => ratings.id),
    officeCode: text('office_code')
      .notNull()
      .references(() => offices.code),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    /** Null while the calendar year it falls in is not entered (docs/decisions/0028). */
    deadline: date('deadline', { mode: 'string' }),
    contactNote: text('contact_note'),
    outcome: text('outcome').$type<RectificationOutcome>(),
    outcomeNote: text('outcome_note'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedBy: uuid('closed_by').references(() => users.id),
  },
  (t) => [uniqueIndex('rectifications_rating_uq').on(t.ratingId), index('rectifications_office_idx').on(t.officeCode, t.closedAt, t.deadline)],
);
