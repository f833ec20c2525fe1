import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { eq } from 'drizzle-orm';
import { offices } from '../../db/schema/index.js';
import { createOffice } from '../../services/admin/offices.js';
import { claimApplication } from '../../services/queue/claim.js';
import { acceptApplication, completeApplication } from '../../services/review/decisions.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { getReport, type Report } from '../../services/reports/metrics.js';
import { runProjections } from '../../services/reports/run-projections.js';
import { createTestDb } from '../setup/test-db.js';
import { adminActor, createAdmin } from '../support/admin-staff.js';
import { createSubmittedApplication } from '../support/applications.js';
import { actorOf, appContext, createStaff, fixedClock, sessionCookieFor, testConfig, testContext } from '../support/factories.js';
import { missingKeys, renderPage } from '../support/render-page.js';
import { get, run } from '../support/requests.js';
import { visibleText } from '../support/render-route.js';

/**
 * /reports drills down the hierarchy (issue 18, decision 0037): city → district → office →
 * clerk, with breadcrumbs back up, never above the reader's scope.
 */
vi.mock('@remix-run/react', async () => (await import('../support/render-page.js')).remixReactStub());

let h: DbHandle;
const clock = fixedClock();
const config = testConfig();
let cityManager: Awaited<ReturnType<typeof createStaff>>;
let officeManager: Awaited<ReturnType<typeof createStaff>>;
let clerkNo: string;

const file = (hukouRegion: string) => createSubmittedApplication(h.db, { answers: { hukouRegion, reason: 'applying', delivery: 'pickup' }, clock, config });

beforeAll(async () => {
  h = await createTestDb();
  const admin = await createAdmin(h.db, '1101');
  // Haidian leaves Chaoyang first: two open offices of a department never share a prefix.
  await h.db.update(offices).set({ regionPrefixes: ['110105'] }).where(eq(offices.code, 'bj-chaoyang'));
  // A station under the Chaoyang branch, created in the browser's way: it takes Haidian's filings.
  await createOffice(testContext(h.db, adminActor(admin), clock, config), {
    code: 'bj-anzhen',
    nameZh: '安贞派出所',
    nameEn: 'Anzhen Police Station',
    phone: '010-64000000',
    orgUnitCode: '110105',
    departments: ['hukou'],
    regionPrefixes: ['110108'],
    platePrefixes: [],
  });
  await file('110101'); // Dongcheng
  await file('110105'); // Chaoyang
  const anzhen = await file('110108');
  await file('110108');
  await file('310101'); // Shanghai: never in a Beijing manager's view
  // An Anzhen clerk completes one, so the office has a clerk's figures.
  const clerk = await createStaff(h.db, { officeCode: 'bj-anzhen', skills: ['hukou'] });
  clerkNo = clerk.staffNo!;
  const ctx = testContext(h.db, actorOf(clerk), clock, config);
  const { leaseVersion } = await claimApplication(ctx, anzhen.number);
  for (const m of ['hukouBook', 'idCollectionReceipt', 'photo']) await recordVerdict(ctx, anzhen.number, { leaseVersion, materialCode: m, verdict: 'ok' });
  await acceptApplication(ctx, anzhen.number, { leaseVersion });
  await completeApplication(ctx, anzhen.number, { leaseVersion, documentNumber: 'L-1', delivery: 'pickup' });
  await runProjections(h.db);
  cityManager = await createStaff(h.db, { role: 'manager', officeCode: 'bj-dongcheng', managerScope: 'city' });
  officeManager = await createStaff(h.db, { role: 'manager', officeCode: 'bj-anzhen', managerScope: 'office' });
});
afterAll(() => h.close());

const report = (who: typeof cityManager, filters: Record<string, string> = {}) => getReport(testContext(h.db, actorOf(who), clock, config), filters);
const rows = (r: Report) => r.drill.rows.map((x) => [x.kind, x.code, x.received, x.completed]);
const trail = (r: Report) => r.drill.trail.map((c) => c.code);

describe('reports by the hierarchy', () => {
  it('a city manager starts at the city, goes down to a district, an office and its clerks; the totals are those of the view', async () => {
    const city = await report(cityManager);
    expect(trail(city)).toEqual(['1101']);
    expect(rows(city)).toEqual([
      ['unit', '110101', 1, 0],
      ['unit', '110105', 3, 1],
    ]);
    expect(city.totals.received).toBe(4);

    const chaoyang = await report(cityManager, { unit: '110105' });
    expect(trail(chaoyang)).toEqual(['1101', '110105']);
    expect(rows(chaoyang)).toEqual([
      ['office', 'bj-anzhen', 2, 1],
      ['office', 'bj-chaoyang', 1, 0],
    ]);
    expect(chaoyang.drill.rows[0].onTimeRate).toBe(1);
    expect(chaoyang.totals.received).toBe(3);

    const office = await report(cityManager, { officeCode: 'bj-anzhen' });
    expect(trail(office)).toEqual(['1101', '110105', 'bj-anzhen']);
    expect(office.drill.level).toBe('office');
    expect(office.clerks.map((c) => [c.staffNo, c.decided, c.completed])).toEqual([[clerkNo, 2, 1]]);
    expect(office.totals.received).toBe(2);
  }, 240_000);

  it('never above or beside the reader’s scope: another city, the province and, for an office manager, any unit are not found', async () => {
    for (const unit of ['3101', '310101', '11', 'nope']) await expect(report(cityManager, { unit })).rejects.toMatchObject({ status: 404, code: 'reports.unitNotFound' });
    await expect(report(cityManager, { officeCode: 'sh-huangpu' })).rejects.toMatchObject({ status: 404 });
    const own = await report(officeManager);
    expect(trail(own)).toEqual(['bj-anzhen']);
    expect(own.drill.level).toBe('office');
    expect(own.totals.received).toBe(2);
    await expect(report(officeManager, { unit: '110105' })).rejects.toMatchObject({ status: 404, code: 'reports.unitNotFound' });
    await expect(report(officeManager, { officeCode: 'bj-chaoyang' })).rejects.toMatchObject({ status: 404 });
  }, 240_000);

  it('the page: breadcrumbs and a linked row per child, the browser-made office by its names, in both languages; a unit out of scope is a 404', async () => {
    const page = await import('../../app/routes/reports._index.js');
    const cookie = await sessionCookieFor(h.db, clock, cityManager.id);
    const context = appContext(h.db, clock, config);
    const res = await run(page.loader, get('/reports?period=month&unit=110105', { cookie }), context);
    expect(res.status).toBe(200);
    const data = await res.json();
    for (const [lng, name, district] of [
      ['zh-CN', '安贞派出所', '朝阳分局'],
      ['en', 'Anzhen Police Station', 'Chaoyang Branch'],
    ] as const) {
      const html = await renderPage(page.default, data, lng);
      // The same filters (dates, period), one level down or back up.
      expect(html).toMatch(/href="\/reports\?from=[\d-]+&amp;to=[\d-]+&amp;period=month&amp;officeCode=bj-anzhen"/);
      expect(html).toMatch(/href="\/reports\?from=[\d-]+&amp;to=[\d-]+&amp;period=month&amp;unit=1101"/);
      expect(html).toContain('aria-current="page"');
      const text = visibleText(html);
      expect(text).toContain(name);
      expect(text).toContain(district);
      expect(text).not.toContain('offices.bj-anzhen');
      // Filtering again keeps the unit in view.
      expect(html).toContain('name="unit" value="110105"');
    }
    expect(missingKeys.splice(0)).toEqual([]);
    expect((await run(page.loader, get('/reports?unit=3101', { cookie }), context)).status).toBe(404);
  }, 240_000);
});
