import { eq } from 'drizzle-orm';
import { offices, orgUnits } from '../../db/schema/index.js';
import type { ServiceContext, UserActor } from '../context.js';

/**
 * What an administrator's scope ('tree' in the permission table) reaches: their org unit and every
 * unit and office below it. The national root administrator (orgUnitCode null, created by the
 * bootstrap command) reaches everything. The hierarchy is small (a province has a few hundred
 * units), so it is read whole and walked here rather than with a recursive query per check.
 */

export type OrgUnit = typeof orgUnits.$inferSelect;

export function isRootAdmin(actor: UserActor): boolean {
  return actor.role === 'admin' && actor.orgUnitCode === null;
}

export async function allOrgUnits(ctx: Pick<ServiceContext, 'db'>): Promise<OrgUnit[]> {
  return ctx.db.select().from(orgUnits).orderBy(orgUnits.code);
}

/** The unit and all its descendants (codes). */
export function subtree(units: readonly OrgUnit[], root: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const u of units) if (u.parentCode) children.set(u.parentCode, [...(children.get(u.parentCode) ?? []), u.code]);
  const out = new Set<string>();
  const stack = [root];
  while (stack.length) {
    const code = stack.pop()!;
    if (out.has(code) || !units.some((u) => u.code === code)) continue;
    out.add(code);
    stack.push(...(children.get(code) ?? []));
  }
  return out;
}

/** Org unit codes the administrator may manage; every unit for the root administrator, none for other roles. */
export async function unitsInAdminScope(ctx: Pick<ServiceContext, 'db'>, actor: UserActor): Promise<Set<string>> {
  if (actor.role !== 'admin') return new Set();
  const units = await allOrgUnits(ctx);
  if (isRootAdmin(actor)) return new Set(units.map((u) => u.code));
  return subtree(units, actor.orgUnitCode!);
}

export async function unitInAdminScope(ctx: Pick<ServiceContext, 'db'>, actor: UserActor, unitCode: string): Promise<boolean> {
  return (await unitsInAdminScope(ctx, actor)).has(unitCode);
}

/** Codes of the offices below the administrator's unit (every office for the root administrator). */
export async function officesInAdminScope(ctx: Pick<ServiceContext, 'db'>, actor: UserActor): Promise<string[]> {
  if (actor.role !== 'admin') return [];
  const rows = await ctx.db.select({ code: offices.code, orgUnitCode: offices.orgUnitCode }).from(offices).orderBy(offices.code);
  if (isRootAdmin(actor)) return rows.map((r) => r.code);
  const units = await unitsInAdminScope(ctx, actor);
  return rows.filter((r) => r.orgUnitCode !== null && units.has(r.orgUnitCode)).map((r) => r.code);
}

export async function officeInAdminScope(ctx: Pick<ServiceContext, 'db'>, actor: UserActor, officeCode: string): Promise<boolean> {
  if (actor.role !== 'admin') return false;
  const [row] = await ctx.db.select({ orgUnitCode: offices.orgUnitCode }).from(offices).where(eq(offices.code, officeCode));
  if (!row) return false;
  if (isRootAdmin(actor)) return true;
  return row.orgUnitCode !== null && (await unitsInAdminScope(ctx, actor)).has(row.orgUnitCode);
}

/**
 * The city code (4 digits) an office under `unitCode` carries for city-scoped managers: the
 * nearest ancestor at city level, or the unit code's first four digits when none is marked.
 */
export function cityCodeOf(units: readonly OrgUnit[], unitCode: string): string {
  return ancestorAtLevel(units, unitCode, 'city')?.code ?? unitCode.slice(0, 4);
}

/** The unit itself or its nearest ancestor at `level` (a city, a province), if the tree has one. */
export function ancestorAtLevel(units: readonly OrgUnit[], unitCode: string | null | undefined, level: OrgUnit['level']): OrgUnit | undefined {
  let unit = units.find((u) => u.code === unitCode);
  while (unit && unit.level !== level) unit = units.find((u) => u.code === unit!.parentCode);
  return unit;
}
