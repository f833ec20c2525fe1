import { eq, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { offices } from '../../db/schema/index.js';
import type { Department } from '../catalog/types.js';
import type { UserActor } from '../context.js';
import type { Scope } from '../permissions.js';
import { referenceRead } from '../reference-cache.js';

export type OfficeRow = typeof offices.$inferSelect;

/**
 * The province a city code lies in, in SQL (decision 0040): its first two digits. Unit codes are
 * GB/T 2260 codes and each begins with its parent's (checked where units are made,
 * services/admin/org-units.ts, and so seeded), so no lookup of the city's unit is needed — the
 * session lookup runs this on every request. `cityCode` is an offices.city_code column or
 * expression of the statement.
 */
export function provinceOfCity(cityCode: AnyColumn | SQL): SQL<string> {
  return sql<string>`left(${cityCode}, 2)`;
}

/**
 * Which offices lie within a manager's area scope, as a condition on the offices table: every
 * office of the city or of the province, else the actor's own office.
 */
export function officesInScopeWhere(actor: UserActor, scope: Scope): SQL {
  if (scope === 'province') return actor.provinceCode ? sql`${provinceOfCity(offices.cityCode)} = ${actor.provinceCode}` : sql`false`;
  if (scope === 'city') return actor.cityCode ? eq(offices.cityCode, actor.cityCode) : sql`false`;
  return eq(offices.code, actor.officeCode ?? '');
}

/** Offices a staff member answers for under `scope`: every office of their province or city, or their own. */
export async function officesInScope(db: Db, actor: UserActor, scope: Scope): Promise<string[]> {
  if ((scope === 'city' && actor.cityCode) || (scope === 'province' && actor.provinceCode)) {
    const rows = await db.select({ code: offices.code }).from(offices).where(officesInScopeWhere(actor, scope)).orderBy(offices.code);
    return rows.map((r) => r.code);
  }
  return actor.officeCode ? [actor.officeCode] : [];
}

/**
 * Every office, in code order, read once a minute per process (services/reference-cache.ts).
 * Called with the root database handle, outside any transaction.
 */
export function allOffices(db: Db): Promise<OfficeRow[]> {
  return referenceRead(db, 'offices', (via) => via.select().from(offices).orderBy(offices.code));
}

/** Offices that accept a department's applications, in code order so option lists are stable. */
export async function officesHandling(db: Db, department: Department): Promise<OfficeRow[]> {
  // A closed office (services/admin/offices.ts closeOffice) takes no new applications.
  return (await allOffices(db)).filter((o) => o.closedAt === null && o.departments.includes(department));
}

/**
 * The office whose prefix list matches `value` most specifically, so a district office wins over
 * a city-wide one when both list a prefix (110101 before 1101, 沪A before 沪).
 */
export function mostSpecificMatch(
  candidates: readonly OfficeRow[],
  value: string,
  prefixesOf: (o: OfficeRow) => readonly string[],
): OfficeRow | null {
  let best: { office: OfficeRow; length: number } | null = null;
  for (const office of candidates) {
    for (const prefix of prefixesOf(office)) {
      if (prefix && value.startsWith(prefix) && (!best || prefix.length > best.length)) best = { office, length: prefix.length };
    }
  }
  return best?.office ?? null;
}
