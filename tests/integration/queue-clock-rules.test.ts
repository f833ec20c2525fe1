import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications, auditEvents, queueItems, waitingIntervals } from '../../db/schema/index.js';
import { applyDeemedAcceptance } from '../../services/clock-rules/deemed-acceptance.js';
import { applySupplementDeadlines } from '../../services/clock-rules/supplement-deadline.js';
import { claimApplication, claimNext } from '../../services/queue/claim.js';
import { loadDesk } from '../../services/queue/desk.js';
import { issueNotice } from '../../services/review/notice.js';
import { getSupplementForm, submitSupplement } from '../../services/review/supplement.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { actorOf, createStaff, fixedClock, testConfig, testContext } from '../support/factories.js';
import { createSubmittedApplication, sampleFileBytes } from '../support/applications.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const config = testConfig();

describe('deemed acceptance (art. 32)', () => {
  it('accepts, as the system and as of receipt, what nobody notified or accepted by the completeness deadline', async () => {
    const clock = fixedClock();
    const untouched = await createSubmittedApplication(h.db, { clock, config });
    const inReview = await createSubmittedApplication(h.db, { clock, config });
    const notified = await createSubmittedApplication(h.db, { clock, config });
    const clerk = await createStaff(h.db);
    const ctx = testContext(h.db, actorOf(clerk), clock, config);
    // Claims in queue order: the three have the same deadlines, so received order.
    expect((await claimNext(ctx))?.number).toBe(untouched.number);
    const reviewClaim = (await claimNext(ctx))!;
    expect(reviewClaim.number).toBe(inReview.number);
    const notifyClaim = (await claimNext(ctx))!;
    for (const materialCode of ['hukouBook', 'idCollectionReceipt']) {
      await recordVerdict(ctx, notified.number, { leaseVersion: notifyClaim.leaseVersion, materialCode, verdict: 'ok' });
    }
    await recordVerdict(ctx, notified.number, { leaseVersion: notifyClaim.leaseVersion, materialCode: 'photo', verdict: 'missing' });
    await issueNotice(ctx, notified.number, notifyClaim.leaseVersion);

    const [row] = await h.db.select().from(applications).where(eq(applications.id, untouched.applicationId));
    expect(row.completenessDeadline).toBe('2026-11-30');
    clock.set('2026-11-30T15:00:00.000Z'); // 23:00 on the deadline day, China time: still in time.
    expect(await applyDeemedAcceptance(testContext(h.db, { kind: 'anonymous' }, clock, config))).toEqual([]);

    clock.set('2026-11-30T16:00:00.000Z'); // 00:00 on 1 December, China time.
    expect((await applyDeemedAcceptance(testContext(h.db, { kind: 'anonymous' }, clock, config))).sort()).toEqual([untouched.number, inReview.number].sort());
    const desk = await loadDesk(ctx);
    expect(desk.rows.filter((r) => r.deemedAccepted).map((r) => r.number).sort()).toEqual([untouched.number, inReview.number].sort());

    const [app] = await h.db.select().from(applications).where(eq(applications.id, inReview.applicationId));
    expect(app).toMatchObject({ status: 'accepted', deemedAccepted: 1 });
    expect(app.acceptedAt?.toISOString()).toBe(app.submittedAt?.toISOString());
    const [audit] = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.applicationId, inReview.applicationId), eq(auditEvents.action, 'application.deemedAccepted')));
    expect(audit).toMatchObject({ actorId: null, actorRole: 'system', fromStatus: 'under_review', toStatus: 'accepted', reason: 'art32' });
    const [still] = await h.db.select().from(applications).where(eq(applications.id, notified.applicationId));
    expect(still.status).toBe('needs_supplement');

    // The holder of the deemed-accepted item can no longer send a notice for it.
    for (const materialCode of ['hukouBook', 'idCollectionReceipt', 'photo']) {
      await expect(recordVerdict(ctx, inReview.number, { leaseVersion: reviewClaim.leaseVersion, materialCode, verdict: 'missing' })).rejects.toMatchObject({
        status: 409,
      });
    }
    // A second sweep changes nothing.
    expect(await applyDeemedAcceptance(ctx)).toEqual([]);
  });
});

describe('supplement deadline', () => {
  it('counts an application not supplemented in time as withdrawn, and the supplement page closes', async () => {
    const clock = fixedClock();
    const sub = await createSubmittedApplication(h.db, { clock, config });
    const ctx = testContext(h.db, actorOf(await createStaff(h.db)), clock, config);
    const claim = (await claimNext(ctx))!;
    for (const materialCode of ['hukouBook', 'idCollectionReceipt']) {
      await recordVerdict(ctx, sub.number, { leaseVersion: claim.leaseVersion, materialCode, verdict: 'ok' });
    }
    await recordVerdict(ctx, sub.number, { leaseVersion: claim.leaseVersion, materialCode: 'photo', verdict: 'deficient', reasonCode: 'photoSpec' });
    await issueNotice(ctx, sub.number, claim.leaseVersion);
    const owner = testContext(h.db, actorOf(sub.citizen), clock, config);

    clock.set('2026-12-14T15:59:00.000Z'); // the last day, China time
    expect(await applySupplementDeadlines(ctx)).toEqual([]);
    expect((await getSupplementForm(owner, sub.number)).open).toBe(true);

    clock.set('2026-12-14T16:00:00.000Z');
    expect((await getSupplementForm(owner, sub.number)).open).toBe(false);
    await expect(
      submitSupplement(owner, sub.number, [{ materialCode: 'photo', originalName: 'p.jpg', bytes: await sampleFileBytes(['jpeg']) }]),
    ).rejects.toMatchObject({ status: 409, code: 'review.supplementDeadlinePassed' });
    expect(await applySupplementDeadlines(ctx)).toEqual([sub.number]);
    const [app] = await h.db.select().from(applications).where(eq(applications.id, sub.applicationId));
    expect(app.status).toBe('withdrawn');
    const [item] = await h.db.select().from(queueItems).where(eq(queueItems.applicationId, sub.applicationId));
    expect(item.state).toBe('done');
    const [wait] = await h.db.select().from(waitingIntervals).where(eq(waitingIntervals.applicationId, sub.applicationId));
    expect(wait.endedBy).toBe('withdrawn');
    const [audit] = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.applicationId, sub.applicationId), eq(auditEvents.action, 'application.supplementExpired')));
    expect(audit).toMatchObject({ actorRole: 'system', fromStatus: 'needs_supplement', toStatus: 'withdrawn' });
  });
});

describe('the desk list', () => {
  it('shows masked names and IDs, holders, counts per filter, and filters', async () => {
    const clock = fixedClock();
    const a = await createSubmittedApplication(h.db, { clock, config });
    await createSubmittedApplication(h.db, { clock, config });
    const clerk = await createStaff(h.db);
    const ctx = testContext(h.db, actorOf(clerk), clock, config);
    await claimNext(ctx);
    const desk = await loadDesk(ctx);
    expect(desk.total).toBe(2);
    expect(desk.counts).toMatchObject({ tabs: { work: 2, waiting: 0, mine: 1 }, department: { hukou: 2 }, service: { 'temporary-id-card': 2 }, status: { under_review: 1, submitted: 1 }, overdue: 0 });
    const row = desk.rows.find((r) => r.number === a.number)!;
    expect(row.applicantName).toBe('测***'); // 测试用户
    expect(row.applicantIdNumber).toMatch(/^1101\*{10}\d{3}[\dX]$/);
    expect(row).toMatchObject({ mine: true, holder: { id: clerk.id, staffNo: clerk.staffNo }, canHandle: true, completenessDeadline: '2026-11-30', dueDate: '2026-11-24' });
    expect((await loadDesk(ctx, { status: 'submitted' })).rows).toHaveLength(1);
    expect((await loadDesk(ctx, { tab: 'mine' })).rows.map((r) => r.number)).toEqual([a.number]);
    expect((await loadDesk(ctx, { department: 'traffic' })).rows).toEqual([]);
    clock.set('2026-11-25T02:00:00.000Z');
    const later = await loadDesk(ctx, { overdue: true });
    expect(later.counts.overdue).toBe(2);
    expect(later.rows).toHaveLength(2);
  });
});

describe('the desk shows each running deadline', () => {
  it('with the working days left, counted in China days, and the supplement deadline while the citizen has it', async () => {
    const clock = fixedClock(); // Monday 23 November, 10:00 China time
    const filed = await createSubmittedApplication(h.db, { clock, config });
    const waiting = await createSubmittedApplication(h.db, { clock, config });
    const ctx = testContext(h.db, actorOf(await createStaff(h.db)), clock, config);
    const { leaseVersion } = await claimApplication(ctx, waiting.number);
    for (const materialCode of ['hukouBook', 'idCollectionReceipt']) await recordVerdict(ctx, waiting.number, { leaseVersion, materialCode, verdict: 'ok' });
    await recordVerdict(ctx, waiting.number, { leaseVersion, materialCode: 'photo', verdict: 'missing' });
    await issueNotice(ctx, waiting.number, leaseVersion);

    // The waiting one is in its own tab ("waiting for the citizen"), not mixed with work.
    const rowOf = async (number: string) =>
      [...(await loadDesk(ctx)).rows, ...(await loadDesk(ctx, { tab: 'waiting' })).rows].find((r) => r.number === number)!;
    expect((await rowOf(filed.number)).deadlines).toEqual({
      completeness: { day: '2026-11-30', workingDaysLeft: 5 },
      supplement: null,
      due: { day: '2026-11-24', workingDaysLeft: 1 },
    });
    // Waiting for the citizen: their deadline runs, the office's committed time does not.
    expect(await rowOf(waiting.number)).toMatchObject({
      overdue: false,
      deadlines: { completeness: null, supplement: { day: '2026-12-14', workingDaysLeft: 15 }, due: null },
    });

    // 00:30 on Thursday 26 November in Beijing (still the 25th in UTC): the due date passed two working days ago.
    clock.set('2026-11-25T16:30:00.000Z');
    expect(await rowOf(filed.number)).toMatchObject({
      overdue: true,
      deadlines: { completeness: { day: '2026-11-30', workingDaysLeft: 2 }, due: { day: '2026-11-24', workingDaysLeft: -2 } },
    });
    expect((await rowOf(waiting.number)).deadlines.supplement).toEqual({ day: '2026-12-14', workingDaysLeft: 12 });
  });
});

