import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { randomInt, randomUUID } from 'node:crypto';
import { and, eq, ne, notLike, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applicationFiles, applications, auditEvents, messages, queueItems, users } from '../../db/schema/index.js';
import * as signup from '../../app/routes/signup.js';
import * as signupVerify from '../../app/routes/signup_.verify.js';
import * as forgot from '../../app/routes/forgot-password.js';
import * as forgotReset from '../../app/routes/forgot-password_.reset.js';
import * as track from '../../app/routes/track.js';
import * as trackCode from '../../app/routes/track_.code.js';
import { signupThroughPages } from '../support/codes.js';
import * as activate from '../../app/routes/activate.js';
import * as adminStaffNew from '../../app/routes/admin.staff.new.js';
import * as adminStaffEdit from '../../app/routes/admin.staff.$id.js';
import * as adminOfficeNew from '../../app/routes/admin.offices.new.js';
import * as adminUnits from '../../app/routes/admin.units.js';
import * as adminOfficeEdit from '../../app/routes/admin.offices.$code.js';
import * as adminOfficeCapacity from '../../app/routes/admin.offices.$code_.appointments.js';
import * as adminItem from '../../app/routes/admin.items.$code.js';
import { createOffice } from '../../services/admin/offices.js';
import { adminActor, createAdmin } from '../support/admin-staff.js';
import * as login from '../../app/routes/login.js';
import * as loginTotp from '../../app/routes/login_.totp.js';
import * as logout from '../../app/routes/logout.js';
import * as apply from '../../app/routes/services.$code.apply.js';
import * as supplement from '../../app/routes/applications.$number.supplement.js';
import * as desk from '../../app/routes/desk._index.js';
import * as review from '../../app/routes/desk.applications.$number.js';
import * as courierWebhook from '../../app/routes/integrations.courier.events.js';
import * as rate from '../../app/routes/applications.$number.rate.js';
import * as receipt from '../../app/routes/applications.$number._index.js';
import * as documentPage from '../../app/routes/applications.$number.documents.$id.js';
import * as noticePage from '../../app/routes/applications.$number.notice.js';
import * as receiptDocument from '../../app/routes/applications.$number.receipt.js';
import * as verifyPage from '../../app/routes/verify.$token.js';
import { ensureSeal } from '../../services/documents/seal.js';
import { decisionDocuments } from '../../db/schema/index.js';
import * as rectificationsRoute from '../../app/routes/reports.rectifications.js';
import * as boardRoute from '../../app/routes/desk.board.js';
import * as overridesRoute from '../../app/routes/desk.overrides.js';
import * as appointmentRoute from '../../app/routes/applications.$number.appointment.js';
import * as deskAppointments from '../../app/routes/desk.appointments.js';
import * as payRoute from '../../app/routes/applications.$number.pay.js';
import * as paymentCallback from '../../app/routes/payments.callback.js';
import * as simulatedCashier from '../../app/routes/[_simulated].payment-platform.cashier.$id.js';
import { enrollTotp, currentTotpCode } from '../../services/auth/totp.js';
import { getService } from '../../services/catalog/index.js';
import { claimApplication, claimNext } from '../../services/queue/claim.js';
import { rateApplication } from '../../services/ratings/ratings.js';
import { acceptApplication, completeApplication } from '../../services/review/decisions.js';
import { issueNotice } from '../../services/review/notice.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { factsFromForm } from '../../services/catalog/item-admin.js';
import { hasForbiddenCharacters } from '../../services/validation/text.js';
import {
  actorOf,
  appContext,
  createStaff,
  fixedClock,
  makeIdNumber,
  makeMobile,
  sessionCookieFor,
  TEST_PASSWORD,
  testConfig,
  testContext,
} from '../support/factories.js';
import { createApplicant, createSubmittedApplication } from '../support/applications.js';
import {
  anyHostile,
  badInteger,
  hostileRedirect,
  hostileText,
  isLocalizedKey,
  looksForbidden,
  plainText,
  prototypeKey,
  refusalMessages,
} from '../support/hostile.js';
import { files, get, post, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';

/**
 * Arbitrary bodies for every action: random and known field names, unicode, huge values, files
 * where text is expected, and the wrong content types (text/plain, JSON, broken multipart, none).
 * The answer is never a 500, a refusal is localized, and a refused request stores nothing. Then
 * each form valid but for one hostile value (tracker issue 13's classes: control characters and
 * NUL, bidi and other format characters, lone surrogates, prototype keys, numbers beyond int32,
 * non-Latin-1 redirectTo), signed in as citizen, clerk and manager; and at the end nothing
 * stored anywhere holds a character the text rule refuses.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const BASE = 'http://localhost:3000';

const KNOWN = [
  'intent', 'realName', 'idNumber', 'mobile', 'password', 'confirmPassword', 'identifier', 'code', 'redirectTo',
  'applicationId', 'leaseVersion', 'materialCode', 'verdict', 'items[0].materialCode', 'items[0].verdict', 'items[99].note', 'reasonCode', 'note', 'reason', 'toClerkId', 'toOfficeCode',
  'answers.hukouRegion', 'answers.reason', 'answers.delivery', 'material.photo', 'material.hukouBook', 'hp_website',
  'score', 'comment', 'id', 'contactNote', 'outcome', 'outcomeNote', 'confirm', 'documentNumber', 'legalBasisKey', 'redirectOfficeCode',
  'purpose', 'agentName', 'delivery', 'plate', 'filingAs', 'ownerName', 'ownerIdNumber',
  'buyerRegion', 'tradedAtBuyer', 'residenceBasis', 'residenceRegion', 'material.powerOfAttorney',
  'subjectName', 'subjectIdNumber', 'day', 'time',
  'carrier', 'waybill', 'items', 'requestId', 'decision', 'toClerkId',
  'addressRecipient', 'addressMobile', 'addressProvince', 'addressCity', 'addressDistrict', 'addressStreet', 'addressPostcode',
  'staffNo', 'role', 'officeCode', 'orgUnitCode', 'skills', 'managerScope', 'totp',
  'nameZh', 'nameEn', 'address', 'hours', 'phone', 'departments', 'regionPrefixes', 'platePrefixes', 'transferTo',
  'windows', 'perWindow', 'daysAhead',
];
const INTENTS = ['save', 'submit', 'withdraw', 'claim', 'release', 'verdict', 'judge', 'notice', 'accept', 'notAccept', 'complete', 'refuse', 'transfer', 'override', 'takeNext', 'start', 'confirm', 'update', 'close', 'disable', 'enable', 'resetPassword', 'resetSecondFactor', 'shipmentRetry', 'shipmentManual', 'book', 'cancel', 'office', 'day', 'removeDay'];

const text = fc.oneof(
  anyHostile,
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\uFEFF', '\uD800', '-1', '0', '1e309', 'NaN', 'null', '[]', '{"a":1}', '<script>alert(1)</script>', '../../etc/passwd', '110101199003071233', '13800138000', '123456'),
  fc.constantFrom(...INTENTS),
  fc.integer({ min: 2, max: 5 }).map((n) => '字'.repeat(10 ** n)),
);
/** Paths through a prototype, as a form library or our own code would follow them into nested objects. */
const prototypePath = fc
  .tuple(fc.constantFrom(...KNOWN, 'materials', 'fees', 'cases', 'notes'), fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.constantFrom('', '.requirement.zh', '.prototype.x', '[0]', '.zh'))
  .map(([a, b, c]) => `${a}.${b}${c}`);
const name = fc.oneof(fc.constantFrom(...KNOWN), prototypeKey, prototypePath, fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 12 }));
const file = fc.record({ name: fc.string({ maxLength: 30 }), bytes: fc.uint8Array({ maxLength: 2048 }), type: fc.constantFrom('', 'application/pdf', 'image/png', 'text/html', 'application/x-msdownload') });
const fields = fc.array(fc.tuple(name, fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: file })), { maxLength: 12 });

type Body =
  | { kind: 'urlencoded'; fields: [string, unknown][] }
  | { kind: 'multipart'; fields: [string, unknown][] }
  | { kind: 'raw'; contentType: string | null; body: string };
const body: fc.Arbitrary<Body> = fc.oneof(
  fields.map((f) => ({ kind: 'urlencoded' as const, fields: f })),
  fields.map((f) => ({ kind: 'multipart' as const, fields: f })),
  fc.tuple(
    fc.constantFrom('text/plain', 'application/json', 'multipart/form-data; boundary=----fuzz', 'multipart/form-data', 'application/x-www-form-urlencoded', 'application/xml', null),
    fc.oneof(fc.string({ maxLength: 200 }), fc.json(), fc.constant('------fuzz\r\nContent-Disposition: form-data; name="intent"\r\n\r\nclaim\r\n------fu')),
  ).map(([contentType, b]) => ({ kind: 'raw' as const, contentType, body: b })),
);

function toRequest(path: string, b: Body, cookie?: string): Request {
  const headers = new Headers({ Origin: BASE, 'Accept-Language': 'zh-CN' });
  if (cookie) headers.set('Cookie', cookie);
  let payload: BodyInit;
  if (b.kind === 'raw') {
    if (b.contentType) headers.set('Content-Type', b.contentType);
    payload = b.body;
  } else if (b.kind === 'urlencoded') {
    const sp = new URLSearchParams();
    for (const [k, v] of b.fields) sp.append(k, typeof v === 'string' ? v : 'file');
    payload = sp;
  } else {
    const fd = new FormData();
    for (const [k, v] of b.fields) {
      if (typeof v === 'string') fd.append(k, v);
      else {
        const f = v as { name: string; bytes: Uint8Array; type: string };
        fd.append(k, new File([f.bytes], f.name, { type: f.type }));
      }
    }
    payload = fd;
  }
  return new Request(BASE + path, { method: 'POST', headers, body: payload });
}

const PROTOTYPE_BEFORE = Object.getOwnPropertyNames(Object.prototype).sort();
let h: DbHandle;
const clock = fixedClock();
const config = testConfig();
// 'leaving' is the session the logout fuzz ends; the others must stay signed in throughout.
const cookies: Record<'citizen' | 'leaving' | 'clerk' | 'manager' | 'admin', string> = { citizen: '', leaving: '', clerk: '', manager: '', admin: '' };
/** What the administration actions may change (disable, reset, close) without touching the other fixtures. */
let adminTarget = { staffId: '', officeCode: 'bj-fuzz' };
let sealed: { documentId: string; token: string };
let numbers: { clean: string; flagged: string; withdrawable: string; review: string; completed: string };
/** The lease the signed-in clerk holds on numbers.review. */
let reviewLease = 0;
let rectificationId = '';

beforeAll(async () => {
  h = await createTestDb();
  const citizen = await createApplicant(h.db);
  const worker = await createStaff(h.db);
  const clerk = await createStaff(h.db);
  const submitted = () => createSubmittedApplication(h.db, { citizen, clock, config });
  const flagged = await submitted();
  const wctx = testContext(h.db, actorOf(worker), clock, config);
  const { leaseVersion } = (await claimNext(wctx))!;
  for (const [materialCode, verdict] of [['hukouBook', 'ok'], ['idCollectionReceipt', 'ok'], ['photo', 'missing']] as const) {
    await recordVerdict(wctx, flagged.number, { leaseVersion, materialCode, verdict });
  }
  await issueNotice(wctx, flagged.number, leaseVersion);

  // Completed, rated badly at the window: the citizen may rate it online, the manager follows up.
  const completed = await submitted();
  const done = await claimApplication(wctx, completed.number);
  for (const m of getService('temporary-id-card').materials) {
    await recordVerdict(wctx, completed.number, { leaseVersion: done.leaseVersion, materialCode: m.code, verdict: 'ok' });
  }
  await acceptApplication(wctx, completed.number, { leaseVersion: done.leaseVersion });
  await completeApplication(wctx, completed.number, { leaseVersion: done.leaseVersion, documentNumber: 'LS-0001', delivery: 'pickup' });
  rectificationId = (await rateApplication(wctx, completed.number, { score: 1 })).rectificationId!;
  // Its completion document, sealed: the public verify page's file check and the manager's revocation.
  const [completion] = await h.db.select().from(decisionDocuments).where(and(eq(decisionDocuments.applicationId, completed.applicationId), eq(decisionDocuments.kind, 'completion')));
  sealed = { documentId: completion.id, token: (await ensureSeal(wctx, 'decision', completion.id)).token };

  const review = await submitted();
  reviewLease = (await claimApplication(testContext(h.db, actorOf(clerk), clock, config), review.number)).leaseVersion;
  const clean = await submitted();
  const withdrawable = await submitted();
  numbers = { clean: clean.number, flagged: flagged.number, withdrawable: withdrawable.number, review: review.number, completed: completed.number };
  cookies.citizen = await sessionCookieFor(h.db, clock, citizen.id);
  cookies.leaving = await sessionCookieFor(h.db, clock, citizen.id);
  cookies.clerk = await sessionCookieFor(h.db, clock, clerk.id);
  cookies.manager = await sessionCookieFor(h.db, clock, (await createStaff(h.db, { role: 'manager' })).id);
  const admin = await createAdmin(h.db, null);
  cookies.admin = await sessionCookieFor(h.db, clock, admin.id);
  const actx = testContext(h.db, adminActor(admin), clock, config);
  await createOffice(actx, { code: 'bj-fuzz', nameZh: '测试窗口', nameEn: 'Fuzz window', phone: '010-1', orgUnitCode: '1101', departments: ['hukou'], regionPrefixes: [], platePrefixes: [] });
  adminTarget = { staffId: (await createStaff(h.db, { officeCode: 'bj-fuzz', skills: ['hukou'] })).id, officeCode: 'bj-fuzz' };
});
afterAll(() => h.close());

/** Rows a refused request must not add; sign-in attempts are audited on purpose. */
async function counts() {
  const n = async (q: Promise<{ n: number }[]>) => (await q)[0].n;
  const c = sql<number>`count(*)::int`;
  return {
    users: await n(h.db.select({ n: c }).from(users)),
    applications: await n(h.db.select({ n: c }).from(applications)),
    applicationFiles: await n(h.db.select({ n: c }).from(applicationFiles)),
    queueItems: await n(h.db.select({ n: c }).from(queueItems)),
    messages: await n(h.db.select({ n: c }).from(messages)),
    // Activation attempts are sign-in attempts: audited on purpose, refused or not.
    auditEvents: await n(h.db.select({ n: c }).from(auditEvents).where(and(notLike(auditEvents.action, 'auth.login.%'), ne(auditEvents.action, 'staff.activation.failed')))),
  };
}

/** A refusal carries messages, and every one of them is a key of both languages. */
async function expectLocalizedRefusal(res: Response): Promise<string[]> {
  const text = await res.clone().text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`a ${res.status} answer that is not a localized error: ${text.slice(0, 200)}`);
  }
  const messages = refusalMessages(body);
  expect(messages, `a ${res.status} answer without a message: ${text.slice(0, 200)}`).not.toEqual([]);
  for (const m of messages) expect(isLocalizedKey(m), `not a key of both locales: ${m}`).toBe(true);
  return messages;
}

/** The fields' messages of a form refusal. */
async function fieldErrors(res: Response): Promise<Record<string, string[]>> {
  const body = (await res.clone().json()) as { lastResult?: { error?: Record<string, string[]> } };
  return body.lastResult?.error ?? {};
}

type Fn = (args: LoaderFunctionArgs | ActionFunctionArgs) => unknown;
const ACTIONS: { label: string; action: Fn; path: () => string; params?: () => Record<string, string>; as?: keyof typeof cookies }[] = [
  { label: 'signup', action: signup.action as Fn, path: () => '/signup' },
  { label: 'signup/verify', action: signupVerify.action as Fn, path: () => '/signup/verify' },
  { label: 'forgot-password', action: forgot.action as Fn, path: () => '/forgot-password' },
  { label: 'forgot-password/reset', action: forgotReset.action as Fn, path: () => '/forgot-password/reset' },
  { label: 'track', action: track.action as Fn, path: () => '/track' },
  { label: 'track/code', action: trackCode.action as Fn, path: () => '/track/code' },
  { label: 'login', action: login.action as Fn, path: () => '/login' },
  { label: 'login/totp', action: loginTotp.action as Fn, path: () => '/login/totp' },
  { label: 'logout', action: logout.action as Fn, path: () => '/logout', as: 'leaving' },
  { label: 'apply', action: apply.action as Fn, path: () => '/services/temporary-id-card/apply', params: () => ({ code: 'temporary-id-card' }), as: 'citizen' },
  { label: 'withdraw', action: receipt.action as Fn, path: () => `/applications/${numbers.withdrawable}`, params: () => ({ number: numbers.withdrawable }), as: 'citizen' },
  { label: 'supplement', action: supplement.action as Fn, path: () => `/applications/${numbers.flagged}/supplement`, params: () => ({ number: numbers.flagged }), as: 'citizen' },
  { label: 'desk', action: desk.action as Fn, path: () => '/desk', as: 'clerk' },
  { label: 'desk review (clerk)', action: review.action as Fn, path: () => `/desk/applications/${numbers.clean}`, params: () => ({ number: numbers.clean }), as: 'clerk' },
  { label: 'rate (citizen)', action: rate.action as Fn, path: () => `/applications/${numbers.clean}/rate`, params: () => ({ number: numbers.clean }), as: 'citizen' },
  { label: 'rectifications (manager)', action: rectificationsRoute.action as Fn, path: () => '/reports/rectifications', as: 'manager' },
  { label: 'desk review (manager)', action: review.action as Fn, path: () => `/desk/applications/${numbers.flagged}`, params: () => ({ number: numbers.flagged }), as: 'manager' },
  { label: 'board (manager)', action: boardRoute.action as Fn, path: () => '/desk/board', as: 'manager' },
  { label: 'override requests (manager)', action: overridesRoute.action as Fn, path: () => '/desk/overrides', as: 'manager' },
  { label: 'verify a file', action: verifyPage.action as Fn, path: () => `/verify/${sealed.token}`, params: () => ({ token: sealed.token }) },
  {
    label: 'revoke a document (manager)',
    action: documentPage.action as Fn,
    path: () => `/applications/${numbers.completed}/documents/${sealed.documentId}`,
    params: () => ({ number: numbers.completed, id: sealed.documentId }),
    as: 'manager',
  },
  {
    label: 'revoke a notice (manager)',
    action: noticePage.action as Fn,
    path: () => `/applications/${numbers.flagged}/notice`,
    params: () => ({ number: numbers.flagged }),
    as: 'manager',
  },
  {
    label: 'revoke a receipt (manager)',
    action: receiptDocument.action as Fn,
    path: () => `/applications/${numbers.clean}/receipt`,
    params: () => ({ number: numbers.clean }),
    as: 'manager',
  },
  { label: 'appointment (citizen)', action: appointmentRoute.action as Fn, path: () => `/applications/${numbers.clean}/appointment`, params: () => ({ number: numbers.clean }), as: 'citizen' },
  { label: 'desk appointments (clerk)', action: deskAppointments.action as Fn, path: () => '/desk/appointments', as: 'clerk' },
  { label: 'pay (citizen)', action: payRoute.action as Fn, path: () => `/applications/${numbers.clean}/pay`, params: () => ({ number: numbers.clean }), as: 'citizen' },
  { label: 'payment callback (platform)', action: paymentCallback.action as Fn, path: () => '/payments/callback' },
  { label: 'simulated cashier', action: simulatedCashier.action as Fn, path: () => '/_simulated/payment-platform/cashier/PP1-none', params: () => ({ id: 'PP1-none' }) },
  { label: 'activate', action: activate.action as Fn, path: () => '/activate' },
  { label: 'admin staff new', action: adminStaffNew.action as Fn, path: () => '/admin/staff/new', as: 'admin' },
  { label: 'admin staff edit', action: adminStaffEdit.action as Fn, path: () => `/admin/staff/${adminTarget.staffId}`, params: () => ({ id: adminTarget.staffId }), as: 'admin' },
  { label: 'admin office new', action: adminOfficeNew.action as Fn, path: () => '/admin/offices/new', as: 'admin' },
  { label: 'admin units', action: adminUnits.action as Fn, path: () => '/admin/units', as: 'admin' },
  { label: 'admin office edit', action: adminOfficeEdit.action as Fn, path: () => `/admin/offices/${adminTarget.officeCode}`, params: () => ({ code: adminTarget.officeCode }), as: 'admin' },
  { label: 'admin office capacity', action: adminOfficeCapacity.action as Fn, path: () => `/admin/offices/${adminTarget.officeCode}/appointments`, params: () => ({ code: adminTarget.officeCode }), as: 'admin' },
  // Server to server: no session; whatever is posted without the courier's signature is refused (decision 0035).
  { label: 'courier webhook', action: courierWebhook.action as Fn, path: () => '/integrations/courier/events' },
  { label: 'admin item', action: adminItem.action as Fn, path: () => '/admin/items/passport', params: () => ({ code: 'passport' }), as: 'admin' },
];

describe('fuzzing every action', () => {
  for (const a of ACTIONS) {
    it(`${a.label}: never a 500, a localized refusal, and a refused request stores nothing`, async () => {
      await fc.assert(
        fc.asyncProperty(body, async (b) => {
          const before = await counts();
          let res: Response;
          try {
            res = await run(a.action, toRequest(a.path(), b, a.as && cookies[a.as]), appContext(h.db, clock, config), a.params?.() ?? {});
          } catch (e) {
            throw new Error(`threw instead of answering: ${String(e)}`);
          }
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            await expectLocalizedRefusal(res);
            expect(await counts()).toEqual(before);
          }
        }),
        { numRuns: RUNS },
      );
    });
  }
});

/**
 * Each form filled in correctly but for one value from the hostile classes. A free-text value
 * with a forbidden character is refused with the text rule's message beside that very field;
 * any other refusal is still localized; nothing is a 500. Decisions that would end the item are
 * sent with a lease the clerk does not hold, so a clean value is a 409 after the schema passed.
 */
type Form = {
  label: string;
  action: Fn;
  path: () => string;
  params?: () => Record<string, string>;
  as?: keyof typeof cookies;
  field: string;
  multiline?: boolean;
  fields: (value: string) => Record<string, string>;
};
const wrongLease = () => String(reviewLease + 1000);
const FORMS: Form[] = [
  {
    label: 'signup real name',
    action: signup.action as Fn,
    path: () => '/signup',
    field: 'realName',
    fields: (v) => ({ realName: v, idNumber: makeIdNumber(), mobile: makeMobile(), password: TEST_PASSWORD, confirmPassword: TEST_PASSWORD }),
  },
  { label: 'login identifier', action: login.action as Fn, path: () => '/login', field: 'identifier', fields: (v) => ({ identifier: v, password: 'not-the-password' }) },
  { label: 'forgotten password identifier', action: forgot.action as Fn, path: () => '/forgot-password', field: 'identifier', fields: (v) => ({ identifier: v }) },
  { label: 'track number', action: track.action as Fn, path: () => '/track', field: 'number', fields: (v) => ({ number: v }) },
  ...(['purpose', 'subjectName'] as const).map((field) => ({
    label: `draft answer ${field}`,
    action: apply.action as Fn,
    path: () => '/services/household-certificate/apply',
    params: () => ({ code: 'household-certificate' }),
    as: 'citizen' as const,
    field,
    fields: (v: string) => ({ applicationId: randomUUID(), intent: 'save', filingAs: 'agent', [field]: v }),
  })),
  ...(['addressRecipient', 'addressStreet'] as const).map((field) => ({
    label: `posted answer ${field}`,
    action: apply.action as Fn,
    path: () => '/services/temporary-id-card/apply',
    params: () => ({ code: 'temporary-id-card' }),
    as: 'citizen' as const,
    field,
    fields: (v: string) => ({ applicationId: randomUUID(), intent: 'save', delivery: 'mail', [field]: v }),
  })),
  ...(
    [
      { field: 'items[0].note', fields: (v: string) => ({ intent: 'judge', leaseVersion: String(reviewLease), 'items[0].materialCode': 'photo', 'items[0].verdict': 'deficient', 'items[0].reasonCode': 'photoSpec', 'items[0].note': v }) },
      { field: 'note', fields: (v: string) => ({ intent: 'notAccept', leaseVersion: wrongLease(), reasonCode: 'noLicenceNeeded', note: v }) },
      { field: 'note', fields: (v: string) => ({ intent: 'refuse', leaseVersion: wrongLease(), reasonCode: 'conditionsNotMet', legalBasisKey: 'catalog:basis.residentIdCardLaw', note: v }) },
      { field: 'reason', fields: (v: string) => ({ intent: 'transfer', leaseVersion: wrongLease(), toOfficeCode: 'bj-chaoyang', reason: v }) },
      { field: 'documentNumber', single: true, fields: (v: string) => ({ intent: 'complete', leaseVersion: wrongLease(), documentNumber: v, delivery: 'pickup' }) },
      { field: 'waybill', single: true, fields: (v: string) => ({ intent: 'shipmentManual', carrier: 'ems', waybill: v }) },
    ] as { field: string; single?: boolean; fields: (v: string) => Record<string, string> }[]
  ).map((f) => ({
    label: `desk ${f.fields('x').intent} ${f.field}`,
    action: review.action as Fn,
    path: () => `/desk/applications/${numbers.review}`,
    params: () => ({ number: numbers.review }),
    as: 'clerk' as const,
    field: f.field,
    multiline: !f.single,
    fields: f.fields,
  })),
  {
    label: 'manager override reason',
    action: review.action as Fn,
    path: () => `/desk/applications/${numbers.flagged}`,
    params: () => ({ number: numbers.flagged }),
    as: 'manager',
    field: 'reason',
    multiline: true,
    fields: (v) => ({ intent: 'override', reason: `${v}，申请人材料需再次补正说明` }),
  },
  {
    label: 'rating comment',
    action: rate.action as Fn,
    path: () => `/applications/${numbers.completed}/rate`,
    params: () => ({ number: numbers.completed }),
    as: 'citizen',
    field: 'comment',
    multiline: true,
    fields: (v) => ({ score: '4', comment: v }),
  },
  ...(['contactNote', 'outcomeNote'] as const).map((field) => ({
    label: `rectification ${field}`,
    action: rectificationsRoute.action as Fn,
    path: () => '/reports/rectifications',
    as: 'manager' as const,
    field,
    multiline: true,
    fields: (v: string) => ({ id: rectificationId, contactNote: '已电话联系申请人', outcome: 'explained', [field]: v }),
  })),
  {
    label: 'admin staff real name',
    action: adminStaffNew.action as Fn,
    path: () => '/admin/staff/new',
    as: 'admin',
    field: 'realName',
    fields: (v) => ({ staffNo: `F${randomInt(100000, 999999)}`, realName: v, role: 'clerk', officeCode: 'bj-dongcheng', skills: 'hukou' }),
  },
  ...(['nameZh', 'nameEn', 'address', 'hours'] as const).map((field) => ({
    label: `admin office ${field}`,
    action: adminOfficeNew.action as Fn,
    path: () => '/admin/offices/new',
    as: 'admin' as const,
    field,
    fields: (v: string) => ({ code: `bj-f${randomInt(100000, 999999)}`, nameZh: '窗口', nameEn: 'Window', phone: '010-1234', orgUnitCode: '1101', departments: 'hukou', [field]: v }),
  })),
];

const value = fc.oneof({ weight: 3, arbitrary: hostileText() }, { weight: 1, arbitrary: plainText() }, { weight: 1, arbitrary: anyHostile });

describe('hostile values in otherwise valid forms', () => {
  for (const f of FORMS) {
    it(`${f.label}: refused beside the field when it holds a forbidden character, never a 500`, async () => {
      await fc.assert(
        fc.asyncProperty(value, async (v) => {
          const res = await run(f.action, post(f.path(), f.fields(v), { cookie: f.as && cookies[f.as] }), appContext(h.db, clock, config), f.params?.() ?? {});
          expect(res.status).toBeLessThan(500);
          // What the browser sends: a form body carries no lone surrogate (it becomes U+FFFD).
          const sent = new URLSearchParams({ v }).get('v')!;
          if (looksForbidden(sent, f.multiline)) {
            const codes = [...sent].map((c) => c.codePointAt(0)!.toString(16)).join(' ');
            expect(res.status, codes).toBe(400);
            expect((await fieldErrors(res))[f.field], codes).toContain('text.forbiddenCharacters');
          }
          if (res.status >= 400) await expectLocalizedRefusal(res);
        }),
        { numRuns: RUNS },
      );
    });
  }

  // Visits by appointment (decision 0039): the office's figures and a day's own, each field hostile in turn.
  it('admin capacity forms (office, a day, removing a day): a hostile day or figure is a localized 4xx, never a 500', async () => {
    const path = `/admin/offices/${adminTarget.officeCode}/appointments`;
    const bodies = (v: string): Record<string, string>[] => [
      { intent: 'office', windows: v, perWindow: '2', daysAhead: '10' },
      { intent: 'office', windows: '2', perWindow: v, daysAhead: v },
      { intent: 'day', day: v, windows: '1', perWindow: '1' },
      { intent: 'day', day: '2026-12-01', windows: v, perWindow: v },
      { intent: 'removeDay', day: v },
    ];
    await fc.assert(
      fc.asyncProperty(fc.oneof(value, badInteger, fc.constantFrom('2026-02-30', '0000-01-01', '9999-12-31', '2026-11-28', '2027-01-04', '-1', '501')), async (v) => {
        for (const b of bodies(v)) {
          const res = await run(adminOfficeCapacity.action as Fn, post(path, b, { cookie: cookies.admin }), appContext(h.db, clock, config), { code: adminTarget.officeCode });
          expect(res.status, JSON.stringify(b)).toBeLessThan(500);
          if (res.status >= 400) await expectLocalizedRefusal(res);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('numbers beyond int32, in hex or exponent notation are a localized 400 (lease versions, scores)', async () => {
    await fc.assert(
      fc.asyncProperty(badInteger, fc.boolean(), async (n, asScore) => {
        const res = asScore
          ? await run(rate.action as Fn, post(`/applications/${numbers.completed}/rate`, { score: n }, { cookie: cookies.citizen }), appContext(h.db, clock, config), { number: numbers.completed })
          : await run(
              review.action as Fn,
              post(`/desk/applications/${numbers.review}`, { intent: 'judge', leaseVersion: n, 'items[0].materialCode': 'photo', 'items[0].verdict': 'ok' }, { cookie: cookies.clerk }),
              appContext(h.db, clock, config),
              { number: numbers.review },
            );
        expect(res.status).toBe(400);
        expect(Object.keys(await fieldErrors(res))).toEqual([asScore ? 'score' : 'leaseVersion']);
        await expectLocalizedRefusal(res);
      }),
      { numRuns: RUNS },
    );
  });

  it('a field path through __proto__, constructor or prototype is a 400 for every form, and the item draft form never writes through one', async () => {
    for (const field of ['materials.__proto__.requirement.zh', 'fees.__proto__', 'cases.constructor.prototype.x', 'notes.__proto__']) {
      const res = await run(adminItem.action as Fn, post('/admin/items/passport', { intent: 'draft', [field]: 'x' }, { cookie: cookies.admin }), appContext(h.db, clock, config), { code: 'passport' });
      expect(res.status).toBe(400);
    }
    expect(({} as Record<string, unknown>).requirement).toBeUndefined();
    const facts = factsFromForm([['materials.__proto__.requirement.zh', 'x'], ['fees.__proto__', '5']]);
    expect(({} as Record<string, unknown>).requirement).toBeUndefined();
    expect(Object.keys(facts.materials as object)).toEqual(['__proto__']);
  });

  it('intents named after Object.prototype properties are a localized 400', async () => {
    await fc.assert(
      fc.asyncProperty(prototypeKey, async (intent) => {
        const res = await run(review.action as Fn, post(`/desk/applications/${numbers.review}`, { intent, leaseVersion: String(reviewLease) }, { cookie: cookies.clerk }), appContext(h.db, clock, config), {
          number: numbers.review,
        });
        expect(res.status).toBe(400);
        await expectLocalizedRefusal(res);
      }),
    );
  });
});

describe('file names from the user\'s system', () => {
  it('are kept without control, bidi or format characters, NFC, bounded, and named for what the bytes are', async () => {
    const fileName = fc.oneof(
      hostileText(60).map((s) => `${s}.pdf`),
      fc.constantFrom('invoice\u202Efdp.exe', 'scan', '..\\..\\win.ini', '/etc/passwd', 'a\u0000b.pdf', '\uFEFFreport.PDF', '照片.jpg', 'x.pdf.exe', '"quoted".pdf'),
      fc.string({ unit: 'binary', maxLength: 300 }),
    );
    await fc.assert(
      fc.asyncProperty(fileName, async (name) => {
        const applicationId = randomUUID();
        const res = await run(
          apply.action as Fn,
          post('/services/temporary-id-card/apply', { applicationId, intent: 'save', 'material.hukouBook': files.pdf(name) }, { cookie: cookies.citizen }),
          appContext(h.db, clock, config),
          { code: 'temporary-id-card' },
        );
        // A part with an empty file name is no file at all to the multipart parser.
        if (name === '') return void (await expectLocalizedRefusal(res));
        expect(res.status).toBe(302);
        const [row] = await h.db
          .select({ name: applicationFiles.originalName })
          .from(applicationFiles)
          .innerJoin(applications, eq(applications.id, applicationFiles.applicationId))
          .where(eq(applications.id, applicationId));
        expect(looksForbidden(row.name)).toBe(false);
        expect(row.name).toBe(row.name.normalize('NFC'));
        expect(row.name).toMatch(/^[^/\\"]+\.pdf$/i);
        expect([...row.name].length).toBeLessThanOrEqual(200);
      }),
      { numRuns: RUNS },
    );
  });
});

/** A Location a browser follows to this site: a path, ASCII, not protocol-relative. */
function expectSafeLocation(res: Response) {
  expect(res.status).toBe(302);
  const location = res.headers.get('Location')!;
  expect(location).toMatch(/^\/(?![/\\])[\x21-\x7e]*$/);
}
const sessionSet = (res: Response) => res.headers.getSetCookie().some((c) => c.startsWith('__session=') && !c.startsWith('__session=;'));

describe('redirectTo after sign-in, whatever it holds', () => {
  it('login: the session cookie is set and the Location is a safe path', async () => {
    await fc.assert(
      fc.asyncProperty(hostileRedirect, async (redirectTo) => {
        const citizen = await createApplicant(h.db);
        const res = await run(login.action as Fn, post('/login', { identifier: citizen.mobile!, password: TEST_PASSWORD, redirectTo }), appContext(h.db, clock, config));
        expectSafeLocation(res);
        expect(sessionSet(res)).toBe(true);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('signup: the session cookie is set and the Location is a safe path', async () => {
    await fc.assert(
      fc.asyncProperty(hostileRedirect, async (redirectTo) => {
        const fields = { realName: '王小明', idNumber: makeIdNumber(), mobile: makeMobile(), password: TEST_PASSWORD, confirmPassword: TEST_PASSWORD, redirectTo };
        // Both steps: the form sends on to the code page, the code page to the safe path.
        const { first, second } = await signupThroughPages(appContext(h.db, clock, config), fields);
        expectSafeLocation(first);
        expectSafeLocation(second!);
        expect(sessionSet(second!)).toBe(true);
      }),
      { numRuns: Math.ceil(RUNS / 4) },
    );
  });

  it('staff code: the password step and the code step both answer with a safe Location', async () => {
    const SECRET = 'JBSWY3DPEHPK3PXP';
    await fc.assert(
      fc.asyncProperty(hostileRedirect, async (redirectTo) => {
        const staff = await createStaff(h.db);
        await enrollTotp(h.db, config.dataKeys, staff.id, SECRET);
        const step = await run(login.action as Fn, post('/login', { identifier: staff.staffNo!, password: TEST_PASSWORD, redirectTo }), appContext(h.db, clock, config));
        expectSafeLocation(step);
        const pending = step.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('__pending_login='))!;
        const res = await run(loginTotp.action as Fn, post('/login/totp', { code: currentTotpCode(SECRET, clock), redirectTo }, { cookie: pending }), appContext(h.db, clock, config));
        expectSafeLocation(res);
        expect(sessionSet(res)).toBe(true);
      }),
      { numRuns: Math.ceil(RUNS / 4) },
    );
  });

  it('the sign-in pages, opened while signed in, send on to a safe path', async () => {
    const pages = [
      { fn: login.loader as Fn, path: '/login' },
      { fn: signup.loader as Fn, path: '/signup' },
      { fn: signupVerify.loader as Fn, path: '/signup/verify' },
      { fn: loginTotp.loader as Fn, path: '/login/totp' },
    ];
    await fc.assert(
      fc.asyncProperty(hostileRedirect, fc.constantFrom(...pages), fc.constantFrom('citizen', 'clerk', 'manager') as fc.Arbitrary<keyof typeof cookies>, async (redirectTo, page, who) => {
        const query = new URLSearchParams({ redirectTo }).toString();
        const res = await run(page.fn, get(`${page.path}?${query}`, { cookie: cookies[who] }), appContext(h.db, clock, config));
        expectSafeLocation(res);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('after the run', () => {
  it('nothing posted reached Object.prototype (one admin POST once broke every application form until a restart)', () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_BEFORE);
    expect(({} as Record<string, unknown>).requirement).toBeUndefined();
  });

  it('nothing stored in any table holds a control, bidi or format character', async () => {
    const tables = (await h.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`)) as unknown as
      | { rows: { table_name: string }[] }
      | { table_name: string }[];
    const names = (Array.isArray(tables) ? tables : tables.rows).map((r) => r.table_name);
    expect(names).toEqual(expect.arrayContaining(['users', 'applications', 'application_files', 'notices', 'audit_events', 'ratings', 'rectifications']));
    const bad: string[] = [];
    const walk = (where: string, v: unknown): void => {
      if (typeof v === 'string') {
        if (hasForbiddenCharacters(v, { multiline: true }) || looksForbidden(v, true)) bad.push(`${where}: ${JSON.stringify(v).slice(0, 80)}`);
      } else if (Array.isArray(v)) v.forEach((x, i) => walk(`${where}[${i}]`, x));
      else if (v && typeof v === 'object' && !(v instanceof Date) && !ArrayBuffer.isView(v)) for (const [k, x] of Object.entries(v)) walk(`${where}.${k}`, x);
    };
    let rows = 0;
    for (const t of names) {
      const result = (await h.db.execute(sql`select * from ${sql.identifier(t)}`)) as unknown as { rows: unknown[] } | unknown[];
      const list = Array.isArray(result) ? result : result.rows;
      rows += list.length;
      list.forEach((r, i) => walk(`${t}[${i}]`, r));
    }
    expect(rows).toBeGreaterThan(0);
    expect(bad).toEqual([]);
  });
});
