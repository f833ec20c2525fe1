import { DomainError } from '../errors.js';

/**
 * The one status machine. Every status change in the system goes through `assertTransition`;
 * anything not listed here is refused.
 */
export const APPLICATION_STATUSES = [
  'draft',
  'submitted',
  'under_review',
  'needs_supplement',
  'supplemented',
  'accepted',
  'not_accepted',
  'completed',
  'refused',
  'withdrawn',
] as const;

export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export type Transition = { from: ApplicationStatus; to: ApplicationStatus; by: 'citizen' | 'clerk' | 'system' };

export const TRANSITIONS: readonly Transition[] = [
  { from: 'draft', to: 'submitted', by: 'citizen' },
  { from: 'submitted', to: 'under_review', by: 'clerk' },
  { from: 'under_review', to: 'accepted', by: 'clerk' },
  { from: 'under_review', to: 'needs_supplement', by: 'clerk' },
  { from: 'under_review', to: 'not_accepted', by: 'clerk' },
  { from: 'needs_supplement', to: 'supplemented', by: 'citizen' },
  { from: 'supplemented', to: 'under_review', by: 'clerk' },
  { from: 'accepted', to: 'completed', by: 'clerk' },
  { from: 'accepted', to: 'refused', by: 'clerk' },
  // Art. 32: no notice and no acceptance within 5 working days means accepted by law.
  { from: 'submitted', to: 'accepted', by: 'system' },
  { from: 'under_review', to: 'accepted', by: 'system' },
  // A supplement deadline that passes counts as withdrawal.
  { from: 'needs_supplement', to: 'withdrawn', by: 'system' },
  { from: 'submitted', to: 'withdrawn', by: 'citizen' },
  { from: 'under_review', to: 'withdrawn', by: 'citizen' },
  { from: 'needs_supplement', to: 'withdrawn', by: 'citizen' },
  { from: 'supplemented', to: 'withdrawn', by: 'citizen' },
];

export function canTransition(from: ApplicationStatus, to: ApplicationStatus, by: Transition['by']): boolean {
  return TRANSITIONS.some((t) => t.from === from && t.to === to && t.by === by);
}

export const TERMINAL_STATUSES: readonly ApplicationStatus[] = ['not_accepted', 'completed', 'refused', 'withdrawn'];

/** Refuses (409) any change the table does not list. */
export function assertTransition(from: ApplicationStatus, to: ApplicationStatus, by: Transition['by']): void {
  if (!canTransition(from, to, by)) {
    throw new DomainError('transition.notAllowed', 409, { params: { from, to } });
  }
}
