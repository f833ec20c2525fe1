import { chinaDate } from '../calendar/working-days.js';
import { addDelta, deltaFor, DECIDED_STATUSES, DECISION_STATUSES, isOnTime, type ReportEvent, type RollupDelta } from './counters.js';

/**
 * The facts an audit event carries for the reports (audit_events.facts), as they stood when it
 * happened: whoever writes a counted event gathers them in its transaction (facts.ts, submit,
 * ratings), and nothing else is read to count it — the projection and the full recount see the
 * trail alone.
 */
export type ReportFacts = {
  serviceCode: string;
  department: string;
  /** Submitted: the applicant's ID was issued in another province than the office's (跨省通办). */
  crossProvince?: boolean;
  /** Notice issued: a manager's override allowed it (a second notice). */
  override?: boolean;
  /** Notice issued: the materials it listed, counted on its issue date. */
  listed?: { issueDate: string; materials: string[] };
  /** Completed: the committed due date, and how many notices the application had had. */
  dueDate?: string | null;
  notices?: number;
  /** Completed or refused: working days from receipt to decision, and of those the citizen's. */
  totalDays?: number;
  waitingDays?: number;
  /** Completed: what happened on the way, from which the visits are counted (visitsOf). */
  visits?: VisitFacts;
  /** A rating (好差评), 1–5. */
  score?: number;
};

/**
 * What the records say happened on the way to a completion, as they stood at it
 * (services/reports/facts.ts gathers them; decision 0038 says why each counts or not).
 */
export type VisitFacts = {
  /** Appointments the clerk marked kept (attended); missed and cancelled ones are no visit. */
  kept: number;
  /** The item, for these answers, has a step done in person (photo, fingerprints, vehicle check): its commitment says one visit. */
  onSiteStep: boolean;
  /** How the result reaches the citizen (result_handovers): collected in person is a visit; by post or electronically is not. */
  result: 'pickup' | 'post' | 'electronic';
  /** The item charges a fee for these answers. */
  fee: boolean;
  /** The fee was paid online (unified public-payment platform) by the completion. */
  paidOnline: boolean;
  /**
   * Materials handed in at the window in answer to a one-time notice. Supplements are uploaded
   * online (services/review/supplement.ts) and nothing records a hand-in on site, so this is 0
   * today: a notice alone is no visit.
   */
  suppliedOnSite: number;
};

/**
 * THE definition of how many times a citizen came to an office for a completed application
 * (decision 0038), from what happened: the on-site step is done at the kept appointment, or, with
 * none recorded, at a walk-in visit (it was done, or there would be no completion); each further
 * kept appointment is one more; collecting the result in person is one; materials handed in on
 * site after a notice are one each; a fee not paid online is paid at the window — in a visit the
 * citizen makes anyway, else in one of its own.
 */
export function visitsOf(v: VisitFacts): number {
  const onSite = Math.max(v.kept, v.onSiteStep ? 1 : 0);
  const others = onSite + (v.result === 'pickup' ? 1 : 0) + v.suppliedOnSite;
  const toPay = v.fee && !v.paidOnline && others === 0 ? 1 : 0;
  return others + toPay;
}

/** An audit row as the mapping reads it. */
export type TrailEvent = {
  at: Date;
  action: string;
  toStatus: string | null;
  actorId: string | null;
  officeCode: string | null;
  facts: ReportFacts | null;
};

export type ReportKey = { officeCode: string; serviceCode: string; department: string };
export type KeyedDelta = { day: string; key: ReportKey; delta: RollupDelta };

/** The audit action of a rating; ratings have no status change. */
export const RATING_ACTION = 'rating.recorded';

/**
 * THE mapping (docs/decisions/0025): one audit event and the facts it carries → the report
 * events it counts, each on its China day. Pure: the live projection (projection.ts) and the full
 * recount (recount.ts) both go through here, so the two can only differ if an event is missed.
 * Adding a counted event: a case here, a counter or tally in counters.ts/db/schema/reports.ts, and
 * its label in the reports locales.
 */
export function reportEventsOf(e: TrailEvent): { day: string; event: ReportEvent }[] {
  const f = e.facts;
  if (!f || !e.officeCode) return [];
  const day = chinaDate(e.at);
  const to = e.toStatus;
  const clerkId = to && (DECISION_STATUSES as readonly string[]).includes(to) ? e.actorId : null;
  const out: { day: string; event: ReportEvent }[] = [];
  if (e.action === RATING_ACTION && f.score !== undefined) out.push({ day, event: { kind: 'rated', score: f.score } });
  switch (to) {
    case 'submitted':
      out.push({ day, event: { kind: 'submitted', crossProvince: !!f.crossProvince } });
      break;
    case 'accepted':
      out.push({ day, event: { kind: 'accepted', deemed: e.action === 'application.deemedAccepted', clerkId } });
      break;
    case 'needs_supplement':
      out.push({ day, event: { kind: 'notice', override: !!f.override } });
      if (f.listed) out.push({ day: f.listed.issueDate, event: { kind: 'listed', materials: f.listed.materials } });
      break;
    case 'completed':
      out.push({
        day,
        event: { kind: 'completed', onTime: isOnTime(day, f.dueDate ?? null), oneVisit: (f.notices ?? 0) === 0, visits: f.visits ? visitsOf(f.visits) : null, clerkId },
      });
      break;
    case 'not_accepted':
    case 'refused':
      out.push({ day, event: { kind: to, clerkId } });
      break;
    case 'withdrawn':
      out.push({ day, event: { kind: 'withdrawn' } });
      break;
  }
  if (to && (DECIDED_STATUSES as readonly string[]).includes(to)) {
    out.push({ day, event: { kind: 'decided', totalDays: f.totalDays ?? 0, waitingDays: f.waitingDays ?? 0 } });
  }
  return out;
}

/** The same as deltas, one per day the event counts on. */
export function reportDeltasOf(e: TrailEvent): KeyedDelta[] {
  const f = e.facts;
  if (!f || !e.officeCode) return [];
  const key = { officeCode: e.officeCode, serviceCode: f.serviceCode, department: f.department };
  const byDay = new Map<string, RollupDelta>();
  for (const { day, event } of reportEventsOf(e)) byDay.set(day, addDelta(byDay.get(day) ?? { counters: {}, tallies: {} }, deltaFor(event)));
  return [...byDay].map(([day, delta]) => ({ day, key, delta }));
}
