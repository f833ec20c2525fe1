import type { AppLoadContext, EntryContext, HandleDataRequestFunction, HandleErrorFunction } from '@remix-run/node';
import { isRouteErrorResponse } from '@remix-run/react';
import { RemixServer } from '@remix-run/react';
import { renderToString } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { requestInstance } from './compiled-translations.server';
import { getLocale, i18nFor } from './i18next.server';
import { bundleHref, inNamespaceOrder } from './locale-bundles.server';
import { TranslationBundlesProvider } from './translation-bundles';
import { NonceProvider } from './utils/nonce';

/**
 * A page is rendered to one string, not streamed (docs/decisions/0017). React 18.3.1's Node
 * stream writes its whole 2 KiB buffer when a three-byte character does not fit at its end, so
 * Chinese pages carried NUL bytes, some inside attributes (facebook/react#31134); renderToString
 * builds a JavaScript string and never had that buffer. No route defers data, so streaming gave
 * nothing a browser could see before the whole page, and it cost more server CPU. Bots and
 * browsers alike get the complete document.
 */
export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce ?? '';
  // Pages show personal data once signed in; nothing rendered is for shared caches.
  if (!responseHeaders.has('Cache-Control')) responseHeaders.set('Cache-Control', 'no-store');
  // The process's instance for the language the root loader settled on (shared: it never changes
  // language), seen through a per-request view whose t() is precompiled (decision 0029).
  const lng = await getLocale(request);
  const used = new Set<string>();
  const instance = requestInstance(await i18nFor(lng), lng, used);
  // The browser gets the namespaces the matched routes declare (handle.i18n: what their forms may
  // show later, validation messages) and every one the render reached.
  const declared = remixContext.staticHandlerContext.matches.flatMap((m) => (remixContext.routeModules[m.route.id]?.handle as { i18n?: string[] } | undefined)?.i18n ?? []);
  const bundles = () => inNamespaceOrder([...declared, ...used]).map((ns) => ({ ns, href: bundleHref(lng, ns) }));
  // A render error throws here; Remix then renders the error boundary with a 500.
  const markup = renderToString(
    <NonceProvider value={nonce}>
      <I18nextProvider i18n={instance}>
        <TranslationBundlesProvider value={bundles}>
          <RemixServer context={remixContext} url={request.url} nonce={nonce} />
        </TranslationBundlesProvider>
      </I18nextProvider>
    </NonceProvider>,
  );
  responseHeaders.set('Content-Type', 'text/html; charset=utf-8');
  // Only the streaming renderer writes the doctype itself; without it browsers use quirks mode.
  // A value sent back into a form (conform echoes what was posted, refusals included) may hold a
  // NUL; React escapes markup but not NUL. The HTML parser turns a NUL in text or an attribute
  // into U+FFFD anyway, so that is what we send: no served byte stream carries a NUL.
  return new Response(`<!DOCTYPE html>${markup.replaceAll('\u0000', '\uFFFD')}`, { headers: responseHeaders, status: responseStatusCode });
}

/** Loader data (client navigations) carries the same personal data as pages. */
export const handleDataRequest: HandleDataRequestFunction = (response) => {
  if (!response.headers.has('Cache-Control')) response.headers.set('Cache-Control', 'no-store');
  return response;
};

/**
 * What the server logs of an error Remix caught. A URL that matches no route (a browser's
 * /favicon.ico, a scanner's probe) is a 404 page, not a fault: no stack for it. A request the
 * client abandoned is no fault either. Everything else is logged as Remix would (database query
 * errors arrive here already stripped of their parameters: server/guarded-build.ts).
 */
export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return;
  if (isRouteErrorResponse(error) && error.status < 500) return;
  console.error(error);
};
