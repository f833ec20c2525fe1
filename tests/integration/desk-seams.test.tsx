import { and, eq, like } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications, messages } from '../../db/schema/index.js';
import { SHARED_FACTS_KEY } from '../../services/catalog/types.js';
import { applyDeemedAcceptance } from '../../services/clock-rules/deemed-acceptance.js';
import { deliverDueMessages } from '../../services/notifications/worker.js';
import { claimNext } from '../../services/queue/claim.js';
import { acceptApplication, completeApplication } from '../../services/review/decisions.js';
import { issueNotice } from '../../services/review/notice.js';
import { getReview } from '../../services/review/review-page.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { gatewayLog } from '../mocks/gateways.js';
import { createTestDb } from '../setup/test-db.js';
import { resources } from '../../locales/index.js';
import { missingKeys, renderPage } from '../support/render-page.js';
import { createApplicant, createSubmittedApplication } from '../support/applications.js';
import { actorOf, appContext, createStaff, fixedClock, sessionCookieFor, testContext } from '../support/factories.js';
import { fastConfig } from '../support/integrations.js';
import { get, run } from '../support/requests.js';

/**
 * Where the clerk desk meets the external systems: manual checks on the queue, delivery status
 * and data-shared materials on the review page, and a message to the citizen for every decision.
 */
vi.mock('@remix-run/react', async () => (await import('../support/render-page.js')).remixReactStub());

let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const config = fastConfig();
const missing = missingKeys;

const render = renderPage;

async function claimed(opts: { citizen?: Awaited<ReturnType<typeof createApplicant>> } = {}) {
  const clock = fixedClock();
  const sub = await createSubmittedApplication(h.db, { clock, config, citizen: opts.citizen });
  const clerk = await createStaff(h.db);
  const ctx = testContext(h.db, actorOf(clerk), clock, config);
  const claim = await claimNext(ctx);
  expect(claim?.number).toBe(sub.number);
  return { ...sub, clerk, ctx, clock, lease: claim!.leaseVersion };
}

const allOk = async (ctx: ReturnType<typeof testContext>, number: string, leaseVersion: number, codes = ['hukouBook', 'idCollectionReceipt', 'photo']) => {
  for (const materialCode of codes) await recordVerdict(ctx, number, { leaseVersion, materialCode, verdict: 'ok' });
};

const messagesOf = (applicationId: string) => h.db.select().from(messages).where(eq(messages.applicationId, applicationId));

describe('manual check on the desk queue', () => {
  it('the row of an application routed to a manual check carries it, and the badge says why', async () => {
    const clock = fixedClock();
    const flagged = await createSubmittedApplication(h.db, { clock, config });
    const plain = await createSubmittedApplication(h.db, { clock, config });
    await h.db.update(applications).set({ manualCheck: 'controlsHit' }).where(eq(applications.id, flagged.applicationId));
    const clerk = await createStaff(h.db);
    const deskRoute = await import('../../app/routes/desk._index.js');
    expect(deskRoute.handle.i18n).toContain('integrations');
    const res = await run(deskRoute.loader, get('/desk', { cookie: await sessionCookieFor(h.db, clock, clerk.id) }), appContext(h.db, clock, config));
    expect(res.status).toBe(200);
    const data = await res.json();
    const rows = data.desk.rows as { number: string; manualCheck: string | null }[];
    expect(rows.find((r) => r.number === flagged.number)?.manualCheck).toBe('controlsHit');
    expect(rows.find((r) => r.number === plain.number)?.manualCheck).toBeNull();

    const zh = await render(deskRoute.default, data, 'zh-CN');
    expect(zh.match(/需人工核查/g)).toHaveLength(1);
    const en = await render(deskRoute.default, data, 'en');
    expect(en).toContain(resources.en.integrations.manualCheck.controlsHit);
    expect(missing.splice(0)).toEqual([]);
  });
});

describe('review page', () => {
  it('lists the messages with their delivery status; a dead letter is flagged', async () => {
    const citizen = await createApplicant(h.db, { mobile: null, email: null });
    const { ctx, number, clock, applicationId } = await claimed({ citizen });
    // No address to send to: the receipt is dead at the first attempt.
    await deliverDueMessages({ db: h.db, clock, config });
    const page = await getReview(ctx, number);
    expect(page.deliveries).toMatchObject([{ template: 'receipt', status: 'dead', lastError: 'notifications.noAddress' }]);
    expect((await messagesOf(applicationId)).map((m) => m.status)).toEqual(['dead']);

    const reviewRoute = await import('../../app/routes/desk.applications.$number.js');
    expect(reviewRoute.handle.i18n).toContain('integrations');
    const data = { page, locale: 'en', done: null, title: '' };
    const en = await render(reviewRoute.default, data, 'en');
    expect(en).toContain('class="notice-warn"');
    expect(en).toContain('Failed (no more retries)');
    const zh = await render(reviewRoute.default, { ...data, locale: 'zh-CN' }, 'zh-CN');
    expect(zh).toContain('有 1 条通知未能送达申请人');
    expect(missing.splice(0)).toEqual([]);
  });

  it('no warning while messages are on their way', async () => {
    const { ctx, number } = await claimed();
    const page = await getReview(ctx, number);
    expect(page.deliveries).toMatchObject([{ template: 'receipt', status: 'pending' }]);
    const reviewRoute = await import('../../app/routes/desk.applications.$number.js');
    const html = await render(reviewRoute.default, { page, locale: 'en', done: null, title: '' }, 'en');
    expect(html).not.toContain('notice-warn');
    expect(missing.splice(0)).toEqual([]);
  });
});

describe('materials verified by data sharing on the checklist', () => {
  async function sharedHukou() {
    const c = await claimed();
    const [app] = await h.db.select().from(applications).where(eq(applications.id, c.applicationId));
    // What submission records when the population registry confirms the household.
    await h.db
      .update(applications)
      .set({ answers: { ...app.answers, [SHARED_FACTS_KEY]: ['householdRegister'] } })
      .where(eq(applications.id, c.applicationId));
    return c;
  }

  it('are shown as verified, need no verdict to accept, and cannot be judged', async () => {
    const { ctx, number, lease, applicationId } = await sharedHukou();
    const page = await getReview(ctx, number);
    expect(page.checklist.map((i) => i.code)).toEqual(['idCollectionReceipt', 'photo']);
    expect(page.sharedMaterials).toEqual([{ requirementText: null, code: 'hukouBook', requirementKey: 'materials.hukouBook.requirement' }]);

    const reviewRoute = await import('../../app/routes/desk.applications.$number.js');
    for (const lng of ['zh-CN', 'en'] as const) {
      const html = await render(reviewRoute.default, { page, locale: lng, done: null, title: '' }, lng);
      expect(html).toContain('id="item-hukouBook"');
      expect(html).toContain(resources[lng].integrations.sharing.verified);
      // Nothing to judge: no verdict form for it.
      expect(html).toMatch(/name="items\[0\]\.materialCode" value="idCollectionReceipt"/);
      expect(html).not.toMatch(/\.materialCode" value="hukouBook"/);
    }
    expect(missing.splice(0)).toEqual([]);

    await expect(recordVerdict(ctx, number, { leaseVersion: lease, materialCode: 'hukouBook', verdict: 'missing' })).rejects.toMatchObject({
      status: 400,
      fieldErrors: { materialCode: ['review.unknownMaterial'] },
    });
    await allOk(ctx, number, lease, ['idCollectionReceipt', 'photo']);
    await acceptApplication(ctx, number, { leaseVersion: lease });
    const [app] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
    expect(app.status).toBe('accepted');
  });

  it('do not count as unreviewed when a notice is issued, and the notice does not name them', async () => {
    const { ctx, number, lease } = await sharedHukou();
    await recordVerdict(ctx, number, { leaseVersion: lease, materialCode: 'idCollectionReceipt', verdict: 'ok' });
    await recordVerdict(ctx, number, { leaseVersion: lease, materialCode: 'photo', verdict: 'deficient', reasonCode: 'photoSpec' });
    await issueNotice(ctx, number, lease);
    const page = await getReview(ctx, number);
    expect(page.notices[0].items.map((i) => i.materialCode)).toEqual(['photo']);
  });
});

describe('a message for every decision', () => {
  it('accepting and completing each enqueue one message (and the rating invitation), once even when retried', async () => {
    const { ctx, number, lease, applicationId, citizen, clock } = await claimed();
    await allOk(ctx, number, lease);
    await acceptApplication(ctx, number, { leaseVersion: lease });
    // A retried accept is refused by the status machine and adds nothing.
    await expect(acceptApplication(ctx, number, { leaseVersion: lease })).rejects.toMatchObject({ status: 409 });
    const complete = { leaseVersion: lease, documentNumber: 'L110101202611230001', delivery: 'pickup' as const };
    await completeApplication(ctx, number, complete);
    await expect(completeApplication(ctx, number, complete)).rejects.toMatchObject({ status: 409 });

    const rows = await messagesOf(applicationId);
    expect(rows.map((m) => [m.template, m.idempotencyKey]).sort()).toEqual(
      [
        ['acceptance', `acceptance:${applicationId}`],
        ['completion', `completion:${applicationId}`],
        ['ratingInvitation', `ratingInvitation:${applicationId}`],
        ['receipt', `receipt:${applicationId}`],
      ].sort(),
    );
    expect(rows.every((m) => m.userId === citizen.id && m.channel === 'sms' && m.status === 'pending')).toBe(true);
    // Each names the decision document it announces (services/documents/issue.ts).
    expect(rows.find((m) => m.template === 'acceptance')?.params).toMatchObject({ applicationNumber: number, documentNumber: expect.stringMatching(/-SL-/) });
    expect(rows.find((m) => m.template === 'completion')?.params).toMatchObject({
      applicationNumber: number,
      documentNumber: expect.stringMatching(/-BJ-/),
      certificateNumber: complete.documentNumber,
      delivery: 'pickup',
    });

    // The gateway renders each template in the citizen's language.
    await h.db.update(messages).set({ nextAttemptAt: clock.now() }).where(like(messages.idempotencyKey, `%:${applicationId}`));
    await deliverDueMessages({ db: h.db, clock, config });
    const sent = gatewayLog.delivered.filter((d) => d.key.endsWith(applicationId));
    expect(sent.map((d) => d.template).sort()).toEqual(['acceptance', 'completion', 'ratingInvitation', 'receipt']);
    expect(sent.every((d) => d.locale === citizen.locale && d.to === citizen.mobile)).toBe(true);
  });

  it('a decision from a lost lease (409) enqueues nothing', async () => {
    const { ctx, number, lease, applicationId, clock } = await claimed();
    await allOk(ctx, number, lease);
    clock.advance(16 * 60_000);
    const other = await createStaff(h.db);
    expect((await claimNext(testContext(h.db, actorOf(other), clock, config)))?.number).toBe(number);
    await expect(acceptApplication(ctx, number, { leaseVersion: lease })).rejects.toMatchObject({ status: 409, code: 'review.leaseLost' });
    expect((await messagesOf(applicationId)).map((m) => m.template)).toEqual(['receipt']);
  });

  it('a completion that fails (409 stale lease) enqueues neither the completion nor the invitation', async () => {
    const { ctx, number, lease, applicationId, clock } = await claimed();
    await allOk(ctx, number, lease);
    await acceptApplication(ctx, number, { leaseVersion: lease });
    clock.advance(16 * 60_000);
    const other = await createStaff(h.db);
    expect((await claimNext(testContext(h.db, actorOf(other), clock, config)))?.number).toBe(number);
    await expect(completeApplication(ctx, number, { leaseVersion: lease, documentNumber: 'L1', delivery: 'pickup' })).rejects.toMatchObject({ status: 409 });
    expect((await messagesOf(applicationId)).map((m) => m.template).sort()).toEqual(['acceptance', 'receipt']);
  });

  it('deemed acceptance tells the citizen too, once, under the acceptance key', async () => {
    const clock = fixedClock();
    const sub = await createSubmittedApplication(h.db, { clock, config });
    const clerk = await createStaff(h.db);
    const ctx = testContext(h.db, actorOf(clerk), clock, config);
    clock.advance(14 * 86_400_000);
    expect(await applyDeemedAcceptance(ctx)).toEqual([sub.number]);
    expect(await applyDeemedAcceptance(ctx)).toEqual([]);
    const rows = await h.db
      .select()
      .from(messages)
      .where(and(eq(messages.applicationId, sub.applicationId), like(messages.idempotencyKey, 'acceptance:%')));
    expect(rows).toHaveLength(1);
    // Its own text (视为受理), under the acceptance event's key. A temporary ID card is promised in
    // one working day, so fourteen days on that promise has passed: the text says so.
    expect(rows[0]).toMatchObject({ template: 'deemedAcceptanceOverdue', idempotencyKey: `acceptance:${sub.applicationId}`, userId: sub.citizen.id, status: 'pending' });
    expect(rows[0].params).toMatchObject({ applicationNumber: sub.number, documentNumber: expect.stringMatching(/-SSL-/) });
  });
});
