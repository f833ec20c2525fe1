import { date, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/**
 * The daily rollup behind /reports (docs/decisions/0010): one row per China day × office ×
 * service × department, counters bumped in the same transaction as the state change they count
 * (services/reports/rollup.ts). services/reports/recount.ts recomputes every counter from the raw
 * tables; the drift test compares the two.
 */
export const reportDaily = pgTable(
  'report_daily',
  {
    day: date('day', { mode: 'string' }).notNull(),
    officeCode: text('office_code').notNull(),
    serviceCode: text('service_code').notNull(),
    department: text('department').notNull(),
    received: integer('received').notNull().default(0),
    receivedCrossProvince: integer('received_cross_province').notNull().default(0),
    accepted: integer('accepted').notNull().default(0),
    deemedAccepted: integer('deemed_accepted').notNull().default(0),
    notAccepted: integer('not_accepted').notNull().default(0),
    completed: integer('completed').notNull().default(0),
    completedOnTime: integer('completed_on_time').notNull().default(0),
    completedOneVisit: integer('completed_one_visit').notNull().default(0),
    refused: integer('refused').notNull().default(0),
    withdrawn: integer('withdrawn').notNull().default(0),
    notices: integer('notices').notNull().default(0),
    overrideNotices: integer('override_notices').notNull().default(0),
    ratings: integer('ratings').notNull().default(0),
    ratingsSatisfied: integer('ratings_satisfied').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.officeCode, t.serviceCode, t.department] })],
);

export const ROLLUP_COUNTERS = [
  'received',
  'receivedCrossProvince',
  'accepted',
  'deemedAccepted',
  'notAccepted',
  'completed',
  'completedOnTime',
  'completedOneVisit',
  'refused',
  'withdrawn',
  'notices',
  'overrideNotices',
  'ratings',
  'ratingsSatisfied',
] as const;
export type RollupCounter = (typeof ROLLUP_COUNTERS)[number];
