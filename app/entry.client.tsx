import { RemixBrowser } from '@remix-run/react';
import i18next, { type BackendModule } from 'i18next';
import { startTransition, StrictMode } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import { NAMESPACES } from '#locales/languages';
import { i18nConfig } from './i18n';
import { bundlesInDocument, TranslationBundlesProvider } from './translation-bundles';

/**
 * The browser's i18next holds only the page's language, and starts with the namespaces the server
 * listed for this page (decision 0029): fetched before hydrating (the <link rel=preload>s have
 * started them), so the first client render has every string the server used. Later namespaces
 * come from the same /locales/:lng/:ns URLs.
 */
const lng = document.documentElement.lang;
const bundles = bundlesInDocument(document);
const version = bundles[0] ? new URL(bundles[0].href, location.href).searchParams.get('v') : null;

const fetchJson = async (href: string) => {
  const res = await fetch(href);
  if (!res.ok) throw new Error(`${href}: ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
};

const backend: BackendModule = {
  type: 'backend',
  init() {},
  read(language, ns, callback) {
    fetchJson(`/locales/${language}/${ns}?v=${version ?? ''}`).then(
      (data) => callback(null, data),
      (error: Error) => callback(error, false),
    );
  },
};

async function hydrate() {
  const loaded = await Promise.all(bundles.map((b) => fetchJson(b.href)));
  await i18next
    .use(initReactI18next)
    .use(backend)
    .init({
      ...i18nConfig,
      lng,
      ns: bundles.map((b) => b.ns),
      resources: { [lng]: Object.fromEntries(bundles.map((b, i) => [b.ns, loaded[i]])) },
      partialBundledLanguages: true,
      // Both languages have the same keys (npm run i18n:check): no fallback language to fetch.
      fallbackLng: false,
      load: 'currentOnly',
    });
  const listed = () => bundles;
  startTransition(() => {
    hydrateRoot(
      document,
      <I18nextProvider i18n={i18next}>
        <TranslationBundlesProvider value={listed}>
          <StrictMode>
            <RemixBrowser />
          </StrictMode>
        </TranslationBundlesProvider>
      </I18nextProvider>,
    );
  });
  // The rest of the language, once the page is idle, so a client-side navigation finds its
  // strings already here instead of showing keys while they load (each bundle is cached a year).
  const idle = window.requestIdleCallback ?? ((f: () => void) => setTimeout(f, 200));
  idle(() => void i18next.loadNamespaces([...NAMESPACES]));
}

// If the strings cannot be fetched the page stays as the server rendered it: it works without JavaScript.
hydrate().catch((error: unknown) => console.error(error));
