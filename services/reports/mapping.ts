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
  /** A rating (好差评), 1–5. */
  score?: number;
};

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
      out.push({ day, event: { kind: 'completed', onTime: isOnTime(day, f.dueDate ?? null), oneVisit: (f.notices ?? 0) === 0, clerkId } });
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
