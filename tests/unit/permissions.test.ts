import { describe, expect, it } from 'vitest';
import type { Actor, UserActor } from '../../services/context.js';
import { authorize, inScope, PERMISSIONS, scopeFor, type Action } from '../../services/permissions.js';

const user = (over: Partial<UserActor>): UserActor => ({
  kind: 'user',
  id: 'u1',
  role: 'citizen',
  officeCode: null,
  skills: [],
  managerScope: null,
  cityCode: null,
  orgUnitCode: null,
  ...over,
});
const anonymous: Actor = { kind: 'anonymous' };
const citizen = user({});
const clerk = user({ id: 'c1', role: 'clerk', officeCode: 'bj-dongcheng', skills: ['hukou'], cityCode: '1101' });
const officeManager = user({ id: 'm1', role: 'manager', officeCode: 'bj-dongcheng', managerScope: 'office', cityCode: '1101' });
const cityManager = user({ id: 'm2', role: 'manager', officeCode: 'bj-dongcheng', managerScope: 'city', cityCode: '1101' });
const admin = user({ id: 'a1', role: 'admin', orgUnitCode: '1101' });

describe('the permission table', () => {
  it('grants exactly these scopes (a change here is a security decision: update the test on purpose)', () => {
    const table = Object.fromEntries(
      (Object.keys(PERMISSIONS) as Action[]).map((a) => [a, [anonymous, citizen, clerk, officeManager, cityManager, admin].map((x) => scopeFor(x, a))]),
    );
    expect(table).toEqual({
      'catalog:read': ['public', 'public', 'public', 'public', 'public', 'public'],
      'application:create': [null, 'own', null, null, null, null],
      'application:read': [null, 'own', 'office', 'office', 'city', null],
      'application:track': ['public', 'public', 'public', 'public', 'public', 'public'],
      'application:withdraw': [null, 'own', null, null, null, null],
      'application:supplement': [null, 'own', null, null, null, null],
      'file:read': [null, 'own', 'office', 'office', 'city', null],
      'queue:read': [null, null, 'office', 'office', 'city', null],
      'queue:claim': [null, null, 'office', null, null, null],
      'application:review': [null, null, 'office', null, null, null],
      'notice:override': [null, null, null, 'office', 'office', null],
      'override:request': [null, null, 'office', null, null, null],
      'shipment:manage': [null, null, 'office', null, null, null],
      'queue:manage': [null, null, null, 'office', 'office', null],
      'report:read': [null, null, null, 'office', 'city', null],
      'rating:create': [null, 'own', 'office', null, null, null],
      'profile:update': [null, 'own', null, null, null, null],
      'appointment:book': [null, 'own', null, null, null, null],
      'appointment:desk': [null, null, 'office', 'office', 'office', null],
      'appointment:mark': [null, null, 'office', null, null, null],
      // Decision 0034: anyone with a document's token verifies it; a manager revokes their office's documents.
      'document:verify': ['public', 'public', 'public', 'public', 'public', 'public'],
      'document:revoke': [null, null, null, 'office', 'office', null],
      // Decision 0032: the filer pays; managers read payment totals within their scope.
      'payment:pay': [null, 'own', null, null, null, null],
      'payment:report': [null, null, null, 'office', 'city', null],
      'staff:manage': [null, null, null, null, null, 'tree'],
      'office:manage': [null, null, null, null, null, 'tree'],
      'calendar:manage': [null, null, null, null, null, 'tree'],
      'catalog:manage': [null, null, null, null, null, 'tree'],
    });
  });

  it('gives administrators the tree below their org unit for the administration entries, and nothing else', () => {
    const admin = user({ id: 'a1', role: 'admin', orgUnitCode: '1101' });
    const granted = (Object.keys(PERMISSIONS) as Action[]).filter((a) => scopeFor(admin, a) !== null && scopeFor(admin, a) !== 'public');
    expect(granted).toEqual(['staff:manage', 'office:manage', 'calendar:manage', 'catalog:manage']);
    expect(granted.map((a) => scopeFor(admin, a))).toEqual(['tree', 'tree', 'tree', 'tree']);
    // A tree is never decided by inScope: services/admin/scope.ts answers it.
    expect(inScope(admin, 'tree', { officeCode: 'bj-dongcheng', cityCode: '1101' })).toBe(false);
  });

  it('authorize: 401 for anonymous, 403 for the wrong role, the scope otherwise; public actions are a programming error', () => {
    expect(() => authorize(anonymous, 'application:read')).toThrow(expect.objectContaining({ status: 401, code: 'auth.required' }));
    expect(() => authorize(citizen, 'queue:read')).toThrow(expect.objectContaining({ status: 403, code: 'forbidden' }));
    expect(authorize(clerk, 'queue:claim')).toEqual({ actor: clerk, scope: 'office' });
    expect(() => authorize(citizen, 'catalog:read')).toThrow(/public action/);
  });
});

describe('inScope', () => {
  it('own: only the owner', () => {
    expect(inScope(citizen, 'own', { ownerId: 'u1' })).toBe(true);
    expect(inScope(citizen, 'own', { ownerId: 'u2' })).toBe(false);
    expect(inScope(citizen, 'own', { ownerId: null })).toBe(false);
  });

  it('office: same office, and for clerks only departments in their skills', () => {
    expect(inScope(clerk, 'office', { officeCode: 'bj-dongcheng', department: 'hukou' })).toBe(true);
    expect(inScope(clerk, 'office', { officeCode: 'bj-dongcheng', department: 'traffic' })).toBe(false);
    expect(inScope(clerk, 'office', { officeCode: 'bj-chaoyang', department: 'hukou' })).toBe(false);
    expect(inScope(officeManager, 'office', { officeCode: 'bj-dongcheng', department: 'traffic' })).toBe(true);
    expect(inScope(user({ role: 'clerk', officeCode: null }), 'office', { officeCode: null })).toBe(false);
  });

  it('city: same city code only, never a missing one', () => {
    expect(inScope(cityManager, 'city', { cityCode: '1101' })).toBe(true);
    expect(inScope(cityManager, 'city', { cityCode: '3101' })).toBe(false);
    expect(inScope(user({ role: 'manager', managerScope: 'city', cityCode: null }), 'city', { cityCode: null })).toBe(false);
  });

  it('tree: never answered from the record alone (the hierarchy is in the database: services/admin/scope.ts)', () => {
    expect(inScope(admin, 'tree', { officeCode: 'bj-dongcheng', cityCode: '1101' })).toBe(false);
  });
});
