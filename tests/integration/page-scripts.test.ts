import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Server } from 'node:http';
import type { ServerBuild } from '@remix-run/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { createApp } from '../../server/app.js';
import { EXAMPLE_ANSWERS } from '../../services/catalog/examples.js';
import { pageLoadsScripts } from '../../app/utils/page-scripts.js';
import { ENHANCEMENT_ENTRIES } from '../../scripts/build-enhancements.js';
import { createApplicant, createSubmittedApplication } from '../support/applications.js';
import { appContext, createStaff, fixedClock, sessionCookieFor, testConfig } from '../support/factories.js';
import { sourceServerBuild } from '../support/server-build.js';
import { createTestDb } from '../setup/test-db.js';

/**
 * Citizen pages load no JavaScript (decision 0044): no <script>, no modulepreload, no translation
 * preloads; staff pages hydrate. The apply form loads only its own small script (decision 0046).
 * Every page route must say which it is, so a new citizen page that forgets fails here, and the
 * pages themselves are fetched to see what a browser would get.
 */
const root = path.resolve(__dirname, '../..');
/** Staff pages: they hydrate (a route that says nothing does). */
const STAFF = /^routes\/(desk|reports|admin|activate)(\.|_|$)/;
/** Where the server is told the apply form's script is (server/enhancements.ts reads the real one). */
const APPLY_SCRIPT = '/build/enhance/apply-form-TEST.js';

let build: ServerBuild;
let h: DbHandle;
let server: Server;
let base: string;
const cookies = { citizen: '', clerk: '' };
let number = '';

beforeAll(async () => {
  build = await sourceServerBuild();
  h = await createTestDb();
  const clock = fixedClock();
  const config = testConfig();
  const citizen = await createApplicant(h.db);
  const clerk = await createStaff(h.db, { officeCode: 'bj-dongcheng' });
  ({ number } = await createSubmittedApplication(h.db, { citizen, serviceCode: 'temporary-id-card', answers: EXAMPLE_ANSWERS['temporary-id-card'], clock, config }));
  cookies.citizen = await sessionCookieFor(h.db, clock, citizen.id);
  cookies.clerk = await sessionCookieFor(h.db, clock, clerk.id);
  server = createApp(build, { ...appContext(h.db, clock, config), enhancements: { applyForm: APPLY_SCRIPT } }, root).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await h?.close();
});

describe('which routes load JavaScript', () => {
  it('every page route says it: staff pages hydrate, citizen pages do not', () => {
    const pages = Object.values(build.routes).filter((r) => r.id !== 'root' && typeof r.module.default === 'function');
    expect(pages.length).toBeGreaterThan(40);
    const wrong: string[] = [];
    for (const r of pages) {
      const { scripts, enhancement } = (r.module.handle as { scripts?: unknown; enhancement?: string } | undefined) ?? {};
      if (enhancement !== undefined && !(enhancement in ENHANCEMENT_ENTRIES)) wrong.push(`${r.id}: no script named ${enhancement} is built`);
      if (STAFF.test(r.id)) {
        if (scripts !== undefined) wrong.push(`${r.id}: a staff page, hydrates`);
      } else if (scripts !== false) {
        wrong.push(`${r.id}: a citizen's or visitor's page needs handle.scripts: false (decision 0044)`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('decides from the matched routes, their data, and whether the page is an error', () => {
    expect(pageLoadsScripts([{ handle: { i18n: ['common'] } }, { handle: { i18n: ['desk'] } }], undefined)).toBe(true);
    expect(pageLoadsScripts([{ handle: {} }, { handle: { scripts: false } }], undefined)).toBe(false);
    const byData = { handle: { scripts: (d: unknown) => (d as { live: boolean }).live } };
    expect(pageLoadsScripts([{}, { ...byData, data: { live: true } }], undefined)).toBe(true);
    expect(pageLoadsScripts([{}, { ...byData, data: { live: false } }], undefined)).toBe(false);
    expect(pageLoadsScripts([{ handle: {} }, { handle: {} }], new Error('x'))).toBe(false);
  });
});

const scriptsIn = (html: string) => ({
  scripts: html.match(/<script\b[^>]*>/g) ?? [],
  modulepreload: html.includes('rel="modulepreload"'),
  bundles: html.includes('data-i18n-ns'),
});

describe('the pages as a browser gets them', () => {
  const anonymous = ['/', '/services', '/services/hukou-migration', '/login', '/signup', '/forgot-password', '/track', '/verify/keys', '/no-such-page', '/applications'];
  const citizen = ['/', '/services', '/applications', '/applications/:number', '/applications/:number/rate', '/account', '/desk', '/applications/SQ000000000000'];

  it.each(anonymous)('%s (anonymous) loads no script', async (p) => {
    const res = await fetch(`${base}${p}`, { redirect: 'follow' });
    const html = await res.text();
    expect(html).toContain('</main>');
    expect(scriptsIn(html)).toEqual({ scripts: [], modulepreload: false, bundles: false });
  });

  it.each(citizen)('%s (a citizen) loads no script', async (p) => {
    const res = await fetch(`${base}${p.replace(':number', number)}`, { headers: { Cookie: cookies.citizen }, redirect: 'manual' });
    expect(res.status).not.toBe(302);
    const html = await res.text();
    expect(html).toContain('</main>');
    expect(scriptsIn(html)).toEqual({ scripts: [], modulepreload: false, bundles: false });
  });

  it('the apply form of an item whose checklist follows the answers loads its own script, nothing of React or Remix', async () => {
    const html = await (await fetch(`${base}/services/hukou-migration/apply`, { headers: { Cookie: cookies.citizen } })).text();
    expect(scriptsIn(html)).toEqual({ scripts: [`<script type="module" src="${APPLY_SCRIPT}">`], modulepreload: false, bundles: false });
    // What the script asks the definition, and the hooks it shows and hides by.
    expect(html).toMatch(/<form[^>]* data-service="hukou-migration" data-today="\d{4}-\d{2}-\d{2}"/);
    expect(html).toContain('data-field="originAddress"');
    expect(html).toContain('data-material="admissionNotice"');
    expect(html).toContain('data-materials');
  });

  it('the clerk’s desk hydrates', async () => {
    const found = scriptsIn(await (await fetch(`${base}/desk`, { headers: { Cookie: cookies.clerk } })).text());
    expect(found.scripts.length).toBeGreaterThan(0);
    expect(found.modulepreload).toBe(true);
    expect(found.bundles).toBe(true);
  });
});
