import type { LoaderFunctionArgs } from '@remix-run/node';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applicationFiles } from '../../db/schema/index.js';
import * as home from '../../app/routes/_index.js';
import * as myApplications from '../../app/routes/applications._index.js';
import * as receipt from '../../app/routes/applications.$number._index.js';
import * as notice from '../../app/routes/applications.$number.notice.js';
import * as receiptPdf from '../../app/routes/applications.$number.receipt_.pdf.js';
import * as receiptDocument from '../../app/routes/applications.$number.receipt.js';
import * as rate from '../../app/routes/applications.$number.rate.js';
import * as supplement from '../../app/routes/applications.$number.supplement.js';
import * as desk from '../../app/routes/desk._index.js';
import * as review from '../../app/routes/desk.applications.$number.js';
import * as file from '../../app/routes/files.$id.js';
import * as login from '../../app/routes/login.js';
import * as loginTotp from '../../app/routes/login_.totp.js';
import * as logout from '../../app/routes/logout.js';
import * as reports from '../../app/routes/reports._index.js';
import * as reportsCsv from '../../app/routes/reports.csv.js';
import * as rectifications from '../../app/routes/reports.rectifications.js';
import * as board from '../../app/routes/desk.board.js';
import * as overrides from '../../app/routes/desk.overrides.js';
import * as appointment from '../../app/routes/applications.$number.appointment.js';
import * as deskAppointments from '../../app/routes/desk.appointments.js';
import * as guide from '../../app/routes/services.$code._index.js';
import * as apply from '../../app/routes/services.$code.apply.js';
import * as catalog from '../../app/routes/services._index.js';
import * as signup from '../../app/routes/signup.js';
import * as signupVerify from '../../app/routes/signup_.verify.js';
import * as forgot from '../../app/routes/forgot-password.js';
import * as forgotReset from '../../app/routes/forgot-password_.reset.js';
import * as track from '../../app/routes/track.js';
import * as trackCode from '../../app/routes/track_.code.js';
import * as trackView from '../../app/routes/track_.view.js';
import * as adminCalendar from '../../app/routes/admin.calendar._index.js';
import * as adminCalendarYear from '../../app/routes/admin.calendar.$year.js';
import * as activate from '../../app/routes/activate.js';
import * as adminHome from '../../app/routes/admin._index.js';
import * as adminStaff from '../../app/routes/admin.staff._index.js';
import * as adminStaffNew from '../../app/routes/admin.staff.new.js';
import * as adminStaffEdit from '../../app/routes/admin.staff.$id.js';
import * as adminOffices from '../../app/routes/admin.offices._index.js';
import * as adminUnits from '../../app/routes/admin.units.js';
import * as adminOfficeNew from '../../app/routes/admin.offices.new.js';
import * as adminOfficeEdit from '../../app/routes/admin.offices.$code.js';
import * as adminOfficeCapacity from '../../app/routes/admin.offices.$code_.appointments.js';
import { createAdmin } from '../support/admin-staff.js';
import { appContext, createStaff, fixedClock, sessionCookieFor, testConfig } from '../support/factories.js';
import { createApplicant, createSubmittedApplication } from '../support/applications.js';
import { anyHostile, forbiddenChar, hostileRedirect, impossibleDate, isLocalizedKey, prototypeKey, refusalMessages } from '../support/hostile.js';
import { get, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';

/**
 * Every page's loader with hostile path parameters and query strings, signed out and signed in
 * as citizen, clerk and manager. Never a 500; a path parameter that cannot be an id of its kind
 * is a 404 before any query; a refusal is localized; a redirect goes to a safe path.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

type Who = 'anonymous' | 'citizen' | 'clerk' | 'manager' | 'admin';
type Fn = (args: LoaderFunctionArgs) => unknown;

let h: DbHandle;
const clock = fixedClock();
const config = testConfig();
const cookies: Record<Who, string | undefined> = { anonymous: undefined, citizen: '', clerk: '', manager: '', admin: '' };
let number = '';
let fileId = '';

beforeAll(async () => {
  h = await createTestDb();
  const citizen = await createApplicant(h.db);
  const submitted = await createSubmittedApplication(h.db, { citizen, clock, config });
  number = submitted.number;
  fileId = (await h.db.select({ id: applicationFiles.id }).from(applicationFiles).limit(1))[0].id;
  cookies.citizen = await sessionCookieFor(h.db, clock, citizen.id);
  cookies.clerk = await sessionCookieFor(h.db, clock, (await createStaff(h.db)).id);
  cookies.manager = await sessionCookieFor(h.db, clock, (await createStaff(h.db, { role: 'manager', managerScope: 'city' })).id);
  cookies.admin = await sessionCookieFor(h.db, clock, (await createAdmin(h.db, '1101')).id);
});
afterAll(() => h.close());

/** Values for an id in a path: hostile text, and near misses of real ids. */
const pathValue = fc.oneof(
  anyHostile,
  fc.constantFrom('\u0000', '%00', '-'.repeat(36), '../../etc/passwd', 'GA' + '9'.repeat(40), 'ga20261123000001', ' GA20261123000001'),
  forbiddenChar.map((c) => () => `${number}${c}`),
  forbiddenChar.map((c) => () => `${fileId.slice(0, 35)}${c}`),
);
const resolve = (v: string | (() => string)) => (typeof v === 'function' ? v() : v);
/** As a URL can carry it: a lone surrogate becomes U+FFFD (the param itself is passed as is). */
const inUrl = (p: string) => encodeURIComponent(new URLSearchParams({ p }).get('p')!);

const PAGES: { label: string; loader: Fn; path: (p: string) => string; param?: 'number' | 'id' | 'code' }[] = [
  { label: 'receipt', loader: receipt.loader as Fn, path: (p) => `/applications/${inUrl(p)}`, param: 'number' },
  { label: 'notice', loader: notice.loader as Fn, path: (p) => `/applications/${inUrl(p)}/notice`, param: 'number' },
  { label: 'receipt document', loader: receiptDocument.loader as Fn, path: (p) => `/applications/${inUrl(p)}/receipt`, param: 'number' },
  { label: 'receipt pdf', loader: receiptPdf.loader as Fn, path: (p) => `/applications/${inUrl(p)}/receipt/pdf`, param: 'number' },
  { label: 'rate', loader: rate.loader as Fn, path: (p) => `/applications/${inUrl(p)}/rate`, param: 'number' },
  { label: 'supplement', loader: supplement.loader as Fn, path: (p) => `/applications/${inUrl(p)}/supplement`, param: 'number' },
  { label: 'appointment', loader: appointment.loader as Fn, path: (p) => `/applications/${inUrl(p)}/appointment`, param: 'number' },
  { label: 'desk review', loader: review.loader as Fn, path: (p) => `/desk/applications/${inUrl(p)}`, param: 'number' },
  { label: 'file', loader: file.loader as Fn, path: (p) => `/files/${inUrl(p)}`, param: 'id' },
  { label: 'guide', loader: guide.loader as Fn, path: (p) => `/services/${inUrl(p)}`, param: 'code' },
  { label: 'apply', loader: apply.loader as Fn, path: (p) => `/services/${inUrl(p)}/apply`, param: 'code' },
  { label: 'home', loader: home.loader as Fn, path: () => '/' },
  { label: 'catalog', loader: catalog.loader as Fn, path: () => '/services' },
  { label: 'my applications', loader: myApplications.loader as Fn, path: () => '/applications' },
  { label: 'desk', loader: desk.loader as Fn, path: () => '/desk' },
  { label: 'login', loader: login.loader as Fn, path: () => '/login' },
  { label: 'login/totp', loader: loginTotp.loader as Fn, path: () => '/login/totp' },
  { label: 'signup', loader: signup.loader as Fn, path: () => '/signup' },
  { label: 'signup/verify', loader: signupVerify.loader as Fn, path: () => '/signup/verify' },
  { label: 'forgot-password', loader: forgot.loader as Fn, path: () => '/forgot-password' },
  { label: 'forgot-password/reset', loader: forgotReset.loader as Fn, path: () => '/forgot-password/reset' },
  { label: 'track', loader: track.loader as Fn, path: () => '/track' },
  { label: 'track/code', loader: trackCode.loader as Fn, path: () => '/track/code' },
  { label: 'track/view', loader: trackView.loader as Fn, path: () => '/track/view' },
  { label: 'logout', loader: logout.loader as Fn, path: () => '/logout' },
  { label: 'reports', loader: reports.loader as Fn, path: () => '/reports' },
  { label: 'reports csv', loader: reportsCsv.loader as Fn, path: () => '/reports/csv' },
  { label: 'rectifications', loader: rectifications.loader as Fn, path: () => '/reports/rectifications' },
  { label: 'admin calendar', loader: adminCalendar.loader as Fn, path: () => '/admin/calendar' },
  { label: 'admin calendar year', loader: adminCalendarYear.loader as Fn, path: () => '/admin/calendar/2027' },
  { label: 'board', loader: board.loader as Fn, path: () => '/desk/board' },
  { label: 'override requests', loader: overrides.loader as Fn, path: () => '/desk/overrides' },
  { label: 'desk appointments', loader: deskAppointments.loader as Fn, path: () => '/desk/appointments' },
  { label: 'activate', loader: activate.loader as Fn, path: () => '/activate' },
  { label: 'admin', loader: adminHome.loader as Fn, path: () => '/admin' },
  { label: 'admin staff', loader: adminStaff.loader as Fn, path: () => '/admin/staff' },
  { label: 'admin staff new', loader: adminStaffNew.loader as Fn, path: () => '/admin/staff/new' },
  { label: 'admin staff edit', loader: adminStaffEdit.loader as Fn, path: (p) => `/admin/staff/${inUrl(p)}`, param: 'id' },
  { label: 'admin offices', loader: adminOffices.loader as Fn, path: () => '/admin/offices' },
  { label: 'admin units', loader: adminUnits.loader as Fn, path: () => '/admin/units' },
  { label: 'admin office new', loader: adminOfficeNew.loader as Fn, path: () => '/admin/offices/new' },
  { label: 'admin office edit', loader: adminOfficeEdit.loader as Fn, path: (p) => `/admin/offices/${inUrl(p)}`, param: 'code' },
  { label: 'admin office capacity', loader: adminOfficeCapacity.loader as Fn, path: (p) => `/admin/offices/${inUrl(p)}/appointments`, param: 'code' },
];

/** Every query key a page reads, some prototype keys, and any string. */
const QUERY_KEYS = ['draft', 'saved', 'done', 'redirectTo', 'from', 'to', 'period', 'department', 'serviceCode', 'officeCode', 'table', 'status', 'service', 'mine', 'overdue', 'empty', 'lng', 'supplemented', 'tab', 'page', 'q', 'sequence', 'unit', 'day'];
const queryValue = fc.oneof(anyHostile, impossibleDate, fc.constantFrom('1', 'day', 'week', 'month', 'hukou', 'bj-dongcheng', 'counts', 'claim', 'verdict', '-'.repeat(36), 'waiting', 'mine', '999999', '测试', '测', '%_', '110101199003071234', '+86 138 0013 8000', 'GA2026112300000'));
const query = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), prototypeKey, fc.string({ maxLength: 8 })), queryValue), { maxLength: 6 })
  .map((pairs) => {
    const sp = new URLSearchParams();
    for (const [k, v] of pairs) sp.append(k, v);
    return sp.toString();
  });
const who = fc.constantFrom<Who>('anonymous', 'citizen', 'clerk', 'manager', 'admin');

const SHAPES = { number: /^[A-Z][A-Z0-9]{0,4}[A-Z]\d{14,27}$/, id: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, code: /^[a-z][a-z0-9-]{0,63}$/ };

async function expectAnswered(res: Response) {
  expect(res.status).toBeLessThan(500);
  if (res.status >= 300 && res.status < 400) {
    expect(res.headers.get('Location')).toMatch(/^\/(?![/\\])[\x21-\x7e]*$/);
  }
  if (res.status >= 400) {
    const text = await res.clone().text();
    // requireUser's role refusal is a bare 403, which the error boundary words as errors:forbidden.
    if (res.status === 403 && text === 'forbidden') return;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`a ${res.status} answer that is not a localized error: ${text.slice(0, 200)}`);
    }
    const messages = refusalMessages(body);
    expect(messages, text.slice(0, 200)).not.toEqual([]);
    for (const m of messages) expect(isLocalizedKey(m), m).toBe(true);
  }
}

describe('fuzzing every loader', () => {
  for (const page of PAGES) {
    it(`${page.label}: hostile ${page.param ? 'path parameter and ' : ''}query string, any role`, async () => {
      await fc.assert(
        fc.asyncProperty(pathValue, query, who, async (raw, q, as) => {
          const p = resolve(raw);
          const params: Record<string, string> = page.param ? { [page.param]: p } : {};
          const res = await run(page.loader, get(`${page.path(p)}${q ? `?${q}` : ''}`, { cookie: cookies[as] }), appContext(h.db, clock, config), params);
          await expectAnswered(res);
          // Not an id of its kind: nothing to show, to anyone signed in with the right role.
          if (page.param && !SHAPES[page.param].test(p) && res.status < 300) throw new Error(`answered ${res.status} for ${JSON.stringify(p)}`);
          if (page.param && !SHAPES[page.param].test(p) && res.status === 404) {
            expect(((await res.clone().json()) as { code: string }).code).toMatch(/notFound$/i);
          }
        }),
        { numRuns: RUNS },
      );
    });
  }
});

describe('report filters', () => {
  it('impossible dates are a localized 400 beside the date field, on the page and for the CSV', async () => {
    await fc.assert(
      fc.asyncProperty(impossibleDate, fc.constantFrom('from', 'to'), fc.boolean(), async (date, field, csv) => {
        const sp = new URLSearchParams({ [field]: date });
        if (csv) sp.set('table', 'counts');
        const res = await run((csv ? reportsCsv.loader : reports.loader) as Fn, get(`/reports${csv ? '/csv' : ''}?${sp}`, { cookie: cookies.manager }), appContext(h.db, clock, config));
        expect(res.status).toBe(400);
        await expectAnswered(res);
        if (!csv) expect((await res.json()).lastResult.error[field]).toContain('reports.dateInvalid');
      }),
      { numRuns: RUNS },
    );
  });

  it('real days of the report years are taken', async () => {
    await fc.assert(
      fc.asyncProperty(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }), async (d) => {
        const day = d.toISOString().slice(0, 10);
        const res = await run(reports.loader as Fn, get(`/reports?from=${day}&to=${day}`, { cookie: cookies.manager }), appContext(h.db, clock, config));
        expect(res.status).toBe(200);
      }),
      { numRuns: Math.ceil(RUNS / 4) },
    );
  });
});

describe('redirectTo on the sign-in pages', () => {
  it('signed in, every page sends on to a safe path; signed out, it renders', async () => {
    await fc.assert(
      fc.asyncProperty(hostileRedirect, fc.constantFrom(login, signup, loginTotp, signupVerify), who, async (redirectTo, page, as) => {
        const res = await run(page.loader as Fn, get(`/login?${new URLSearchParams({ redirectTo })}`, { cookie: cookies[as] }), appContext(h.db, clock, config));
        await expectAnswered(res);
        if (as !== 'anonymous') expect(res.status).toBe(302);
      }),
      { numRuns: RUNS },
    );
  });
});
