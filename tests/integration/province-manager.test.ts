import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications, messages, orgUnits } from '../../db/schema/index.js';
import { createOffice } from '../../services/admin/offices.js';
import { createStaffAccount, getStaff, managerScopesFor, updateStaffAccount } from '../../services/admin/staff.js';
import { createSession, resolveSession } from '../../services/auth/sessions.js';
import { runClockSweeps } from '../../services/clock-rules/sweep.js';
import type { Actor } from '../../services/context.js';
import { getFile } from '../../services/files/files.js';
import { paymentReport } from '../../services/payments/report.js';
import { scopeFor } from '../../services/permissions.js';
import { getReport } from '../../services/reports/metrics.js';
import { runProjections } from '../../services/reports/run-projections.js';
import { getReview } from '../../services/review/review-page.js';
import { homeFor } from '../../app/utils/home.js';
import { adminActor, createAdmin } from '../support/admin-staff.js';
import { createSubmittedApplication } from '../support/applications.js';
import { createStaff, fixedClock, testConfig, testContext } from '../support/factories.js';
import { createTestDb } from '../setup/test-db.js';

/**
 * A province manager (users.manager_scope 'province', decision 0040) sees every city of the
 * province — applications, files, reports drilling province → city → district → office, payments,
 * overdue alerts — and a city manager never sees the other city of the same province.
 * Guangdong, with Guangzhou and Shenzhen, is set up here as a bureau would have it.
 */
let h: DbHandle;
const clock = fixedClock();
const config = testConfig();
let gz: { number: string; applicationId: string };
let sz: { number: string; applicationId: string };
let bj: { number: string; applicationId: string };
let provinceAdmin: Awaited<ReturnType<typeof createAdmin>>;

const file = (hukouRegion: string) => createSubmittedApplication(h.db, { answers: { hukouRegion, reason: 'applying', delivery: 'pickup' }, clock, config });

/** The actor as a real session resolves it: the province comes from the hierarchy, not from a test helper. */
async function signedIn(userId: string): Promise<Actor> {
  return resolveSession(h.db, clock, await createSession(h.db, clock, userId));
}
const as = (actor: Actor) => testContext(h.db, actor, clock, config);

beforeAll(async () => {
  h = await createTestDb();
  await h.db.insert(orgUnits).values([
    { code: '44', parentCode: null, level: 'province', nameZh: '广东省公安厅', nameEn: 'Guangdong Provincial Public Security Department' },
    { code: '4401', parentCode: '44', level: 'city', nameZh: '广州市公安局', nameEn: 'Guangzhou Municipal PSB' },
    { code: '440104', parentCode: '4401', level: 'district', nameZh: '越秀分局', nameEn: 'Yuexiu Branch' },
    { code: '4403', parentCode: '44', level: 'city', nameZh: '深圳市公安局', nameEn: 'Shenzhen Municipal PSB' },
    { code: '440304', parentCode: '4403', level: 'district', nameZh: '福田分局', nameEn: 'Futian Branch' },
  ]);
  provinceAdmin = await createAdmin(h.db, '44');
  const admin = as(adminActor(provinceAdmin));
  const office = (code: string, nameZh: string, nameEn: string, orgUnitCode: string, region: string) =>
    createOffice(admin, { code, nameZh, nameEn, phone: '020-12345678', orgUnitCode, departments: ['hukou'], regionPrefixes: [region], platePrefixes: [] });
  await office('gz-yuexiu', '越秀派出所', 'Yuexiu Police Station', '440104', '440104');
  await office('sz-futian', '福田派出所', 'Futian Police Station', '440304', '440304');
  gz = await file('440104');
  sz = await file('440304');
  bj = await file('110101');
  await runProjections(h.db);
});
afterAll(() => h.close());

describe('a province manager', () => {
  it('holds the province where the table grants the city, and starts at /reports', async () => {
    const manager = await createStaff(h.db, { role: 'manager', officeCode: 'gz-yuexiu', managerScope: 'province' });
    const actor = await signedIn(manager.id);
    expect(actor).toMatchObject({ kind: 'user', cityCode: '4401', provinceCode: '44', managerScope: 'province' });
    expect([scopeFor(actor, 'application:read'), scopeFor(actor, 'report:read'), scopeFor(actor, 'queue:manage')]).toEqual(['province', 'province', 'office']);
    expect(homeFor(manager)).toBe('/reports');
  });

  it('reads both cities’ applications and files, and nothing of another province', async () => {
    const manager = await createStaff(h.db, { role: 'manager', officeCode: 'gz-yuexiu', managerScope: 'province' });
    const ctx = as(await signedIn(manager.id));
    for (const a of [gz, sz]) {
      const page = await getReview(ctx, a.number);
      const file = await getFile(ctx, page.checklist[0].files[0].id);
      expect(file.sizeBytes).toBe(page.checklist[0].files[0].sizeBytes);
    }
    await expect(getReview(ctx, bj.number)).rejects.toMatchObject({ status: 404 });
    const bjFile = (await getReview(as(await signedIn((await createStaff(h.db, { role: 'manager', officeCode: 'bj-dongcheng', managerScope: 'city' })).id)), bj.number)).checklist[0].files[0];
    await expect(getFile(ctx, bjFile.id)).rejects.toMatchObject({ status: 404 });
  });

  it('drills down province → city → district → office, never beside it', async () => {
    const manager = await createStaff(h.db, { role: 'manager', officeCode: 'sz-futian', managerScope: 'province' });
    const ctx = as(await signedIn(manager.id));
    const top = await getReport(ctx, {});
    expect(top.offices).toEqual(['gz-yuexiu', 'sz-futian']);
    expect(top.drill.trail.map((c) => c.code)).toEqual(['44']);
    expect(top.drill.rows.map((r) => [r.kind, r.code, r.received])).toEqual([
      ['unit', '4401', 1],
      ['unit', '4403', 1],
    ]);
    const shenzhen = await getReport(ctx, { unit: '4403' });
    expect(shenzhen.drill.trail.map((c) => c.code)).toEqual(['44', '4403']);
    expect(shenzhen.drill.rows.map((r) => [r.kind, r.code])).toEqual([['unit', '440304']]);
    const futian = await getReport(ctx, { unit: '440304' });
    expect(futian.drill.rows.map((r) => [r.kind, r.code])).toEqual([['office', 'sz-futian']]);
    const station = await getReport(ctx, { officeCode: 'sz-futian' });
    expect(station.drill.trail.map((c) => c.code)).toEqual(['44', '4403', '440304', 'sz-futian']);
    for (const unit of ['11', '1101', 'nope']) await expect(getReport(ctx, { unit })).rejects.toMatchObject({ status: 404 });
    await expect(getReport(ctx, { officeCode: 'bj-dongcheng' })).rejects.toMatchObject({ status: 404 });
    // Payments: the province's offices only (none paid here; the statement runs in scope).
    expect(await paymentReport(ctx, { from: '2026-11-01', to: '2026-11-30' })).toMatchObject({ totals: [], mismatches: [] });
  });

  it('is alerted of an overdue application where neither the office nor the city has a manager', async () => {
    const manager = await createStaff(h.db, { role: 'manager', officeCode: 'gz-yuexiu', managerScope: 'province' });
    const overdueClock = fixedClock();
    overdueClock.set('2026-12-01T02:00:00.000Z');
    await runClockSweeps({ db: h.db, clock: overdueClock, config });
    const alerts = await h.db
      .select({ userId: messages.userId, applicationId: messages.applicationId })
      .from(messages)
      .where(and(eq(messages.template, 'overdueAlert'), eq(messages.userId, manager.id)));
    expect(alerts.map((a) => a.applicationId).sort()).toEqual([gz.applicationId, sz.applicationId].sort());
    const [flagged] = await h.db.select({ due: applications.overdueFlaggedDue }).from(applications).where(eq(applications.id, sz.applicationId));
    expect(flagged.due).not.toBeNull();
  });
});

describe('a city manager of the same province', () => {
  it('never sees the other city: its applications, units and offices are not found or not listed', async () => {
    const manager = await createStaff(h.db, { role: 'manager', officeCode: 'gz-yuexiu', managerScope: 'city' });
    const ctx = as(await signedIn(manager.id));
    expect((await getReview(ctx, gz.number)).application.number).toBe(gz.number);
    await expect(getReview(ctx, sz.number)).rejects.toMatchObject({ status: 404 });
    const top = await getReport(ctx, {});
    expect(top.offices).toEqual(['gz-yuexiu']);
    expect(top.drill.trail.map((c) => c.code)).toEqual(['4401']);
    for (const unit of ['44', '4403', '440304']) await expect(getReport(ctx, { unit })).rejects.toMatchObject({ status: 404 });
    await expect(getReport(ctx, { officeCode: 'sz-futian' })).rejects.toMatchObject({ status: 404 });
  });
});

describe('who may make a province manager', () => {
  const input = { realName: '省级经理', role: 'manager' as const, officeCode: 'gz-yuexiu', skills: [], managerScope: 'province' as const };

  it('a province-level administrator (and the national one) may; the form offers it to them', async () => {
    const admin = as(adminActor(provinceAdmin));
    expect(await managerScopesFor(admin)).toEqual(['office', 'city', 'province']);
    expect(await managerScopesFor(as(adminActor(await createAdmin(h.db, null))))).toEqual(['office', 'city', 'province']);
    const { id } = await createStaffAccount(admin, { ...input, staffNo: '440001' });
    expect((await getStaff(admin, id)).managerScope).toBe('province');
  });

  it('a city administrator may not give it (the field says why), but may leave one as it is', async () => {
    const cityAdmin = as(adminActor(await createAdmin(h.db, '4401')));
    expect(await managerScopesFor(cityAdmin)).toEqual(['office', 'city']);
    await expect(createStaffAccount(cityAdmin, { ...input, staffNo: '440002' })).rejects.toMatchObject({
      status: 400,
      fieldErrors: { managerScope: ['admin.provinceScopeNotYours'] },
    });
    const { id } = await createStaffAccount(as(adminActor(provinceAdmin)), { ...input, staffNo: '440003' });
    await updateStaffAccount(cityAdmin, id, { ...input, realName: '改名' });
    expect(await getStaff(cityAdmin, id)).toMatchObject({ realName: '改名', managerScope: 'province' });
    const office = await createStaffAccount(cityAdmin, { ...input, staffNo: '440004', managerScope: 'office' });
    await expect(updateStaffAccount(cityAdmin, office.id, input)).rejects.toMatchObject({ fieldErrors: { managerScope: ['admin.provinceScopeNotYours'] } });
  });
});
