import { createContext, useContext } from 'react';

/** A namespace the page's browser i18next starts with, and the URL it is fetched from. */
export type Bundle = { ns: string; href: string };

/**
 * Which translation bundles the page needs (decision 0029). On the server, asked only when the
 * links below render — after the page's content, so every namespace the render reached is known;
 * in the browser, the links the server sent, read back before hydration so both render the same.
 */
const BundlesContext = createContext<() => Bundle[]>(() => []);
export const TranslationBundlesProvider = BundlesContext.Provider;

/**
 * Preloads of the page's namespaces in its language. They come after the content in <body>, and
 * app/entry.client.tsx reads them to know what to fetch before hydrating.
 */
export function TranslationBundleLinks() {
  const bundles = useContext(BundlesContext)();
  return (
    <>
      {bundles.map((b) => (
        <link key={b.ns} rel="preload" as="fetch" crossOrigin="anonymous" href={b.href} data-i18n-ns={b.ns} />
      ))}
    </>
  );
}

/** The bundles the server listed, in its order. */
export function bundlesInDocument(doc: Document): Bundle[] {
  return [...doc.querySelectorAll<HTMLLinkElement>('link[data-i18n-ns]')].map((l) => ({ ns: l.dataset.i18nNs!, href: l.getAttribute('href')! }));
}
