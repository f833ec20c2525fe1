import { createInstance } from 'i18next';
import type { ComponentType, ReactNode } from 'react';
import { renderToString } from 'react-dom/server';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import { i18nConfig } from '../../app/i18n.js';
import { resources } from '../../locales/index.js';

/**
 * Server-renders a route component with the data its loader returned, without a Remix router:
 * the test file stubs '@remix-run/react' with `remixReactStub()` and passes the data here.
 * Keys i18next cannot resolve are collected in `missingKeys`, so a test can assert none showed raw.
 */
const state: { loaderData: unknown; actionData: unknown } = { loaderData: undefined, actionData: undefined };
export const missingKeys: string[] = [];

/** The part of '@remix-run/react' route components use, reading the data given to renderPage. */
export function remixReactStub() {
  return {
    useLoaderData: () => state.loaderData,
    useActionData: () => state.actionData,
    useNavigation: () => ({ state: 'idle' }),
    // The page's own match: what useOfficeName (app/utils/office-name.ts) reads the loader's office names from.
    useMatches: () => [{ id: 'page', pathname: '/', params: {}, data: state.loaderData, handle: undefined }],
    // reloadDocument is Remix's (a full page load), not an attribute of the <form> it renders.
    Form: ({ children, method, encType, reloadDocument: _reload, ...rest }: { children: ReactNode; method?: string; encType?: string; reloadDocument?: boolean }) => (
      <form method={method} encType={encType} {...rest}>
        {children}
      </form>
    ),
    Link: ({ to, children, ...rest }: { to: string; children: ReactNode }) => (
      <a href={to} {...rest}>
        {children}
      </a>
    ),
  };
}

export async function renderPage(Page: ComponentType, data: unknown, lng: 'zh-CN' | 'en', actionData?: unknown): Promise<string> {
  state.loaderData = data;
  state.actionData = actionData;
  const i18n = createInstance();
  await i18n.use(initReactI18next).init({
    ...i18nConfig,
    lng,
    resources,
    saveMissing: true,
    missingKeyHandler: (_l: readonly string[], ns: string, key: string) => {
      missingKeys.push(`${lng} ${ns}:${key}`);
    },
  });
  return renderToString(
    <I18nextProvider i18n={i18n}>
      <Page />
    </I18nextProvider>,
  );
}
