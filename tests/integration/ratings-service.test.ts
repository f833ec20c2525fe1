import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { ratings, rectifications } from '../../db/schema/index.js';
import { claimApplication } from '../../services/queue/claim.js';
import { getRatingForm, rateApplication } from '../../services/ratings/ratings.js';
import { listRectifications, pageNumber, rectificationsPage, recordFollowUp } from '../../services/ratings/rectifications.js';
import { acceptApplication, completeApplication } from '../../services/review/decisions.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { actorOf, createStaff, fixedClock, testConfig, testContext } from '../support/factories.js';
import { createSubmittedApplication } from '../support/applications.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const config = testConfig({ rectificationDays: 3 });

async function completed(opts: { complete?: boolean } = {}) {
  const clock = fixedClock();
  const sub = await createSubmittedApplication(h.db, { clock, config });
  const clerk = await createStaff(h.db);
  const ctx = testContext(h.db, actorOf(clerk), clock, config);
  if (opts.complete !== false) {
    const { leaseVersion } = await claimApplication(ctx, sub.number);
    for (const m of ['hukouBook', 'idCollectionReceipt', 'photo']) await recordVerdict(ctx, sub.number, { leaseVersion, materialCode: m, verdict: 'ok' });
    await acceptApplication(ctx, sub.number, { leaseVersion });
    await completeApplication(ctx, sub.number, { leaseVersion, documentNumber: 'L-9', delivery: 'pickup' });
  }
  return { ...sub, clerk, clerkCtx: ctx, clock };
}

describe('好差评 ratings', () => {
  it('lets the citizen rate once online and staff once at the window, only after completion', async () => {
    const { number, ctx, clerkCtx, applicationId } = await completed();
    expect(await getRatingForm(ctx, number)).toMatchObject({ canRate: true, existing: null });
    expect(await rateApplication(ctx, number, { score: '4' as unknown as number, comment: '  服务好  ' })).toEqual({ rectificationId: null });
    expect(await getRatingForm(ctx, number)).toMatchObject({ canRate: false, existing: { channel: 'online', score: 4, comment: '服务好' } });
    await expect(rateApplication(ctx, number, { score: 5 })).rejects.toMatchObject({ status: 409, code: 'rating.alreadyRated' });
    await rateApplication(clerkCtx, number, { score: 5 });
    const rows = await h.db.select().from(ratings).where(eq(ratings.applicationId, applicationId));
    expect(rows.map((r) => [r.channel, r.score]).sort()).toEqual([
      ['online', 4],
      ['window', 5],
    ]);
  });

  it('refuses a rating before completion, out of range, a long comment, and others’ applications (404)', async () => {
    const open = await completed({ complete: false });
    await expect(rateApplication(open.ctx, open.number, { score: 5 })).rejects.toMatchObject({ status: 409, code: 'rating.notCompleted' });
    const done = await completed();
    for (const score of [0, 6, 2.5, Number.NaN]) {
      await expect(rateApplication(done.ctx, done.number, { score })).rejects.toMatchObject({ status: 400, fieldErrors: { score: ['rating.scoreRequired'] } });
    }
    await expect(rateApplication(done.ctx, done.number, { score: 3, comment: 'x'.repeat(501) })).rejects.toMatchObject({
      status: 400,
      fieldErrors: { comment: ['rating.commentTooLong'] },
    });
    await expect(rateApplication(open.ctx, done.number, { score: 5 })).rejects.toMatchObject({ status: 404 });
    const elsewhere = await createStaff(h.db, { officeCode: 'bj-chaoyang' });
    await expect(rateApplication(testContext(h.db, actorOf(elsewhere), fixedClock(), config), done.number, { score: 5 })).rejects.toMatchObject({ status: 404 });
    const manager = await createStaff(h.db, { role: 'manager' });
    await expect(rateApplication(testContext(h.db, actorOf(manager), fixedClock(), config), done.number, { score: 5 })).rejects.toMatchObject({ status: 403 });
    expect(await h.db.select().from(ratings)).toEqual([]);
  });

  it('turns a bad review into a rectification with a configurable deadline, flags it overdue, and records the follow-up once', async () => {
    const { number, ctx, clock } = await completed();
    const { rectificationId } = await rateApplication(ctx, number, { score: 2, comment: '等太久' });
    expect(rectificationId).toBeTruthy();
    const manager = await createStaff(h.db, { role: 'manager' });
    const mctx = testContext(h.db, actorOf(manager), clock, config);
    // Monday 11-23 + 3 working days.
    expect(await listRectifications(mctx)).toMatchObject([{ id: rectificationId, applicationNumber: number, score: 2, comment: '等太久', deadline: '2026-11-26', overdue: false }]);
    clock.set('2026-11-27T02:00:00.000Z');
    expect((await listRectifications(mctx))[0].overdue).toBe(true);

    await expect(recordFollowUp(mctx, { id: rectificationId!, contactNote: '', outcome: 'fixed' })).rejects.toMatchObject({ status: 400, fieldErrors: { contactNote: ['required'] } });
    await expect(recordFollowUp(mctx, { id: rectificationId!, contactNote: '电话回访', outcome: 'ignored' as 'fixed' })).rejects.toMatchObject({ status: 400, fieldErrors: { outcome: ['choice'] } });
    const other = await createStaff(h.db, { role: 'manager', officeCode: 'bj-chaoyang' });
    await expect(recordFollowUp(testContext(h.db, actorOf(other), clock, config), { id: rectificationId!, contactNote: '电话回访', outcome: 'fixed' })).rejects.toMatchObject({ status: 404 });
    expect(await listRectifications(testContext(h.db, actorOf(other), clock, config))).toEqual([]);

    await recordFollowUp(mctx, { id: rectificationId!, contactNote: '电话回访，已致歉', outcome: 'explained', outcomeNote: '高峰期排队' });
    expect((await listRectifications(mctx))[0]).toMatchObject({ outcome: 'explained', overdue: false, contactNote: '电话回访，已致歉' });
    await expect(recordFollowUp(mctx, { id: rectificationId!, contactNote: '再次回访', outcome: 'fixed' })).rejects.toMatchObject({ status: 409, code: 'rectification.alreadyClosed' });
    const [row] = await h.db.select().from(rectifications);
    expect(row).toMatchObject({ outcome: 'explained', closedBy: manager.id });
  });

  it('lists open rectifications by deadline first, then the most recently closed', async () => {
    const first = await completed();
    const second = await completed();
    const third = await completed();
    const manager = await createStaff(h.db, { role: 'manager' });
    const mctx = testContext(h.db, actorOf(manager), first.clock, config);
    const a = (await rateApplication(first.ctx, first.number, { score: 1 })).rectificationId!;
    first.clock.advance(86_400_000);
    const b = (await rateApplication(second.ctx, second.number, { score: 2 })).rectificationId!;
    const c = (await rateApplication(third.ctx, third.number, { score: 2 })).rectificationId!;
    await recordFollowUp(mctx, { id: a, contactNote: '电话回访', outcome: 'fixed' });
    first.clock.advance(3_600_000);
    await recordFollowUp(mctx, { id: b, contactNote: '电话回访', outcome: 'explained' });
    expect((await listRectifications(mctx)).map((r) => [r.id, r.closedAt !== null])).toEqual([
      [c, false],
      [b, true],
      [a, true],
    ]);
  });

  it('pages the open and the closed rectifications each on its own, counting every open one', async () => {
    const apps = [];
    for (let i = 0; i < 5; i++) apps.push(await completed());
    const manager = await createStaff(h.db, { role: 'manager' });
    const clock = apps[0].clock;
    const mctx = testContext(h.db, actorOf(manager), clock, config);
    const ids: string[] = [];
    for (const a of apps) {
      ids.push((await rateApplication(a.ctx, a.number, { score: 1 })).rectificationId!);
      // Each later one a week later: strictly later deadlines, whatever weekends fall between.
      for (const b of apps) b.clock.advance(7 * 86_400_000);
    }
    await recordFollowUp(mctx, { id: ids[0], contactNote: '电话回访', outcome: 'fixed' });
    clock.advance(3_600_000);
    await recordFollowUp(mctx, { id: ids[1], contactNote: '电话回访', outcome: 'explained' });
    const first = await rectificationsPage(mctx, { size: 2 });
    expect(first).toMatchObject({ openCount: 3, openPage: 1, closedPage: 1, moreOpen: true, moreClosed: false });
    expect(first.open.map((r) => r.id)).toEqual([ids[2], ids[3]]);
    expect(first.closed.map((r) => r.id)).toEqual([ids[1], ids[0]]);
    const second = await rectificationsPage(mctx, { open: 2, closed: 2, size: 2 });
    expect(second).toMatchObject({ openCount: 3, openPage: 2, closedPage: 2, moreOpen: false, moreClosed: false, closed: [] });
    expect(second.open.map((r) => r.id)).toEqual([ids[4]]);
    // The whole list still reads the same rows in the same order.
    expect((await listRectifications(mctx)).map((r) => r.id)).toEqual([ids[2], ids[3], ids[4], ids[1], ids[0]]);
    // Nonsense page numbers are the first page.
    expect([pageNumber('0'), pageNumber('x'), pageNumber('-3'), pageNumber('1.5'), pageNumber('100000'), pageNumber('3')]).toEqual([1, 1, 1, 1, 1, 3]);
    expect((await rectificationsPage(mctx, { open: Number('abc'), size: 2 })).openPage).toBe(1);
  });

  it('opens no rectification for ratings of 3 to 5', async () => {
    const { number, ctx } = await completed();
    await rateApplication(ctx, number, { score: 3 });
    expect(await h.db.select().from(rectifications)).toEqual([]);
  });
});
