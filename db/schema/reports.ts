import { bigint, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The rollup behind /reports (docs/decisions/0010, 0013), at two grains with the same columns:
 * report_daily (one row per China day × office × service × department) and report_monthly (the
 * same per calendar month), so that a year-long report reads a few hundred monthly rows plus the
 * days at its edges. Both are a projection of the audit trail (docs/decisions/0025): the worker
 * applies new events to them shortly after they commit (services/reports/projection.ts), and
 * services/reports/recount.ts recomputes every column from the whole trail through the same
 * mapping; the drift test compares the two.
 *
 * Counters are plain integers. Tallies are distributions a sum cannot hold (processing days for the
 * medians, per-clerk throughput, materials found missing), kept as jsonb objects of counts
 * (`{"3": 12, "5": 7}`) merged by the SQL function rollup_add_counts (migration 0009).
 */
function rollupColumns() {
  return {
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
    /** Completed with no visit to an office at all (decision 0038: visitsOf in services/reports/mapping.ts). */
    completedZeroVisits: integer('completed_zero_visits').notNull().default(0),
    /** Completed with at most one visit (最多跑一次, counted from what happened: visitsOf). */
    completedAtMostOneVisit: integer('completed_at_most_one_visit').notNull().default(0),
    refused: integer('refused').notNull().default(0),
    withdrawn: integer('withdrawn').notNull().default(0),
    notices: integer('notices').notNull().default(0),
    overrideNotices: integer('override_notices').notNull().default(0),
    ratings: integer('ratings').notNull().default(0),
    ratingsSatisfied: integer('ratings_satisfied').notNull().default(0),
    /** Decided (completed or refused) applications by working days from receipt to decision. */
    totalDays: jsonb('total_days').$type<Tally>().notNull().default({}),
    /** … by working days the citizen spent supplementing (notice to supplement). */
    waitingDays: jsonb('waiting_days').$type<Tally>().notNull().default({}),
    /** … by working days at the office (total − waiting). */
    officeDays: jsonb('office_days').$type<Tally>().notNull().default({}),
    /** Decisions (受理, 不予受理, 办结, 不予许可) by the clerk who made them (user id → count). */
    clerkDecided: jsonb('clerk_decided').$type<Tally>().notNull().default({}),
    /** Completions (办结) by clerk. */
    clerkCompleted: jsonb('clerk_completed').$type<Tally>().notNull().default({}),
    /** Materials listed in one-time notices (material code → count). */
    missing: jsonb('missing').$type<Tally>().notNull().default({}),
  };
}

export type Tally = Record<string, number>;

export const reportDaily = pgTable('report_daily', { day: date('day', { mode: 'string' }).notNull(), ...rollupColumns() }, (t) => [
  primaryKey({ columns: [t.day, t.officeCode, t.serviceCode, t.department] }),
  // The day series reads four counters of every day in the range: an index-only scan over this
  // index does not touch the wide rows (their tallies run to kilobytes).
  index('report_daily_series_idx').on(t.officeCode, t.day, t.serviceCode, t.department, t.received, t.accepted, t.completed, t.refused),
]);

/** `month` is the first day of the month. */
export const reportMonthly = pgTable('report_monthly', { month: date('month', { mode: 'string' }).notNull(), ...rollupColumns() }, (t) => [
  primaryKey({ columns: [t.month, t.officeCode, t.serviceCode, t.department] }),
]);

export const ROLLUP_COUNTERS = [
  'received',
  'receivedCrossProvince',
  'accepted',
  'deemedAccepted',
  'notAccepted',
  'completed',
  'completedOnTime',
  'completedOneVisit',
  'completedZeroVisits',
  'completedAtMostOneVisit',
  'refused',
  'withdrawn',
  'notices',
  'overrideNotices',
  'ratings',
  'ratingsSatisfied',
] as const;
export type RollupCounter = (typeof ROLLUP_COUNTERS)[number];

export const ROLLUP_TALLIES = ['totalDays', 'waitingDays', 'officeDays', 'clerkDecided', 'clerkCompleted', 'missing'] as const;
export type RollupTally = (typeof ROLLUP_TALLIES)[number];

/** The SQL column of each counter and tally (the same in both grains), for statements built by name. */
export const ROLLUP_COLUMN = Object.fromEntries(
  [...ROLLUP_COUNTERS, ...ROLLUP_TALLIES].map((k) => [k, reportDaily[k].name]),
) as Record<RollupCounter | RollupTally, string>;

/**
 * How far each projection of the audit trail has got (docs/decisions/0025): every event with
 * (xact, audit_id) up to this pair has been applied, exactly once, in the transaction that moved
 * the pair. `lastAt` is the time of the last event applied: what the report page calls its
 * figures' freshness. The worker holding the row (FOR UPDATE SKIP LOCKED) is the only one applying.
 */
export const projectionCursors = pgTable('projection_cursors', {
  name: text('name').primaryKey(),
  xact: bigint('xact', { mode: 'number' }).notNull(),
  auditId: bigint('audit_id', { mode: 'number' }).notNull(),
  lastAt: timestamp('last_at', { withTimezone: true }),
});
