import { sql, type SQL } from 'drizzle-orm';
import type { RollupCounter, RollupTally, Tally } from '../../db/schema/reports.js';

/**
 * What each rollup column counts, defined once. The one mapping (mapping.ts) turns an audit
 * event into these events; the live projection (projection.ts) and the full recount
 * (recount.ts) both sum their deltas, so the two can only differ if an event was missed.
 */
export type ReportEvent =
  /** Received (收件): the application entered the queue. */
  | { kind: 'submitted'; crossProvince: boolean }
  /** A status change the desk, the citizen or the clock made. `clerkId`: the user who decided, if any. */
  | { kind: 'accepted'; deemed: boolean; clerkId: string | null }
  | { kind: 'not_accepted'; clerkId: string | null }
  /** `visits`: the visits the citizen made for it (mapping.ts, visitsOf); null when the trail does not say (completions before decision 0038). */
  | { kind: 'completed'; onTime: boolean; oneVisit: boolean; visits: number | null; clerkId: string | null }
  | { kind: 'refused'; clerkId: string | null }
  | { kind: 'withdrawn' }
  /** A one-time notice was issued (the status change). */
  | { kind: 'notice'; override: boolean }
  /** The materials a one-time notice listed, keyed by the notice's issue date. */
  | { kind: 'listed'; materials: readonly string[] }
  /**
   * The application was decided (completed or refused) after these working days in all, of which
   * `waiting` were the citizen's (notice to supplement). Keyed by the day of its decided_at.
   */
  | { kind: 'decided'; totalDays: number; waitingDays: number }
  | { kind: 'rated'; score: number };

export type RollupDelta = { counters: Partial<Record<RollupCounter, number>>; tallies: Partial<Record<RollupTally, Tally>> };

/** A rating of 3 to 5 counts as satisfied (满意); 1 and 2 are bad reviews (差评). */
export const isSatisfied = (score: number) => score >= 3;
export const isBadReview = (score: number) => score <= 2;

/** Office time: what of the processing time was not the citizen's (never below zero). */
export const officeDaysOf = (totalDays: number, waitingDays: number) => Math.max(0, totalDays - waitingDays);

const one = (key: string): Tally => ({ [key]: 1 });
const byClerk = (clerkId: string | null, completed = false): RollupDelta['tallies'] =>
  clerkId ? { clerkDecided: one(clerkId), ...(completed ? { clerkCompleted: one(clerkId) } : {}) } : {};

export function deltaFor(e: ReportEvent): RollupDelta {
  switch (e.kind) {
    case 'submitted':
      return { counters: { received: 1, receivedCrossProvince: e.crossProvince ? 1 : 0 }, tallies: {} };
    case 'accepted':
      return { counters: { accepted: 1, deemedAccepted: e.deemed ? 1 : 0 }, tallies: byClerk(e.clerkId) };
    case 'not_accepted':
      return { counters: { notAccepted: 1 }, tallies: byClerk(e.clerkId) };
    case 'completed':
      return {
        counters: {
          completed: 1,
          completedOnTime: e.onTime ? 1 : 0,
          completedOneVisit: e.oneVisit ? 1 : 0,
          completedZeroVisits: e.visits === 0 ? 1 : 0,
          completedAtMostOneVisit: e.visits !== null && e.visits <= 1 ? 1 : 0,
        },
        tallies: byClerk(e.clerkId, true),
      };
    case 'refused':
      return { counters: { refused: 1 }, tallies: byClerk(e.clerkId) };
    case 'withdrawn':
      return { counters: { withdrawn: 1 }, tallies: {} };
    case 'notice':
      return { counters: { notices: 1, overrideNotices: e.override ? 1 : 0 }, tallies: {} };
    case 'listed': {
      const missing: Tally = {};
      for (const m of e.materials) missing[m] = (missing[m] ?? 0) + 1;
      return { counters: {}, tallies: { missing } };
    }
    case 'decided':
      return {
        counters: {},
        tallies: {
          totalDays: one(String(e.totalDays)),
          waitingDays: one(String(e.waitingDays)),
          officeDays: one(String(officeDaysOf(e.totalDays, e.waitingDays))),
        },
      };
    case 'rated':
      return { counters: { ratings: 1, ratingsSatisfied: isSatisfied(e.score) ? 1 : 0 }, tallies: {} };
  }
}

/** Adds `d` into `into`: counters summed, tallies merged. */
export function addDelta(into: RollupDelta, d: RollupDelta): RollupDelta {
  for (const [c, v] of Object.entries(d.counters) as [RollupCounter, number][]) into.counters[c] = (into.counters[c] ?? 0) + v;
  for (const [t, v] of Object.entries(d.tallies) as [RollupTally, Tally][]) into.tallies[t] = addTally(into.tallies[t] ?? {}, v);
  return into;
}

export const isEmptyDelta = (d: RollupDelta) =>
  !Object.values(d.counters).some((v) => v) && !Object.values(d.tallies).some((t) => Object.keys(t).length > 0);

/** Adds `b` into `a` (counts per key). */
export function addTally(a: Tally, b: Tally): Tally {
  for (const [k, v] of Object.entries(b)) a[k] = (a[k] ?? 0) + v;
  return a;
}

/** Statuses after which the desk has decided the application: processing time is counted. */
export const DECIDED_STATUSES = ['completed', 'refused'] as const;
/** Status changes a clerk's decision makes (受理, 不予受理, 办结, 不予许可): per-clerk throughput. */
export const DECISION_STATUSES = ['accepted', 'not_accepted', 'completed', 'refused'] as const;

/**
 * Cross-province (跨省通办): the applicant's resident ID was issued in another province than the
 * office's (first two digits of the ID against the office's city code).
 */
export const isCrossProvince = (idNumber: string | null, officeCityCode: string | null) =>
  !!idNumber && !!officeCityCode && idNumber.slice(0, 2) !== officeCityCode.slice(0, 2);

/**
 * isCrossProvince in SQL, for a filing that reads the applicant's ID in the statement that writes
 * its audit row (services/applications/submit-statements.ts): false for a missing or empty side.
 */
export const crossProvinceSql = (idNumber: SQL, officeCityCode: SQL) =>
  sql`coalesce(left(nullif(${idNumber}, ''), 2) <> left(nullif(${officeCityCode}, ''), 2), false)`;

/** The first day of a day's month: the report_monthly row the day counts in. */
export const monthOf = (day: string) => `${day.slice(0, 7)}-01`;

/** On time (按时办结): completed on or before the committed due date. */
export const isOnTime = (completedDay: string, dueDate: string | null) => !!dueDate && completedDay <= dueDate;
