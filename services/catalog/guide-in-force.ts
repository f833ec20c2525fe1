import type { Db } from '../../db/client.js';
import { chinaDate } from '../calendar/working-days.js';
import type { ServiceContext } from '../context.js';
import { catalogEntryOf, guideOf, type CatalogEntry, type ServiceGuide } from './guide.js';
import { servicesByDepartment } from './index.js';
import { withFacts } from './item-facts.js';
import { definitionInForce, itemReference, versionInForce } from './item-versions.js';
import type { Department } from './types.js';

/**
 * The public catalog and guides as the list of items in force today states them (docs/decisions/0036):
 * the version's limits, fees and texts, its number and the date it took effect. The list is cached
 * per process (item-versions.ts), so these read no table on most requests.
 */

export async function guideInForce(ctx: Pick<ServiceContext, 'db' | 'clock'>, code: string): Promise<ServiceGuide> {
  const { def, version, facts } = await definitionInForce(ctx.db, code, chinaDate(ctx.clock.now()));
  return guideOf(def, version ? { version: version.version, effectiveFrom: version.effectiveFrom, facts } : null);
}

export async function catalogInForce(
  ctx: Pick<ServiceContext, 'db' | 'clock'>,
): Promise<{ department: Department; departmentKey: string; services: (CatalogEntry & { offered: boolean })[] }[]> {
  const ref = await itemReference(ctx.db as Db);
  const today = chinaDate(ctx.clock.now());
  return servicesByDepartment().map(({ department, services }) => ({
    department,
    departmentKey: `common:departments.${department}`,
    services: services.map((def) => {
      const v = versionInForce(ref, def.code, today);
      return { ...catalogEntryOf(v ? withFacts(def, v.facts) : def), offered: v?.facts.offered ?? true };
    }),
  }));
}
