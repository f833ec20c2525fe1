import { generateTOTP } from '@epic-web/totp';
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications, auditEvents, itemVersions, queueItems, users } from '../../db/schema/index.js';
import * as activate from '../../app/routes/activate.js';
import * as officeNew from '../../app/routes/admin.offices.new.js';
import * as staffNew from '../../app/routes/admin.staff.new.js';
import * as itemList from '../../app/routes/admin.items._index.js';
import * as itemPage from '../../app/routes/admin.items.$code.js';
import * as guidePage from '../../app/routes/services.$code._index.js';
import * as desk from '../../app/routes/desk._index.js';
import { action as loginAction } from '../../app/routes/login.js';
import { action as totpAction } from '../../app/routes/login_.totp.js';
import { bootstrapRootAdmin } from '../../services/admin/bootstrap.js';
import { getMyApplication } from '../../services/applications/read.js';
import type { Clock } from '../../services/context.js';
import { appContext, sessionCookieFor, TEST_NOW, testConfig } from '../support/factories.js';
import { createAdmin } from '../support/admin-staff.js';
import { createSubmittedApplication } from '../support/applications.js';
import { get, post, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';

/**
 * The list of items through its pages (docs/decisions/0036), and issue 18's whole story on a fresh
 * deployment: one bootstrap command, then only the browser's routes — an office, a clerk enrolled
 * with a real TOTP, an item published there, a citizen's filing, which that clerk takes.
 */
let h: DbHandle;
const config = testConfig();
const clock: Clock = { now: () => new Date() };
const ctx = () => appContext(h.db, clock, config);
const PASSWORD = 'a long walk by the river';

beforeAll(async () => {
  h = await createTestDb();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(TEST_NOW));
});
afterAll(async () => {
  vi.useRealTimers();
  await h.close();
});
afterEach(() => vi.setSystemTime(new Date(Date.now() + 60_000)));

const cookieOf = (res: Response, name: string) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith(`${name}=`))!;
const code = async (secret: string) => (await generateTOTP({ secret, period: 30, digits: 6, algorithm: 'SHA-1' })).otp;
const nextStep = () => vi.setSystemTime(new Date(Date.now() + 30_000));

async function activateThroughRoutes(staffNo: string, activationCode: string) {
  const start = await run(activate.action, post('/activate', { intent: 'start', staffNo, code: activationCode, password: PASSWORD, confirmPassword: PASSWORD }), ctx());
  expect(start.status).toBe(200);
  const { step } = (await start.json()) as { step: { secret: string; code: string } };
  const done = await run(activate.action, post('/activate', { intent: 'confirm', staffNo, code: step.code, totp: await code(step.secret) }), ctx());
  expect(done.status).toBe(302);
  return { session: cookieOf(done, '__session'), secret: step.secret };
}

const ITEM = 'temporary-id-card';
const itemUrl = `/admin/items/${ITEM}`;
/** The draft form as the page posts it: every fact of the item. */
const draftForm = (fee: string) => ({
  intent: 'draft',
  statutoryDays: '3',
  committedWorkingDays: '2',
  'fees.card': fee,
  feeBasisKey: 'fee2003_2322',
  'materials.photo.requirement.zh': '近期正面免冠彩色照片，白色背景',
  'materials.photo.requirement.en': 'A recent full-face colour photo on a white background',
  'notes.zh': '',
  'notes.en': '',
  'hours.zh': '工作日 9:00–17:00',
  'hours.en': 'Working days 9:00–17:00',
  offered: 'on',
});

describe('a fresh deployment brought to a working office, through the pages', () => {
  it('bootstrap → office → clerk with a real TOTP → item published there → a citizen files → that clerk takes it', async () => {
    const [{ n }] = await h.db.select({ n: sql<number>`count(*)::int` }).from(users);
    expect(n).toBe(0);
    const boot = await bootstrapRootAdmin({ db: h.db, clock, config }, { realName: '根管理员', staffNo: '900001' });
    const root = await activateThroughRoutes('900001', boot.activationCode);
    const as = { cookie: root.session };

    const office = await run(
      officeNew.action,
      post('/admin/offices/new', { code: 'bj-xicheng', nameZh: '西城分局办证窗口', nameEn: 'Xicheng Branch window', phone: '010-12345609', orgUnitCode: '1101', departments: ['hukou'], regionPrefixes: '110102', platePrefixes: '' }, as),
      ctx(),
    );
    expect(office.status).toBe(303);
    const created = await run(staffNew.action, post('/admin/staff/new', { staffNo: '110201', realName: '钱警官', role: 'clerk', officeCode: 'bj-xicheng', skills: ['hukou'] }, as), ctx());
    const { created: c } = (await created.json()) as { created: { id: string; activationCode: string } };
    nextStep();
    const clerk = await activateThroughRoutes('110201', c.activationCode);

    // The item: a new draft from the version in force, published today, offered at the new office.
    const list = await run(itemList.loader, get('/admin/items', as), ctx());
    expect(list.status).toBe(200);
    expect(((await list.json()) as { list: { items: { code: string; inForce: { version: number } }[] } }).list.items.find((i) => i.code === ITEM)?.inForce.version).toBe(1);
    expect((await run(itemPage.action, post(itemUrl, draftForm('15'), as), ctx(), { code: ITEM })).status).toBe(303);
    const publish = await run(itemPage.action, post(itemUrl, { intent: 'publish', effectiveFrom: '2026-11-23' }, as), ctx(), { code: ITEM });
    expect(publish.status).toBe(303);
    const offer = await run(itemPage.action, post(itemUrl, { intent: 'offerings', offices: ['bj-xicheng', 'bj-dongcheng'], offered: ['bj-xicheng', 'bj-dongcheng'] }, as), ctx(), { code: ITEM });
    expect(offer.status).toBe(303);
    const page = (await (await run(itemPage.loader, get(itemUrl, as), ctx(), { code: ITEM })).json()) as {
      item: { inForce: { version: number }; history: { version: number; status: string }[]; offerings: { officeCode: string; offered: boolean }[] };
    };
    expect(page.item.inForce.version).toBe(2);
    expect(page.item.history.map((v) => [v.version, v.status])).toEqual([[1, 'published'], [2, 'published']]);
    expect(page.item.offerings.find((o) => o.officeCode === 'bj-xicheng')?.offered).toBe(true);

    // The guide says which version is in force, from when, with the texts in the reader's language.
    const guide = (await (await run(guidePage.loader, get(`/services/${ITEM}`), ctx(), { code: ITEM })).json()) as {
      guide: { version: { number: number; effectiveFrom: string }; fee: { lines: { amount: number }[] }; materials: { code: string; requirementText: { zh: string } | null }[] };
    };
    expect(guide.guide.version).toEqual({ number: 2, effectiveFrom: '2026-11-23' });
    expect(guide.guide.fee.lines[0].amount).toBe(15);
    expect(guide.guide.materials.find((m) => m.code === 'photo')?.requirementText?.zh).toBe('近期正面免冠彩色照片，白色背景');

    // A citizen files; it goes to the new office under version 2.
    const filed = await createSubmittedApplication(h.db, { clock, config, answers: { hukouRegion: '110102', reason: 'applying', delivery: 'pickup' } });
    const [app] = await h.db.select().from(applications).where(eq(applications.id, filed.applicationId));
    expect(app.officeCode).toBe('bj-xicheng');
    const [v2] = await h.db.select().from(itemVersions).where(sql`${itemVersions.serviceCode} = ${ITEM} and ${itemVersions.version} = 2`);
    expect(app.itemVersionId).toBe(v2.id);
    expect((await getMyApplication(filed.ctx, filed.number)).feeTotal).toBe(15);

    // That clerk signs in with the authenticator and takes it.
    nextStep();
    const login = await run(loginAction, post('/login', { identifier: '110201', password: PASSWORD }), ctx());
    const signedIn = await run(totpAction, post('/login/totp', { code: await code(clerk.secret) }, { cookie: cookieOf(login, '__pending_login') }), ctx());
    const session = cookieOf(signedIn, '__session');
    const take = await run(desk.action, post('/desk', { intent: 'takeNext' }, { cookie: session }), ctx());
    expect(take.status).toBe(302);
    expect(take.headers.get('Location')).toContain(filed.number);
    const [item] = await h.db.select().from(queueItems).where(eq(queueItems.applicationId, filed.applicationId));
    expect(item.claimedBy).toBe(c.id);

    const actions = (await h.db.select({ action: auditEvents.action }).from(auditEvents).where(sql`${auditEvents.action} like 'admin.item.%'`)).map((r) => r.action);
    expect(actions).toEqual(['admin.item.draftSaved', 'admin.item.published']);
  });

  it('an unknown fee line posted to the page is refused with a message naming it; another city’s office is 404', async () => {
    const rootAdmin = await createAdmin(h.db, null);
    const as = { cookie: await sessionCookieFor(h.db, clock, rootAdmin.id) };
    const res = await run(itemPage.action, post(itemUrl, { ...draftForm('10'), 'fees.express': '12' }, as), ctx(), { code: ITEM });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; params: { line: string } }; fieldErrors: Record<string, string[]> };
    expect(body.error).toMatchObject({ code: 'admin.items.unknownFeeLine', params: { line: 'express' } });
    const beijing = await createAdmin(h.db, '1101');
    const bj = { cookie: await sessionCookieFor(h.db, clock, beijing.id) };
    const outside = await run(itemPage.action, post(itemUrl, { intent: 'offerings', offices: 'sh-huangpu', offered: '' }, bj), ctx(), { code: ITEM });
    expect(outside.status).toBe(404);
    const forbidden = await run(itemPage.action, post(itemUrl, draftForm('10'), bj), ctx(), { code: ITEM });
    expect(forbidden.status).toBe(403);
  });
});
