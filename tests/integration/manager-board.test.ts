import { and, eq, inArray } from 'drizzle-orm';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications, auditEvents, queueItems } from '../../db/schema/index.js';
import * as boardRoute from '../../app/routes/desk.board.js';
import { addDays, addWorkingDays, chinaDate, loadCalendar } from '../../services/calendar/working-days.js';
import { claimNext } from '../../services/queue/claim.js';
import { loadBoard, reassignItems } from '../../services/queue/board.js';
import { actorOf, appContext, createStaff, fixedClock, sessionCookieFor, testConfig, testContext } from '../support/factories.js';
import { createSubmittedApplication } from '../support/applications.js';
import { hostileText } from '../support/hostile.js';
import { get, post, run } from '../support/requests.js';
import { renderRoute, visibleText } from '../support/render-route.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const config = testConfig();

/** Three filed items of Dongcheng: two held by clerk A (taken 30 and 10 minutes ago), one waiting. */
async function office() {
  const clock = fixedClock();
  const subs = [];
  for (let i = 0; i < 3; i++) subs.push(await createSubmittedApplication(h.db, { clock, config }));
  const a = await createStaff(h.db, { officeCode: 'bj-dongcheng' });
  const b = await createStaff(h.db, { officeCode: 'bj-dongcheng' });
  const aCtx = testContext(h.db, actorOf(a), clock, config);
  const first = (await claimNext(aCtx))!;
  clock.advance(10 * 60_000);
  // Leases last 15 minutes: the first is renewed by the clerk's activity in a real desk; here by a second claim round.
  const second = (await claimNext(aCtx))!;
  await h.db.update(queueItems).set({ leaseExpiresAt: new Date(clock.now().getTime() + 15 * 60_000) }).where(eq(queueItems.state, 'claimed'));
  clock.advance(10 * 60_000);
  const manager = await createStaff(h.db, { role: 'manager', officeCode: 'bj-dongcheng' });
  const mCtx = testContext(h.db, actorOf(manager), clock, config);
  return { clock, subs, a, b, first, second, manager, mCtx };
}

describe("the manager's board", () => {
  it('counts open items, what each clerk holds and for how long, and deadlines at risk by the calendar', async () => {
    const { mCtx, a, b, first, second, clock } = await office();
    const board = await loadBoard(mCtx);
    expect(board.open).toEqual({ toWork: 3, waitingForCitizen: 0, overdue: 0 });
    expect(board.clerks.find((c) => c.id === a.id)).toMatchObject({ held: 2, heldMinutes: 20 });
    expect(board.clerks.find((c) => c.id === b.id)).toMatchObject({ held: 0, heldSince: null });
    expect(board.held.map((x) => x.number).sort()).toEqual([first.number, second.number].sort());
    expect(board.held.find((x) => x.number === second.number)).toMatchObject({ heldMinutes: 10, holderId: a.id });

    const today = chinaDate(clock.now());
    const cal = await loadCalendar(h.db, today);
    const horizon = addWorkingDays(today, 2, cal);
    expect(board.atRisk[0].day).toBe(today);
    expect(board.atRisk.at(-1)!.day).toBe(horizon);
    // The completeness deadline of a fresh filing is 5 working days away: not at risk yet.
    expect(board.atRisk.reduce((n, r) => n + r.completeness, 0)).toBe(0);
    // Committed dates at risk are the filings' own due dates, counted per day (the tallies' figures).
    const dues = (await h.db.select({ d: applications.dueDate }).from(applications)).map((r) => r.d);
    for (const r of board.atRisk) expect(r.due, r.day).toBe(dues.filter((d) => d === r.day).length);
    // Move one filing's completeness deadline to the next working day: it is at risk there.
    const tomorrow = addWorkingDays(today, 1, cal);
    const [app] = await h.db.select().from(applications).where(eq(applications.number, first.number));
    await h.db.update(applications).set({ completenessDeadline: tomorrow }).where(eq(applications.id, app.id));
    const later = await loadBoard(mCtx);
    expect(later.atRisk.find((r) => r.day === tomorrow)).toMatchObject({ completeness: 1 });
    // A due date past: overdue, whoever holds it.
    await h.db.update(applications).set({ dueDate: addDays(today, -5) }).where(eq(applications.id, app.id));
    expect((await loadBoard(mCtx)).open.overdue).toBe(1);
  });

  it('reassigns many held items to a colleague and releases others, with a reason, each audited; a stale board changes nothing', async () => {
    const { mCtx, a, b, first, second } = await office();
    const board = await loadBoard(mCtx);
    const shown = board.held.map((x) => `${x.number}:${x.leaseVersion}`);
    await reassignItems(mCtx, { items: shown, toClerkId: b.id, reason: '甲民警临时外出，改由乙民警办理' });
    const items = await h.db.select().from(queueItems).where(eq(queueItems.state, 'claimed'));
    expect(items.map((i) => i.claimedBy)).toEqual([b.id, b.id]);
    const audit = await h.db.select().from(auditEvents).where(eq(auditEvents.action, 'queue.reassigned'));
    expect(audit.map((e) => [e.reason, (e.data as { from: string }).from])).toEqual([
      ['甲民警临时外出，改由乙民警办理', a.id],
      ['甲民警临时外出，改由乙民警办理', a.id],
    ]);
    // The same (now stale) board again: 409, nothing changes.
    await expect(reassignItems(mCtx, { items: shown, reason: '再次提交' })).rejects.toMatchObject({ status: 409, code: 'board.itemsChanged', params: { count: 2 } });
    const fresh = (await loadBoard(mCtx)).held.find((x) => x.number === first.number)!;
    await reassignItems(mCtx, { items: [`${fresh.number}:${fresh.leaseVersion}`], reason: '退回队列由他人领取' });
    const [released] = await h.db
      .select()
      .from(queueItems)
      .innerJoin(applications, eq(applications.id, queueItems.applicationId))
      .where(eq(applications.number, first.number));
    expect(released.queue_items).toMatchObject({ state: 'waiting', claimedBy: null, heldSince: null });
    expect(await h.db.select().from(auditEvents).where(eq(auditEvents.action, 'queue.releasedByManager'))).toHaveLength(1);
    expect((await loadBoard(mCtx)).held.map((x) => x.number)).toEqual([second.number]);
  });

  it('scope: another office’s manager sees only their own office and gets 404 acting on these items; clerks get 403', async () => {
    const { mCtx, a, clock } = await office();
    const board = await loadBoard(mCtx);
    const elsewhere = await createStaff(h.db, { role: 'manager', officeCode: 'bj-chaoyang' });
    const eCtx = testContext(h.db, actorOf(elsewhere), clock, config);
    expect((await loadBoard(eCtx)).held).toEqual([]);
    const items = board.held.map((x) => `${x.number}:${x.leaseVersion}`);
    await expect(reassignItems(eCtx, { items, reason: '不是本单位的事项' })).rejects.toMatchObject({ status: 404 });
    const context = appContext(h.db, clock, config);
    const eCookie = await sessionCookieFor(h.db, clock, elsewhere.id);
    expect((await run(boardRoute.action, post('/desk/board', { items, reason: '不是本单位的事项' }, { cookie: eCookie }), context)).status).toBe(404);
    const clerkCookie = await sessionCookieFor(h.db, clock, a.id);
    expect((await run(boardRoute.loader, get('/desk/board', { cookie: clerkCookie }), context)).status).toBe(403);
    expect((await run(boardRoute.action, post('/desk/board', { items, reason: '自己移交' }, { cookie: clerkCookie }), context)).status).toBe(403);
    expect(await h.db.select().from(queueItems).where(and(eq(queueItems.state, 'claimed'), eq(queueItems.claimedBy, a.id)))).toHaveLength(2);
  });

  it('the page: both languages, one banner, errors in one summary; a clerk without the skill cannot take them', async () => {
    const { manager, clock, first } = await office();
    const context = appContext(h.db, clock, config);
    const cookie = await sessionCookieFor(h.db, clock, manager.id);
    const trafficOnly = await createStaff(h.db, { officeCode: 'bj-dongcheng', skills: ['traffic'] });
    const board = await (await run(boardRoute.loader, get('/desk/board', { cookie }), context)).json();
    const value = `${first.number}:${board.board.held.find((x: { number: string }) => x.number === first.number).leaseVersion}`;
    const unfit = await run(boardRoute.action, post('/desk/board', { items: value, toClerkId: trafficOnly.id, reason: '改派给交管民警' }, { cookie }), context);
    expect(unfit.status).toBe(400);
    const empty = await run(boardRoute.action, post('/desk/board', { reason: '' }, { cookie }), context);
    expect(empty.status).toBe(400);
    for (const lng of ['zh-CN', 'en']) {
      const page = await run(boardRoute.loader, get('/desk/board?done=release', { cookie, lng }), context);
      const html = await renderRoute(boardRoute.default, '/desk/board?done=release', page, empty.clone(), lng);
      expect(html).toContain('error-summary');
      expect(html).not.toContain('notice-ok');
      expect(html).toContain(`value="${value}"`);
      const ok = visibleText(await renderRoute(boardRoute.default, '/desk/board?done=release', await run(boardRoute.loader, get('/desk/board?done=release', { cookie, lng }), context), undefined, lng));
      expect(ok).toContain(first.number);
    }
    const done = await run(boardRoute.action, post('/desk/board', { items: value, reason: '退回队列由他人领取' }, { cookie }), context);
    expect(done.headers.get('Location')).toBe('/desk/board?done=release');
  });

  it('hostile items, clerk ids and reasons: never a 500, nothing handed over', async () => {
    const { manager, clock } = await office();
    const context = appContext(h.db, clock, config);
    const cookie = await sessionCookieFor(h.db, clock, manager.id);
    await fc.assert(
      fc.asyncProperty(fc.array(hostileText(40), { maxLength: 3 }), hostileText(40), hostileText(600), async (items, toClerkId, reason) => {
        const res = await run(boardRoute.action, post('/desk/board', { items, toClerkId, reason }, { cookie }), context);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
    const moved = await h.db.select().from(auditEvents).where(inArray(auditEvents.action, ['queue.reassigned', 'queue.releasedByManager']));
    expect(moved).toEqual([]);
  });
});
