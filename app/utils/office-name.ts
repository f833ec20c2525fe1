/**
 * The one way an office is named to a reader (admin pages, their option lists): an office created
 * in the browser carries its own names in both languages (services/admin/offices.ts); a seeded
 * office is named in the locale files (common:offices.<code>). The code is the last resort only,
 * for an office with neither. Pure, so both loaders and components use it.
 */
export type NamedOffice = { code: string; nameZh?: string | null; nameEn?: string | null };
type Translate = (key: string, options: { defaultValue: string }) => string;

export function officeName(t: Translate, locale: string, office: NamedOffice): string {
  const own = locale === 'en' ? office.nameEn : office.nameZh;
  return own || t(`common:offices.${office.code}`, { defaultValue: office.code });
}
