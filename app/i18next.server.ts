import { createCookie } from '@remix-run/node';
import { createInstance, type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { RemixI18Next } from 'remix-i18next/server';
import { DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, resources } from '#locales/index';
import { compiledT } from './compiled-translations.server';
import { i18nConfig } from './i18n';

export type Language = (typeof SUPPORTED_LANGUAGES)[number];

export const languageCookie = createCookie('lng', {
  path: '/',
  sameSite: 'lax',
  httpOnly: true,
  maxAge: 60 * 60 * 24 * 365,
});

/** ?lng first, then the cookie, then Accept-Language. Only detects: the instances are below. */
const detector = new RemixI18Next({
  detection: {
    supportedLanguages: [...SUPPORTED_LANGUAGES],
    fallbackLanguage: DEFAULT_LANGUAGE,
    cookie: languageCookie,
    order: ['searchParams', 'cookie', 'header'],
  },
});

/**
 * One i18next instance per language for the whole process, initialised on first use. An instance
 * never changes its language and every resource is bundled, so requests can share it; creating
 * one per call (remix-i18next's getFixedT) cost ~1.5 ms of CPU, three times per page.
 */
const instances = new Map<Language, Promise<I18n>>();

export function i18nFor(lng: Language): Promise<I18n> {
  let p = instances.get(lng);
  if (!p) {
    const instance = createInstance();
    p = instance
      .use(initReactI18next)
      .init({ ...i18nConfig, lng, resources })
      .then(() => memoizeLanguageCodes(instance));
    instances.set(lng, p);
  }
  return p;
}

/**
 * i18next 23 canonicalises the language code with Intl.getCanonicalLocales on every t() call,
 * three times for 'zh-CN' (a quarter of a catalog page's CPU). The answer for a code never changes.
 */
function memoizeLanguageCodes(instance: I18n): I18n {
  const utils = instance.services.languageUtils as { formatLanguageCode: (code: string) => string };
  const format = utils.formatLanguageCode.bind(utils);
  const memo = new Map<string, string>();
  utils.formatLanguageCode = (code: string) => {
    let v = memo.get(code);
    if (v === undefined) memo.set(code, (v = format(code)));
    return v;
  };
  return instance;
}

/** Per-request memo: the root loader, the route's loader and the renderer all ask. */
const locales = new WeakMap<Request, Promise<Language>>();

export function getLocale(request: Request): Promise<Language> {
  let p = locales.get(request);
  if (!p) {
    p = detector.getLocale(request) as Promise<Language>;
    locales.set(request, p);
  }
  return p;
}

/** A loader's t: precompiled (app/compiled-translations.server.ts), i18next's answers. */
export async function getFixedT(request: Request, ns: string | readonly [string, ...string[]] = 'common') {
  const lng = await getLocale(request);
  return compiledT(await i18nFor(lng), lng, ns);
}
