import { createCookie } from '@remix-run/node';
import { RemixI18Next } from 'remix-i18next/server';
import { DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, resources } from '#locales/index';
import { i18nConfig } from './i18n';

export const languageCookie = createCookie('lng', {
  path: '/',
  sameSite: 'lax',
  httpOnly: true,
  maxAge: 60 * 60 * 24 * 365,
});

/** ?lng first, then the cookie, then Accept-Language. */
export const i18next = new RemixI18Next({
  detection: {
    supportedLanguages: [...SUPPORTED_LANGUAGES],
    fallbackLanguage: DEFAULT_LANGUAGE,
    cookie: languageCookie,
    order: ['searchParams', 'cookie', 'header'],
  },
  i18next: { ...i18nConfig, resources },
});

export async function getLocale(request: Request) {
  return (await i18next.getLocale(request)) as (typeof SUPPORTED_LANGUAGES)[number];
}

export async function getFixedT(request: Request, ns: string | readonly [string, ...string[]] = 'common') {
  return i18next.getFixedT(request, ns);
}
