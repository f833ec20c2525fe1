import { generateTOTP } from '@epic-web/totp';
import fc from 'fast-check';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications, auditEvents, offices, queueItems, users } from '../../db/schema/index.js';
import * as activate from '../../app/routes/activate.js';
import * as adminHome from '../../app/routes/admin._index.js';
import * as staffList from '../../app/routes/admin.staff._index.js';
import * as staffNew from '../../app/routes/admin.staff.new.js';
import * as staffEdit from '../../app/routes/admin.staff.$id.js';
import * as officeNew from '../../app/routes/admin.offices.new.js';
import * as officeEdit from '../../app/routes/admin.offices.$code.js';
import * as officeList from '../../app/routes/admin.offices._index.js';
import { action as loginAction } from '../../app/routes/login.js';
import { action as totpAction } from '../../app/routes/login_.totp.js';
import { loader as deskLoader } from '../../app/routes/desk._index.js';
import { getActor } from '../../app/utils/session.server.js';
import { bootstrapRootAdmin } from '../../services/admin/bootstrap.js';
import type { Clock } from '../../services/context.js';
import { officesHandling } from '../../services/offices/offices.js';
import { appContext, createCitizen, createStaff, sessionCookieFor, TEST_NOW, testConfig } from '../support/factories.js';
import { createAdmin } from '../support/admin-staff.js';
import { createApplicant, createSubmittedApplication } from '../support/applications.js';
import { anyHostile } from '../support/hostile.js';
import { get, post, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';

/**
 * Administration of staff and offices (issue #18, decision 0027), through the routes and against
 * the real database. The authenticator codes are computed with @epic-web/totp, which reads the
 * wall clock: Date alone is faked, so the portal's clock and the library's agree.
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
/** The next TOTP step: a code once used (enrolment) is refused a second time. */
const nextStep = () => vi.setSystemTime(new Date(Date.now() + 30_000));

/** Activation through /activate as a browser would do it; returns the session cookie and landing page. */
async function activateThroughRoutes(staffNo: string, activationCode: string) {
  const start = await run(activate.action, post('/activate', { intent: 'start', staffNo, code: activationCode, password: PASSWORD, confirmPassword: PASSWORD }), ctx());
  expect(start.status).toBe(200);
  const { step } = (await start.json()) as { step: { secret: string; qrDataUri: string; code: string } };
  expect(step.qrDataUri).toMatch(/^data:image\/svg\+xml;base64,/);
  expect(Buffer.from(step.qrDataUri.split(',')[1], 'base64').toString()).toContain('<svg');
  const wrong = await run(activate.action, post('/activate', { intent: 'confirm', staffNo, code: step.code, totp: (await code(step.secret)) === '000000' ? '111111' : '000000' }), ctx());
  expect(wrong.status).toBe(401);
  expect(((await wrong.json()) as { step: unknown }).step).toMatchObject({ secret: step.secret });
  const done = await run(activate.action, post('/activate', { intent: 'confirm', staffNo, code: step.code, totp: await code(step.secret) }), ctx());
  expect(done.status).toBe(302);
  return { session: cookieOf(done, '__session'), location: done.headers.get('Location'), secret: step.secret };
}

describe('a fresh deployment (SEED_DEMO=false) brought to a working office', () => {
  it('bootstrap → root admin activates → creates an office and a clerk → the clerk activates with a real TOTP and signs in', async () => {
    const [{ n }] = await h.db.select({ n: sql<number>`count(*)::int` }).from(users);
    expect(n).toBe(0);
    const boot = await bootstrapRootAdmin({ db: h.db, clock, config }, { realName: '根管理员', staffNo: '900001' });
    await expect(bootstrapRootAdmin({ db: h.db, clock, config }, { realName: '另一个', staffNo: '900002' })).rejects.toMatchObject({ code: 'admin.bootstrap.exists', status: 409 });
    const [stored] = await h.db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.staffNo, '900001'));
    expect(stored.passwordHash).not.toContain(boot.activationCode);

    const root = await activateThroughRoutes('900001', boot.activationCode);
    expect(root.location).toBe('/admin');
    expect((await run(adminHome.loader, get('/admin', { cookie: root.session }), ctx())).status).toBe(200);

    const office = await run(
      officeNew.action,
      post(
        '/admin/offices/new',
        { code: 'bj-xicheng', nameZh: '西城分局办证窗口', nameEn: 'Xicheng Branch window', phone: '010-12345609', orgUnitCode: '1101', departments: ['hukou', 'exit_entry'], regionPrefixes: '110102', platePrefixes: '' },
        { cookie: root.session },
      ),
      ctx(),
    );
    expect(office.status).toBe(303);
    expect(office.headers.get('Location')).toBe('/admin/offices/bj-xicheng?saved=1');

    const created = await run(
      staffNew.action,
      post('/admin/staff/new', { staffNo: '110201', realName: '钱警官', role: 'clerk', officeCode: 'bj-xicheng', skills: ['hukou'] }, { cookie: root.session }),
      ctx(),
    );
    expect(created.status).toBe(200);
    const { created: c } = (await created.json()) as { created: { id: string; activationCode: string } };
    expect(c.activationCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);

    // The code cannot be used twice, and a wrong one is refused.
    nextStep();
    const bad = await run(activate.action, post('/activate', { intent: 'start', staffNo: '110201', code: 'AAAA-AAAA-AAAA', password: PASSWORD, confirmPassword: PASSWORD }), ctx());
    expect(bad.status).toBe(401);
    const clerk = await activateThroughRoutes('110201', c.activationCode);
    expect(clerk.location).toBe('/desk');
    const reuse = await run(activate.action, post('/activate', { intent: 'start', staffNo: '110201', code: c.activationCode, password: PASSWORD, confirmPassword: PASSWORD }), ctx());
    expect(reuse.status).toBe(401);

    // A real sign-in: password, then a fresh code from the authenticator.
    nextStep();
    const login = await run(loginAction, post('/login', { identifier: '110201', password: PASSWORD }), ctx());
    expect(login.status).toBe(302);
    const signedIn = await run(totpAction, post('/login/totp', { code: await code(clerk.secret) }, { cookie: cookieOf(login, '__pending_login') }), ctx());
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get('Location')).toBe('/desk');
    const session = cookieOf(signedIn, '__session');
    expect(await getActor(get('/', { cookie: session }), ctx())).toMatchObject({ kind: 'user', id: c.id, role: 'clerk', officeCode: 'bj-xicheng', cityCode: '1101' });
    expect((await run(deskLoader, get('/desk', { cookie: session }), ctx())).status).toBe(200);

    // Every administrative change is in the audit trail, with who, before and after.
    const rows = await h.db.select().from(auditEvents).where(sql`${auditEvents.action} like 'admin.%' or ${auditEvents.action} = 'staff.activated'`);
    const by = (action: string) => rows.filter((r) => r.action === action);
    expect(by('admin.bootstrap')).toHaveLength(1);
    expect(by('admin.office.created')[0]).toMatchObject({ actorRole: 'admin', officeCode: 'bj-xicheng', data: { before: null, after: { code: 'bj-xicheng', cityCode: '1101', orgUnitCode: '1101' } } });
    expect(by('admin.staff.created')[0]).toMatchObject({ actorRole: 'admin', data: { userId: c.id, before: null, after: { staffNo: '110201', role: 'clerk', officeCode: 'bj-xicheng', skills: ['hukou'] } } });
    expect(by('staff.activated')).toHaveLength(2);
    expect(JSON.stringify(rows)).not.toContain(c.activationCode);
    expect(JSON.stringify(rows)).not.toContain(clerk.secret);
  });
});

describe('scope', () => {
  it("a city's administrator sees and changes only its tree: another city's staff and offices are 404", async () => {
    const beijing = await createAdmin(h.db, '1101');
    const cookie = await sessionCookieFor(h.db, clock, beijing.id);
    const shClerk = await createStaff(h.db, { officeCode: 'sh-huangpu' });
    const bjClerk = await createStaff(h.db, { officeCode: 'bj-chaoyang', skills: ['hukou'] });

    const list = (await (await run(staffList.loader, get('/admin/staff', { cookie }), ctx())).json()) as { staff: { id: string }[] };
    expect(list.staff.map((s) => s.id)).toContain(bjClerk.id);
    expect(list.staff.map((s) => s.id)).not.toContain(shClerk.id);
    const offices = (await (await run(officeList.loader, get('/admin/offices', { cookie }), ctx())).json()) as { offices: { code: string }[] };
    expect(offices.offices.map((o) => o.code)).toEqual(expect.arrayContaining(['bj-chaoyang', 'bj-dongcheng']));
    expect(offices.offices.map((o) => o.code)).not.toContain('sh-huangpu');

    expect((await run(staffEdit.loader, get(`/admin/staff/${shClerk.id}`, { cookie }), ctx(), { id: shClerk.id })).status).toBe(404);
    expect((await run(staffEdit.action, post(`/admin/staff/${shClerk.id}`, { intent: 'disable' }, { cookie }), ctx(), { id: shClerk.id })).status).toBe(404);
    expect((await run(officeEdit.loader, get('/admin/offices/sh-huangpu', { cookie }), ctx(), { code: 'sh-huangpu' })).status).toBe(404);
    expect((await run(officeEdit.action, post('/admin/offices/sh-huangpu', { intent: 'close', transferTo: 'bj-dongcheng' }, { cookie }), ctx(), { code: 'sh-huangpu' })).status).toBe(404);
    // Nor can it place staff there or create an administrator above itself.
    const there = await run(staffNew.action, post('/admin/staff/new', { staffNo: 'S12345', realName: '某', role: 'clerk', officeCode: 'sh-huangpu', skills: ['hukou'] }, { cookie }), ctx());
    expect(there.status).toBe(400);
    const above = await run(staffNew.action, post('/admin/staff/new', { staffNo: 'S12346', realName: '某', role: 'admin', orgUnitCode: '' }, { cookie }), ctx());
    expect(above.status).toBe(400);
    const [{ n }] = await h.db.select({ n: sql<number>`count(*)::int` }).from(users).where(sql`${users.staffNo} in ('S12345', 'S12346')`);
    expect(n).toBe(0);
  });

  it("a city's administrator routes only its own area: another province's region codes or plates, or a prefix another office holds, are refused beside the field", async () => {
    const beijing = await createAdmin(h.db, '1101');
    const cookie = await sessionCookieFor(h.db, clock, beijing.id);
    const [before] = await h.db.select().from(offices).where(eq(offices.code, 'bj-chaoyang'));
    const base = { intent: 'update', nameZh: '朝阳窗口', nameEn: 'Chaoyang', phone: before.phone, orgUnitCode: '110105', departments: ['hukou', 'exit_entry'] };
    const attempt = async (extra: Record<string, string | string[]>) => {
      const res = await run(officeEdit.action, post('/admin/offices/bj-chaoyang', { ...base, ...extra }, { cookie }), ctx(), { code: 'bj-chaoyang' });
      return { status: res.status, body: res.status === 400 ? ((await res.json()) as { fieldErrors?: Record<string, string[]> }) : null };
    };
    for (const [extra, field, key] of [
      [{ regionPrefixes: ['310101'] }, 'regionPrefixes', 'admin.regionOutOfScope'],
      [{ regionPrefixes: ['11'] }, 'regionPrefixes', 'admin.regionOutOfScope'],
      [{ regionPrefixes: ['99'] }, 'regionPrefixes', 'admin.regionOutOfScope'],
      [{ regionPrefixes: ['110105'], platePrefixes: ['沪'] }, 'platePrefixes', 'admin.plateOutOfScope'],
      // bj-dongcheng holds 110101 for the same departments.
      [{ regionPrefixes: ['110101'] }, 'regionPrefixes', 'admin.regionPrefixTaken'],
    ] as const) {
      const r = await attempt(extra as unknown as Record<string, string | string[]>);
      expect(r.status, JSON.stringify(extra)).toBe(400);
      expect(JSON.stringify(r.body)).toContain(key);
      expect(JSON.stringify(r.body)).toContain(field);
    }
    const [after] = await h.db.select().from(offices).where(eq(offices.code, 'bj-chaoyang'));
    expect(after.regionPrefixes).toEqual(before.regionPrefixes);
    expect(after.platePrefixes).toEqual(before.platePrefixes);
    // Inside its own area, free of ties: saved.
    expect((await attempt({ regionPrefixes: ['110105', '110108', '110106'] })).status).toBe(303);
  });

  it('a staff number shaped like a mobile or resident ID number is refused: the sign-in field takes all three', async () => {
    const admin = await createAdmin(h.db, '1101');
    const cookie = await sessionCookieFor(h.db, clock, admin.id);
    for (const staffNo of ['13800138000', '110101199003071233', '11010119900307123X', '110101900307123']) {
      const res = await run(staffNew.action, post('/admin/staff/new', { staffNo, realName: '某', role: 'clerk', officeCode: 'bj-dongcheng', skills: ['hukou'] }, { cookie }), ctx());
      expect(res.status, staffNo).toBe(400);
      expect(JSON.stringify(await res.json())).toContain('staffNo.likeCitizenId');
    }
    const [{ n }] = await h.db.select({ n: sql<number>`count(*)::int` }).from(users).where(sql`${users.staffNo} = '13800138000'`);
    expect(n).toBe(0);
  });

  it('clerks, managers and citizens cannot reach the administration (403), anonymous visitors are sent to sign in', async () => {
    const who = [await createStaff(h.db), await createStaff(h.db, { role: 'manager', managerScope: 'city' }), await createCitizen(h.db)];
    for (const u of who) {
      const cookie = await sessionCookieFor(h.db, clock, u.id);
      for (const [fn, path] of [
        [adminHome.loader, '/admin'],
        [staffList.loader, '/admin/staff'],
        [officeList.loader, '/admin/offices'],
        [staffNew.loader, '/admin/staff/new'],
      ] as const) {
        expect((await run(fn, get(path, { cookie }), ctx())).status, `${u.role} ${path}`).toBe(403);
      }
      expect((await run(staffNew.action, post('/admin/staff/new', { staffNo: 'X99999', realName: 'x', role: 'admin' }, { cookie }), ctx())).status).toBe(403);
    }
    const anon = await run(adminHome.loader, get('/admin'), ctx());
    expect(anon.status).toBe(302);
    expect(anon.headers.get('Location')).toMatch(/^\/login\?redirectTo=/);
  });
});

describe('staff accounts', () => {
  it('disabling ends the sessions at once; enabling and a password reset give a new one-time code, audited before and after', async () => {
    const admin = await createAdmin(h.db, '1101');
    const cookie = await sessionCookieFor(h.db, clock, admin.id);
    const clerk = await createStaff(h.db, { officeCode: 'bj-dongcheng' });
    const clerkSession = await sessionCookieFor(h.db, clock, clerk.id);
    expect((await getActor(get('/', { cookie: clerkSession }), ctx())).kind).toBe('user');

    const off = await run(staffEdit.action, post(`/admin/staff/${clerk.id}`, { intent: 'disable' }, { cookie }), ctx(), { id: clerk.id });
    expect(off.status).toBe(303);
    expect((await getActor(get('/', { cookie: clerkSession }), ctx())).kind).toBe('anonymous');
    expect((await run(staffEdit.action, post(`/admin/staff/${clerk.id}`, { intent: 'enable' }, { cookie }), ctx(), { id: clerk.id })).status).toBe(303);

    const reset = await run(staffEdit.action, post(`/admin/staff/${clerk.id}`, { intent: 'resetPassword' }, { cookie }), ctx(), { id: clerk.id });
    expect(reset.status).toBe(200);
    expect(((await reset.json()) as { activationCode: string }).activationCode).toMatch(/^[A-Z2-9-]{14}$/);

    const moved = await run(
      staffEdit.action,
      post(`/admin/staff/${clerk.id}`, { intent: 'update', realName: '测试民警', role: 'manager', officeCode: 'bj-chaoyang', managerScope: 'office' }, { cookie }),
      ctx(),
      { id: clerk.id },
    );
    expect(moved.status).toBe(303);
    const trail = await h.db.select().from(auditEvents).where(and(eq(auditEvents.actorId, admin.id)));
    expect(trail.map((r) => r.action)).toEqual(['admin.staff.disabled', 'admin.staff.enabled', 'admin.staff.passwordReset', 'admin.staff.updated']);
    expect(trail[3].data).toMatchObject({ before: { role: 'clerk', officeCode: 'bj-dongcheng' }, after: { role: 'manager', officeCode: 'bj-chaoyang', managerScope: 'office' } });
    // An administrator cannot disable themselves.
    expect((await run(staffEdit.action, post(`/admin/staff/${admin.id}`, { intent: 'disable' }, { cookie }), ctx(), { id: admin.id })).status).toBe(409);
  });
});

describe('hostile input on the administration forms', () => {
  it('any value in any field is a 4xx answer, never a 500', async () => {
    const admin = await createAdmin(h.db, null);
    const cookie = await sessionCookieFor(h.db, clock, admin.id);
    const target = await createStaff(h.db, { officeCode: 'bj-dongcheng' });
    const forms: { fn: typeof staffNew.action; path: string; fields: string[]; params: Record<string, string> }[] = [
      { fn: staffNew.action, path: '/admin/staff/new', fields: ['staffNo', 'realName', 'role', 'officeCode', 'orgUnitCode', 'skills', 'managerScope'], params: {} },
      { fn: staffEdit.action, path: `/admin/staff/${target.id}`, fields: ['intent', 'realName', 'role', 'officeCode', 'orgUnitCode', 'skills', 'managerScope'], params: { id: target.id } },
      { fn: officeNew.action, path: '/admin/offices/new', fields: ['code', 'nameZh', 'nameEn', 'address', 'hours', 'phone', 'orgUnitCode', 'departments', 'regionPrefixes', 'platePrefixes'], params: {} },
      { fn: officeEdit.action, path: '/admin/offices/bj-chaoyang', fields: ['intent', 'transferTo', 'nameZh', 'phone', 'orgUnitCode', 'departments', 'regionPrefixes'], params: { code: 'bj-chaoyang' } },
      { fn: activate.action, path: '/activate', fields: ['intent', 'staffNo', 'code', 'password', 'confirmPassword', 'totp'], params: {} },
    ];
    for (const form of forms) {
      await fc.assert(
        fc.asyncProperty(fc.dictionary(fc.constantFrom(...form.fields), anyHostile, { minKeys: 1 }), async (body) => {
          // A hostile value in `intent` on the edit pages must not pick a real action by luck.
          if (body.intent === 'close' || body.intent === 'update' || body.intent === 'confirm' || body.intent === 'start') return;
          const res = await run(form.fn, post(form.path, body, { cookie: form.fn === activate.action ? undefined : cookie }), ctx(), form.params);
          expect(res.status, `${form.path} ${JSON.stringify(body).slice(0, 200)}`).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
        }),
        { numRuns: 25 },
      );
    }
  });
});

describe('closing an office', () => {
  it('moves its open queue to an office in scope that handles its departments, audited; a closed office takes no new filings', async () => {
    const root = await createAdmin(h.db, null);
    const cookie = await sessionCookieFor(h.db, clock, root.id);
    const filed = await createSubmittedApplication(h.db, { citizen: await createApplicant(h.db), clock, config });
    const [before] = await h.db.select({ officeCode: applications.officeCode }).from(applications).where(eq(applications.id, filed.applicationId));
    expect(before.officeCode).toBe('bj-dongcheng');

    // bj-chaoyang handles no traffic business: refused beside the field, nothing moved.
    const refused = await run(officeEdit.action, post('/admin/offices/bj-dongcheng', { intent: 'close', transferTo: 'bj-chaoyang' }, { cookie }), ctx(), { code: 'bj-dongcheng' });
    expect(refused.status).toBe(400);
    const closed = await run(officeEdit.action, post('/admin/offices/bj-dongcheng', { intent: 'close', transferTo: 'sh-huangpu' }, { cookie }), ctx(), { code: 'bj-dongcheng' });
    expect(closed.status).toBe(200);
    expect(((await closed.json()) as { closed: { moved: number } }).closed.moved).toBeGreaterThanOrEqual(1);

    const [app] = await h.db.select({ officeCode: applications.officeCode }).from(applications).where(eq(applications.id, filed.applicationId));
    expect(app.officeCode).toBe('sh-huangpu');
    const [item] = await h.db.select({ officeCode: queueItems.officeCode, state: queueItems.state }).from(queueItems).where(eq(queueItems.applicationId, filed.applicationId));
    expect(item).toMatchObject({ officeCode: 'sh-huangpu', state: 'waiting' });
    const [audit] = await h.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'admin.office.closed'), eq(auditEvents.actorId, root.id)));
    expect(audit.data).toMatchObject({ transferTo: 'sh-huangpu', before: { code: 'bj-dongcheng', closed: false }, after: { closed: true } });
    expect((audit.data as { movedApplications: string[] }).movedApplications).toContain(filed.applicationId);

    const again = await run(officeEdit.action, post('/admin/offices/bj-dongcheng', { intent: 'close', transferTo: 'sh-huangpu' }, { cookie }), ctx(), { code: 'bj-dongcheng' });
    expect(again.status).toBe(409);
    // Routing leaves it out: no department sends new filings there.
    for (const d of ['hukou', 'traffic', 'exit_entry'] as const) expect((await officesHandling(h.db, d)).map((o) => o.code)).not.toContain('bj-dongcheng');
  });
});
