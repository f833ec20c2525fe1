import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { createApp } from '../../server/app.js';
import { LOCALES_VERSION } from '../../app/locale-bundles.server.js';
import { NAMESPACES, resources } from '../../locales/index.js';
import { appContext, fixedClock, testConfig } from '../support/factories.js';
import { sourceServerBuild } from '../support/server-build.js';
import { createTestDb } from '../setup/test-db.js';

/**
 * What the browser's i18next gets (decision 0029): each page lists, after its content, the
 * namespaces of its own language that its routes declare and that its render used; each is served
 * from /locales/:lng/:ns, cached a year under the current version.
 */
const root = path.resolve(__dirname, '../..');
let h: DbHandle;
let server: Server;
let base: string;

beforeAll(async () => {
  h = await createTestDb();
  server = createApp(await sourceServerBuild(), appContext(h.db, fixedClock(), testConfig()), root).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await h.close();
});

const bundleLinks = (html: string) =>
  [...html.matchAll(/<link rel="preload" as="fetch" crossorigin="anonymous" href="([^"]+)" data-i18n-ns="([^"]+)"\/>/g)].map((m) => ({ href: m[1], ns: m[2] }));

describe.each(['zh-CN', 'en'] as const)('translation bundles in %s', (lng) => {
  // A page that hydrates (a staff page; citizen pages load no JavaScript and list none, decision 0044).
  it.each([['/activate', ['common', 'errors', 'validation', 'auth', 'admin']]])('%s lists only its own namespaces, in its language, after the content', async (pagePath, expected) => {
    const res = await fetch(`${base}${pagePath}`, { headers: { 'Accept-Language': lng } });
    const html = await res.text();
    const links = bundleLinks(html);
    expect(links.map((l) => l.ns).sort()).toEqual([...expected].sort());
    for (const l of links) expect(l.href).toBe(`/locales/${lng}/${l.ns}?v=${LOCALES_VERSION}`);
    // After </main>: listed once the page's render has reached every namespace it uses.
    expect(html.indexOf('data-i18n-ns')).toBeGreaterThan(html.indexOf('</main>'));
    // No strings inlined: the page carries no namespace's JSON.
    expect(html).not.toContain(JSON.stringify(resources[lng].errors).slice(0, 40));
  });

  it.each(['/', '/services', '/services/hukou-migration', '/login', '/no-such-page'])('%s loads no JavaScript, so it lists no bundle to fetch', async (pagePath) => {
    const html = await (await fetch(`${base}${pagePath}`, { headers: { 'Accept-Language': lng } })).text();
    expect(html).toContain('</main>');
    expect(bundleLinks(html)).toEqual([]);
  });

  it('serves each namespace as JSON, cached a year under the current version only', async () => {
    for (const ns of NAMESPACES) {
      const res = await fetch(`${base}/locales/${lng}/${ns}?v=${LOCALES_VERSION}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(await res.json()).toEqual(resources[lng][ns]);
    }
    const stale = await fetch(`${base}/locales/${lng}/common?v=old`);
    expect(stale.status).toBe(200);
    expect(stale.headers.get('cache-control')).toBe('no-cache');
  });
});

describe('the bundles route', () => {
  it.each(['/locales/fr/common', '/locales/en/nope', '/locales/en/__proto__', '/locales/zh-CN/constructor', '/locales/en/..%2Fpackage'])('refuses %s with 404', async (p) => {
    const res = await fetch(`${base}${p}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});
