import { DEFAULT_LANGUAGE, resources, SUPPORTED_LANGUAGES, type Language } from '../locales/index.js';

/**
 * Texts from locales/ for what the services write themselves (decision documents, messages),
 * outside any request: a key lookup and {{name}} interpolation, which is all those texts use.
 * The pages keep i18next.
 */
export function languageOf(locale: string | null | undefined): Language {
  return (SUPPORTED_LANGUAGES as readonly string[]).includes(locale ?? '') ? (locale as Language) : DEFAULT_LANGUAGE;
}

type Tree = { [k: string]: string | Tree };

/** The text at 'ns:a.b.c' in the language, or undefined when there is none. */
export function lookup(lng: Language, key: string): string | undefined {
  const [ns, path] = key.includes(':') ? key.split(':', 2) : ['common', key];
  let node: string | Tree | undefined = (resources[lng] as unknown as Tree)[ns];
  for (const part of path.split('.')) {
    if (node === undefined || typeof node === 'string') return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

export function interpolate(text: string, vars: Record<string, unknown>): string {
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
    const v = vars[name];
    return v === undefined || v === null ? '' : String(v);
  });
}

/** A required text: a missing key is a bug (the locale check keeps both languages equal), so it throws. */
export function text(lng: Language, key: string, vars: Record<string, unknown> = {}): string {
  const t = lookup(lng, key);
  if (t === undefined) throw new Error(`missing text ${key} (${lng})`);
  return interpolate(t, vars);
}

const dayFormats = new Map<Language, Intl.DateTimeFormat>();

/** A China calendar day ('YYYY-MM-DD') as the language writes it: 2026年11月23日, 23 November 2026. */
export function formatChinaDay(lng: Language, day: string | null | undefined): string {
  if (!day) return '';
  let f = dayFormats.get(lng);
  if (!f) dayFormats.set(lng, (f = new Intl.DateTimeFormat(lng, { dateStyle: 'long', timeZone: 'UTC' })));
  return f.format(new Date(`${day}T00:00:00Z`));
}
