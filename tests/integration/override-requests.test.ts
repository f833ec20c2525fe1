import { and, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { auditEvents, notices, overrideRequests } from '../../db/schema/index.js';
import * as overridesRoute from '../../app/routes/desk.overrides.js';
import * as reviewRoute from '../../app/routes/desk.applications.$number.js';
import * as noticeRoute from '../../app/routes/applications.$number.notice.js';
import { createSession } from '../../services/auth/sessions.js';
import { claimNext } from '../../services/queue/claim.js';
import { issueNotice } from '../../services/review/notice.js';
import { decideOverrideRequest, listOverrideRequests, requestOverride } from '../../services/review/override-requests.js';
import { getReview } from '../../services/review/review-page.js';
import { submitSupplement } from '../../services/review/supplement.js';
import { recordVerdicts } from '../../services/review/verdicts.js';
import { actorOf, appContext, createStaff, fixedClock, sessionCookieFor, testConfig, testContext } from '../support/factories.js';
import { createSubmittedApplication, sampleFileBytes } from '../support/applications.js';
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
const CLERK_REASON = '户口簿本人页与人口信息系统不符，需要补交';
const APPROVAL = '经核查户口簿信息确有错误，同意再次告知';

/** After a first notice and the citizen's supplement: back with the clerk, who now finds the hukou book wrong too. */
async function secondRound() {
  const clock = fixedClock();
  const sub = await createSubmittedApplication(h.db, { clock, config });
  const clerk = await createStaff(h.db);
  await createSession(h.db, clock, clerk.id);
  const ctx = testContext(h.db, actorOf(clerk), clock, config);
  const lease = (await claimNext(ctx))!.leaseVersion;
  await recordVerdicts(ctx, sub.number, {
    leaseVersion: lease,
    items: [
      { materialCode: 'hukouBook', verdict: 'ok' },
      { materialCode: 'idCollectionReceipt', verdict: 'missing' },
      { materialCode: 'photo', verdict: 'deficient', reasonCode: 'photoSpec' },
    ],
  });
  await issueNotice(ctx, sub.number, lease);
  await submitSupplement(testContext(h.db, actorOf(sub.citizen), clock, config), sub.number, [
    { materialCode: 'idCollectionReceipt', originalName: 'receipt.pdf', bytes: await sampleFileBytes(['pdf']) },
    { materialCode: 'photo', originalName: 'new-photo.jpg', bytes: await sampleFileBytes(['jpeg']) },
  ]);
  const v = (await getReview(ctx, sub.number)).queue!.leaseVersion!;
  const manager = await createStaff(h.db, { role: 'manager', officeCode: 'bj-dongcheng' });
  const mCtx = testContext(h.db, actorOf(manager), clock, config);
  return { ...sub, clerk, ctx, clock, v, manager, mCtx };
}

describe('override requests', () => {
  it('a clerk asks with a reason, the manager approves with one, and the approved reason is printed on the second notice', async () => {
    const { ctx, number, v, mCtx, manager, applicationId, clock, citizen } = await secondRound();
    // Without an approval the new flag is refused, as before.
    await expect(recordVerdicts(ctx, number, { leaseVersion: v, items: [{ materialCode: 'hukouBook', verdict: 'deficient', reasonCode: 'incomplete' }] })).rejects.toMatchObject({
      status: 400,
      fieldErrors: { 'items[0].verdict': ['review.onceRuleField'] },
    });
    expect((await getReview(ctx, number)).can.requestOverride).toBe(true);
    await requestOverride(ctx, number, { leaseVersion: v, reason: CLERK_REASON });
    await expect(requestOverride(ctx, number, { leaseVersion: v, reason: CLERK_REASON })).rejects.toMatchObject({ status: 409, code: 'review.overrideAlreadyRequested' });
    expect((await getReview(ctx, number)).overrideRequest).toMatchObject({ status: 'pending', reason: CLERK_REASON });

    const list = await listOverrideRequests(mCtx);
    expect(list.requests).toMatchObject([{ number, reason: CLERK_REASON, clerk: { staffNo: expect.any(String) } }]);
    await decideOverrideRequest(mCtx, { requestId: list.requests[0].id, decision: 'approve', reason: APPROVAL });
    await expect(decideOverrideRequest(mCtx, { requestId: list.requests[0].id, decision: 'refuse', reason: APPROVAL })).rejects.toMatchObject({ status: 409, code: 'review.overrideRequestDecided' });
    expect((await listOverrideRequests(mCtx)).requests).toEqual([]);

    await recordVerdicts(ctx, number, {
      leaseVersion: v,
      items: [
        { materialCode: 'hukouBook', verdict: 'deficient', reasonCode: 'incomplete' },
        { materialCode: 'idCollectionReceipt', verdict: 'ok' },
        { materialCode: 'photo', verdict: 'ok' },
      ],
    });
    const second = await issueNotice(ctx, number, v);
    const [notice] = await h.db.select().from(notices).where(eq(notices.id, second.id));
    expect(notice).toMatchObject({ sequence: 2, overrideBy: manager.id, overrideReason: APPROVAL });
    const audit = await h.db.select().from(auditEvents).where(eq(auditEvents.applicationId, applicationId));
    expect(audit.filter((a) => a.action.startsWith('override.')).map((a) => [a.action, a.reason])).toEqual([
      ['override.requested', CLERK_REASON],
      ['override.approved', APPROVAL],
    ]);

    // The citizen reads both notices, each at its own address; the second prints the approval.
    const context = appContext(h.db, clock, config);
    const cookie = await sessionCookieFor(h.db, clock, citizen.id);
    const latest = await run(noticeRoute.loader, get(`/applications/${number}/notice`, { cookie }), context, { number });
    const latestHtml = visibleText(await renderRoute(noticeRoute.default, `/applications/${number}/notice`, latest));
    expect(latestHtml).toContain(APPROVAL);
    expect(latestHtml).toContain(notice.number);
    const first = await run(noticeRoute.loader, get(`/applications/${number}/notice?sequence=1`, { cookie }), context, { number });
    expect(first.status).toBe(200);
    const firstBody = await first.clone().json();
    expect(firstBody.view).toMatchObject({ latest: false, notice: { sequence: 1, overrideReason: null } });
    const firstHtml = await renderRoute(noticeRoute.default, `/applications/${number}/notice?sequence=1`, first);
    expect(firstHtml).not.toContain(APPROVAL);
    expect(firstHtml).toContain(`href="/applications/${number}/notice?sequence=2"`);
    for (const bad of ['3', '0', '-1', '1e1', 'abc', '9999']) {
      expect((await run(noticeRoute.loader, get(`/applications/${number}/notice?sequence=${bad}`, { cookie }), context, { number })).status, bad).toBe(404);
    }
  });

  it('a refusal is recorded with its reason and shown to the clerk; a new request may follow', async () => {
    const { ctx, number, v, mCtx } = await secondRound();
    await requestOverride(ctx, number, { leaseVersion: v, reason: CLERK_REASON });
    const [req] = (await listOverrideRequests(mCtx)).requests;
    await decideOverrideRequest(mCtx, { requestId: req.id, decision: 'refuse', reason: '户口簿已在首次审核时核验，无需再次补正' });
    const page = await getReview(ctx, number);
    expect(page.overrideRequest).toMatchObject({ status: 'refused', decisionReason: '户口簿已在首次审核时核验，无需再次补正' });
    expect(page.pendingOverride).toBeNull();
    expect(page.can.requestOverride).toBe(true);
    const [row] = await h.db.select().from(overrideRequests).where(eq(overrideRequests.id, req.id));
    expect(row).toMatchObject({ status: 'refused', overrideId: null });
  });

  it('scope: a manager of another office sees nothing and gets 404 acting; a clerk cannot decide; a request before any notice is refused', async () => {
    const { ctx, number, v, clock } = await secondRound();
    await requestOverride(ctx, number, { leaseVersion: v, reason: CLERK_REASON });
    const [req] = await h.db.select().from(overrideRequests);
    const elsewhere = await createStaff(h.db, { role: 'manager', officeCode: 'bj-chaoyang' });
    const eCtx = testContext(h.db, actorOf(elsewhere), clock, config);
    expect((await listOverrideRequests(eCtx)).requests).toEqual([]);
    await expect(decideOverrideRequest(eCtx, { requestId: req.id, decision: 'approve', reason: APPROVAL })).rejects.toMatchObject({ status: 404 });
    await expect(decideOverrideRequest(ctx, { requestId: req.id, decision: 'approve', reason: APPROVAL })).rejects.toMatchObject({ status: 403 });

    const context = appContext(h.db, clock, config);
    const eCookie = await sessionCookieFor(h.db, clock, elsewhere.id);
    const posted = await run(overridesRoute.action, post('/desk/overrides', { requestId: req.id, decision: 'approve', reason: APPROVAL }, { cookie: eCookie }), context);
    expect(posted.status).toBe(404);
    const clerkCookie = await sessionCookieFor(h.db, clock, (await createStaff(h.db)).id);
    expect((await run(overridesRoute.loader, get('/desk/overrides', { cookie: clerkCookie }), context)).status).toBe(403);
    expect((await h.db.select().from(overrideRequests))[0].status).toBe('pending');

    const fresh = await createSubmittedApplication(h.db, { clock, config });
    const holder = testContext(h.db, actorOf(await createStaff(h.db)), clock, config);
    const claim = (await claimNext(holder))!;
    expect(claim.number).toBe(fresh.number);
    await expect(requestOverride(holder, fresh.number, { leaseVersion: claim.leaseVersion, reason: CLERK_REASON })).rejects.toMatchObject({ status: 409, code: 'review.overrideNotNeeded' });
  });

  it('the pages: the clerk asks from the review page, the manager answers from the list, each with one banner', async () => {
    const { number, v, clerk, manager, clock } = await secondRound();
    const context = appContext(h.db, clock, config);
    const cookie = await sessionCookieFor(h.db, clock, clerk.id);
    const short = await run(reviewRoute.action, post(`/desk/applications/${number}`, { intent: 'requestOverride', leaseVersion: String(v), reason: '太短' }, { cookie }), context, { number });
    expect(short.status).toBe(400);
    expect(await short.json()).toMatchObject({ intent: 'requestOverride', lastResult: { error: { reason: ['review.overrideReasonShort'] } } });
    const asked = await run(reviewRoute.action, post(`/desk/applications/${number}`, { intent: 'requestOverride', leaseVersion: String(v), reason: CLERK_REASON }, { cookie }), context, { number });
    expect(asked.headers.get('Location')).toBe(`/desk/applications/${number}?done=requestOverride`);
    for (const lng of ['zh-CN', 'en']) {
      const review = await run(reviewRoute.loader, get(`/desk/applications/${number}?done=requestOverride`, { cookie, lng }), context, { number });
      const html = visibleText(await renderRoute(reviewRoute.default, `/desk/applications/${number}?done=requestOverride`, review, undefined, lng));
      expect(html).toContain(CLERK_REASON);
    }

    const mCookie = await sessionCookieFor(h.db, clock, manager.id);
    const list = await run(overridesRoute.loader, get('/desk/overrides', { cookie: mCookie }), context);
    expect(list.status).toBe(200);
    const [req] = await h.db.select().from(overrideRequests);
    const missing = await run(overridesRoute.action, post('/desk/overrides', { requestId: req.id, reason: APPROVAL }, { cookie: mCookie }), context);
    expect(missing.status).toBe(400);
    for (const lng of ['zh-CN', 'en']) {
      const again = await run(overridesRoute.loader, get('/desk/overrides?done=approve', { cookie: mCookie, lng }), context);
      const html = await renderRoute(overridesRoute.default, '/desk/overrides?done=approve', again, missing.clone(), lng);
      expect(html).toContain(CLERK_REASON);
      expect(html).toContain('error-summary');
      // A fresh error: the stale success of ?done= is not shown above it.
      expect(html).not.toContain('notice-ok');
    }
    const decided = await run(overridesRoute.action, post('/desk/overrides', { requestId: req.id, decision: 'approve', reason: APPROVAL }, { cookie: mCookie }), context);
    expect(decided.headers.get('Location')).toBe('/desk/overrides?done=approve');
    const after = await run(overridesRoute.loader, get('/desk/overrides?done=approve', { cookie: mCookie }), context);
    expect(await after.json()).toMatchObject({ done: 'approve', requests: [] });
  });

  it('hostile reasons and ids: never a 500, a 4xx, nothing decided', async () => {
    const { number, v, clerk, manager, clock, ctx } = await secondRound();
    await requestOverride(ctx, number, { leaseVersion: v, reason: CLERK_REASON });
    const [req] = await h.db.select().from(overrideRequests);
    const context = appContext(h.db, clock, config);
    const cookie = await sessionCookieFor(h.db, clock, clerk.id);
    const mCookie = await sessionCookieFor(h.db, clock, manager.id);
    await fc.assert(
      fc.asyncProperty(hostileText(600), fc.oneof(fc.constant(req.id), hostileText(40)), fc.string({ maxLength: 12 }).filter((d) => d !== 'approve' && d !== 'refuse'), async (reason, requestId, decision) => {
        const a = await run(reviewRoute.action, post(`/desk/applications/${number}`, { intent: 'requestOverride', leaseVersion: String(v), reason }, { cookie }), context, { number });
        expect(a.status).toBeLessThan(500);
        const b = await run(overridesRoute.action, post('/desk/overrides', { requestId, decision, reason }, { cookie: mCookie }), context);
        expect(b.status).toBeLessThan(500);
        expect([400, 404, 409]).toContain(b.status);
      }),
      { numRuns: 40 },
    );
    const rows = await h.db.select().from(overrideRequests);
    expect(rows.map((r) => r.status)).toEqual(['pending']);
    const decided = await h.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'override.approved')));
    expect(decided).toEqual([]);
  });
});
