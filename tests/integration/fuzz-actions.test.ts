import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { and, notLike, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applicationFiles, applications, auditEvents, messages, queueItems, users } from '../../db/schema/index.js';
import * as signup from '../../app/routes/signup.js';
import * as login from '../../app/routes/login.js';
import * as loginTotp from '../../app/routes/login_.totp.js';
import * as logout from '../../app/routes/logout.js';
import * as apply from '../../app/routes/services.$code.apply.js';
import * as supplement from '../../app/routes/applications.$number.supplement.js';
import * as desk from '../../app/routes/desk._index.js';
import * as review from '../../app/routes/desk.applications.$number.js';
import * as rate from '../../app/routes/applications.$number.rate.js';
import * as rectificationsRoute from '../../app/routes/reports.rectifications.js';
import { claimNext } from '../../services/queue/claim.js';
import { issueNotice } from '../../services/review/notice.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { actorOf, appContext, createStaff, fixedClock, sessionCookieFor, testConfig, testContext } from '../support/factories.js';
import { createApplicant, createSubmittedApplication } from '../support/applications.js';
import { run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';

/**
 * Arbitrary bodies for every action: random and known field names, unicode, huge values, files
 * where text is expected, and the wrong content types (text/plain, JSON, broken multipart, none).
 * The answer is never a 500, and a refused request stores nothing.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const BASE = 'http://localhost:3000';

const KNOWN = [
  'intent', 'realName', 'idNumber', 'mobile', 'password', 'confirmPassword', 'identifier', 'code', 'redirectTo',
  'applicationId', 'leaseVersion', 'materialCode', 'verdict', 'reasonCode', 'note', 'reason', 'toClerkId', 'toOfficeCode',
  'answers.hukouRegion', 'answers.reason', 'answers.delivery', 'material.photo', 'material.hukouBook', 'hp_website',
  'score', 'comment', 'id', 'contactNote', 'outcome', 'outcomeNote',
];
const INTENTS = ['save', 'submit', 'claim', 'release', 'verdict', 'notice', 'accept', 'notAccept', 'complete', 'refuse', 'transfer', 'override', 'takeNext'];

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\uFEFF', '\uD800', '-1', '0', '1e309', 'NaN', 'null', '[]', '{"a":1}', '<script>alert(1)</script>', '../../etc/passwd', '110101199003071233', '13800138000', '123456'),
  fc.constantFrom(...INTENTS),
  fc.integer({ min: 2, max: 5 }).map((n) => '字'.repeat(10 ** n)),
);
const name = fc.oneof(fc.constantFrom(...KNOWN), fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 12 }));
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

let h: DbHandle;
const clock = fixedClock();
const config = testConfig();
const cookies: Record<'citizen' | 'clerk' | 'manager', string> = { citizen: '', clerk: '', manager: '' };
let numbers: { clean: string; flagged: string };

beforeAll(async () => {
  h = await createTestDb();
  const citizen = await createApplicant(h.db);
  const worker = await createStaff(h.db);
  const flagged = await createSubmittedApplication(h.db, { citizen, clock, config });
  const wctx = testContext(h.db, actorOf(worker), clock, config);
  const { leaseVersion } = (await claimNext(wctx))!;
  for (const [materialCode, verdict] of [['hukouBook', 'ok'], ['idCollectionReceipt', 'ok'], ['photo', 'missing']] as const) {
    await recordVerdict(wctx, flagged.number, { leaseVersion, materialCode, verdict });
  }
  await issueNotice(wctx, flagged.number, leaseVersion);
  const clean = await createSubmittedApplication(h.db, { citizen, clock, config });
  numbers = { clean: clean.number, flagged: flagged.number };
  cookies.citizen = await sessionCookieFor(h.db, clock, citizen.id);
  cookies.clerk = await sessionCookieFor(h.db, clock, (await createStaff(h.db)).id);
  cookies.manager = await sessionCookieFor(h.db, clock, (await createStaff(h.db, { role: 'manager' })).id);
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
    auditEvents: await n(h.db.select({ n: c }).from(auditEvents).where(and(notLike(auditEvents.action, 'auth.login.%')))),
  };
}

type Fn = (args: LoaderFunctionArgs | ActionFunctionArgs) => unknown;
const ACTIONS: { label: string; action: Fn; path: () => string; params?: () => Record<string, string>; as?: keyof typeof cookies }[] = [
  { label: 'signup', action: signup.action as Fn, path: () => '/signup' },
  { label: 'login', action: login.action as Fn, path: () => '/login' },
  { label: 'login/totp', action: loginTotp.action as Fn, path: () => '/login/totp' },
  { label: 'logout', action: logout.action as Fn, path: () => '/logout', as: 'citizen' },
  { label: 'apply', action: apply.action as Fn, path: () => '/services/temporary-id-card/apply', params: () => ({ code: 'temporary-id-card' }), as: 'citizen' },
  { label: 'supplement', action: supplement.action as Fn, path: () => `/applications/${numbers.flagged}/supplement`, params: () => ({ number: numbers.flagged }), as: 'citizen' },
  { label: 'desk', action: desk.action as Fn, path: () => '/desk', as: 'clerk' },
  { label: 'desk review (clerk)', action: review.action as Fn, path: () => `/desk/applications/${numbers.clean}`, params: () => ({ number: numbers.clean }), as: 'clerk' },
  { label: 'rate (citizen)', action: rate.action as Fn, path: () => `/applications/${numbers.clean}/rate`, params: () => ({ number: numbers.clean }), as: 'citizen' },
  { label: 'rectifications (manager)', action: rectificationsRoute.action as Fn, path: () => '/reports/rectifications', as: 'manager' },
  { label: 'desk review (manager)', action: review.action as Fn, path: () => `/desk/applications/${numbers.flagged}`, params: () => ({ number: numbers.flagged }), as: 'manager' },
];

describe('fuzzing every action', () => {
  for (const a of ACTIONS) {
    it(`${a.label}: never a 500, and a refused request stores nothing`, async () => {
      await fc.assert(
        fc.asyncProperty(body, async (b) => {
          const before = await counts();
          let status: number;
          try {
            const res = await run(a.action, toRequest(a.path(), b, a.as && cookies[a.as]), appContext(h.db, clock, config), a.params?.() ?? {});
            status = res.status;
          } catch (e) {
            throw new Error(`threw instead of answering: ${String(e)}`);
          }
          expect(status).toBeLessThan(500);
          if (status >= 400) expect(await counts()).toEqual(before);
        }),
        { numRuns: RUNS },
      );
    });
  }
});
