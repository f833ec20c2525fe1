/**
 * The pages bench's references (issue 17): a plain node:http server, no Remix and no express, that
 * answers /services, /services/:code and /desk with the same markup the portal sends, from the
 * same data, read the same way — the route modules' own loaders (root and page, from the same
 * production build the portal runs, so the same code) are called for every request, with the
 * session lookup and the list-of-items cache they use. Two ways of turning that data into the
 * page, chosen by REFERENCE_RENDER:
 *
 * - `react`: renderToString of the route modules' own components (root App, the page) under
 *   React Router's static router (what their hooks need), inside the document Remix's Layout
 *   writes (title, meta, stylesheet, the translation bundles' links), with the loader data as one
 *   inline JSON script where the portal's page carries Remix's (REFERENCE_HYDRATES, the paths
 *   whose page hydrates). bench/pages.ts checks the markup equals the portal's once scripts and
 *   nonces are set aside.
 * - `template`: the same markup built by a template string (bench/pages-templates.ts) for the
 *   pages it has a template for; others answer 404.
 *
 * Started by bench/pages.ts as its own Node process (NODE_ENV=production), like the portal.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServerBuild } from '@remix-run/node';
import { createElement, Fragment, type ReactNode } from 'react';
import { renderToString } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { matchRoutes, type RouteObject } from 'react-router-dom';
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router-dom/server';
import { requestInstance } from '../app/compiled-translations.server.js';
import { getLocale, i18nFor } from '../app/i18next.server.js';
import { bundleHref, inNamespaceOrder } from '../app/locale-bundles.server.js';
import { contentSecurityPolicy } from '../server/app.js';
import { buildsBySegment } from '../server/builds-by-segment.js';
import { createDb } from '../db/client.js';
import { defaultConfig, systemClock } from '../services/context.js';
import { ROOT } from './server.js';

type Mode = 'react' | 'template';
const mode = (process.env.REFERENCE_RENDER ?? 'react') as Mode;
const hydrates = new Set((process.env.REFERENCE_HYDRATES ?? '').split(',').filter(Boolean));

const build = (await import(pathToFileURL(path.join(ROOT, 'build/index.js')).href)) as ServerBuild;
const handle = await createDb({ url: process.env.DATABASE_URL });
const context = {
  db: handle.db,
  clock: systemClock,
  config: defaultConfig({ uploadDir: process.env.UPLOAD_DIR ?? '/tmp' }),
  sessionSecret: process.env.SESSION_SECRET ?? '',
  production: true,
};

type RouteModule = ServerBuild['routes'][string]['module'] & { handle?: { i18n?: string[] } };
const mod = (id: string) => build.routes[id].module as RouteModule;
const root = mod('root');
const stylesheets = (root.links?.() ?? []).filter((l) => 'rel' in l && l.rel === 'stylesheet').map((l) => (l as { href: string }).href);

/** The pages it answers, by route id; the URL is looked up among all the app's routes, as the portal must. */
const pages = new Map([
  ['routes/services._index', 'services'],
  ['routes/services.$code._index', 'services/:code'],
  ['routes/desk._index', 'desk'],
]);

/**
 * The build's route table, nested as Remix nests it, for the routes that could match the URL's
 * first segment (server/builds-by-segment.ts, the table the portal's Remix matches against; built
 * once per segment): finding a URL's route among the app's routes is work any server of this app
 * does per request, so the reference does it too, once (the portal's Remix does it three times:
 * decision 0049).
 */
const buildFor = buildsBySegment(build);
const tables = new Map<ServerBuild, RouteObject[]>();
function routeTable(b: ServerBuild, parentId?: string): RouteObject[] {
  return Object.values(b.routes)
    .filter((r) => r.parentId === parentId)
    .map((r) => (r.index ? { id: r.id, path: r.path, index: true } : { id: r.id, path: r.path, caseSensitive: r.caseSensitive, children: routeTable(b, r.id) }));
}
function tableFor(pathname: string): RouteObject[] {
  const b = buildFor(pathname);
  let t = tables.get(b);
  if (!t) tables.set(b, (t = routeTable(b)));
  return t;
}

/** The portal's edge headers (server/app.ts securityHeaders), with a fresh nonce per response as there. */
function edgeHeaders(): Record<string, string> {
  const nonce = randomBytes(16).toString('base64');
  return {
    'content-security-policy': contentSecurityPolicy(nonce),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
  };
}

/** A loader's answer as data, as Remix unwraps it; a redirect or error status is passed on. */
async function dataOf(res: unknown): Promise<{ data: unknown } | { response: Response }> {
  if (res instanceof Error) throw res;
  if (!(res instanceof Response)) return { data: res };
  if (res.status !== 200) return { response: res };
  return { data: await res.json() };
}

/** A loader's answer, or what it threw (a redirect, an error response), as Remix catches it. */
const call = (loader: unknown, args: unknown): Promise<unknown> =>
  Promise.resolve()
    .then(() => (loader as (a: unknown) => unknown)(args))
    .catch((e: unknown) => e);

const escapeJson = (s: string) => s.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

type Meta = { title?: string; name?: string; content?: string }[];

async function render(req: http.IncomingMessage): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  const matches = matchRoutes(tableFor(url.pathname), url.pathname);
  const leaf = matches?.[matches.length - 1];
  const pagePath = leaf ? pages.get(leaf.route.id!) : undefined;
  if (!leaf || pagePath === undefined) return { status: 404, headers: {}, body: 'not found' };
  const page = { p: { id: leaf.route.id!, path: pagePath }, params: leaf.params as Record<string, string> };
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  const request = new Request(url.href, { headers });
  const params = page.params;
  // The same two loaders Remix calls, in parallel as Remix does.
  const [rootRes, pageRes] = await Promise.all([
    call(root.loader, { request, params, context }),
    call(mod(page.p.id).loader, { request, params, context }),
  ]);
  const [rootData, pageData] = await Promise.all([dataOf(rootRes), dataOf(pageRes)]);
  for (const d of [pageData, rootData]) {
    if ('response' in d) {
      const h: Record<string, string> = {};
      d.response.headers.forEach((v, k) => (h[k] = v));
      return { status: d.response.status, headers: h, body: await d.response.text() };
    }
  }
  const rd = (rootData as { data: { locale: string } }).data;
  const pd = (pageData as { data: unknown }).data;
  const lng = await getLocale(request);
  const used = new Set<string>();
  const instance = requestInstance(await i18nFor(lng), lng, used);
  const declared = [...(root.handle?.i18n ?? []), ...(mod(page.p.id).handle?.i18n ?? [])];
  const hydrate = hydrates.has(url.pathname);
  // A page that loads no script has no translation preloads either (app/utils/page-scripts.ts).
  const bundleLinks = () => (hydrate ? inNamespaceOrder([...declared, ...used]).map((ns) => ({ ns, href: bundleHref(lng, ns) })) : []);
  const meta = ((mod(page.p.id).meta as unknown as (a: unknown) => Meta)?.({ data: pd, params, location: url }) ?? []) as Meta;

  let body: string;
  if (mode === 'template') {
    const { templatePage } = await import('./pages-templates.js');
    const html = templatePage(page.p.id, { t: instance.t.bind(instance), lng, rootData: rd, pageData: pd, url, meta, stylesheets, bundles: bundleLinks });
    if (html === null) return { status: 404, headers: {}, body: 'no template for this page' };
    body = html;
  } else {
    const handler = createStaticHandler([
      {
        id: 'root',
        path: '/',
        loader: () => rd as object,
        Component: root.default as never,
        children: [{ id: page.p.id, path: page.p.path, index: page.p.id.endsWith('_index') as true, loader: () => pd as object, Component: mod(page.p.id).default as never }],
      },
    ]);
    const ctx = await handler.query(request);
    if (ctx instanceof Response) throw new Error('unexpected redirect');
    const router = createStaticRouter(handler.dataRoutes, ctx);
    const head: ReactNode[] = [
      createElement('meta', { key: 'c', charSet: 'utf-8' }),
      createElement('meta', { key: 'v', name: 'viewport', content: 'width=device-width, initial-scale=1' }),
      ...meta.map((m, i) => (m.title !== undefined ? createElement('title', { key: i }, m.title) : createElement('meta', { key: i, name: m.name, content: m.content }))),
      ...stylesheets.map((href) => createElement('link', { key: href, rel: 'stylesheet', href })),
    ];
    // The translation links are rendered after the content, as Layout does: by then `used` is complete.
    function BundleLinks() {
      return createElement(Fragment, null, ...bundleLinks().map((b) => createElement('link', { key: b.ns, rel: 'preload', as: 'fetch', crossOrigin: 'anonymous', href: b.href, 'data-i18n-ns': b.ns })));
    }
    const markup = renderToString(
      createElement(
        I18nextProvider,
        { i18n: instance },
        createElement(
          'html',
          { lang: rd.locale, dir: 'ltr' },
          createElement('head', null, ...head),
          createElement(
            'body',
            null,
            createElement(StaticRouterProvider, { router, context: ctx, hydrate: false }),
            createElement(BundleLinks),
            hydrate ? createElement('script', { dangerouslySetInnerHTML: { __html: `window.__data=${escapeJson(JSON.stringify({ root: rd, page: pd }))}` } }) : null,
          ),
        ),
      ),
    );
    body = `<!DOCTYPE html>${markup}`;
  }
  return { status: 200, headers: { ...edgeHeaders(), 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, body };
}

const server = http.createServer((req, res) => {
  render(req).then(
    ({ status, headers, body }) => {
      res.writeHead(status, headers);
      res.end(body);
    },
    (e: unknown) => {
      console.error(e);
      res.writeHead(500);
      res.end(String(e));
    },
  );
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`reference (${mode}) ready`));
const stop = () => server.close(() => void handle.close().finally(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
