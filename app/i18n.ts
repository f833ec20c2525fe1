import { DEFAULT_LANGUAGE, NAMESPACES, SUPPORTED_LANGUAGES } from '#locales/languages';

/** Shared by the server and browser i18next instances. */
export const i18nConfig = {
  supportedLngs: [...SUPPORTED_LANGUAGES],
  fallbackLng: DEFAULT_LANGUAGE,
  defaultNS: 'common',
  ns: NAMESPACES,
  interpolation: { escapeValue: false },
  react: { useSuspense: false },
};
