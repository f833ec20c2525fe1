import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Db, DbHandle } from '../../db/client.js';
import { applications, auditEvents, deskTallies, deskTallyChanges, queueItems, users } from '../../db/schema/index.js';
import { foldDeskTallies } from '../../services/queue/desk-tallies.js';
import { rowsOf } from '../../services/sql.js';
import { getService } from '../../services/catalog/index.js';
import { claimNext } from '../../services/queue/claim.js';
import { DESK_PAGE_SIZE, loadDesk, searchDesk, type Desk, type DeskFilters, type DeskTab } from '../../services/queue/desk.js';
import { parseDeskSearch } from '../../services/queue/desk-search.js';
import { claimApplication } from '../../services/queue/claim.js';
import { transferApplication } from '../../services/queue/handover.js';
import { withdrawApplication } from '../../services/applications/withdraw.js';
import { applyDeemedAcceptance } from '../../services/clock-rules/deemed-acceptance.js';
import { issueNotice } from '../../services/review/notice.js';
import { submitSupplement } from '../../services/review/supplement.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { createSubmittedApplication, sampleFileBytes } from '../support/applications.js';
import type { ApplicationStatus } from '../../services/applications/status-machine.js';
import { actorOf, appContext, createStaff, fixedClock, makeIdNumber, makeMobile, sessionCookieFor, testConfig, testContext } from '../support/factories.js';
import { get, run } from '../support/requests.js';
import { missingKeys, renderPage } from '../support/render-page.js';
import { createTestDb } from '../setup/test-db.js';

/**
 * The desk at volume (tracker issue 16): paged in take-next's order, counted in SQL per tab and
 * filter, searched by number, ID, mobile or name prefix within the office, masked, audited.
 * Items are written straight into the tables (as bench/desk.ts does at 100,000), so a test can
 * hold a few hundred of them with exactly the deadlines, priorities and states it needs.
 */
vi.mock('@remix-run/react', async () => (await import('../support/render-page.js')).remixReactStub());

let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const config = testConfig();

type Spec = {
  officeCode?: string;
  serviceCode?: string;
  status?: ApplicationStatus;
  completenessDeadline?: string;
  dueDate?: string;
  priority?: number;
  frontOfQueue?: number;
  receivedAt?: string;
  realName?: string;
};
type Seeded = { id: string; number: string; realName: string; idNumber: string; mobile: string; spec: Required<Spec> };

let serial = 0;
const STATE: Record<string, 'waiting' | 'parked' | 'done'> = { needs_supplement: 'parked', completed: 'done', withdrawn: 'done' };

/** Open items (one applicant each) written in three multi-row inserts. */
async function seed(db: Db, specs: Spec[]): Promise<Seeded[]> {
  const rows = specs.map((s) => {
    serial += 1;
    const spec: Required<Spec> = {
      officeCode: 'bj-dongcheng',
      serviceCode: 'temporary-id-card',
      status: 'submitted',
      completenessDeadline: '2026-11-30',
      dueDate: '2026-11-27',
      priority: 1,
      frontOfQueue: 0,
      receivedAt: '2026-11-23T01:00:00.000Z',
      realName: `测试${String.fromCharCode(0x4e00 + serial)}`,
      ...s,
    };
    return { spec, number: `GA20261123${String(700000 + serial)}`, idNumber: makeIdNumber(), mobile: makeMobile() };
  });
  const people = await db
    .insert(users)
    .values(rows.map((r) => ({ role: 'citizen' as const, realName: r.spec.realName, idNumber: r.idNumber, mobile: r.mobile, passwordHash: 'not-a-login' })))
    .returning({ id: users.id });
  const apps = await db
    .insert(applications)
    .values(
      rows.map((r, i) => ({
        id: crypto.randomUUID(),
        number: r.number,
        applicantId: people[i].id,
        serviceCode: r.spec.serviceCode,
        department: getService(r.spec.serviceCode).department,
        status: r.spec.status,
        officeCode: r.spec.officeCode,
        priority: r.spec.priority,
        submittedAt: new Date(r.spec.receivedAt),
        completenessDeadline: r.spec.completenessDeadline,
        dueDate: r.spec.dueDate,
        supplementDeadline: r.spec.status === 'needs_supplement' ? '2026-12-14' : null,
      })),
    )
    .returning({ id: applications.id });
  await db.insert(queueItems).values(
    rows.map((r, i) => ({
      applicationId: apps[i].id,
      officeCode: r.spec.officeCode,
      department: getService(r.spec.serviceCode).department,
      serviceCode: r.spec.serviceCode,
      priority: r.spec.priority,
      receivedAt: new Date(r.spec.receivedAt),
      completenessDeadline: r.spec.completenessDeadline,
      dueDate: r.spec.dueDate,
      frontOfQueue: r.spec.frontOfQueue,
      state: STATE[r.spec.status] ?? 'waiting',
    })),
  );
  return rows.map((r, i) => ({ ...r, id: apps[i].id, realName: r.spec.realName }));
}

async function everyPage(ctx: ReturnType<typeof testContext>, filters: DeskFilters): Promise<{ first: Desk; numbers: string[] }> {
  const first = await loadDesk(ctx, { ...filters, page: 1 });
  const numbers = first.rows.map((r) => r.number);
  for (let page = 2; page <= first.pages; page++) {
    const d = await loadDesk(ctx, { ...filters, page });
    expect(d.rows.length).toBeLessThanOrEqual(DESK_PAGE_SIZE);
    numbers.push(...d.rows.map((r) => r.number));
  }
  return { first, numbers };
}

const day = (n: number) => `2026-11-${String(23 + (n % 7)).padStart(2, '0')}`;

describe('the desk, paged in the queue’s one order', () => {
  it('orders by returned supplements, then the art. 32 deadline, the due date, the priority (higher first), the time received — as take next serves', async () => {
    const [later, sooner, lowPriority, highPriority, returned, earlierDue] = await seed(h.db, [
      { completenessDeadline: '2026-11-27', dueDate: '2026-11-24' },
      { completenessDeadline: '2026-11-25', dueDate: '2026-11-30' },
      { completenessDeadline: '2026-11-26', dueDate: '2026-11-26', priority: 1 },
      { completenessDeadline: '2026-11-26', dueDate: '2026-11-26', priority: 3 },
      { completenessDeadline: '2026-12-01', dueDate: '2026-12-01', frontOfQueue: -1 },
      { completenessDeadline: '2026-11-26', dueDate: '2026-11-25', priority: 0 },
    ]);
    const expected = [returned, sooner, earlierDue, highPriority, lowPriority, later].map((s) => s.number);
    const ctx = testContext(h.db, actorOf(await createStaff(h.db)), fixedClock(), config);
    expect((await loadDesk(ctx)).rows.map((r) => r.number)).toEqual(expected);
    // Take next serves the same order; taken items stay on the "to work" list, held (a taken
    // returned supplement loses its place at the front).
    for (const number of expected.slice(0, 3)) expect((await claimNext(ctx))?.number).toBe(number);
    const after = await loadDesk(ctx);
    expect(after.rows.map((r) => r.number)).toEqual([...expected.slice(1), expected[0]]);
    expect(after.rows.filter((r) => r.mine).map((r) => r.number).sort()).toEqual(expected.slice(0, 3).sort());
    expect((await loadDesk(ctx, { tab: 'mine' })).rows.map((r) => r.number)).toEqual([...expected.slice(1, 3), expected[0]]);
  });

  it('pages of 50 cover the tab once each, past the last page reads the last, and other offices and closed items never show', async () => {
    const specs: Spec[] = Array.from({ length: 123 }, (_, i) => ({
      completenessDeadline: day(i * 3),
      dueDate: day(i * 5),
      priority: i % 4,
      receivedAt: new Date(Date.parse('2026-11-23T01:00:00.000Z') + (i % 11) * 60_000).toISOString(),
    }));
    const work = await seed(h.db, specs);
    await seed(h.db, [{ officeCode: 'bj-chaoyang' }, { status: 'completed' }, { status: 'withdrawn' }, { status: 'needs_supplement' }]);
    const ctx = testContext(h.db, actorOf(await createStaff(h.db)), fixedClock(), config);
    const { first, numbers } = await everyPage(ctx, {});
    expect(first).toMatchObject({ total: 123, pages: 3, page: 1, counts: { tabs: { work: 123, waiting: 1, mine: 0 } } });
    expect(numbers).toHaveLength(123);
    expect(new Set(numbers)).toEqual(new Set(work.map((w) => w.number)));
    // The same order as the specs sorted by the queue's keys (ties: received, then inserted).
    const key = (s: Seeded) => [s.spec.frontOfQueue, s.spec.completenessDeadline, s.spec.dueDate, -s.spec.priority, s.spec.receivedAt, s.number] as const;
    const sorted = [...work].sort((a, b) => {
      const [ka, kb] = [key(a), key(b)];
      for (let k = 0; k < ka.length; k++) if (ka[k] !== kb[k]) return ka[k] < kb[k] ? -1 : 1;
      return 0;
    });
    expect(numbers).toEqual(sorted.map((s) => s.number));
    const last = await loadDesk(ctx, { page: 99 });
    expect(last).toMatchObject({ page: 3, pages: 3 });
    expect(last.rows.map((r) => r.number)).toEqual(numbers.slice(100));
  });
});

describe('counts', () => {
  it('per tab and per filter option equal the rows each lists', async () => {
    const services = ['temporary-id-card', 'passport', 'inspection-mark', 'birth-registration'];
    const statuses: ApplicationStatus[] = ['submitted', 'under_review', 'supplemented', 'accepted', 'needs_supplement'];
    await seed(
      h.db,
      Array.from({ length: 140 }, (_, i) => ({
        serviceCode: services[i % services.length],
        status: statuses[(i * 7) % statuses.length],
        dueDate: i % 3 === 0 ? '2026-11-20' : '2026-11-30',
      })),
    );
    await seed(h.db, [{ officeCode: 'bj-chaoyang', status: 'needs_supplement' }, { officeCode: 'bj-chaoyang' }]);
    const clerk = await createStaff(h.db);
    const ctx = testContext(h.db, actorOf(clerk), fixedClock(), config);
    await claimNext(ctx);
    await claimNext(ctx);
    const tabs: DeskTab[] = ['work', 'waiting', 'mine'];
    const top = await loadDesk(ctx);
    expect(top.counts.tabs.work + top.counts.tabs.waiting).toBe(140);
    expect(top.counts.tabs.mine).toBe(2);
    for (const tab of tabs) {
      const { first, numbers } = await everyPage(ctx, { tab });
      expect(numbers).toHaveLength(top.counts.tabs[tab]);
      expect(first.total).toBe(top.counts.tabs[tab]);
      const rows = [first.rows, ...(await Promise.all(Array.from({ length: first.pages - 1 }, (_, p) => loadDesk(ctx, { tab, page: p + 2 })))).map((d) => d.rows)].flat();
      if (tab === 'waiting') expect(rows.every((r) => r.status === 'needs_supplement' && r.queueState === 'parked')).toBe(true);
      if (tab === 'work') expect(rows.every((r) => r.status !== 'needs_supplement')).toBe(true);
      if (tab === 'mine') expect(rows.every((r) => r.mine)).toBe(true);
      for (const dim of ['department', 'service', 'status'] as const) {
        for (const [value, n] of Object.entries(first.counts[dim])) {
          const listed = await everyPage(ctx, { tab, [dim]: value });
          expect(listed.numbers, `${tab} ${dim}=${value}`).toHaveLength(n);
          expect(listed.first.total).toBe(n);
        }
      }
      const overdue = await everyPage(ctx, { tab, overdue: true });
      expect(overdue.numbers).toHaveLength(first.counts.overdue);
      expect(overdue.first.rows.every((r) => r.overdue)).toBe(true);
      // Filters combine, and the counts follow: passports that are overdue.
      const both = await everyPage(ctx, { tab, service: 'passport', overdue: true });
      expect(both.numbers).toHaveLength(overdue.first.counts.service.passport ?? 0);
    }
    expect(top.counts.overdue).toBeGreaterThan(0);
  });
});

describe('the tallies the counts are read from', () => {
  it('follow every change the trigger sees — filing, review, notice, supplement, withdrawal, transfer, deemed acceptance — and equal a recount', async () => {
    const clock = fixedClock();
    const recount = async () =>
      (
        await h.db
          .select({ officeCode: applications.officeCode, status: applications.status, department: applications.department, serviceCode: applications.serviceCode, dueDate: applications.dueDate, n: sql<number>`count(*)::int` })
          .from(applications)
          .where(inArray(applications.status, ['submitted', 'under_review', 'needs_supplement', 'supplemented', 'accepted']))
          .groupBy(applications.officeCode, applications.status, applications.department, applications.serviceCode, applications.dueDate)
      ).map((r) => JSON.stringify(r)).sort();
    const tallies = async () => (await h.db.select().from(deskTallies)).map((r) => JSON.stringify(r)).sort();
    // What the desk reads: the tallies and the changes not yet folded in, summed.
    const seen = async () =>
      rowsOf<Record<string, unknown>>(
        await h.db.execute(sql`
          select office_code as "officeCode", status, department, service_code as "serviceCode", due_date::text as "dueDate", sum(n)::int as n
          from (select office_code, status, department, service_code, due_date, n from desk_tallies
                union all select office_code, status, department, service_code, due_date, n from desk_tally_changes) t
          group by 1, 2, 3, 4, 5 having sum(n) <> 0`),
      ).map((r) => JSON.stringify(r)).sort();
    // Before the worker folds the step's changes in, and after (then the tallies alone are exact).
    const same = async (step: string) => {
      expect(await seen(), step).toEqual(await recount());
      expect(await foldDeskTallies(h.db), step).toBeGreaterThan(0);
      expect(await tallies(), `${step}, folded`).toEqual(await recount());
      expect(await h.db.select().from(deskTallyChanges), `${step}, folded`).toEqual([]);
    };

    const [a, b, c, d] = [
      await createSubmittedApplication(h.db, { clock, config }),
      await createSubmittedApplication(h.db, { clock, config }),
      await createSubmittedApplication(h.db, { clock, config }),
      await createSubmittedApplication(h.db, { clock, config }),
    ];
    await same('filed');
    expect((await tallies()).length).toBeGreaterThan(0);
    const ctx = testContext(h.db, actorOf(await createStaff(h.db)), clock, config);
    const claimA = await claimApplication(ctx, a.number);
    await same('under review');
    for (const materialCode of ['hukouBook', 'idCollectionReceipt']) await recordVerdict(ctx, a.number, { leaseVersion: claimA.leaseVersion, materialCode, verdict: 'ok' });
    await recordVerdict(ctx, a.number, { leaseVersion: claimA.leaseVersion, materialCode: 'photo', verdict: 'missing' });
    await issueNotice(ctx, a.number, claimA.leaseVersion);
    await same('notice');
    clock.advance(2 * 86_400_000);
    await submitSupplement(testContext(h.db, actorOf(a.citizen), clock, config), a.number, [{ materialCode: 'photo', originalName: 'p.jpg', bytes: await sampleFileBytes(['jpeg']) }]);
    await same('supplemented, with a new due date');
    await withdrawApplication(testContext(h.db, actorOf(b.citizen), clock, config), { number: b.number, confirmed: true });
    await same('withdrawn');
    const claimC = await claimApplication(ctx, c.number);
    await transferApplication(ctx, c.number, claimC.leaseVersion, { toOfficeCode: 'bj-chaoyang' }, '属地管辖');
    await same('transferred');
    clock.set('2026-12-01T16:00:00.000Z');
    expect(await applyDeemedAcceptance(testContext(h.db, { kind: 'anonymous' }, clock, config))).toContain(d.number);
    await same('deemed accepted');
    const desk = await loadDesk(ctx);
    expect(desk.counts.tabs).toEqual({ work: 2, waiting: 0, mine: 0 });
  });
});

describe('search', () => {
  it('finds an open item by number, ID, mobile or name prefix within the office only, masked, and records each search', async () => {
    const [target, namesake] = await seed(h.db, [{ realName: '欧阳明月' }, { realName: '欧阳明辉', status: 'needs_supplement' }]);
    const [elsewhere] = await seed(h.db, [{ realName: '欧阳明霞', officeCode: 'bj-chaoyang' }]);
    const [closed] = await seed(h.db, [{ realName: '欧阳明华', status: 'completed' }]);
    await seed(h.db, Array.from({ length: 30 }, () => ({})));
    const clerk = await createStaff(h.db);
    const ctx = testContext(h.db, actorOf(clerk), fixedClock(), config);
    const find = async (raw: string) => {
      const s = parseDeskSearch(raw);
      if (!s || 'error' in s) throw new Error(`not a search: ${raw}`);
      return searchDesk(ctx, s);
    };

    for (const raw of [target.number, target.number.toLowerCase(), target.idNumber, target.idNumber.toLowerCase(), target.mobile, `+86 ${target.mobile.slice(0, 3)} ${target.mobile.slice(3, 7)}-${target.mobile.slice(7)}`]) {
      const found = await find(raw);
      expect(found.rows.map((r) => r.number), raw).toEqual([target.number]);
      expect(found.search).toMatchObject({ more: false });
    }
    const byName = await find('欧阳明');
    expect(byName.search?.kind).toBe('name');
    // Both tabs, most urgent first; not another office's, not a closed one.
    expect(byName.rows.map((r) => r.number).sort()).toEqual([target.number, namesake.number].sort());
    for (const raw of [elsewhere.number, elsewhere.idNumber, elsewhere.mobile, closed.number, closed.idNumber, '欧阳明霞', 'GA2026112399', '%', '_']) {
      const s = parseDeskSearch(raw);
      if (s && !('error' in s)) expect((await searchDesk(ctx, s)).rows, raw).toEqual([]);
    }
    // LIKE's wildcards are matched literally.
    expect((await find('欧阳%')).rows).toEqual([]);

    const shown = JSON.stringify(byName);
    for (const p of [target, namesake]) {
      expect(shown).not.toContain(p.realName);
      expect(shown).not.toContain(p.idNumber);
      expect(shown).not.toContain(p.mobile);
    }
    const row = byName.rows.find((r) => r.number === target.number)!;
    expect(row).toMatchObject({ applicantName: '欧***', applicantMobile: `${target.mobile.slice(0, 3)}****${target.mobile.slice(7)}` });
    expect(row.applicantIdNumber).toBe(`${target.idNumber.slice(0, 4)}**********${target.idNumber.slice(-4)}`);

    const audit = await h.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'pii.searched'), eq(auditEvents.actorId, clerk.id)));
    const byApp = audit.filter((a) => a.applicationId === target.id);
    expect(byApp.length).toBeGreaterThanOrEqual(7);
    expect(audit.find((a) => a.applicationId === namesake.id)).toMatchObject({ actorRole: 'clerk', officeCode: 'bj-dongcheng', data: { kind: 'name', term: '欧**', results: 2 } });
    // A search that found nothing is recorded too, without an application; terms are masked.
    const none = audit.filter((a) => a.applicationId === null);
    expect(none.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit)).not.toContain(target.idNumber);
    expect(JSON.stringify(audit)).not.toContain(target.mobile);
    expect(audit.some((a) => a.applicationId === elsewhere.id || a.applicationId === closed.id)).toBe(false);
  });

  it('tells a box it cannot use what to type instead', () => {
    expect(parseDeskSearch(null)).toBeNull();
    expect(parseDeskSearch('   ')).toBeNull();
    expect(parseDeskSearch('张')).toEqual({ error: 'desk:search.tooShort' });
    expect(parseDeskSearch('1380013')).toEqual({ error: 'desk:search.digits' });
    expect(parseDeskSearch('张\u0000三')).toEqual({ error: 'validation:text.forbiddenCharacters' });
    expect(parseDeskSearch('张'.repeat(41))).toEqual({ error: 'validation:tooLong' });
    expect(parseDeskSearch(' 张三 ')).toEqual({ kind: 'name', term: '张三' });
    expect(parseDeskSearch('11010119900307123x')).toEqual({ kind: 'idNumber', term: '11010119900307123X' });
  });
});

describe('/desk', () => {
  it('shows the tabs, a page and the pager, lands on the item an exact search names, and refuses a search it cannot use with a localized 400', async () => {
    const seeded = await seed(h.db, [...Array.from({ length: 60 }, () => ({})), { status: 'needs_supplement', realName: '司马光明' }]);
    const clock = fixedClock();
    const context = appContext(h.db, clock, config);
    const clerk = await createStaff(h.db, { skills: ['hukou'] });
    const cookie = await sessionCookieFor(h.db, clock, clerk.id);

    const page2 = await run((await import('../../app/routes/desk._index.js')).loader, get('/desk?page=2', { cookie }), context);
    expect(page2.status).toBe(200);
    const data = await page2.json();
    expect(data.desk).toMatchObject({ tab: 'work', page: 2, pages: 2, total: 60 });
    expect(data.desk.rows).toHaveLength(10);
    const deskRoute = await import('../../app/routes/desk._index.js');
    for (const lng of ['zh-CN', 'en'] as const) {
      const html = await renderPage(deskRoute.default, data, lng);
      expect(missingKeys.splice(0)).toEqual([]);
      expect(html).toContain('href="/desk?tab=waiting"');
      expect(html).toContain('rel="prev"');
      expect(html).toContain('name="q"');
      expect(html).toContain(lng === 'zh-CN' ? '第 2 页，共 2 页' : 'Page 2 of 2');
    }

    const waiting = await (await run(deskRoute.loader, get('/desk?tab=waiting', { cookie }), context)).json();
    expect(waiting.desk.rows.map((r: { number: string }) => r.number)).toEqual([seeded[60].number]);
    // ?mine=1 (the old filter) still opens the clerk's own list.
    expect((await (await run(deskRoute.loader, get('/desk?mine=1', { cookie }), context)).json()).desk.tab).toBe('mine');

    const exact = await run(deskRoute.loader, get(`/desk?q=${seeded[3].idNumber}`, { cookie }), context);
    expect(exact.status).toBe(302);
    expect(exact.headers.get('Location')).toBe(`/desk/applications/${seeded[3].number}`);

    const byName = await run(deskRoute.loader, get(`/desk?q=${encodeURIComponent('司马')}`, { cookie }), context);
    expect(byName.status).toBe(200);
    const found = await byName.json();
    expect(found.desk.rows.map((r: { number: string }) => r.number)).toEqual([seeded[60].number]);
    for (const lng of ['zh-CN', 'en'] as const) {
      const html = await renderPage(deskRoute.default, found, lng);
      expect(missingKeys.splice(0)).toEqual([]);
      expect(html).toContain('司*');
      expect(html).not.toContain('司马光明');
      expect(html).toContain(lng === 'zh-CN' ? '找到 1 件' : '1 item found');
    }

    const refused = await run(deskRoute.loader, get(`/desk?q=${encodeURIComponent('司')}`, { cookie }), context);
    expect(refused.status).toBe(400);
    const body = await refused.json();
    expect(body.lastResult).toEqual({ error: { q: ['desk:search.tooShort'] } });
    const html = await renderPage(deskRoute.default, body, 'zh-CN');
    expect(missingKeys.splice(0)).toEqual([]);
    expect(html).toContain('请至少输入姓名的两个字');
    expect(html).toContain('aria-invalid="true"');

    const audited = await h.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'pii.searched'), inArray(auditEvents.applicationId, [seeded[3].id, seeded[60].id])));
    expect(audited).toHaveLength(2);
  });
});
