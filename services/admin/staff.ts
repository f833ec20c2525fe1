import { and, asc, eq, inArray, isNull, ne, or } from 'drizzle-orm';
import { activationCodes, offices, orgUnits, sessions, totpCredentials, users } from '../../db/schema/index.js';
import type { Db } from '../../db/client.js';
import type { Department } from '../catalog/types.js';
import type { ServiceContext, UserActor } from '../context.js';
import { conflict, DomainError, invalid, notFound } from '../errors.js';
import { authorize } from '../permissions.js';
import { recordAudit } from '../audit.js';
import { issueActivationCode, NO_PASSWORD } from './activation.js';
import { isRootAdmin, officesInAdminScope, unitsInAdminScope } from './scope.js';
import type { StaffCreateInput, StaffUpdateInput } from './schemas.js';

/**
 * Staff accounts, managed by administrators within their tree (decision 0027). Every entry point
 * checks 'staff:manage' and the scope; a staff member outside it is a 404. Every change is
 * audited with the account's state before and after (never a password or a secret).
 */

export type StaffView = {
  id: string;
  realName: string;
  staffNo: string;
  role: 'clerk' | 'manager' | 'admin';
  officeCode: string | null;
  orgUnitCode: string | null;
  skills: Department[];
  managerScope: 'office' | 'city' | 'province' | null;
  disabled: boolean;
  enrolled: boolean;
};

const staffColumns = {
  id: users.id,
  realName: users.realName,
  staffNo: users.staffNo,
  role: users.role,
  officeCode: users.officeCode,
  orgUnitCode: users.orgUnitCode,
  skills: users.skills,
  managerScope: users.managerScope,
  disabledAt: users.disabledAt,
  enrolled: totpCredentials.userId,
};

type StaffRow = { id: string; realName: string; staffNo: string | null; role: string; officeCode: string | null; orgUnitCode: string | null; skills: string[]; managerScope: 'office' | 'city' | 'province' | null; disabledAt: Date | null; enrolled: string | null };

const view = (r: StaffRow): StaffView => ({
  id: r.id,
  realName: r.realName,
  staffNo: r.staffNo ?? '',
  role: r.role as StaffView['role'],
  officeCode: r.officeCode,
  orgUnitCode: r.orgUnitCode,
  skills: r.skills as Department[],
  managerScope: r.managerScope,
  disabled: r.disabledAt !== null,
  enrolled: r.enrolled !== null,
});

/** What the audit trail keeps of an account: the fields an administrator sets. */
const audited = (v: StaffView) => ({
  realName: v.realName,
  staffNo: v.staffNo,
  role: v.role,
  officeCode: v.officeCode,
  orgUnitCode: v.orgUnitCode,
  skills: v.skills,
  managerScope: v.managerScope,
  disabled: v.disabled,
});

/** provinceScope: whether the administrator may make a manager see the whole province (decision 0040). */
type Scope = { root: boolean; units: Set<string>; offices: Set<string>; provinceScope: boolean };

export type ManagerScope = 'office' | 'city' | 'province';

async function adminScope(ctx: ServiceContext): Promise<{ actor: UserActor; scope: Scope }> {
  const { actor } = authorize(ctx.actor, 'staff:manage');
  const root = isRootAdmin(actor);
  const [units, officeCodes, unit] = await Promise.all([
    unitsInAdminScope(ctx, actor),
    officesInAdminScope(ctx, actor),
    root ? undefined : ctx.db.select({ level: orgUnits.level }).from(orgUnits).where(eq(orgUnits.code, actor.orgUnitCode!)).then((r) => r[0]),
  ]);
  // A province manager sees every city of the province: only an administrator at province level
  // (or the national one, above every province) may make one.
  return { actor, scope: { root, units, offices: new Set(officeCodes), provinceScope: root || unit?.level === 'province' } };
}

/** The manager scopes the administrator's staff form offers: 'province' to a province-level (or the national) administrator only. */
export async function managerScopesFor(ctx: ServiceContext): Promise<ManagerScope[]> {
  const { scope } = await adminScope(ctx);
  return scope.provinceScope ? ['office', 'city', 'province'] : ['office', 'city'];
}

function inTree(scope: Scope, r: { role: string; officeCode: string | null; orgUnitCode: string | null }): boolean {
  if (r.role === 'admin') return r.orgUnitCode === null ? scope.root : scope.units.has(r.orgUnitCode);
  return r.officeCode !== null && scope.offices.has(r.officeCode);
}

async function staffRows(db: Db, where: ReturnType<typeof and>) {
  return db
    .select(staffColumns)
    .from(users)
    .leftJoin(totpCredentials, eq(totpCredentials.userId, users.id))
    .where(and(ne(users.role, 'citizen'), where))
    .orderBy(asc(users.staffNo));
}

/** Staff the administrator answers for: those of offices in the tree, and administrators of units in it. */
export async function listStaff(ctx: ServiceContext): Promise<StaffView[]> {
  const { scope } = await adminScope(ctx);
  const officeList = [...scope.offices];
  const unitList = [...scope.units];
  const rows = await staffRows(
    ctx.db,
    or(
      officeList.length ? and(ne(users.role, 'admin'), inArray(users.officeCode, officeList)) : undefined,
      unitList.length ? and(eq(users.role, 'admin'), inArray(users.orgUnitCode, unitList)) : undefined,
      scope.root ? and(eq(users.role, 'admin'), isNull(users.orgUnitCode)) : undefined,
    ) ?? eq(users.id, users.id),
  );
  return rows.filter((r) => inTree(scope, r)).map(view);
}

async function loadInScope(ctx: ServiceContext, scope: Scope, id: string, db: Db = ctx.db): Promise<StaffView> {
  const [row] = await staffRows(db, eq(users.id, id));
  if (!row || !inTree(scope, row)) throw notFound('admin.staff.notFound');
  return view(row);
}

export async function getStaff(ctx: ServiceContext, id: string): Promise<StaffView> {
  const { scope } = await adminScope(ctx);
  return loadInScope(ctx, scope, id);
}

/** The fields as stored, after the cross-field rules: a role's office, unit, skills and scope. */
async function placement(ctx: ServiceContext, scope: Scope, input: StaffUpdateInput, before: StaffView | null = null) {
  if (input.role === 'admin') {
    const unit = input.orgUnitCode ?? null;
    // Only the root administrator creates another national one; others name a unit in their tree.
    // A blank unit is a missing answer, not an out-of-scope one: the field says which.
    if (unit === null && !scope.root) throw invalid('form.invalid', { orgUnitCode: ['admin.unitRequired'] });
    if (unit !== null && !scope.units.has(unit)) throw invalid('form.invalid', { orgUnitCode: ['admin.unitOutOfScope'] });
    return { officeCode: null, orgUnitCode: unit, skills: [] as Department[], managerScope: null };
  }
  const officeCode = input.officeCode;
  if (!officeCode) throw invalid('form.invalid', { officeCode: ['required'] });
  if (!scope.offices.has(officeCode)) throw invalid('form.invalid', { officeCode: ['admin.officeOutOfScope'] });
  const [office] = await ctx.db.select({ departments: offices.departments, closedAt: offices.closedAt }).from(offices).where(eq(offices.code, officeCode));
  if (!office || office.closedAt) throw invalid('form.invalid', { officeCode: ['admin.officeClosed'] });
  const skills = [...new Set(input.skills)].filter((s) => office.departments.includes(s));
  if (input.role === 'clerk' && skills.length === 0) throw invalid('form.invalid', { skills: ['admin.skillsRequired'] });
  // Only a province-level administrator grants the province; a city's may leave one it finds as it is.
  if (input.role === 'manager' && input.managerScope === 'province' && !scope.provinceScope && before?.managerScope !== 'province') {
    throw invalid('form.invalid', { managerScope: ['admin.provinceScopeNotYours'] });
  }
  return {
    officeCode,
    orgUnitCode: null,
    skills: input.role === 'clerk' ? skills : ([] as Department[]),
    managerScope: input.role === 'manager' ? (input.managerScope ?? 'office') : null,
  };
}

/** A new staff account without a password; the one-time activation code is returned to show once. */
export async function createStaffAccount(ctx: ServiceContext, input: StaffCreateInput): Promise<{ id: string; activationCode: string }> {
  const { scope } = await adminScope(ctx);
  const place = await placement(ctx, scope, input);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({ role: input.role, realName: input.realName, staffNo: input.staffNo, passwordHash: NO_PASSWORD, ...place })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (!row) throw new DomainError('admin.staff.exists', 409, { fieldErrors: { staffNo: ['admin.staffNoTaken'] } });
    const activationCode = await issueActivationCode(tx, ctx, row.id);
    const after = await loadInScope(ctx, scope, row.id, tx);
    await recordAudit(tx, ctx, { action: 'admin.staff.created', officeCode: place.officeCode, data: { userId: row.id, before: null, after: audited(after) } });
    return { id: row.id, activationCode };
  });
}

export async function updateStaffAccount(ctx: ServiceContext, id: string, input: StaffUpdateInput): Promise<void> {
  const { actor, scope } = await adminScope(ctx);
  const before = await loadInScope(ctx, scope, id);
  if (id === actor.id) {
    // The refusal marks the field the administrator changed, so the form shows where to put it back.
    const changed: Record<string, string[]> = {};
    if (input.role !== before.role) changed.role = ['admin.selfChange'];
    if ((input.orgUnitCode ?? null) !== before.orgUnitCode) changed.orgUnitCode = ['admin.selfChange'];
    if (Object.keys(changed).length > 0) throw new DomainError('admin.staff.self', 409, { fieldErrors: changed });
  }
  const place = await placement(ctx, scope, input, before);
  await ctx.db.transaction(async (tx) => {
    await tx.update(users).set({ realName: input.realName, role: input.role, ...place }).where(eq(users.id, id));
    // A new role or office changes what the person may see: their sessions start over.
    if (input.role !== before.role || place.officeCode !== before.officeCode || place.orgUnitCode !== before.orgUnitCode) await endSessions(tx, ctx, id);
    const after = await loadInScope(ctx, scope, id, tx);
    await recordAudit(tx, ctx, { action: 'admin.staff.updated', officeCode: after.officeCode, data: { userId: id, before: audited(before), after: audited(after) } });
  });
}

async function endSessions(tx: Db, ctx: Pick<ServiceContext, 'clock'>, userId: string) {
  await tx.update(sessions).set({ revokedAt: ctx.clock.now() }).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
}

/** Disabling ends every session at once (resolveSession also refuses a disabled account). */
export async function setStaffDisabled(ctx: ServiceContext, id: string, disabled: boolean): Promise<void> {
  const { actor, scope } = await adminScope(ctx);
  const before = await loadInScope(ctx, scope, id);
  if (id === actor.id) throw conflict('admin.staff.self');
  if (before.disabled === disabled) return;
  await ctx.db.transaction(async (tx) => {
    await tx.update(users).set({ disabledAt: disabled ? ctx.clock.now() : null, failedLogins: 0 }).where(eq(users.id, id));
    if (disabled) {
      await endSessions(tx, ctx, id);
      // A code issued before the account was disabled must not reactivate it.
      await tx.update(activationCodes).set({ expiresAt: ctx.clock.now() }).where(and(eq(activationCodes.userId, id), isNull(activationCodes.usedAt)));
    }
    await recordAudit(tx, ctx, {
      action: disabled ? 'admin.staff.disabled' : 'admin.staff.enabled',
      officeCode: before.officeCode,
      data: { userId: id, before: { disabled: before.disabled }, after: { disabled } },
    });
  });
}

/**
 * Password or second-factor reset: the account can no longer sign in with what it had (the
 * password, or the authenticator), its sessions end, and a new activation code lets its owner
 * set a password and enrol again (decision 0027: one activation flow for both).
 */
export async function resetStaffCredential(ctx: ServiceContext, id: string, what: 'password' | 'secondFactor'): Promise<{ activationCode: string }> {
  const { actor, scope } = await adminScope(ctx);
  const before = await loadInScope(ctx, scope, id);
  if (id === actor.id) throw conflict('admin.staff.self');
  if (before.disabled) throw conflict('admin.staff.disabled');
  return ctx.db.transaction(async (tx) => {
    if (what === 'password') await tx.update(users).set({ passwordHash: NO_PASSWORD }).where(eq(users.id, id));
    else await tx.delete(totpCredentials).where(eq(totpCredentials.userId, id));
    await endSessions(tx, ctx, id);
    const activationCode = await issueActivationCode(tx, ctx, id);
    await recordAudit(tx, ctx, {
      action: what === 'password' ? 'admin.staff.passwordReset' : 'admin.staff.secondFactorReset',
      officeCode: before.officeCode,
      data: { userId: id, before: { enrolled: before.enrolled }, after: { enrolled: what === 'password' ? before.enrolled : false, activationIssued: true } },
    });
    return { activationCode };
  });
}
