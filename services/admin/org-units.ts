import { orgUnits } from '../../db/schema/index.js';
import type { ServiceContext } from '../context.js';
import { DomainError, invalid } from '../errors.js';
import { authorize } from '../permissions.js';
import { recordAudit } from '../audit.js';
import { forgetReference } from '../reference-cache.js';
import { allOrgUnits, isRootAdmin, subtree, type OrgUnit } from './scope.js';
import type { OrgUnitCreateInput } from './schemas.js';

/**
 * The hierarchy's units (province → city → district), created in the browser (decision 0040), so a
 * bureau outside the seeded ones goes live without editing db/seed-data.ts. An administrator adds
 * units below their own (the national one also provinces); a unit is never renumbered or moved —
 * offices, administrators and city codes hang on its code. Audited.
 */

const LEVEL_BELOW = { province: 'city', city: 'district', district: null } as const;
const CODE_LENGTH = { province: 2, city: 4, district: 6 } as const;

/** The units an administrator may see and add below, in code order. */
export async function listOrgUnits(ctx: ServiceContext): Promise<{ units: OrgUnit[]; mayAddProvince: boolean }> {
  const { actor } = authorize(ctx.actor, 'office:manage');
  const units = await allOrgUnits(ctx);
  if (isRootAdmin(actor)) return { units, mayAddProvince: true };
  const mine = subtree(units, actor.orgUnitCode!);
  return { units: units.filter((u) => mine.has(u.code)), mayAddProvince: false };
}

export async function createOrgUnit(ctx: ServiceContext, input: OrgUnitCreateInput): Promise<void> {
  const { actor } = authorize(ctx.actor, 'office:manage');
  const units = await allOrgUnits(ctx);
  const root = isRootAdmin(actor);
  const parentCode = input.parentCode ?? null;
  if (parentCode === null && !root) throw invalid('form.invalid', { parentCode: ['orgUnit.parentRequired'] });
  const mine = root ? new Set(units.map((u) => u.code)) : subtree(units, actor.orgUnitCode!);
  const parent = parentCode === null ? null : units.find((u) => u.code === parentCode);
  if (parentCode !== null && (!parent || !mine.has(parentCode))) throw invalid('form.invalid', { parentCode: ['admin.unitOutOfScope'] });
  const level: OrgUnit['level'] | null = parent ? LEVEL_BELOW[parent.level] : 'province';
  if (!level) throw invalid('form.invalid', { parentCode: ['orgUnit.nothingBelowDistrict'] });
  // The code says where the unit lies: its length its level, its start its parent.
  if (input.code.length !== CODE_LENGTH[level] || (parent && !input.code.startsWith(parent.code))) {
    throw invalid('form.invalid', { code: [`orgUnit.codeFor.${level}`] });
  }
  const row = { code: input.code, parentCode, level, nameZh: input.nameZh, nameEn: input.nameEn };
  await ctx.db.transaction(async (tx) => {
    const [added] = await tx.insert(orgUnits).values(row).onConflictDoNothing().returning({ code: orgUnits.code });
    if (!added) throw new DomainError('admin.orgUnit.exists', 409, { fieldErrors: { code: ['orgUnit.codeTaken'] } });
    await recordAudit(tx, ctx, { action: 'admin.orgUnit.created', data: { before: null, after: row } });
  });
  forgetReference(ctx.db);
}
