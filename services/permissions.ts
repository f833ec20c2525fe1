import type { Actor, Role, UserActor } from './context.js';
import { DomainError } from './errors.js';

/**
 * The one permission table: role × action → scope. `own` means the actor's own records,
 * `office` the actor's office (and, for clerks, only departments in their skills), `city`
 * every office of the manager's city, `province` every office of every city of the manager's
 * province (the permission table grants `city`; a province manager holds `province` in its place,
 * an office manager `office`: decision 0040), `tree` an administrator's org unit and every unit and
 * office below it (resolved against the hierarchy by services/admin/scope.ts). Services call `authorize` before touching data; routes
 * only add a redirect-to-login layer on top.
 */
export type Scope = 'own' | 'office' | 'city' | 'province' | 'tree';

export const PERMISSIONS = {
  'catalog:read': { anonymous: true },
  'application:create': { citizen: 'own' },
  'application:read': { citizen: 'own', clerk: 'office', manager: 'city' },
  /** Anyone: what proves the right is the code sent to the applicant's mobile (services/applications/track.ts). */
  'application:track': { anonymous: true },
  'application:withdraw': { citizen: 'own' },
  'application:supplement': { citizen: 'own' },
  'file:read': { citizen: 'own', clerk: 'office', manager: 'city' },
  'queue:read': { clerk: 'office', manager: 'city' },
  'queue:claim': { clerk: 'office' },
  'application:review': { clerk: 'office' },
  'notice:override': { manager: 'office' },
  'override:request': { clerk: 'office' },
  /** After a completion by post the courier refused: retry, or enter the waybill by hand (decision 0035). */
  'shipment:manage': { clerk: 'office' },
  'queue:manage': { manager: 'office' },
  'report:read': { manager: 'city' },
  'rating:create': { citizen: 'own', clerk: 'office' },
  'profile:update': { citizen: 'own' },
  /** Book, move, cancel and read the visit of one's own application (the filer's, not the subject's). */
  'appointment:book': { citizen: 'own' },
  /** The day's visits at the office (services/appointments). */
  'appointment:desk': { clerk: 'office', manager: 'office' },
  /** Record a visit kept or missed. */
  'appointment:mark': { clerk: 'office' },
  'staff:manage': { admin: 'tree' },
  'office:manage': { admin: 'tree' },
  /** The service additionally requires the national root administrator (services/admin/scope.ts isRootAdmin). */
  'calendar:manage': { admin: 'tree' },
  'catalog:manage': { admin: 'tree' },
  /** Anyone holding a document's verify token (the QR code on its PDF) sees its minimal facts (decision 0034). */
  'document:verify': { anonymous: true },
  /** Withdrawing the validity of an issued document of the manager's office, with a reason (decision 0034). */
  'document:revoke': { manager: 'office' },
  /** Paying an application's fees online: the filer, who answers for the filing (services/payments). */
  'payment:pay': { citizen: 'own' },
  /** Payment and refund totals and the reconciliation's mismatches. */
  'payment:report': { manager: 'city' },
} as const satisfies Record<string, Partial<Record<Role, Scope>> & { anonymous?: true }>;

export type Action = keyof typeof PERMISSIONS;

/**
 * The citizen-scoped actions the subject of an application (the child a guardian filed for, the
 * person an agent filed for; applications.subject_user_id) holds too: reading it. Withdrawing,
 * supplementing and rating stay with the filer, who answers for the filing.
 */
const SUBJECT_MAY: ReadonlySet<Action> = new Set<Action>(['application:read', 'file:read']);

/** The subject's account as inScope's record takes it: only for the actions the subject may take. */
export function subjectFor(action: Action, subjectUserId: string | null | undefined): string | null {
  return SUBJECT_MAY.has(action) ? (subjectUserId ?? null) : null;
}

/** Returns the scope the actor holds for the action, or null. */
export function scopeFor(actor: Actor, action: Action): Scope | 'public' | null {
  const row = PERMISSIONS[action] as Partial<Record<Role, Scope>> & { anonymous?: true };
  if (row.anonymous) return 'public';
  if (actor.kind !== 'user') return null;
  const scope = row[actor.role] ?? null;
  // Where the table grants 'city' a manager holds their own scope: a province manager every city
  // of the province, an office-scoped manager their office.
  if (scope === 'city' && actor.role === 'manager') return actor.managerScope === 'province' ? 'province' : actor.managerScope === 'city' ? 'city' : 'office';
  return scope;
}

/** Throws 401 for anonymous actors and 403 for the wrong role; returns the signed-in actor. */
export function authorize(actor: Actor, action: Action): { actor: UserActor; scope: Scope } {
  const scope = scopeFor(actor, action);
  if (scope === 'public') throw new Error(`authorize() on public action ${action}`);
  if (actor.kind !== 'user') throw new DomainError('auth.required', 401);
  if (!scope) throw new DomainError('forbidden', 403);
  return { actor, scope };
}

/**
 * Whether a record of this office/department/owner lies within the actor's scope. Services
 * answer 404 rather than 403 when it does not, so ids of other people's records leak nothing.
 */
export function inScope(
  actor: UserActor,
  scope: Scope,
  /** subjectId: the application's subject, as subjectFor passes it for this action; null otherwise. */
  record: { ownerId?: string | null; subjectId?: string | null; officeCode?: string | null; cityCode?: string | null; provinceCode?: string | null; department?: string | null },
): boolean {
  switch (scope) {
    case 'own':
      return record.ownerId === actor.id || (!!record.subjectId && record.subjectId === actor.id);
    case 'office':
      if (!actor.officeCode || record.officeCode !== actor.officeCode) return false;
      if (actor.role === 'clerk' && record.department) return (actor.skills as string[]).includes(record.department);
      return true;
    case 'city':
      return !!actor.cityCode && record.cityCode === actor.cityCode;
    case 'province':
      return !!actor.provinceCode && record.provinceCode === actor.provinceCode;
    case 'tree':
      // The hierarchy lives in the database: services/admin/scope.ts answers for 'tree'.
      return false;
  }
}
