import { and, eq, like, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications, auditEvents, calendarDays, calendarYears, messages, queueItems, rectifications } from '../../db/schema/index.js';
import * as yearRoute from '../../app/routes/admin.calendar.$year.js';
import * as yearsRoute from '../../app/routes/admin.calendar._index.js';
import { getMyApplication } from '../../services/applications/read.js';
import {
  addCalendarDays,
  calendarOverview,
  calendarYear,
  missingNextYear,
  publishCalendarYear,
  removeCalendarDay,
  setCalendarSource,
} from '../../services/calendar/calendar-years.js';
import { CalendarUnknown, loadCalendar } from '../../services/calendar/working-days.js';
import { runClockSweeps } from '../../services/clock-rules/sweep.js';
import { isDomainError } from '../../services/errors.js';
import { renderMessage } from '../../services/notifications/render.js';
import { loadDesk } from '../../services/queue/desk.js';
import { issueNotice } from '../../services/review/notice.js';
import { claimApplication } from '../../services/queue/claim.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { acceptApplication, completeApplication } from '../../services/review/decisions.js';
import { rateApplication } from '../../services/ratings/ratings.js';
import { listRectifications } from '../../services/ratings/rectifications.js';
import { actorOf, appContext, createStaff, fixedClock, sessionCookieFor, testConfig, testContext } from '../support/factories.js';
import { createAdmin } from '../support/admin-calitems.js';
import { createSubmittedApplication } from '../support/applications.js';
import { anyHostile } from '../support/hostile.js';
import { get, post, run } from '../support/requests.js';
import { renderRoute, visibleText } from '../support/render-route.js';
import { createTestDb } from '../setup/test-db.js';

/**
 * The working-day calendar as the root administrator keeps it (docs/decisions/0028). The seed
 * publishes 2025 and 2026; 2027 is a draft holding New Year's Day only, so anything counted into
 * 2027 is unknown until the administrator publishes it.
 */
let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const config = testConfig();
/** New Year's Eve 2026, 10:00 China time: a one-working-day limit ends in 2027. */
const NEW_YEARS_EVE = '2026-12-31T02:00:00.000Z';

async function refusal(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (isDomainError(e)) return { status: e.status, code: e.code, fields: e.fieldErrors };
    throw e;
  }
  throw new Error('expected a refusal');
}

/** The calendar's rows in a year ('2026') or a month ('2027-02'). */
const daysIn = (prefix: string) =>
  h.db
    .select()
    .from(calendarDays)
    .where(sql`${calendarDays.day}::text like ${`${prefix}-%`}`);

const auditRows = (action: string) => h.db.select().from(auditEvents).where(eq(auditEvents.action, action));

describe('a missing calendar year is shown, not guessed', () => {
  it('a filing whose limits end in 2027 stores them as unknown; the receipt, the desk and the message say 2027 is missing; publishing 2027 counts them', async () => {
    const clock = fixedClock(NEW_YEARS_EVE);
    const filed = await createSubmittedApplication(h.db, { clock, config });
    const [app] = await h.db.select().from(applications).where(eq(applications.id, filed.applicationId));
    // A weekday-only count would have said 2027-01-01; nobody knows yet whether that is a working day.
    expect(app.dueDate).toBeNull();
    expect(app.completenessDeadline).toBeNull();
    const [item] = await h.db.select().from(queueItems).where(eq(queueItems.applicationId, app.id));
    expect([item.dueDate, item.completenessDeadline]).toEqual([null, null]);

    const receipt = await getMyApplication(testContext(h.db, actorOf(filed.citizen), clock, config), filed.number);
    expect(receipt.calendarPendingYear).toBe(2027);

    const clerk = await createStaff(h.db, { officeCode: 'bj-dongcheng' });
    const desk = await loadDesk(testContext(h.db, actorOf(clerk), clock, config));
    const row = desk.rows.find((r) => r.number === filed.number)!;
    expect(row).toMatchObject({ dueDate: null, completenessDeadline: null, calendarPendingYear: 2027, overdue: false });

    const [receiptMessage] = await h.db.select().from(messages).where(and(eq(messages.applicationId, app.id), eq(messages.template, 'receipt')));
    const text = renderMessage(receiptMessage.template, 'en', receiptMessage.params as Record<string, unknown>)!;
    expect(text.sms).toContain('the calendar for 2027 has not been entered');

    // The worker's round goes on and says why the dates wait.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await runClockSweeps({ db: h.db, clock: fixedClock('2027-01-04T02:00:00.000Z'), config });
      expect(warn.mock.calls.flat().join(' ')).toContain('2027 has not been entered');
    } finally {
      warn.mockRestore();
    }

    // The root administrator enters 2027 as published (here: New Year's Day and the notice) and publishes.
    const { actor } = await createAdmin(h.db);
    const admin = testContext(h.db, actor, clock, config);
    await setCalendarSource(admin, 2027, { source: '国务院办公厅关于2027年部分节假日安排的通知, 2026-11-05', verified: 'on' });
    const preview = await calendarYear(admin, 2027);
    const sample = preview.preview.find((p) => p.filed === '2026-12-31' && p.days === config.completenessDays)!;
    expect(sample.now).toEqual({ unknownYear: 2027 });
    expect(sample.after).toBe('2027-01-08');
    expect(await publishCalendarYear(admin, 2027)).toBe(1);

    const [counted] = await h.db.select().from(applications).where(eq(applications.id, app.id));
    // 1 January 2027 is a Friday holiday: one working day after 31 December is Monday 4 January.
    expect(counted.dueDate).toBe('2027-01-04');
    expect(counted.completenessDeadline).toBe('2027-01-08');
    const [requeued] = await h.db.select().from(queueItems).where(eq(queueItems.applicationId, app.id));
    expect([requeued.dueDate, requeued.completenessDeadline]).toEqual(['2027-01-04', '2027-01-08']);
    const [audit] = (await auditRows('application.datesCounted')).filter((a) => a.applicationId === app.id);
    expect(audit.data).toEqual({ before: { dueDate: null, completenessDeadline: null }, after: { dueDate: '2027-01-04', completenessDeadline: '2027-01-08' } });
  });

  it('the working-day rules refuse to count past the last published year', async () => {
    const cal = await loadCalendar(h.db, '2026-12-31');
    expect(cal.knownThrough).toBe('2026-12-31');
    const { addWorkingDays } = await import('../../services/calendar/working-days.js');
    expect(addWorkingDays('2026-12-24', 3, cal)).toBe('2026-12-29');
    expect(() => addWorkingDays('2026-12-30', 2, cal)).toThrow(CalendarUnknown);
  });

  it('a notice whose supplement period would end in an unknown year is refused in words (409), not a 500', async () => {
    const clock = fixedClock('2026-12-14T02:00:00.000Z');
    const filed = await createSubmittedApplication(h.db, { clock, config });
    const ctx = testContext(h.db, actorOf(await createStaff(h.db)), clock, config);
    const { leaseVersion } = await claimApplication(ctx, filed.number);
    for (const materialCode of ['hukouBook', 'idCollectionReceipt']) await recordVerdict(ctx, filed.number, { leaseVersion, materialCode, verdict: 'ok' });
    await recordVerdict(ctx, filed.number, { leaseVersion, materialCode: 'photo', verdict: 'missing' });
    expect(await refusal(issueNotice(ctx, filed.number, leaseVersion))).toMatchObject({ status: 409, code: 'calendar.notEntered' });
  });
});

describe('a bad review past the calendar', () => {
  it('is recorded with its rectification deadline unknown, shown as such, and counted when the year is published', async () => {
    const clock = fixedClock('2026-12-30T02:00:00.000Z');
    const filed = await createSubmittedApplication(h.db, { clock, config });
    const ctx = testContext(h.db, actorOf(await createStaff(h.db)), clock, config);
    const { leaseVersion } = await claimApplication(ctx, filed.number);
    for (const m of ['hukouBook', 'idCollectionReceipt', 'photo']) await recordVerdict(ctx, filed.number, { leaseVersion, materialCode: m, verdict: 'ok' });
    await acceptApplication(ctx, filed.number, { leaseVersion });
    await completeApplication(ctx, filed.number, { leaseVersion, documentNumber: 'L-1', delivery: 'pickup' });
    const { rectificationId } = await rateApplication(filed.ctx, filed.number, { score: 1 });
    const [open] = await h.db.select().from(rectifications).where(eq(rectifications.id, rectificationId!));
    expect(open.deadline).toBeNull();
    const manager = await createStaff(h.db, { role: 'manager', managerScope: 'office' });
    const [listed] = await listRectifications(testContext(h.db, actorOf(manager), clock, config));
    expect(listed).toMatchObject({ deadline: null, calendarPendingYear: 2027, overdue: false });

    const { actor } = await createAdmin(h.db);
    const admin = testContext(h.db, actor, clock, config);
    await setCalendarSource(admin, 2027, { source: '通知, 2026-11-05' });
    await publishCalendarYear(admin, 2027);
    const [counted] = await h.db.select().from(rectifications).where(eq(rectifications.id, rectificationId!));
    // Five working days after Wednesday 30 December, 1 January a holiday: Thursday 7 January.
    expect(counted.deadline).toBe('2027-01-07');
    expect((await auditRows('rectification.deadlineCounted'))[0].data).toMatchObject({ before: null, after: '2027-01-07' });
  });
});

describe('the root administrator keeps the calendar', () => {
  it('enters days in a draft, audited with before and after; a published year cannot be edited', async () => {
    const clock = fixedClock();
    const { actor } = await createAdmin(h.db);
    const ctx = testContext(h.db, actor, clock, config);
    await addCalendarDays(ctx, 2027, { day: '2027-02-06', until: '2027-02-13', kind: 'holiday', nameKey: 'springFestival' });
    await addCalendarDays(ctx, 2027, { day: '2027-02-20', kind: 'workday', nameKey: 'springFestival' });
    const days = await daysIn('2027-02');
    expect(days).toHaveLength(9);
    const [added] = await auditRows('calendar.daysAdded');
    expect(added.actorId).toBe(actor.id);
    expect(added.data).toMatchObject({ year: 2027, before: 1, after: 9 });
    await removeCalendarDay(ctx, 2027, { day: '2027-02-20' });
    const [removed] = await auditRows('calendar.dayRemoved');
    expect(removed.data).toMatchObject({ before: { day: '2027-02-20', kind: 'workday' }, after: null });
    await setCalendarSource(ctx, 2027, { source: '通知, 2026-11-05' });
    expect((await auditRows('calendar.sourceSet'))[0].data).toEqual({ year: 2027, before: { source: '', verified: false }, after: { source: '通知, 2026-11-05', verified: false } });

    // A make-up working day is a weekend day; days outside the year are refused.
    expect(await refusal(addCalendarDays(ctx, 2027, { day: '2027-02-22', kind: 'workday', nameKey: 'springFestival' }))).toMatchObject({ status: 400, fields: { day: ['calendar.workdayWeekend'] } });
    expect(await refusal(addCalendarDays(ctx, 2027, { day: '2028-01-03', kind: 'holiday', nameKey: 'newYear' }))).toMatchObject({ status: 400 });

    await publishCalendarYear(ctx, 2027);
    const [published] = await auditRows('calendar.published');
    expect(published.data).toMatchObject({ year: 2027, before: { publishedAt: null } });
    expect((await h.db.select().from(calendarYears).where(eq(calendarYears.year, 2027)))[0].publishedBy).toBe(actor.id);
    // In force at once in this process: 8 February 2027 is a holiday now.
    expect((await loadCalendar(h.db, '2027-02-01')).holidays.has('2027-02-08')).toBe(true);

    for (const change of [
      () => addCalendarDays(ctx, 2027, { day: '2027-05-03', kind: 'holiday', nameKey: 'labourDay' }),
      () => removeCalendarDay(ctx, 2027, { day: '2027-02-08' }),
      () => setCalendarSource(ctx, 2027, { source: 'changed' }),
      () => publishCalendarYear(ctx, 2027),
      () => addCalendarDays(ctx, 2026, { day: '2026-12-28', kind: 'holiday', nameKey: 'newYear' }),
    ]) {
      expect(await refusal(change())).toMatchObject({ status: 409, code: 'calendar.published' });
    }
  });

  it('publishes years in order, with a source and holidays', async () => {
    const { actor } = await createAdmin(h.db);
    const ctx = testContext(h.db, actor, fixedClock(), config);
    expect(await refusal(publishCalendarYear(ctx, 2027))).toMatchObject({ status: 409, code: 'calendar.blocked.source' });
    expect((await calendarYear(ctx, 2027)).publishBlockers).toEqual(['source']);
  });

  it('the seeded 2026 calendar follows the State Council notice of 2025-11-04 and is marked verified', async () => {
    const { actor } = await createAdmin(h.db);
    const overview = await calendarOverview(testContext(h.db, actor, fixedClock(), config));
    expect(overview.years.find((y) => y.year === 2026)).toMatchObject({ source: '国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04', verified: true, holidays: 33, workdays: 6 });
    expect(overview.lastPublished).toBe(2026);
  });

  it('warns administrators from 1 November (China date) while next year is missing', async () => {
    const { actor } = await createAdmin(h.db, '1101');
    const at = (iso: string) => missingNextYear(testContext(h.db, actor, fixedClock(iso), config));
    expect(await at('2026-10-31T15:59:00.000Z')).toBeNull();
    expect(await at('2026-10-31T16:00:00.000Z')).toBe(2027);
    expect(await at('2027-01-04T02:00:00.000Z')).toBe(2027);
    const clerk = await createStaff(h.db);
    expect(await missingNextYear(testContext(h.db, actorOf(clerk), fixedClock('2026-11-02T02:00:00.000Z'), config))).toBeNull();
  });

  it('only the national root administrator: a city administrator, a clerk and a manager are refused (403), the signed-out sent to sign in', async () => {
    const clock = fixedClock();
    const city = await createAdmin(h.db, '1101');
    const ctx = testContext(h.db, city.actor, clock, config);
    for (const call of [
      () => calendarOverview(ctx),
      () => calendarYear(ctx, 2027),
      () => addCalendarDays(ctx, 2027, { day: '2027-05-03', kind: 'holiday', nameKey: 'labourDay' }),
      () => publishCalendarYear(ctx, 2027),
    ]) {
      expect(await refusal(call())).toMatchObject({ status: 403, code: 'forbidden' });
    }
    const clerk = await createStaff(h.db);
    const manager = await createStaff(h.db, { role: 'manager', managerScope: 'city' });
    for (const u of [clerk, manager]) {
      const cookie = await sessionCookieFor(h.db, clock, u.id);
      expect((await run(yearsRoute.loader as never, get('/admin/calendar', { cookie }), appContext(h.db, clock, config))).status).toBe(403);
      const res = await run(yearRoute.action as never, post('/admin/calendar/2027', { intent: 'publish' }, { cookie }), appContext(h.db, clock, config), { year: '2027' });
      expect(res.status).toBe(403);
    }
    expect(await h.db.select().from(auditEvents).where(like(auditEvents.action, 'calendar.%'))).toEqual([]);
    const anonymous = await run(yearsRoute.loader as never, get('/admin/calendar'), appContext(h.db, clock, config));
    expect(anonymous.headers.get('Location')).toMatch(/^\/login/);
  });
});

describe('the calendar pages', () => {
  it('list the years and show a draft with its preview, in both languages; a form posts a day and redirects back', async () => {
    const clock = fixedClock();
    const { row } = await createAdmin(h.db);
    const cookie = await sessionCookieFor(h.db, clock, row.id);
    const list = await run(yearsRoute.loader as never, get('/admin/calendar', { cookie }), appContext(h.db, clock, config));
    expect(list.status).toBe(200);
    const body = (await list.json()) as { overview: { nextYearMissing: number | null; years: { year: number }[] } };
    expect(body.overview.nextYearMissing).toBe(2027);
    expect(body.overview.years.map((y) => y.year)).toEqual([2025, 2026, 2027]);
    for (const lng of ['zh-CN', 'en']) {
      const res = await run(yearRoute.loader as never, get('/admin/calendar/2027', { cookie, lng }), appContext(h.db, clock, config), { year: '2027' });
      expect(res.status).toBe(200);
    }
    const added = await run(
      yearRoute.action as never,
      post('/admin/calendar/2027', { intent: 'add', day: '2027-10-01', until: '2027-10-07', kind: 'holiday', nameKey: 'nationalDay' }, { cookie }),
      appContext(h.db, clock, config),
      { year: '2027' },
    );
    expect(added.status).toBe(303);
    expect(added.headers.get('Location')).toBe('/admin/calendar/2027');
    expect(await daysIn('2027-10')).toHaveLength(7);
    // What a browser without JavaScript gets: the preview says which dates are not yet known, and the warning why.
    const en = await run(yearRoute.loader as never, get('/admin/calendar/2027', { cookie, lng: 'en' }), appContext(h.db, clock, config), { year: '2027' });
    const page = visibleText(await renderRoute(yearRoute.default, '/admin/calendar/2027', en, undefined, 'en'));
    expect(page).toContain('Not yet known: the calendar for 2027 has not been entered');
    expect(page).toContain('The calendar for 2027 has not been published.');
    const zh = await run(yearRoute.loader as never, get('/admin/calendar/2027', { cookie }), appContext(h.db, clock, config), { year: '2027' });
    expect(visibleText(await renderRoute(yearRoute.default, '/admin/calendar/2027', zh))).toContain('暂未确定：2027年工作日历尚未录入');
    const missing = await run(yearRoute.loader as never, get('/admin/calendar/1999', { cookie }), appContext(h.db, clock, config), { year: '1999' });
    expect(missing.status).toBe(404);
  });

  it('a well-written date that does not exist (2027-02-30) is told so, not told to use YYYY-MM-DD, in both languages', async () => {
    const clock = fixedClock();
    const { row } = await createAdmin(h.db);
    const cookie = await sessionCookieFor(h.db, clock, row.id);
    const said = { 'zh-CN': '该日期不存在', en: 'This date does not exist' } as const;
    for (const [day, until] of [['2027-02-30', ''], ['2027-02-28', '2027-02-29'], ['2027-13-01', '']]) {
      for (const lng of ['zh-CN', 'en'] as const) {
        const res = await run(
          yearRoute.action as never,
          post('/admin/calendar/2027', { intent: 'add', day, until, kind: 'holiday', nameKey: 'springFestival' }, { cookie, lng }),
          appContext(h.db, clock, config),
          { year: '2027' },
        );
        expect(res.status).toBe(400);
        const loader = await run(yearRoute.loader as never, get('/admin/calendar/2027', { cookie, lng }), appContext(h.db, clock, config), { year: '2027' });
        const page = visibleText(await renderRoute(yearRoute.default, '/admin/calendar/2027', loader, res, lng));
        expect(page).toContain(said[lng]);
        expect(page).not.toContain(lng === 'en' ? 'Enter a date as YYYY-MM-DD' : '请按“年-月-日”');
      }
    }
    // A malformed one still gets the format message.
    const bad = await run(
      yearRoute.action as never,
      post('/admin/calendar/2027', { intent: 'add', day: '2027/2/3', until: '', kind: 'holiday', nameKey: 'springFestival' }, { cookie, lng: 'en' }),
      appContext(h.db, clock, config),
      { year: '2027' },
    );
    const loader = await run(yearRoute.loader as never, get('/admin/calendar/2027', { cookie, lng: 'en' }), appContext(h.db, clock, config), { year: '2027' });
    const page = visibleText(await renderRoute(yearRoute.default, '/admin/calendar/2027', loader, bad, 'en'));
    expect(page).toContain('Enter a date as YYYY-MM-DD');
    expect(page).not.toContain('does not exist');
    expect(await daysIn('2027-02')).toHaveLength(0);
  });

  it('hostile input to every form is a 4xx in words, never a 500, and changes nothing it should not', async () => {
    const clock = fixedClock();
    const { row } = await createAdmin(h.db);
    const cookie = await sessionCookieFor(h.db, clock, row.id);
    const created = await run(yearsRoute.action as never, post('/admin/calendar', { year: '\u0000' }, { cookie }), appContext(h.db, clock, config));
    expect(created.status).toBe(400);
    // The year after 2026 is 2027, which exists: a 409 in words.
    const again = await run(yearsRoute.action as never, post('/admin/calendar', { year: '2027' }, { cookie }), appContext(h.db, clock, config));
    expect(again.status).toBe(409);
    const field = fc.oneof(anyHostile, fc.constantFrom('2027-02-30', '2027-13-01', '2026-12-31', '2027-01-01', '99999', '-1', 'holiday', 'workday', 'newYear', '__proto__', ''));
    const intent = fc.oneof(fc.constantFrom('add', 'remove', 'source', 'publish', 'bogus', '__proto__', 'constructor'), anyHostile);
    await fc.assert(
      fc.asyncProperty(intent, field, field, field, field, fc.oneof(fc.constant('2027'), fc.constant('2026'), anyHostile), async (i, day, until, kind, nameKey, year) => {
        const res = await run(
          yearRoute.action as never,
          post(`/admin/calendar/${encodeURIComponent(new URLSearchParams({ year }).get('year')!)}`, { intent: i, day, until, kind, nameKey, source: day, year: day }, { cookie }),
          appContext(h.db, clock, config),
          { year },
        );
        expect(res.status, `${i} ${day} ${until} ${kind} ${nameKey} ${year}`).toBeLessThan(500);
        if (res.status >= 400) {
          const text = await res.text();
          expect(text).toMatch(/"(code|formErrors|fieldErrors|error)"/);
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 40) },
    );
    // 2026 stays as published, whatever was posted.
    expect((await daysIn('2026')).length).toBe(39);
  });
});
