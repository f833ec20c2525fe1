import { json, type LoaderFunctionArgs } from '@remix-run/node';
import { NAMESPACES, resources, SUPPORTED_LANGUAGES, type Language, type Namespace } from '#locales/index';
import { LOCALES_VERSION } from '~/locale-bundles.server';

/**
 * One namespace of one language, for the browser's i18next (app/entry.client.tsx, decision 0029).
 * The strings are public: no session is read. With the current version in ?v= the answer never
 * changes, so browsers and proxies keep it a year; any other v (a page from before a deploy) is
 * answered with the current strings but not cached.
 */
export async function loader({ params, request }: LoaderFunctionArgs) {
  const lng = SUPPORTED_LANGUAGES.find((l) => l === params.lng) as Language | undefined;
  const ns = NAMESPACES.find((n) => n === params.ns) as Namespace | undefined;
  if (!lng || !ns) throw json({ code: 'notFound', params: {} }, { status: 404, headers: { 'Cache-Control': 'no-store' } });
  const current = new URL(request.url).searchParams.get('v') === LOCALES_VERSION;
  return json(resources[lng][ns], { headers: { 'Cache-Control': current ? 'public, max-age=31536000, immutable' : 'no-cache' } });
}
