/**
 * `npm run bench:render`: server renders per second of the /services page's route markup (the
 * catalog, every service of the three departments) with the language's shared i18next instance
 * beside the per-request view whose t() is precompiled (app/compiled-translations.server.ts,
 * decision 0029): the same markup (checked), alternating A B A B in one run. Only the route's
 * component is rendered (React Router's static router, as tests/support/render-route.ts does), so
 * the difference is the translations' share of the page's CPU; no database is involved.
 */
import os from 'node:os';
import type { i18n as I18n } from 'i18next';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router-dom/server';
import { requestInstance } from '../app/compiled-translations.server.js';
import { i18nFor } from '../app/i18next.server.js';
import Services, { loader } from '../app/routes/services._index.js';
import { SUPPORTED_LANGUAGES } from '../locales/index.js';

const ROUNDS = 4;
const MIN_MS = 1500;

async function renderer(lng: (typeof SUPPORTED_LANGUAGES)[number]) {
  const request = new Request(`http://localhost/services?lng=${lng}`);
  const data = await (await loader({ request, params: {}, context: {} } as never)).json();
  const handler = createStaticHandler([{ id: 'page', path: '/services', loader: () => data, Component: Services }]);
  const context = await handler.query(new Request('http://localhost/services'));
  if (context instanceof Response) throw new Error('redirect');
  const router = createStaticRouter(handler.dataRoutes, context);
  return (i18n: I18n) => renderToString(createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router, context, hydrate: false })));
}

function rate(render: () => string): number {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < MIN_MS) {
    render();
    n++;
  }
  return (n / (performance.now() - start)) * 1000;
}

const loadBefore = os.loadavg()[0];
console.log(`${'language'.padEnd(9)} ${'i18next renders/s'.padStart(18)} ${'compiled renders/s'.padStart(19)} ${'ms i18next'.padStart(11)} ${'ms compiled'.padStart(12)} ${'t() calls'.padStart(10)}`);
for (const lng of SUPPORTED_LANGUAGES) {
  const render = await renderer(lng);
  const shared = await i18nFor(lng);
  const used = new Set<string>();
  const view = requestInstance(shared, lng, used);
  if (render(shared) !== render(view)) throw new Error(`${lng}: the compiled t() rendered different markup`);
  // How many t() calls one render makes: count them on a view of the shared instance.
  let calls = 0;
  const counting = Object.create(shared) as I18n;
  counting.getFixedT = ((...a: Parameters<I18n['getFixedT']>) => {
    const t = shared.getFixedT(...a);
    return ((...b: unknown[]) => (calls++, (t as unknown as (...x: unknown[]) => string)(...b))) as unknown as ReturnType<I18n['getFixedT']>;
  }) as I18n['getFixedT'];
  render(counting);
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push(rate(() => render(shared)));
    b.push(rate(() => render(requestInstance(shared, lng, new Set()))));
  }
  const med = (xs: number[]) => xs.sort((x, y) => x - y)[xs.length >> 1];
  const [s, f] = [med(a), med(b)];
  console.log(`${lng.padEnd(9)} ${s.toFixed(0).padStart(18)} ${f.toFixed(0).padStart(19)} ${(1000 / s).toFixed(2).padStart(11)} ${(1000 / f).toFixed(2).padStart(12)} ${String(calls).padStart(10)}`);
}
console.log(`Medians of ${ROUNDS} alternating rounds of ≥ ${MIN_MS} ms. Load average ${loadBefore.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end; ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} CPUs.`);
