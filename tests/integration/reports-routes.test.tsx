import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import type { DbHandle } from '../../db/client.js';
import { ratings, rectifications } from '../../db/schema/index.js';
import { claimApplication } from '../../services/queue/claim.js';
import { acceptApplication, completeApplication } from '../../services/review/decisions.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { runProjections } from '../../services/reports/run-projections.js';
import { formatInstant } from '../../app/components/application/format.js';
import { csvCell, toCsv } from '../../app/components/reports/csv.js';
import { actorOf, appContext, createStaff, fixedClock, sessionCookieFor, testConfig, testContext } from '../support/factories.js';
import { createSubmittedApplication } from '../support/applications.js';
import { get, post, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';
import { resources } from '../../locales/index.js';
import { missingKeys, renderPage } from '../support/render-page.js';

/**
 * /reports, its CSV export, the rating page and the rectification list, through their loaders and
 * actions on a real database, and server-rendered in both languages with no raw keys.
 */
const missing = missingKeys;
vi.mock('@remix-run/react', async () => (await import('../support/render-page.js')).remixReactStub());

let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const config = testConfig();

const render = renderPage;

/** A completed application of Dongcheng, with its citizen and the clerk who completed it. */
async function completedApplication() {
  const clock = fixedClock();
  const sub = await createSubmittedApplication(h.db, { clock, config });
  const clerk = await createStaff(h.db, { officeCode: 'bj-dongcheng' });
  const ctx = testContext(h.db, actorOf(clerk), clock, config);
  const { leaseVersion } = await claimApplication(ctx, sub.number);
  for (const m of ['hukouBook', 'idCollectionReceipt', 'photo']) await recordVerdict(ctx, sub.number, { leaseVersion, materialCode: m, verdict: 'ok' });
  await acceptApplication(ctx, sub.number, { leaseVersion });
  await completeApplication(ctx, sub.number, { leaseVersion, documentNumber: 'L-9', delivery: 'pickup' });
  return { ...sub, clerk, clock, context: appContext(h.db, clock, config) };
}

const reports = () => import('../../app/routes/reports._index.js');
const csv = () => import('../../app/routes/reports.csv.js');
const rate = () => import('../../app/routes/applications.$number.rate.js');
const rects = () => import('../../app/routes/reports.rectifications.js');

describe('/reports', () => {
  it('shows the figures of the manager’s offices, with a 400 and field errors for bad filters and a 404 for an office out of scope', async () => {
    const app = await completedApplication();
    const manager = await createStaff(h.db, { role: 'manager', officeCode: 'bj-dongcheng', managerScope: 'office' });
    const cookie = await sessionCookieFor(h.db, app.clock, manager.id);
    const { loader } = await reports();

    type Data = { report: { totals: { received: number; completed: number }; offices: string[]; filters: { period: string }; freshAsOf: string | null }; query: string };
    // Before the worker's step the figures do not include the work yet, and the page says so.
    const before = (await (await run(loader, get('/reports?period=month&department=&serviceCode=', { cookie }), app.context)).json()) as Data;
    expect(before.report.totals).toMatchObject({ received: 0, completed: 0 });
    expect(before.report.freshAsOf).toBeNull();
    expect(await runProjections(h.db)).toMatchObject({ reportEvents: 3 });
    const ok = await run(loader, get('/reports?period=month&department=&serviceCode=', { cookie }), app.context);
    expect(ok.status).toBe(200);
    const data = (await ok.json()) as Data;
    expect(data.report.totals).toMatchObject({ received: 1, completed: 1 });
    // Fresh as of the last event applied: the completion, at the clock's time.
    expect(data.report.freshAsOf).toBe(app.clock.now().toISOString());
    expect(data.report.offices).toEqual(['bj-dongcheng']);
    expect(data.report.filters.period).toBe('month');
    expect(data.query).toContain('period=month');

    for (const [q, field] of [
      ['from=2024-13-45', 'from'],
      ['from=yesterday', 'from'],
      ['from=2025-03-01&to=2025-01-01', 'to'],
      ['period=year', 'period'],
      ['department=police', 'department'],
      ['officeCode=<script>', 'officeCode'],
      ['from=2010-01-01&to=2025-01-01', 'from'],
    ] as const) {
      const res = await run(loader, get(`/reports?${q}`, { cookie }), app.context);
      expect(res.status, q).toBe(400);
      const body = (await res.json()) as { report: null; offices: string[]; lastResult: { error: Record<string, string[]> } };
      expect(body.report, q).toBeNull();
      expect(body.offices).toEqual(['bj-dongcheng']);
      expect(Object.keys(body.lastResult.error), q).toContain(field);
    }

    const other = await run(loader, get('/reports?officeCode=bj-chaoyang', { cookie }), app.context);
    expect(other.status).toBe(404);

    const cityManager = await createStaff(h.db, { role: 'manager', officeCode: 'bj-chaoyang', managerScope: 'city' });
    const cityCookie = await sessionCookieFor(h.db, app.clock, cityManager.id);
    const city = await run(loader, get('/reports?officeCode=bj-dongcheng', { cookie: cityCookie }), app.context);
    expect(city.status).toBe(200);
    const cityData = (await city.json()) as { report: { offices: string[]; totals: { received: number } } };
    expect(cityData.report.offices.length).toBeGreaterThan(1);
    expect(cityData.report.totals.received).toBe(1);
  });

  it('renders charts and accessible tables in both languages without raw keys, and the failed filter form', async () => {
    const app = await completedApplication();
    const manager = await createStaff(h.db, { role: 'manager', officeCode: 'bj-dongcheng', managerScope: 'office' });
    const cookie = await sessionCookieFor(h.db, app.clock, manager.id);
    const mod = await reports();
    await runProjections(h.db);
    for (const lng of ['zh-CN', 'en'] as const) {
      const data = await (await run(mod.loader, get('/reports', { cookie, lng }), app.context)).json();
      const html = await render(mod.default, data, lng);
      expect(missing.splice(0)).toEqual([]);
      // How fresh the figures are, in China time and the reader's language.
      expect(html).toContain(resources[lng].reports.freshAsOf.split('{{at}}')[0]);
      expect(html).toContain(formatInstant(app.clock.now().toISOString(), lng));
      expect(html.match(/<svg[^>]*role="img"/g)?.length).toBe(3);
      expect(html).toContain('<title');
      expect(html).toContain('<desc');
      // The eight figure tables and the hierarchy's breakdown (decision 0037).
      expect(html.match(/<caption>/g)?.length).toBe(9);
      expect(html).toContain('scope="col"');
      expect(html).toContain('scope="row"');
      expect(html).toContain('href="/reports/csv?table=series&amp;');
      expect(html).toContain('method="get"');
      expect(html).toContain(lng === 'zh-CN' ? '按时办结率' : 'On-time completion rate');

      const bad = await run(mod.loader, get('/reports?from=2025-03-01&to=2025-01-01', { cookie, lng }), app.context);
      const badHtml = await render(mod.default, await bad.json(), lng);
      expect(missing.splice(0)).toEqual([]);
      expect(badHtml).toContain('aria-invalid="true"');
      expect(badHtml).toContain(lng === 'zh-CN' ? resources['zh-CN'].validation.reports.rangeInvalid : resources.en.validation.reports.rangeInvalid);
    }
  });
});

describe('/reports/csv', () => {
  it('downloads a table as UTF-8 CSV with a BOM and localized headers; unknown table 404, bad filters 400, another office 404', async () => {
    const app = await completedApplication();
    const manager = await createStaff(h.db, { role: 'manager', officeCode: 'bj-dongcheng', managerScope: 'office' });
    const cookie = await sessionCookieFor(h.db, app.clock, manager.id);
    const { loader } = await csv();
    await runProjections(h.db);
    const res = await run(loader, get('/reports/csv?table=counts&period=week', { cookie }), app.context);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('Content-Disposition')).toMatch(/^attachment; filename="report-counts-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text.split('\r\n')[0]).toBe('\uFEFF指标,数值');
    expect(text).toContain('收件,1\r\n');

    const en = await run(loader, get('/reports/csv?table=rates', { cookie, lng: 'en' }), app.context);
    const enText = await en.text();
    expect(enText).toContain('Figure,Value');
    expect(enText).toContain('One-visit rate,1\r\n');

    expect((await run(loader, get('/reports/csv?table=secrets', { cookie }), app.context)).status).toBe(404);
    expect((await run(loader, get('/reports/csv', { cookie }), app.context)).status).toBe(404);
    expect((await run(loader, get('/reports/csv?table=series&from=nope', { cookie }), app.context)).status).toBe(400);
    expect((await run(loader, get('/reports/csv?table=series&from=2010-01-01&to=2025-01-01', { cookie }), app.context)).status).toBe(400);
    expect((await run(loader, get('/reports/csv?table=series&officeCode=bj-chaoyang', { cookie }), app.context)).status).toBe(404);
  });

  it('escapes quotes, commas and line breaks, and neutralises cells a spreadsheet would run as formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-cmd')).toBe("'-cmd");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
    expect(toCsv(['a', 'b'], [['x', 1]])).toBe('\uFEFFa,b\r\nx,1\r\n');
  });
});

describe('rating pages', () => {
  it('lets the citizen rate a completed application once; a bad review opens a rectification the manager closes', async () => {
    const app = await completedApplication();
    const citizenCookie = await sessionCookieFor(h.db, app.clock, app.citizen.id);
    const mod = await rate();
    const params = { number: app.number };
    const url = `/applications/${app.number}/rate`;

    const page = await run(mod.loader, get(url, { cookie: citizenCookie }), app.context, params);
    expect(page.status).toBe(200);
    const pageData = await page.json();
    expect(pageData.form).toMatchObject({ canRate: true, existing: null });
    for (const lng of ['zh-CN', 'en'] as const) {
      const html = await render(mod.default, pageData, lng);
      expect(missing.splice(0)).toEqual([]);
      expect(html).toContain(lng === 'zh-CN' ? '非常不满意' : 'Very dissatisfied');
      expect(html).toContain(lng === 'zh-CN' ? '非常满意' : 'Very satisfied');
      expect(html).toContain('<fieldset');
      expect(html).toContain('<legend');
    }

    for (const score of ['', '0', '6', '2.5', 'abc']) {
      const bad = await run(mod.action, post(url, { score }, { cookie: citizenCookie }), app.context, params);
      expect(bad.status, score).toBe(400);
    }
    const long = await run(mod.action, post(url, { score: '3', comment: '字'.repeat(501) }, { cookie: citizenCookie }), app.context, params);
    expect(long.status).toBe(400);
    const withBadHtml = await render(mod.default, pageData, 'zh-CN', await long.json());
    expect(withBadHtml).toContain('aria-invalid="true"');
    expect(await h.db.select().from(ratings).where(eq(ratings.applicationId, app.applicationId))).toEqual([]);

    const done = await run(mod.action, post(url, { score: '1', comment: '=cmd|排队太久' }, { cookie: citizenCookie }), app.context, params);
    expect(done.status).toBe(303);
    expect(done.headers.get('Location')).toBe(url);
    const again = await run(mod.action, post(url, { score: '5' }, { cookie: citizenCookie }), app.context, params);
    expect(again.status).toBe(409);
    const againHtml = await render(mod.default, pageData, 'en', await again.json());
    expect(againHtml).toContain(resources.en.errors.rating.alreadyRated);
    const after = await (await run(mod.loader, get(url, { cookie: citizenCookie }), app.context, params)).json();
    expect(after.form).toMatchObject({ canRate: false, existing: { score: 1 } });
    expect(await render(mod.default, after, 'zh-CN')).toContain('感谢您的评价');

    // Another citizen cannot see or rate it.
    const stranger = await createSubmittedApplication(h.db, { clock: app.clock, config });
    const strangerCookie = await sessionCookieFor(h.db, app.clock, stranger.citizen.id);
    expect((await run(mod.loader, get(url, { cookie: strangerCookie }), app.context, params)).status).toBe(404);
    expect((await run(mod.action, post(url, { score: '5' }, { cookie: strangerCookie }), app.context, params)).status).toBe(404);

    // The clerk records the window rating separately.
    const clerkCookie = await sessionCookieFor(h.db, app.clock, app.clerk.id);
    expect((await run(mod.action, post(url, { score: '4' }, { cookie: clerkCookie }), app.context, params)).status).toBe(303);
    expect((await h.db.select().from(ratings).where(eq(ratings.applicationId, app.applicationId))).map((r) => r.channel).sort()).toEqual(['online', 'window']);

    // The bad review is on the office manager's rectification list; the follow-up closes it.
    const manager = await createStaff(h.db, { role: 'manager', officeCode: 'bj-dongcheng', managerScope: 'office' });
    const managerCookie = await sessionCookieFor(h.db, app.clock, manager.id);
    const list = await rects();
    const listData = await (await run(list.loader, get('/reports/rectifications', { cookie: managerCookie }), app.context)).json();
    expect(listData.page).toMatchObject({ openCount: 1, openPage: 1, moreOpen: false, closed: [] });
    expect(listData.page.open).toHaveLength(1);
    const id = listData.page.open[0].id as string;
    for (const lng of ['zh-CN', 'en'] as const) {
      const html = await render(list.default, listData, lng);
      expect(missing.splice(0)).toEqual([]);
      expect(html).toContain(`value="${id}"`);
    }
    // Further pages are plain links (no JS), each list keeping the other's page.
    const paged = await render(list.default, { ...listData, page: { ...listData.page, openPage: 2, moreOpen: true, closedPage: 3 } }, 'en');
    expect(missing.splice(0)).toEqual([]);
    expect(paged).toContain('href="/reports/rectifications?closed=3#open"');
    expect(paged).toContain('href="/reports/rectifications?open=3&amp;closed=3#open"');
    expect(paged).toContain('href="/reports/rectifications?open=2&amp;closed=2#closed"');
    expect(paged).not.toContain('closed=4');
    const badFollowUp = await run(list.action, post('/reports/rectifications', { id, contactNote: '', outcome: 'maybe' }, { cookie: managerCookie }), app.context);
    expect(badFollowUp.status).toBe(400);
    const badBody = await badFollowUp.json();
    expect(badBody.id).toBe(id);
    expect(Object.keys(badBody.lastResult.error).sort()).toEqual(['contactNote', 'outcome']);
    const badHtml = await render(list.default, listData, 'zh-CN', badBody);
    expect(badHtml).toContain('aria-invalid="true"');
    const other = await createStaff(h.db, { role: 'manager', officeCode: 'bj-chaoyang', managerScope: 'office' });
    const otherCookie = await sessionCookieFor(h.db, app.clock, other.id);
    expect((await run(list.action, post('/reports/rectifications', { id, contactNote: '电话回访', outcome: 'fixed' }, { cookie: otherCookie }), app.context)).status).toBe(404);
    const closed = await run(list.action, post('/reports/rectifications', { id, contactNote: '电话回访', outcome: 'explained' }, { cookie: managerCookie }), app.context);
    expect(closed.status).toBe(303);
    const twice = await run(list.action, post('/reports/rectifications', { id, contactNote: '再次', outcome: 'fixed' }, { cookie: managerCookie }), app.context);
    expect(twice.status).toBe(409);
    const [row] = await h.db.select().from(rectifications).where(eq(rectifications.id, id));
    expect(row).toMatchObject({ outcome: 'explained', contactNote: '电话回访' });
    const closedHtml = await render(list.default, await (await run(list.loader, get('/reports/rectifications', { cookie: managerCookie }), app.context)).json(), 'en');
    expect(missing.splice(0)).toEqual([]);
    expect(closedHtml).toContain('Explained');
  });
});
