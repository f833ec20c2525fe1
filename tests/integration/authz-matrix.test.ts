import fs from 'node:fs';
import path from 'node:path';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applicationFiles, decisionDocuments } from '../../db/schema/index.js';
import { withdrawApplication } from '../../services/applications/withdraw.js';
import { ensureSeal } from '../../services/documents/seal.js';
import { claimNext } from '../../services/queue/claim.js';
import { issueNotice } from '../../services/review/notice.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { actorOf, appContext, createStaff, fixedClock, sessionCookieFor, testConfig, testContext } from '../support/factories.js';
import { createApplicant, createSubmittedApplication } from '../support/applications.js';
import { files, get, post, run } from '../support/requests.js';
import { createAdmin } from '../support/admin-staff.js';
import { createTestDb } from '../setup/test-db.js';
import { eq } from 'drizzle-orm';

/**
 * Every route × every kind of actor → the expected outcome, for GET loaders and the main POST
 * actions. A route file without a row here fails the suite, so new routes must declare who may
 * reach them. Records out of an actor's scope answer 404 (nothing leaks); the wrong role 403.
 */
const ACTORS = ['anonymous', 'citizenA', 'citizenB', 'clerk', 'clerkOtherOffice', 'clerkNoSkill', 'managerOffice', 'managerCity', 'adminCity', 'adminOtherCity'] as const;
type ActorName = (typeof ACTORS)[number];
/** ok = 200, login = redirect to sign in, redirect = any other redirect, 4xx = a form answer (400/401/409/413/415/422). */
type Outcome = 'ok' | 'login' | 'redirect' | 403 | 404 | '4xx';
type Row = Record<ActorName, Outcome>;

const all = (o: Outcome): Row => Object.fromEntries(ACTORS.map((a) => [a, o])) as Row;
/** Administrators (of Beijing, of Shanghai) are refused every non-admin route unless a row says otherwise. */
const row = (
  anonymous: Outcome,
  citizens: [Outcome, Outcome],
  staff: [Outcome, Outcome, Outcome, Outcome, Outcome],
  admins: [Outcome, Outcome] = [403, 403],
): Row => ({
  anonymous,
  citizenA: citizens[0],
  citizenB: citizens[1],
  clerk: staff[0],
  clerkOtherOffice: staff[1],
  clerkNoSkill: staff[2],
  managerOffice: staff[3],
  managerCity: staff[4],
  adminCity: admins[0],
  adminOtherCity: admins[1],
});
/** Administration pages: administrators only; the Beijing fixture records are out of Shanghai's tree (404). */
const adminOnly = (admins: [Outcome, Outcome]) => row('login', [403, 403], [403, 403, 403, 403, 403], admins);

type Fn = (args: LoaderFunctionArgs | ActionFunctionArgs) => unknown;
type RouteModule = { loader?: Fn; action?: Fn };
type Fixture = { appNumber: string; noticeNumber: string; fileId: string; decidedNumber: string; documentId: string; staffId: string; verifyToken: string };
type Case = {
  url: (f: Fixture) => string;
  params?: (f: Fixture) => Record<string, string>;
  get?: Row;
  post?: { body: (f: Fixture) => Record<string, string | Blob>; expect: Row };
};

const MATRIX: Record<string, Case> = {
  '_index.tsx': { url: () => '/', get: all('ok') },
  // Every URL no other route matches: the same not-found for everyone, whatever the method.
  '$.tsx': { url: () => '/no-such-page', params: () => ({ '*': 'no-such-page' }), get: all(404), post: { body: () => ({}), expect: all(404) } },
  'healthz.ts': { url: () => '/healthz', get: all('ok') },
  // Translation strings are public: every caller gets them (decision 0029).
  'locales.$lng.$ns.ts': { url: () => '/locales/en/common', params: () => ({ lng: 'en', ns: 'common' }), get: all('ok') },
  'services._index.tsx': { url: () => '/services', get: all('ok') },
  'services.$code._index.tsx': { url: () => '/services/temporary-id-card', params: () => ({ code: 'temporary-id-card' }), get: all('ok') },
  'services.$code.apply.tsx': {
    url: () => '/services/temporary-id-card/apply',
    params: () => ({ code: 'temporary-id-card' }),
    get: row('login', ['ok', 'ok'], [403, 403, 403, 403, 403]),
    post: { body: () => ({ intent: 'save' }), expect: row('login', ['4xx', '4xx'], [403, 403, 403, 403, 403]) },
  },
  'services.$code.apply_.check.tsx': {
    // Without a draft of one's own there is nothing to check.
    url: () => '/services/temporary-id-card/apply/check',
    params: () => ({ code: 'temporary-id-card' }),
    get: row('login', [404, 404], [403, 403, 403, 403, 403]),
    post: { body: () => ({ applicationId: '00000000-0000-4000-8000-000000000000' }), expect: row('login', [404, 404], [403, 403, 403, 403, 403]) },
  },
  'account.tsx': {
    url: () => '/account',
    get: row('login', ['ok', 'ok'], [403, 403, 403, 403, 403]),
    post: { body: () => ({ locale: 'fr' }), expect: row('login', ['4xx', '4xx'], [403, 403, 403, 403, 403]) },
  },
  'signup.tsx': {
    url: () => '/signup',
    get: row('ok', ['redirect', 'redirect'], ['redirect', 'redirect', 'redirect', 'redirect', 'redirect'], ['redirect', 'redirect']),
    post: { body: () => ({ realName: '' }), expect: all('4xx') },
  },
  // The one-time-code pages (decision 0024): without a flow cookie the code pages send back to their first step.
  'signup_.verify.tsx': { url: () => '/signup/verify', get: all('redirect'), post: { body: () => ({ code: '' }), expect: all('4xx') } },
  'forgot-password.tsx': {
    url: () => '/forgot-password',
    get: row('ok', ['redirect', 'redirect'], ['redirect', 'redirect', 'redirect', 'redirect', 'redirect'], ['redirect', 'redirect']),
    post: { body: () => ({ identifier: '' }), expect: all('4xx') },
  },
  'forgot-password_.reset.tsx': { url: () => '/forgot-password/reset', get: all('redirect'), post: { body: () => ({ code: '' }), expect: all('4xx') } },
  'track.tsx': { url: () => '/track', get: all('ok'), post: { body: () => ({ number: '' }), expect: all('4xx') } },
  'track_.code.tsx': { url: () => '/track/code', get: all('redirect'), post: { body: () => ({ code: '' }), expect: all('4xx') } },
  'track_.view.tsx': { url: () => '/track/view', get: all('redirect') },
  'login.tsx': {
    url: () => '/login',
    get: row('ok', ['redirect', 'redirect'], ['redirect', 'redirect', 'redirect', 'redirect', 'redirect'], ['redirect', 'redirect']),
    post: { body: () => ({ identifier: '', password: '' }), expect: all('4xx') },
  },
  'login_.totp.tsx': {
    url: () => '/login/totp',
    get: row('login', ['redirect', 'redirect'], ['redirect', 'redirect', 'redirect', 'redirect', 'redirect'], ['redirect', 'redirect']),
    // No pending sign-in: the code is refused whoever posts it.
    post: { body: () => ({ code: '123456' }), expect: all('4xx') },
  },
  'logout.tsx': {
    url: () => '/logout',
    get: row('redirect', ['ok', 'ok'], ['ok', 'ok', 'ok', 'ok', 'ok'], ['ok', 'ok']),
  },
  'applications._index.tsx': { url: () => '/applications', get: row('login', ['ok', 'ok'], [403, 403, 403, 403, 403]) },
  'applications.$number._index.tsx': {
    url: (f) => `/applications/${f.appNumber}`,
    params: (f) => ({ number: f.appNumber }),
    get: row('login', ['ok', 404], [403, 403, 403, 403, 403]),
  },
  'applications.$number.notice.tsx': {
    url: (f) => `/applications/${f.noticeNumber}/notice`,
    params: (f) => ({ number: f.noticeNumber }),
    get: row('login', ['ok', 404], ['ok', 404, 404, 'ok', 'ok']),
    // Revoking the notice (a manager of the office, decision 0038): as for decision documents.
    post: { body: () => ({ reason: '' }), expect: row('login', [403, 403], [403, 403, 403, '4xx', '4xx'], [403, 403]) },
  },
  // The receipt as signed (decision 0038): the applicant and staff in scope; a manager of the office revokes it.
  'applications.$number.receipt.tsx': {
    url: (f) => `/applications/${f.appNumber}/receipt`,
    params: (f) => ({ number: f.appNumber }),
    get: row('login', ['ok', 404], ['ok', 404, 404, 'ok', 'ok']),
    post: { body: () => ({ reason: '' }), expect: row('login', [403, 403], [403, 403, 403, '4xx', '4xx'], [403, 403]) },
  },
  // The receipt's signed PDF (decision 0038): the applicant and staff in scope.
  'applications.$number.receipt_.pdf.ts': {
    url: (f) => `/applications/${f.appNumber}/receipt/pdf`,
    params: (f) => ({ number: f.appNumber }),
    get: row('login', ['ok', 404], ['ok', 404, 404, 'ok', 'ok']),
  },
  'applications.$number.documents.$id.tsx': {
    url: (f) => `/applications/${f.decidedNumber}/documents/${f.documentId}`,
    params: (f) => ({ number: f.decidedNumber, id: f.documentId }),
    get: row('login', ['ok', 404], ['ok', 404, 404, 'ok', 'ok']),
    // Revoking (a manager of the office): a missing reason is a form error for the managers, refused for everyone else.
    post: { body: () => ({ reason: '' }), expect: row('login', [403, 403], [403, 403, 403, '4xx', '4xx'], [403, 403]) },
  },
  'applications.$number.documents.$id_.pdf.ts': {
    url: (f) => `/applications/${f.decidedNumber}/documents/${f.documentId}/pdf`,
    params: (f) => ({ number: f.decidedNumber, id: f.documentId }),
    get: row('login', ['ok', 404], ['ok', 404, 404, 'ok', 'ok']),
  },
  'applications.$number.notice_.pdf.ts': {
    url: (f) => `/applications/${f.noticeNumber}/notice/pdf`,
    params: (f) => ({ number: f.noticeNumber }),
    get: row('login', ['ok', 404], ['ok', 404, 404, 'ok', 'ok']),
  },
  // Public (decision 0034): whoever holds the token the QR code carries, signed in or not.
  'verify.$token.tsx': {
    url: (f) => `/verify/${f.verifyToken}`,
    params: (f) => ({ token: f.verifyToken }),
    get: all('ok'),
    post: { body: () => ({ file: files.pdf() }), expect: all('ok') },
  },
  'verify.keys.tsx': { url: () => '/verify/keys', get: all('ok') },
  'applications.$number.supplement.tsx': {
    url: (f) => `/applications/${f.noticeNumber}/supplement`,
    params: (f) => ({ number: f.noticeNumber }),
    get: row('login', ['ok', 404], [403, 403, 403, 403, 403]),
    // A file for an item the notice did not flag: the owner gets a form error, anyone else 404.
    post: { body: () => ({ 'material.hukouBook': files.pdf() }), expect: row('login', ['4xx', 404], [403, 403, 403, 403, 403]) },
  },
  'desk._index.tsx': {
    url: () => '/desk',
    get: row('login', [403, 403], ['ok', 'ok', 'ok', 'ok', 'ok']),
    post: { body: () => ({ intent: 'bogus' }), expect: row('login', [403, 403], ['4xx', '4xx', '4xx', 403, 403]) },
  },
  'desk.applications.$number.tsx': {
    url: (f) => `/desk/applications/${f.appNumber}`,
    params: (f) => ({ number: f.appNumber }),
    get: row('login', [403, 403], ['ok', 404, 404, 'ok', 'ok']),
    // Runs after every GET; the in-scope clerk's claim succeeds (a redirect back to the page),
    // managers may look but not claim.
    post: { body: () => ({ intent: 'claim' }), expect: row('login', [403, 403], ['redirect', 404, 404, 403, 403]) },
  },
  'desk.board.tsx': {
    url: () => '/desk/board',
    get: row('login', [403, 403], [403, 403, 403, 'ok', 'ok']),
    // An application number no office holds: not found for managers, the wrong role for everyone else.
    post: { body: () => ({ items: 'GA20260101000001:1', reason: '调整在办事项' }), expect: row('login', [403, 403], [403, 403, 403, 404, 404]) },
  },
  'desk.overrides.tsx': {
    url: () => '/desk/overrides',
    get: row('login', [403, 403], [403, 403, 403, 'ok', 'ok']),
    // A request id no office has: not found for managers, the wrong role for everyone else.
    post: {
      body: () => ({ requestId: '00000000-0000-4000-8000-000000000000', decision: 'refuse', reason: '理由写够十个字以上的说明' }),
      expect: row('login', [403, 403], [403, 403, 403, 404, 404]),
    },
  },
  'applications.$number.rate.tsx': {
    url: (f) => `/applications/${f.appNumber}/rate`,
    params: (f) => ({ number: f.appNumber }),
    get: row('login', ['ok', 404], ['ok', 404, 404, 403, 403]),
    // Not completed yet: the owner and the office's clerk get a 409 form answer, nobody else learns more.
    post: { body: () => ({ score: '5' }), expect: row('login', ['4xx', 404], ['4xx', 404, 404, 403, 403]) },
  },
  // The visit (decision 0033): the filer's page; the fixture is not accepted yet, so booking is a 409 form answer for its owner.
  'applications.$number.appointment.tsx': {
    url: (f) => `/applications/${f.appNumber}/appointment`,
    params: (f) => ({ number: f.appNumber }),
    get: row('login', ['ok', 404], [403, 403, 403, 403, 403]),
    post: { body: () => ({ intent: 'book', day: '2026-11-25', time: '10:00' }), expect: row('login', ['4xx', 404], [403, 403, 403, 403, 403]) },
  },
  // The office's visits of the day: its staff; marking is the clerks' (an id no office has: not found), never the managers'.
  'desk.appointments.tsx': {
    url: () => '/desk/appointments',
    get: row('login', [403, 403], ['ok', 'ok', 'ok', 'ok', 'ok']),
    post: { body: () => ({ id: '00000000-0000-4000-8000-000000000000', outcome: 'kept' }), expect: row('login', [403, 403], [404, 404, 404, 403, 403]) },
  },
  // Paying online (services/payments): the filer only; the fixture is not accepted yet, so paying is a 409 form answer.
  'applications.$number.pay.tsx': {
    url: (f) => `/applications/${f.appNumber}/pay`,
    params: (f) => ({ number: f.appNumber }),
    get: row('login', ['ok', 404], [403, 403, 403, 403, 403]),
    post: { body: () => ({ intent: 'pay' }), expect: row('login', ['4xx', 404], [403, 403, 403, 403, 403]) },
  },
  // The platform's server-to-server callback: no session; an unsigned post is refused whoever sends it, a GET is 405.
  'payments.callback.ts': { url: () => '/payments/callback', get: all('4xx'), post: { body: () => ({ event: 'paid' }), expect: all('4xx') } },
  // The simulated platform's pages (MOCKS only): no session, an order the simulated platform does not have is 404.
  '[_simulated].payment-platform.cashier.$id.tsx': {
    url: () => '/_simulated/payment-platform/cashier/PP1-none',
    params: () => ({ id: 'PP1-none' }),
    get: all(404),
    post: { body: () => ({}), expect: all(404) },
  },
  '[_simulated].payment-platform.invoices.$id.tsx': { url: () => '/_simulated/payment-platform/invoices/PP1-none', params: () => ({ id: 'PP1-none' }), get: all(404) },
  'reports.payments.tsx': { url: () => '/reports/payments', get: row('login', [403, 403], [403, 403, 403, 'ok', 'ok']) },
  'reports._index.tsx': { url: () => '/reports', get: row('login', [403, 403], [403, 403, 403, 'ok', 'ok']) },
  'reports.csv.ts': { url: () => '/reports/csv?table=counts', get: row('login', [403, 403], [403, 403, 403, 'ok', 'ok']) },
  'reports.rectifications.tsx': {
    url: () => '/reports/rectifications',
    get: row('login', [403, 403], [403, 403, 403, 'ok', 'ok']),
    post: {
      body: () => ({ id: '00000000-0000-4000-8000-000000000000', contactNote: 'called', outcome: 'fixed' }),
      expect: row('login', [403, 403], [403, 403, 403, 404, 404]),
    },
  },
  // The working-day calendar: the national root administrator only; both administrators here are a city's
  // (tests/integration/admin-calendar.test.ts covers the root).
  'admin.calendar._index.tsx': {
    url: () => '/admin/calendar',
    get: adminOnly([403, 403]),
    post: { body: () => ({ year: '2027' }), expect: adminOnly([403, 403]) },
  },
  'admin.calendar.$year.tsx': {
    url: () => '/admin/calendar/2027',
    params: () => ({ year: '2027' }),
    get: adminOnly([403, 403]),
    post: { body: () => ({ intent: 'publish' }), expect: adminOnly([403, 403]) },
  },
  'activate.tsx': {
    url: () => '/activate',
    get: row('ok', ['redirect', 'redirect'], ['redirect', 'redirect', 'redirect', 'redirect', 'redirect'], ['redirect', 'redirect']),
    post: { body: () => ({ intent: 'start' }), expect: all('4xx') },
  },
  'admin._index.tsx': { url: () => '/admin', get: adminOnly(['ok', 'ok']) },
  'admin.staff._index.tsx': { url: () => '/admin/staff', get: adminOnly(['ok', 'ok']) },
  'admin.staff.new.tsx': {
    url: () => '/admin/staff/new',
    get: adminOnly(['ok', 'ok']),
    post: { body: () => ({ staffNo: '' }), expect: adminOnly(['4xx', '4xx']) },
  },
  'admin.staff.$id.tsx': {
    url: (f) => `/admin/staff/${f.staffId}`,
    params: (f) => ({ id: f.staffId }),
    get: adminOnly(['ok', 404]),
    // Enabling an enabled account changes nothing: back to the page; out of the tree, nothing to find.
    post: { body: () => ({ intent: 'enable' }), expect: adminOnly(['redirect', 404]) },
  },
  'admin.offices._index.tsx': { url: () => '/admin/offices', get: adminOnly(['ok', 'ok']) },
  // The hierarchy's units (decision 0040): each administrator lists and adds below their own; a blank code is a form error.
  'admin.units.tsx': {
    url: () => '/admin/units',
    get: adminOnly(['ok', 'ok']),
    post: { body: () => ({ code: '' }), expect: adminOnly(['4xx', '4xx']) },
  },
  'admin.offices.new.tsx': {
    url: () => '/admin/offices/new',
    get: adminOnly(['ok', 'ok']),
    post: { body: () => ({ code: '' }), expect: adminOnly(['4xx', '4xx']) },
  },
  'admin.offices.$code.tsx': {
    url: () => '/admin/offices/bj-dongcheng',
    params: () => ({ code: 'bj-dongcheng' }),
    get: adminOnly(['ok', 404]),
    // Moving a queue to the office itself is refused as a form error; Shanghai's administrator finds no such office.
    post: { body: () => ({ intent: 'close', transferTo: 'bj-dongcheng' }), expect: adminOnly(['4xx', 404]) },
  },
  // Visits by appointment (decision 0039): a figure out of range is a form error; Shanghai's administrator finds no such office.
  'admin.offices.$code_.appointments.tsx': {
    url: () => '/admin/offices/bj-dongcheng/appointments',
    params: () => ({ code: 'bj-dongcheng' }),
    get: adminOnly(['ok', 404]),
    post: { body: () => ({ intent: 'office', windows: '0', perWindow: '1', daysAhead: '10' }), expect: adminOnly(['4xx', 404]) },
  },
  // The courier's tracking push (decision 0035): no session grants anything; unsigned is 401 for everyone, GET 405.
  'integrations.courier.events.ts': {
    url: () => '/integrations/courier/events',
    get: all('4xx'),
    post: { body: () => ({ waybill: 'EA000000001CN' }), expect: all('4xx') },
  },
  // The list of items (docs/decisions/0036): every administrator sees it; each sets only their own offices' offering.
  'admin.items._index.tsx': { url: () => '/admin/items', get: adminOnly(['ok', 'ok']) },
  'admin.items.$code.tsx': {
    url: () => '/admin/items/temporary-id-card',
    params: () => ({ code: 'temporary-id-card' }),
    get: adminOnly(['ok', 'ok']),
    // Beijing's administrator keeps Dongcheng offering it; Shanghai's finds no such office (404).
    post: { body: () => ({ intent: 'offerings', offices: 'bj-dongcheng', offered: 'bj-dongcheng' }), expect: adminOnly(['redirect', 404]) },
  },
  'files.$id.ts': {
    url: (f) => `/files/${f.fileId}`,
    params: (f) => ({ id: f.fileId }),
    get: row('login', ['ok', 404], ['ok', 404, 404, 'ok', 'ok']),
  },
};

const ROUTES_DIR = path.resolve(__dirname, '../../app/routes');

let h: DbHandle;
let fixture: Fixture;
const cookies: Partial<Record<ActorName, string>> = {};
const clock = fixedClock();
const config = testConfig();

beforeAll(async () => {
  h = await createTestDb();
  const citizenA = await createApplicant(h.db);
  const citizenB = await createApplicant(h.db);
  // Dongcheng handles the 110101 temporary ID card (hukou). A worker clerk flags one application.
  const worker = await createStaff(h.db, { officeCode: 'bj-dongcheng' });
  const flagged = await createSubmittedApplication(h.db, { citizen: citizenA, clock, config });
  const wctx = testContext(h.db, actorOf(worker), clock, config);
  const { leaseVersion } = (await claimNext(wctx))!;
  await recordVerdict(wctx, flagged.number, { leaseVersion, materialCode: 'hukouBook', verdict: 'ok' });
  await recordVerdict(wctx, flagged.number, { leaseVersion, materialCode: 'idCollectionReceipt', verdict: 'ok' });
  await recordVerdict(wctx, flagged.number, { leaseVersion, materialCode: 'photo', verdict: 'missing' });
  await issueNotice(wctx, flagged.number, leaseVersion);
  const clean = await createSubmittedApplication(h.db, { citizen: citizenA, clock, config });
  const [file] = await h.db.select().from(applicationFiles).where(eq(applicationFiles.applicationId, clean.applicationId)).limit(1);
  // Withdrawn by citizen A: an application with a decision document (the withdrawal's).
  const decided = await createSubmittedApplication(h.db, { citizen: citizenA, clock, config });
  await withdrawApplication(decided.ctx, { number: decided.number, confirmed: true });
  const [doc] = await h.db.select().from(decisionDocuments).where(eq(decisionDocuments.applicationId, decided.applicationId));
  const { token: verifyToken } = await ensureSeal(wctx, 'decision', doc.id);
  fixture = { appNumber: clean.number, noticeNumber: flagged.number, fileId: file.id, decidedNumber: decided.number, documentId: doc.id, staffId: worker.id, verifyToken };

  const users = {
    citizenA,
    citizenB,
    clerk: await createStaff(h.db, { officeCode: 'bj-dongcheng', skills: ['hukou', 'traffic', 'exit_entry'] }),
    clerkOtherOffice: await createStaff(h.db, { officeCode: 'bj-chaoyang', skills: ['hukou', 'exit_entry'] }),
    clerkNoSkill: await createStaff(h.db, { officeCode: 'bj-dongcheng', skills: ['traffic'] }),
    managerOffice: await createStaff(h.db, { role: 'manager', officeCode: 'bj-dongcheng', managerScope: 'office' }),
    managerCity: await createStaff(h.db, { role: 'manager', officeCode: 'bj-chaoyang', managerScope: 'city' }),
    adminCity: await createAdmin(h.db, '1101'),
    adminOtherCity: await createAdmin(h.db, '3101'),
  };
  for (const [name, u] of Object.entries(users)) cookies[name as ActorName] = await sessionCookieFor(h.db, clock, u.id);
});
afterAll(() => h.close());

function check(res: Response, expected: Outcome, label: string) {
  const location = res.headers.get('Location') ?? '';
  const got =
    res.status === 200
      ? 'ok'
      : res.status >= 300 && res.status < 400
        ? location.startsWith('/login') && !location.startsWith('/login/totp')
          ? 'login'
          : 'redirect'
        : res.status === 403 || res.status === 404
          ? res.status
          : res.status >= 400 && res.status < 500
            ? '4xx'
            : `status ${res.status}`;
  expect(got, `${label} → ${res.status} ${location}`).toBe(expected);
}

async function load(file: string): Promise<RouteModule> {
  return (await import(path.join(ROUTES_DIR, file))) as RouteModule;
}

/**
 * Further intents of routes with several forms. Visits by appointment (decision 0039): a day's own
 * figure for a past day is a form error, removing a day that has none a 409; Shanghai's
 * administrator finds no such office.
 */
const FURTHER_INTENTS: Record<string, NonNullable<Case['post']>[]> = {
  'admin.offices.$code_.appointments.tsx': [
    { body: () => ({ intent: 'day', day: '2000-01-03', windows: '1', perWindow: '1' }), expect: adminOnly(['4xx', 404]) },
    { body: () => ({ intent: 'removeDay', day: '2000-01-03' }), expect: adminOnly(['4xx', 404]) },
  ],
};

describe('authorization matrix', () => {
  it('lists every route file in app/routes', () => {
    const routeFiles = fs.readdirSync(ROUTES_DIR).filter((f) => /\.(tsx?|jsx?)$/.test(f));
    expect(routeFiles.filter((f) => !(f in MATRIX)), 'add these routes to MATRIX').toEqual([]);
    expect(Object.keys(MATRIX).filter((f) => !routeFiles.includes(f)), 'stale MATRIX rows').toEqual([]);
  });

  it('every route that has a loader or action is covered for it', async () => {
    for (const [file, c] of Object.entries(MATRIX)) {
      const mod = await load(file);
      if (mod.loader) expect(c.get, `${file}: GET row`).toBeDefined();
      if (c.post) expect(mod.action, `${file}: has no action`).toBeDefined();
    }
  });

  for (const [file, c] of Object.entries(MATRIX)) {
    if (c.get) {
      it(`GET ${file}`, async () => {
        const mod = await load(file);
        for (const actor of ACTORS) {
          const res = await run(mod.loader!, get(c.url(fixture), { cookie: cookies[actor] }), appContext(h.db, clock, config), c.params?.(fixture));
          check(res, c.get![actor], `GET ${c.url(fixture)} as ${actor}`);
        }
      });
    }
  }

  // A route with several forms: each further intent gets the same row (the main one is in MATRIX).
  for (const [file, intents] of Object.entries(FURTHER_INTENTS)) {
    for (const p of intents) {
      it(`POST ${file} (${p.body(fixture).intent})`, async () => {
        const mod = await load(file);
        for (const actor of ACTORS) {
          const res = await run(mod.action!, post(MATRIX[file].url(fixture), p.body(fixture), { cookie: cookies[actor] }), appContext(h.db, clock, config), MATRIX[file].params?.(fixture));
          check(res, p.expect[actor], `POST ${MATRIX[file].url(fixture)} ${JSON.stringify(p.body(fixture))} as ${actor}`);
        }
      });
    }
  }

  for (const [file, c] of Object.entries(MATRIX)) {
    if (c.post) {
      it(`POST ${file}`, async () => {
        const mod = await load(file);
        for (const actor of ACTORS) {
          const res = await run(mod.action!, post(c.url(fixture), c.post!.body(fixture), { cookie: cookies[actor] }), appContext(h.db, clock, config), c.params?.(fixture));
          check(res, c.post!.expect[actor], `POST ${c.url(fixture)} as ${actor}`);
        }
      });
    }
  }
});
