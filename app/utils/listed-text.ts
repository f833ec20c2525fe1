/**
 * A text the published list of items gives in both languages (services/catalog/item-facts.ts
 * LocalText), in the reader's: null keeps the catalog's own text (docs/decisions/0036, 0040).
 * Plain data, no server code: pages import it.
 */
export function listedText(text: { zh: string; en: string } | null | undefined, locale: string): string | null {
  if (!text) return null;
  return locale === 'en' ? text.en : text.zh;
}
