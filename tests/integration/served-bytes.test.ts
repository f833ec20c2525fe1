import { execFile } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { ServerBuild } from '@remix-run/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { createApp } from '../../server/app.js';
import { enrollTotp } from '../../services/auth/totp.js';
import { SERVICES } from '../../services/catalog/index.js';
import { EXAMPLE_ANSWERS } from '../../services/catalog/examples.js';
import { claimApplication } from '../../services/queue/claim.js';
import { rateApplication } from '../../services/ratings/ratings.js';
import { acceptApplication, completeApplication } from '../../services/review/decisions.js';
import { issueNotice } from '../../services/review/notice.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { createApplicant, createSubmittedApplication } from '../support/applications.js';
import { actorOf, appContext, createStaff, fixedClock, sessionCookieFor, TEST_PASSWORD, testConfig, testContext } from '../support/factories.js';
import { createTestDb } from '../setup/test-db.js';

/**
 * Every page as a browser receives it, in both languages: the production build's document
 * render (app/entry.server.tsx) behind the server's own express app, over a socket. React
 * 18.3.1's streaming renderer wrote NUL bytes where a three-byte character did not fit before a
 * 2 KiB boundary (decision 0017); Chinese pages cross many. No byte stream may carry a NUL, a
 * U+FFFD or anything that is not UTF-8.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// A build of its own (remix.config.js reads REMIX_BUILD_DIR): never the app's build/ or public/build.
const buildDir = path.join(root, 'build', `.served-bytes-${process.pid}`);

let h: DbHandle;
let base: string;
let close: () => Promise<void>;
/** Signed-in sessions, and a staff member between the password and the code (the second-factor page). */
const cookies: Record<'citizen' | 'clerk' | 'manager' | 'password step', string> = { citizen: '', clerk: '', manager: '', 'password step': '' };
const numbers = { noticed: '', completed: '', rateable: '', reviewing: '', submitted: '' };

beforeAll(async () => {
  const built = promisify(execFile)(path.join(root, 'node_modules/.bin/remix'), ['build'], {
    cwd: root,
    env: { ...process.env, REMIX_BUILD_DIR: path.relative(root, buildDir), NODE_ENV: 'production' },
  });
  h = await createTestDb();
  const clock = fixedClock();
  const config = testConfig({ rectificationDays: 3 });

  // Chinese text wherever a page shows data: names, answers, notes, comments.
  const citizen = await createApplicant(h.db, { realName: '欧阳明月' });
  const clerk = await createStaff(h.db, { officeCode: 'bj-dongcheng' });
  const manager = await createStaff(h.db, { role: 'manager', officeCode: 'bj-dongcheng' });
  const staff = testContext(h.db, actorOf(clerk), clock, config);
  const file = (serviceCode: string, answers = EXAMPLE_ANSWERS[serviceCode]) => createSubmittedApplication(h.db, { citizen, serviceCode, answers, clock, config });

  // A notice flagging two materials, with a clerk's note.
  numbers.noticed = (await file('temporary-id-card')).number;
  let { leaseVersion } = await claimApplication(staff, numbers.noticed);
  await recordVerdict(staff, numbers.noticed, { leaseVersion, materialCode: 'hukouBook', verdict: 'ok' });
  await recordVerdict(staff, numbers.noticed, { leaseVersion, materialCode: 'idCollectionReceipt', verdict: 'missing' });
  await recordVerdict(staff, numbers.noticed, { leaseVersion, materialCode: 'photo', verdict: 'deficient', reasonCode: 'photoSpec', note: '照片背景非白色，请按规格重新拍摄后上传' });
  await issueNotice(staff, numbers.noticed, leaseVersion);

  // Two completed: one rated badly (a rectification for the manager), one still to rate.
  for (const key of ['completed', 'rateable'] as const) {
    numbers[key] = (await file('temporary-id-card')).number;
    ({ leaseVersion } = await claimApplication(staff, numbers[key]));
    for (const m of ['hukouBook', 'idCollectionReceipt', 'photo']) await recordVerdict(staff, numbers[key], { leaseVersion, materialCode: m, verdict: 'ok' });
    await acceptApplication(staff, numbers[key], { leaseVersion });
    await completeApplication(staff, numbers[key], { leaseVersion, documentNumber: '京公临字第0001号', delivery: 'pickup' });
  }
  await rateApplication(testContext(h.db, actorOf(citizen), clock, config), numbers.completed, { score: 1, comment: '窗口排队时间太长，工作人员解释不够耐心' });

  // One under review at the clerk's desk, and more waiting in the queue.
  numbers.reviewing = (await file('household-certificate')).number;
  await claimApplication(staff, numbers.reviewing);
  numbers.submitted = (await file('hukou-migration')).number;
  for (const code of ['birth-registration', 'temporary-id-card', 'household-certificate']) await file(code);

  cookies.citizen = await sessionCookieFor(h.db, clock, citizen.id);
  cookies.clerk = await sessionCookieFor(h.db, clock, clerk.id);
  cookies.manager = await sessionCookieFor(h.db, clock, manager.id);
  const signingIn = await createStaff(h.db, { officeCode: 'bj-chaoyang' });
  await enrollTotp(h.db, config.dataKeys, signingIn.id, 'JBSWY3DPEHPK3PXP');

  await built;
  const build = (await import(pathToFileURL(path.join(buildDir, 'index.js')).href)) as ServerBuild;
  const server = createApp(build, { ...appContext(h.db, clock, config), production: true }, root).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((r) => server.close(() => r()));

  const password = await fetch(`${base}/login`, {
    method: 'POST',
    headers: { Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ identifier: signingIn.staffNo!, password: TEST_PASSWORD }),
    redirect: 'manual',
  });
  expect(password.headers.get('location')).toMatch(/^\/login\/totp/);
  cookies['password step'] = password.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .filter((c) => c.startsWith('__pending_login='))
    .join('; ');
}, 120_000);

afterAll(async () => {
  await close?.();
  await h?.close();
  fs.rmSync(buildDir, { recursive: true, force: true });
});

type Who = 'anonymous' | keyof typeof cookies;
type Page = { who: Who; label: string; path: () => string; status: number; form?: Record<string, string>; echoes?: string };

const page = (who: Who, label: string, path: string | (() => string) = label, status = 200, form?: Record<string, string>): Page => ({
  who,
  label,
  status,
  path: typeof path === 'string' ? () => path : path,
  form,
});

/** A form the action refuses: the page comes back with the errors and what was posted (`echoes`, in a value=). */
const refused = (who: Who, path: string, form: Record<string, string>, echoes: string) => ({ ...page(who, `POST ${path} (refused)`, path, 400, form), echoes });

/** Every route that renders a document, as the role that sees it, in a state with data. */
const PAGES: Page[] = [
  page('anonymous', '/'),
  page('anonymous', '/services'),
  ...SERVICES.map((s) => page('anonymous', `/services/${s.code}`)),
  page('anonymous', '/login'),
  page('anonymous', '/signup'),
  page('anonymous', '/forgot-password'),
  page('anonymous', '/track'),
  page('password step', '/login/totp'),
  page('anonymous', '/no-such-page (404)', '/no-such-page', 404),
  page('citizen', '/services'),
  ...SERVICES.map((s) => page('citizen', `/services/${s.code}/apply`)),
  page('citizen', '/applications'),
  page('citizen', '/applications/:noticed', () => `/applications/${numbers.noticed}`),
  page('citizen', '/applications/:noticed/notice', () => `/applications/${numbers.noticed}/notice`),
  page('citizen', '/applications/:noticed/supplement', () => `/applications/${numbers.noticed}/supplement`),
  page('citizen', '/applications/:submitted', () => `/applications/${numbers.submitted}`),
  page('citizen', '/applications/:completed (rated)', () => `/applications/${numbers.completed}`),
  page('citizen', '/applications/:completed/rate (rated)', () => `/applications/${numbers.completed}/rate`),
  page('citizen', '/applications/:rateable/rate', () => `/applications/${numbers.rateable}/rate`),
  page('citizen', '/desk (403)', '/desk', 403),
  page('citizen', 'an unknown application (404)', '/applications/SQ000000000000', 404),
  page('clerk', '/desk'),
  page('clerk', '/desk/applications/:reviewing', () => `/desk/applications/${numbers.reviewing}`),
  page('clerk', '/desk/applications/:noticed', () => `/desk/applications/${numbers.noticed}`),
  page('clerk', '/reports (403)', '/reports', 403),
  page('manager', '/desk'),
  page('manager', '/reports'),
  page('manager', '/reports/rectifications'),
  refused('anonymous', '/signup', { realName: '欧阳', idNumber: '11010119900307123', mobile: '1380013800', password: '短', confirmPassword: '不一样' }, '欧阳'),
  refused('citizen', '/services/hukou-migration/apply', {
    ...EXAMPLE_ANSWERS['hukou-migration'],
    originAddress: '河北省保定市竞秀区朝阳南大街“一号院”',
    destinationAddress: '',
    movers: '零',
  }, '河北省保定市竞秀区朝阳南大街“一号院”'),
];

/**
 * Which of these pages hydrate (decisions 0044, 0046): staff pages; no citizen's page and no error
 * page. The apply form loads at most its own small script (/build/enhance/, built by `npm run build`
 * after the Remix build; this test's build has none), never Remix's.
 */
function hydrates(p: Page): boolean {
  if (p.status >= 401 && p.status !== 400) return false;
  return p.who === 'clerk' || p.who === 'manager';
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const REPLACEMENT = Buffer.from('\uFFFD', 'utf8');

describe.each(['zh-CN', 'en'] as const)('served bytes in %s', (lng) => {
  it.each(PAGES.map((p) => [`${p.who} ${p.label}`, p] as const))('%s: no NUL, no U+FFFD, valid UTF-8', async (_name, p) => {
    if (p.status === 404) {
      // Remix logs an address no route matches; that 404 is what this page is about.
      const log = console.error;
      vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
        if (!String(args[0]).includes('No route matches')) log(...args);
      });
    }
    const headers: Record<string, string> = { 'Accept-Language': lng };
    if (p.who !== 'anonymous') headers.Cookie = cookies[p.who];
    const body = p.form && new URLSearchParams(p.form);
    if (body) headers.Origin = base;
    const res = await fetch(base + p.path(), { method: body ? 'POST' : 'GET', headers, body, redirect: 'manual' });
    expect(res.status).toBe(p.status);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const bytes = Buffer.from(await res.arrayBuffer());
    // Long enough to cross a 2 KiB boundary, with Chinese text to straddle it (the short pages, an error
    // or a one-field form, are under 4 KiB since they carry no script and no route data, decision 0044).
    expect(bytes.length).toBeGreaterThan(2048);
    expect(bytes.indexOf(0)).toBe(-1);
    expect(bytes.indexOf(REPLACEMENT)).toBe(-1);
    const html = UTF8.decode(bytes);
    if (lng === 'zh-CN') expect(html.match(/[\u4e00-\u9fff]/g)?.length ?? 0).toBeGreaterThan(150);
    // A complete document in standards mode, in the language asked for.
    expect(html.startsWith('<!DOCTYPE html><html lang="' + lng + '"')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    if (p.echoes) expect(html).toContain(`value="${p.echoes}"`);
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    if (!hydrates(p)) {
      // A citizen's page, and any error page, is a document without JavaScript (decision 0044).
      expect(scripts.filter((tag) => !/^<script type="module" src="\/build\/enhance\/[\w.-]+\.js"/.test(tag))).toEqual([]);
      expect(html).not.toContain('modulepreload');
      return;
    }
    // Every inline script carries this response's CSP nonce.
    const nonce = /'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag.includes(`nonce="${nonce}"`) || / src=/.test(tag)).toBe(true);
  });
});
