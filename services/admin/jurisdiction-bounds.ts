import { and, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { offices } from '../../db/schema/index.js';

/**
 * Where an administrator may route people (decision 0027: anything outside their tree is not
 * theirs). Org unit codes are administrative-division codes (GB/T 2260), so a unit's residents
 * are the region codes that start with its code, and its province's vehicles carry the
 * province's plate character. Without this, a city administrator could claim another
 * province's residents for an office of their own, and their files with them.
 */
export const PROVINCE_PLATES: Readonly<Record<string, string>> = {
  '11': '京', '12': '津', '13': '冀', '14': '晋', '15': '蒙', '21': '辽', '22': '吉', '23': '黑',
  '31': '沪', '32': '苏', '33': '浙', '34': '皖', '35': '闽', '36': '赣', '37': '鲁',
  '41': '豫', '42': '鄂', '43': '湘', '44': '粤', '45': '桂', '46': '琼',
  '50': '渝', '51': '川', '52': '贵', '53': '云', '54': '藏',
  '61': '陕', '62': '甘', '63': '青', '64': '宁', '65': '新',
};

export type Jurisdiction = { regionPrefixes: readonly string[]; platePrefixes: readonly string[]; departments: readonly string[] };

/**
 * Field errors (validation keys) for prefixes outside the administrator's unit: region codes must
 * lie inside it, plates must be its province's. `adminUnit` null is the national root administrator.
 */
export function outsideArea(adminUnit: string | null, j: Jurisdiction): Record<string, string[]> {
  if (adminUnit === null) return {};
  const errors: Record<string, string[]> = {};
  if (j.regionPrefixes.some((p) => !p.startsWith(adminUnit))) errors.regionPrefixes = ['admin.regionOutOfScope'];
  const plate = PROVINCE_PLATES[adminUnit.slice(0, 2)];
  if (j.platePrefixes.some((p) => p[0] !== plate)) errors.platePrefixes = ['admin.plateOutOfScope'];
  return errors;
}

/**
 * Field errors for a prefix another open office of an overlapping department already holds: the
 * most specific prefix decides where an application goes (services/applications/jurisdiction.ts),
 * and between two equal ones nobody chose, so the second is refused rather than silently winning.
 */
export async function prefixTies(tx: Db, code: string | null, j: Jurisdiction): Promise<Record<string, string[]>> {
  if (j.departments.length === 0 || (j.regionPrefixes.length === 0 && j.platePrefixes.length === 0)) return {};
  const list = (xs: readonly string[]) => sql`array[${sql.join(xs.length ? xs.map((x) => sql`${x}`) : [sql`null`], sql`, `)}]::text[]`;
  const rows = await tx
    .select({ regions: offices.regionPrefixes, plates: offices.platePrefixes })
    .from(offices)
    .where(
      and(
        isNull(offices.closedAt),
        code ? ne(offices.code, code) : undefined,
        sql`${offices.departments} && ${list(j.departments)}`,
        sql`(${offices.regionPrefixes} && ${list(j.regionPrefixes)} or ${offices.platePrefixes} && ${list(j.platePrefixes)})`,
      ),
    );
  const errors: Record<string, string[]> = {};
  if (rows.some((r) => r.regions.some((p) => j.regionPrefixes.includes(p)))) errors.regionPrefixes = ['admin.regionPrefixTaken'];
  if (rows.some((r) => r.plates.some((p) => j.platePrefixes.includes(p)))) errors.platePrefixes = ['admin.platePrefixTaken'];
  return errors;
}
