import type { Db } from '#db/client';
import { ownOfficeNames } from '#services/offices/office-names';
import type { OfficeNameMap } from '~/utils/office-name';

/**
 * The own names (services/offices/office-names.ts) of every office whose code appears as a text
 * value anywhere in `data` (a loader's answer), for the page's useOfficeName (app/utils/office-name.ts).
 * Seeded offices, named in the locale files, add nothing; a page that shows no office created in
 * the browser carries an empty object. Office names are reference data, read from the process's
 * cache (services/reference-cache.ts): no query on most requests.
 */
export async function officeNamesFor(db: Db, data: unknown): Promise<OfficeNameMap> {
  const own = await ownOfficeNames(db);
  const out: OfficeNameMap = {};
  if (own.size === 0) return out;
  const seen = new Set<unknown>();
  const visit = (v: unknown, depth: number): void => {
    if (typeof v === 'string') {
      const n = own.get(v);
      if (n) out[v] = { nameZh: n.nameZh, nameEn: n.nameEn };
      return;
    }
    if (!v || typeof v !== 'object' || depth > 12 || seen.has(v)) return;
    seen.add(v);
    for (const x of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) visit(x, depth + 1);
  };
  visit(data, 0);
  return out;
}

/** A loader's answer with `officeNames` for the offices it mentions. */
export async function withOfficeNames<T extends object>(db: Db, data: T): Promise<T & { officeNames: OfficeNameMap }> {
  return { ...data, officeNames: await officeNamesFor(db, data) };
}
