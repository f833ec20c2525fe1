import type { RollupCounter } from '../../db/schema/reports.js';

/**
 * What each rollup counter counts, defined once. The rollup (rollup.ts) feeds events here as
 * they happen; the full recount (recount.ts) rebuilds the same events from the raw tables and
 * feeds them here too, so the two can only differ if an event was missed.
 */
export type ReportEvent =
  /** Received (收件): the application entered the queue. */
  | { kind: 'submitted'; crossProvince: boolean }
  /** A status change the desk, the citizen or the clock made. */
  | { kind: 'accepted'; deemed: boolean }
  | { kind: 'not_accepted' }
  | { kind: 'completed'; onTime: boolean; oneVisit: boolean }
  | { kind: 'refused' }
  | { kind: 'withdrawn' }
  | { kind: 'notice'; override: boolean }
  | { kind: 'rated'; score: number };

export type CounterDeltas = Partial<Record<RollupCounter, number>>;

/** A rating of 3 to 5 counts as satisfied (满意); 1 and 2 are bad reviews (差评). */
export const isSatisfied = (score: number) => score >= 3;
export const isBadReview = (score: number) => score <= 2;

export function countersFor(e: ReportEvent): CounterDeltas {
  switch (e.kind) {
    case 'submitted':
      return { received: 1, receivedCrossProvince: e.crossProvince ? 1 : 0 };
    case 'accepted':
      return { accepted: 1, deemedAccepted: e.deemed ? 1 : 0 };
    case 'not_accepted':
      return { notAccepted: 1 };
    case 'completed':
      return { completed: 1, completedOnTime: e.onTime ? 1 : 0, completedOneVisit: e.oneVisit ? 1 : 0 };
    case 'refused':
      return { refused: 1 };
    case 'withdrawn':
      return { withdrawn: 1 };
    case 'notice':
      return { notices: 1, overrideNotices: e.override ? 1 : 0 };
    case 'rated':
      return { ratings: 1, ratingsSatisfied: isSatisfied(e.score) ? 1 : 0 };
  }
}

/**
 * Cross-province (跨省通办): the applicant's resident ID was issued in another province than the
 * office's (first two digits of the ID against the office's city code).
 */
export const isCrossProvince = (idNumber: string | null, officeCityCode: string | null) =>
  !!idNumber && !!officeCityCode && idNumber.slice(0, 2) !== officeCityCode.slice(0, 2);

/** On time (按时办结): completed on or before the committed due date. */
export const isOnTime = (completedDay: string, dueDate: string | null) => !!dueDate && completedDay <= dueDate;
