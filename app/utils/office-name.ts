import { useMatches } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

/**
 * The one way an office is named to a reader on a page (decision 0037; services/offices/office-names.ts
 * is the same order for messages and documents): an office created in the browser carries its own
 * names in both languages (services/admin/offices.ts); a seeded office is named in the locale files
 * (common:offices.<code>). Own name in the reader's language, the locale text, the own name in the
 * other language, the code last. Pure, so both loaders and components use it.
 */
export type NamedOffice = { code: string; nameZh?: string | null; nameEn?: string | null };
type Translate = (key: string, options: { defaultValue: string }) => string;

export function officeName(t: Translate, locale: string, office: NamedOffice): string {
  const own = locale === 'en' ? office.nameEn : office.nameZh;
  const other = locale === 'en' ? office.nameZh : office.nameEn;
  return own || t(`common:offices.${office.code}`, { defaultValue: other || office.code });
}

/** What a loader passes as `officeNames` (app/utils/office-names.server.ts): own names by office code. */
export type OfficeNameMap = Record<string, { nameZh: string | null; nameEn: string | null }>;

const OFFICE_KEY = 'common:offices.';

/**
 * For components: a function naming an office by its code, with the own names any matched
 * route's loader passed as `officeNames` (so a component deep in a page needs no props for it).
 * `label(key)` translates a key as t does, except that a `common:offices.<code>` key (the option
 * and answer keys services give for office fields) is named as above.
 */
export function useOfficeName(): { officeName: (code: string | null | undefined) => string; label: (key: string) => string } {
  const { t, i18n } = useTranslation();
  const matches = useMatches();
  const names: OfficeNameMap = {};
  for (const m of matches) {
    const data = m.data as { officeNames?: OfficeNameMap } | null | undefined;
    if (data && typeof data === 'object' && data.officeNames) Object.assign(names, data.officeNames);
  }
  const name = (code: string | null | undefined) => (code ? officeName(t as unknown as Translate, i18n.language, { code, ...names[code] }) : '');
  return { officeName: name, label: (key) => (key.startsWith(OFFICE_KEY) ? name(key.slice(OFFICE_KEY.length)) : t(key)) };
}
