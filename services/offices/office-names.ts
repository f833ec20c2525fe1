import { inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { offices } from '../../db/schema/index.js';
import type { Language } from '../../locales/index.js';
import { lookup } from '../locale-text.js';
import { allOffices } from './offices.js';

/**
 * The one way an office is named to a reader (decision 0037). An office an administrator created
 * carries its own names (offices.name_zh / name_en, services/admin/offices.ts); a seeded office is
 * named in the locale files (common:offices.<code>). Own name in the reader's language first, then
 * the locale text, then the own name in the other language, the code last. Services use
 * officeNameIn (messages, documents); pages use app/utils/office-name.ts, which applies the same
 * order to the names their loaders pass (app/utils/office-names.server.ts).
 */
export type OwnNames = { nameZh: string | null; nameEn: string | null };
export type OfficeNames = ReadonlyMap<string, OwnNames>;

export function officeNameIn(lng: Language, code: string, names?: OfficeNames): string {
  const own = names?.get(code);
  const mine = lng === 'en' ? own?.nameEn : own?.nameZh;
  const other = lng === 'en' ? own?.nameZh : own?.nameEn;
  return mine || lookup(lng, `common:offices.${code}`) || other || code;
}

/** Own names of the offices among these rows that have them (rows the caller already read). */
export const officeNamesFrom = (rows: readonly (OwnNames & { code: string })[]): OfficeNames =>
  new Map(rows.filter((r) => r.nameZh || r.nameEn).map((r) => [r.code, { nameZh: r.nameZh, nameEn: r.nameEn }]));

/** Own names of every office that has them, from the reference cache: call with the root handle, outside a transaction. */
export async function ownOfficeNames(db: Db): Promise<OfficeNames> {
  return officeNamesFrom(await allOffices(db));
}

/** Own names of the given offices, read on `db` as it is (a transaction's own read). */
export async function officeNamesOf(db: Db, codes: readonly (string | null | undefined)[]): Promise<OfficeNames> {
  const wanted = [...new Set(codes.filter((c): c is string => !!c))];
  if (wanted.length === 0) return new Map();
  return officeNamesFrom(await db.select({ code: offices.code, nameZh: offices.nameZh, nameEn: offices.nameEn }).from(offices).where(inArray(offices.code, wanted)));
}
