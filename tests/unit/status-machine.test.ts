import { describe, expect, it } from 'vitest';
import {
  APPLICATION_STATUSES,
  assertTransition,
  canTransition,
  TERMINAL_STATUSES,
  TRANSITIONS,
  type ApplicationStatus,
  type Transition,
} from '../../services/applications/status-machine.js';

const BY: Transition['by'][] = ['citizen', 'clerk', 'system'];

describe('status machine', () => {
  it('allows the review path: submitted → under_review → accepted → completed / refused', () => {
    expect(canTransition('submitted', 'under_review', 'clerk')).toBe(true);
    expect(canTransition('under_review', 'accepted', 'clerk')).toBe(true);
    expect(canTransition('accepted', 'completed', 'clerk')).toBe(true);
    expect(canTransition('accepted', 'refused', 'clerk')).toBe(true);
  });

  it('allows the one-time notice loop and not-accepting from review', () => {
    expect(canTransition('under_review', 'needs_supplement', 'clerk')).toBe(true);
    expect(canTransition('needs_supplement', 'supplemented', 'citizen')).toBe(true);
    expect(canTransition('supplemented', 'under_review', 'clerk')).toBe(true);
    expect(canTransition('under_review', 'not_accepted', 'clerk')).toBe(true);
  });

  it('lets the clock accept (art. 32) and withdraw after the supplement deadline, as the system only', () => {
    expect(canTransition('submitted', 'accepted', 'system')).toBe(true);
    expect(canTransition('under_review', 'accepted', 'system')).toBe(true);
    expect(canTransition('needs_supplement', 'withdrawn', 'system')).toBe(true);
    expect(canTransition('needs_supplement', 'accepted', 'system')).toBe(false);
    expect(canTransition('submitted', 'accepted', 'clerk')).toBe(false);
  });

  it('lets the citizen withdraw before acceptance only', () => {
    for (const from of ['submitted', 'under_review', 'needs_supplement', 'supplemented'] as const) {
      expect(canTransition(from, 'withdrawn', 'citizen')).toBe(true);
    }
    for (const from of ['accepted', 'completed', 'refused', 'not_accepted'] as const) {
      expect(canTransition(from, 'withdrawn', 'citizen')).toBe(false);
    }
  });

  it('refuses the shortcuts a desk could be tempted by', () => {
    expect(canTransition('submitted', 'completed', 'clerk')).toBe(false);
    expect(canTransition('under_review', 'completed', 'clerk')).toBe(false);
    expect(canTransition('under_review', 'refused', 'clerk')).toBe(false);
    expect(canTransition('needs_supplement', 'under_review', 'clerk')).toBe(false);
    expect(canTransition('supplemented', 'needs_supplement', 'clerk')).toBe(false);
    expect(canTransition('needs_supplement', 'supplemented', 'clerk')).toBe(false);
    expect(canTransition('accepted', 'needs_supplement', 'clerk')).toBe(false);
  });

  it('has no way out of a terminal status, for anyone', () => {
    for (const from of TERMINAL_STATUSES) {
      for (const to of APPLICATION_STATUSES) for (const by of BY) expect(canTransition(from, to, by)).toBe(false);
    }
  });

  it('refuses every pair it does not list with a localized 409, and lists no pair twice', () => {
    const listed = new Set(TRANSITIONS.map((t) => `${t.from}>${t.to}>${t.by}`));
    expect(listed.size).toBe(TRANSITIONS.length);
    for (const from of APPLICATION_STATUSES) {
      for (const to of APPLICATION_STATUSES) {
        for (const by of BY) {
          const ok = listed.has(`${from}>${to}>${by}`);
          if (ok) expect(() => assertTransition(from, to, by)).not.toThrow();
          else expect(() => assertTransition(from as ApplicationStatus, to, by)).toThrow(expect.objectContaining({ status: 409, code: 'transition.notAllowed', params: { from, to } }));
        }
      }
    }
  });
});
