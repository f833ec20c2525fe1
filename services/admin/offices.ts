import { and, eq, inArray, ne, notInArray, sql } from 'drizzle-orm';
import { applications, offices, queueItems } from '../../db/schema/index.js';
import type { Department } from '../catalog/types.js';
import type { Db } from '../../db/client.js';
import type { ServiceContext } from '../context.js';
import { conflict, invalid, notFound } from '../errors.js';
import { authorize } from '../permissions.js';
import { recordAudit } from '../audit.js';
import { forgetReference } from '../reference-cache.js';
import { TERMINAL_STATUSES } from '../applications/status-machine.js';
import { allOrgUnits, cityCodeOf, isRootAdmin, officesInAdminScope, subtree, type OrgUnit } from './scope.js';
import { outsideArea, prefixTies } from './jurisdiction-bounds.js';
import type { OfficeCreateInput, OfficeUpdateInput } from './schemas.js';

/**
 * Offices, managed by administrators within their tree (decision 0027): create, edit (names,
 * address and hours, parent unit, departments, jurisdiction) and close, which moves the open
 * queue to another office in scope. Every change is audited with before and after. An office's
 * application-number prefix (decision 0037) is one of its fields: numbers filed after a change
 * carry the new one, numbers issued keep theirs.
 */

export type OfficeView = {
  code: string;
  nameZh: string | null;
  nameEn: string | null;
  address: string | null;
  hours: string | null;
  phone: string;
  orgUnitCode: string | null;
  cityCode: string;
  departments: Department[];
  regionPrefixes: string[];
  platePrefixes: string[];
  /** Null: the default 'GA' (services/applications/numbers.ts). */
  numberPrefix: string | null;
  closed: boolean;
};

const view = (r: typeof offices.$inferSelect): OfficeView => ({
  code: r.code,
  nameZh: r.nameZh,
  nameEn: r.nameEn,
  address: r.address,
  hours: r.hours,
  phone: r.phone,
  orgUnitCode: r.orgUnitCode,
  cityCode: r.cityCode,
  departments: r.departments as Department[],
  regionPrefixes: r.regionPrefixes,
  platePrefixes: r.platePrefixes,
  numberPrefix: r.numberPrefix,
  closed: r.closedAt !== null,
});

async function scopeOf(ctx: ServiceContext) {
  const { actor } = authorize(ctx.actor, 'office:manage');
  const units = await allOrgUnits(ctx);
  const unitCodes = isRootAdmin(actor) ? new Set(units.map((u) => u.code)) : subtree(units, actor.orgUnitCode!);
  return { actor, units, unitCodes, adminUnit: isRootAdmin(actor) ? null : actor.orgUnitCode!, officeCodes: new Set(await officesInAdminScope(ctx, actor)) };
}

/** Region and plate prefixes inside the administrator's area, and none another open office of the same department holds. */
async function assertJurisdiction(tx: Db, adminUnit: string | null, code: string | null, input: OfficeUpdateInput): Promise<void> {
  const j = { regionPrefixes: input.regionPrefixes, platePrefixes: input.platePrefixes, departments: input.departments };
  const outside = outsideArea(adminUnit, j);
  if (Object.keys(outside).length) throw invalid('form.invalid', outside);
  const ties = await prefixTies(tx, code, j);
  if (Object.keys(ties).length) throw invalid('form.invalid', ties);
}

/** The units an administrator may hang an office under (their tree), in code order. */
export async function unitsForAdmin(ctx: ServiceContext): Promise<OrgUnit[]> {
  const { units, unitCodes } = await scopeOf(ctx);
  return units.filter((u) => unitCodes.has(u.code));
}

export async function listOffices(ctx: ServiceContext): Promise<OfficeView[]> {
  const { officeCodes } = await scopeOf(ctx);
  if (officeCodes.size === 0) return [];
  const rows = await ctx.db.select().from(offices).where(inArray(offices.code, [...officeCodes])).orderBy(offices.code);
  return rows.map(view);
}

export async function getOffice(ctx: ServiceContext, code: string): Promise<OfficeView> {
  const { officeCodes } = await scopeOf(ctx);
  if (!officeCodes.has(code)) throw notFound('admin.office.notFound');
  const [row] = await ctx.db.select().from(offices).where(eq(offices.code, code));
  return view(row);
}

function fields(units: readonly OrgUnit[], input: OfficeUpdateInput) {
  return {
    nameZh: input.nameZh,
    nameEn: input.nameEn,
    address: input.address || null,
    hours: input.hours || null,
    phone: input.phone,
    orgUnitCode: input.orgUnitCode,
    cityCode: cityCodeOf(units, input.orgUnitCode),
    departments: [...new Set(input.departments)],
    regionPrefixes: [...new Set(input.regionPrefixes)],
    platePrefixes: [...new Set(input.platePrefixes)],
    numberPrefix: input.numberPrefix ?? null,
  };
}

/** Another office holding the prefix (the unique index would refuse it): a message beside the field, not a 500. */
async function assertPrefixFree(tx: Db, prefix: string | null | undefined, code: string | null): Promise<void> {
  if (!prefix) return;
  const [other] = await tx
    .select({ code: offices.code })
    .from(offices)
    .where(and(eq(offices.numberPrefix, prefix), code ? ne(offices.code, code) : undefined));
  if (other) throw invalid('form.invalid', { numberPrefix: ['admin.numberPrefixTaken'] });
}

export async function createOffice(ctx: ServiceContext, input: OfficeCreateInput): Promise<void> {
  const { units, unitCodes, adminUnit } = await scopeOf(ctx);
  if (!unitCodes.has(input.orgUnitCode)) throw invalid('form.invalid', { orgUnitCode: ['admin.unitOutOfScope'] });
  await ctx.db.transaction(async (tx) => {
    await assertPrefixFree(tx, input.numberPrefix, null);
    await assertJurisdiction(tx, adminUnit, null, input);
    const [row] = await tx
      .insert(offices)
      .values({ code: input.code, ...fields(units, input) })
      .onConflictDoNothing()
      .returning();
    if (!row) throw invalid('form.invalid', { code: ['admin.officeCodeTaken'] });
    await recordAudit(tx, ctx, { action: 'admin.office.created', officeCode: row.code, data: { before: null, after: view(row) } });
  });
  // Routing and option lists read offices through the reference cache: this process sees the change now.
  forgetReference(ctx.db);
}

export async function updateOffice(ctx: ServiceContext, code: string, input: OfficeUpdateInput): Promise<void> {
  const { units, unitCodes, officeCodes, adminUnit } = await scopeOf(ctx);
  if (!officeCodes.has(code)) throw notFound('admin.office.notFound');
  if (!unitCodes.has(input.orgUnitCode)) throw invalid('form.invalid', { orgUnitCode: ['admin.unitOutOfScope'] });
  await ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(offices).where(eq(offices.code, code)).for('update');
    await assertPrefixFree(tx, input.numberPrefix, code);
    await assertJurisdiction(tx, adminUnit, code, input);
    const [after] = await tx.update(offices).set(fields(units, input)).where(eq(offices.code, code)).returning();
    await recordAudit(tx, ctx, { action: 'admin.office.updated', officeCode: code, data: { before: view(before), after: view(after) } });
  });
  forgetReference(ctx.db);
}

/**
 * Closes an office: it takes no new applications, and its open ones (with their queue items)
 * move to `transferTo`, an open office in scope that handles every department the closing one
 * did. Claims are released: the receiving office's clerks take them up from its queue.
 */
export async function closeOffice(ctx: ServiceContext, code: string, transferTo: string): Promise<{ moved: number }> {
  const { officeCodes } = await scopeOf(ctx);
  if (!officeCodes.has(code)) throw notFound('admin.office.notFound');
  if (transferTo === code || !officeCodes.has(transferTo)) throw invalid('form.invalid', { transferTo: ['admin.officeOutOfScope'] });
  const moved = await ctx.db.transaction(async (tx) => {
    const [closing] = await tx.select().from(offices).where(eq(offices.code, code)).for('update');
    const [target] = await tx.select().from(offices).where(eq(offices.code, transferTo)).for('update');
    if (closing.closedAt) throw conflict('admin.office.alreadyClosed');
    if (target.closedAt) throw invalid('form.invalid', { transferTo: ['admin.officeClosed'] });
    if (!closing.departments.every((d) => target.departments.includes(d))) throw invalid('form.invalid', { transferTo: ['admin.transferDepartments'] });
    await tx.update(offices).set({ closedAt: ctx.clock.now() }).where(eq(offices.code, code));
    const apps = await tx
      .update(applications)
      .set({ officeCode: transferTo })
      .where(and(eq(applications.officeCode, code), notInArray(applications.status, [...TERMINAL_STATUSES])))
      .returning({ id: applications.id });
    await tx
      .update(queueItems)
      .set({
        officeCode: transferTo,
        state: sql`case when ${queueItems.state} = 'claimed' then 'waiting' else ${queueItems.state} end`,
        claimedBy: null,
        leaseExpiresAt: null,
        preferredClerkId: null,
        leaseVersion: sql`${queueItems.leaseVersion} + 1`,
      })
      .where(and(eq(queueItems.officeCode, code), ne(queueItems.state, 'done')));
    await recordAudit(tx, ctx, {
      action: 'admin.office.closed',
      officeCode: code,
      data: { before: view(closing), after: { ...view(closing), closed: true }, transferTo, movedApplications: apps.map((a) => a.id) },
    });
    return apps.length;
  });
  forgetReference(ctx.db);
  return { moved };
}
