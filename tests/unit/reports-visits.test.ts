import { describe, expect, it } from 'vitest';
import { deltaFor } from '../../services/reports/counters.js';
import { reportDeltasOf, visitsOf, type TrailEvent, type VisitFacts } from '../../services/reports/mapping.js';

/**
 * The zero-visit figures (decision 0038): how many times the citizen came to an office for a
 * completed application, defined once (visitsOf) and counted by the one mapping.
 */
const none: VisitFacts = { kept: 0, onSiteStep: false, result: 'post', fee: false, paidOnline: false, suppliedOnSite: 0 };

const completion = (visits: VisitFacts | undefined): TrailEvent => ({
  at: new Date('2026-11-23T04:00:00Z'),
  action: 'application.completed',
  toStatus: 'completed',
  actorId: 'clerk-1',
  officeCode: 'bj-dongcheng',
  facts: { serviceCode: 'passport', department: 'exit_entry', dueDate: '2026-11-30', notices: 0, totalDays: 4, waitingDays: 0, visits },
});

const countersOf = (e: TrailEvent) => reportDeltasOf(e)[0].delta.counters;

describe('visits of a completed application', () => {
  it('0: paid online, result by post, nothing in person', () => {
    const v: VisitFacts = { ...none, fee: true, paidOnline: true, result: 'post' };
    expect(visitsOf(v)).toBe(0);
    expect(countersOf(completion(v))).toMatchObject({ completed: 1, completedZeroVisits: 1, completedAtMostOneVisit: 1 });
  });

  it('0: a free item issued electronically', () => {
    expect(visitsOf({ ...none, result: 'electronic' })).toBe(0);
  });

  it('1: the photo appointment kept, result by post (and the fee paid online)', () => {
    const v: VisitFacts = { ...none, kept: 1, onSiteStep: true, fee: true, paidOnline: true, result: 'post' };
    expect(visitsOf(v)).toBe(1);
    expect(countersOf(completion(v))).toMatchObject({ completed: 1, completedZeroVisits: 0, completedAtMostOneVisit: 1 });
  });

  it('2: the appointment kept and the result collected in person', () => {
    const v: VisitFacts = { ...none, kept: 1, onSiteStep: true, result: 'pickup' };
    expect(visitsOf(v)).toBe(2);
    expect(countersOf(completion(v))).toMatchObject({ completed: 1, completedZeroVisits: 0, completedAtMostOneVisit: 0 });
  });

  it('an on-site step with no appointment recorded is still a visit (a walk-in); a missed appointment is none', () => {
    expect(visitsOf({ ...none, onSiteStep: true })).toBe(1);
    // kept counts attended appointments only: a missed one never reaches it.
    expect(visitsOf({ ...none, kept: 0 })).toBe(0);
    // A second appointment kept (after a missed one, or a second step) is a second visit.
    expect(visitsOf({ ...none, kept: 2, onSiteStep: true })).toBe(2);
  });

  it('a fee not paid online is paid at the window: in a visit made anyway, else in its own', () => {
    expect(visitsOf({ ...none, fee: true, paidOnline: false, result: 'post' })).toBe(1);
    expect(visitsOf({ ...none, fee: true, paidOnline: false, result: 'pickup' })).toBe(1);
    expect(visitsOf({ ...none, fee: true, paidOnline: false, kept: 1, onSiteStep: true, result: 'post' })).toBe(1);
  });

  it('materials handed in on site after a notice count; a notice alone does not', () => {
    expect(visitsOf({ ...none, suppliedOnSite: 1 })).toBe(1);
    const noticed = completion(none);
    noticed.facts = { ...noticed.facts!, notices: 1 };
    expect(countersOf(noticed)).toMatchObject({ completedZeroVisits: 1, completedAtMostOneVisit: 1, completedOneVisit: 0 });
  });

  it('a completion whose trail does not say what happened counts in neither figure', () => {
    expect(countersOf(completion(undefined))).toMatchObject({ completed: 1, completedZeroVisits: 0, completedAtMostOneVisit: 0 });
    expect(deltaFor({ kind: 'completed', onTime: true, oneVisit: true, visits: null, clerkId: null }).counters).toMatchObject({ completedZeroVisits: 0, completedAtMostOneVisit: 0 });
  });
});
