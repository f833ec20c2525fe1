import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import {
  applicationFiles,
  applications,
  auditEvents,
  messages,
  notices,
  queueItems,
  waitingIntervals,
} from '../../db/schema/index.js';
import { createSession } from '../../services/auth/sessions.js';
import { claimNext } from '../../services/queue/claim.js';
import { acceptApplication } from '../../services/review/decisions.js';
import { getLatestNotice, grantNoticeOverride, issueNotice } from '../../services/review/notice.js';
import { getReview } from '../../services/review/review-page.js';
import { getSupplementForm, submitSupplement } from '../../services/review/supplement.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { actorOf, createCitizen, createStaff, fixedClock, testConfig, testContext } from '../support/factories.js';
import { createSubmittedApplication, sampleFileBytes } from '../support/applications.js';
import { files as sampleFiles } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const config = testConfig();

/** A claimed application whose photo the clerk found deficient and ID receipt missing. */
async function flagged(opts: { onDuty?: boolean } = {}) {
  const clock = fixedClock();
  const sub = await createSubmittedApplication(h.db, { clock, config });
  const clerk = await createStaff(h.db);
  if (opts.onDuty) await createSession(h.db, clock, clerk.id);
  const ctx = testContext(h.db, actorOf(clerk), clock, config);
  const claim = await claimNext(ctx);
  const lease = claim!.leaseVersion;
  await recordVerdict(ctx, sub.number, { leaseVersion: lease, materialCode: 'hukouBook', verdict: 'ok' });
  await recordVerdict(ctx, sub.number, { leaseVersion: lease, materialCode: 'idCollectionReceipt', verdict: 'missing' });
  await recordVerdict(ctx, sub.number, { leaseVersion: lease, materialCode: 'photo', verdict: 'deficient', reasonCode: 'photoSpec', note: '背景非白色' });
  return { ...sub, clerk, ctx, clock, lease };
}

async function supplementBoth(citizenCtx: ReturnType<typeof testContext>, number: string) {
  await submitSupplement(citizenCtx, number, [
    { materialCode: 'idCollectionReceipt', originalName: 'receipt.pdf', bytes: await sampleFileBytes(['pdf']) },
    { materialCode: 'photo', originalName: 'new-photo.jpg', bytes: await sampleFileBytes(['jpeg']) },
  ]);
}

describe('issuing the one-time notice', () => {
  it('is refused while any applicable item is unreviewed, listing them', async () => {
    const clock = fixedClock();
    const sub = await createSubmittedApplication(h.db, { clock, config });
    const clerk = await createStaff(h.db);
    const ctx = testContext(h.db, actorOf(clerk), clock, config);
    const { leaseVersion } = (await claimNext(ctx))!;
    await recordVerdict(ctx, sub.number, { leaseVersion, materialCode: 'photo', verdict: 'missing' });
    await expect(issueNotice(ctx, sub.number, leaseVersion)).rejects.toMatchObject({
      status: 400,
      code: 'review.unreviewedItems',
      params: { count: 2 },
      fieldErrors: { 'verdict-hukouBook': ['review.unreviewed'], 'verdict-idCollectionReceipt': ['review.unreviewed'] },
    });
    expect(await h.db.select().from(notices)).toEqual([]);
    const [app] = await h.db.select().from(applications).where(eq(applications.id, sub.applicationId));
    expect(app.status).toBe('under_review');
  });

  it('is refused when nothing is flagged (accept instead)', async () => {
    const clock = fixedClock();
    const sub = await createSubmittedApplication(h.db, { clock, config });
    const ctx = testContext(h.db, actorOf(await createStaff(h.db)), clock, config);
    const { leaseVersion } = (await claimNext(ctx))!;
    for (const materialCode of ['hukouBook', 'idCollectionReceipt', 'photo']) await recordVerdict(ctx, sub.number, { leaseVersion, materialCode, verdict: 'ok' });
    await expect(issueNotice(ctx, sub.number, leaseVersion)).rejects.toMatchObject({ status: 400, code: 'review.nothingToNotify' });
  });

  it('stores the notice with every flagged item, basis, deadline and clerk; parks the item; records the SMS once', async () => {
    const { ctx, number, applicationId, clerk, lease, citizen } = await flagged();
    const issued = await issueNotice(ctx, number, lease);
    const [notice] = await h.db.select().from(notices).where(eq(notices.id, issued.id));
    expect(notice).toMatchObject({
      number: expect.stringMatching(/^BZ2026\d{6}$/),
      officeCode: 'bj-dongcheng',
      clerkId: clerk.id,
      clerkStaffNo: clerk.staffNo,
      issueDate: '2026-11-23',
      // 15 working days after Monday 23 November 2026.
      supplementDeadline: '2026-12-14',
      legalBasisKey: 'notice:basis.licensingLaw32_4',
      sequence: 1,
      overrideBy: null,
      items: [
        { materialCode: 'idCollectionReceipt', verdict: 'missing', reasonCode: null, note: null, requirementKey: 'materials.idCollectionReceipt.requirement' },
        { materialCode: 'photo', verdict: 'deficient', reasonCode: 'photoSpec', note: '背景非白色', requirementKey: 'materials.photo.requirement' },
      ],
    });
    const [app] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
    expect(app.status).toBe('needs_supplement');
    const [item] = await h.db.select().from(queueItems).where(eq(queueItems.applicationId, applicationId));
    expect(item).toMatchObject({ state: 'parked', claimedBy: null, preferredClerkId: clerk.id });
    const [wait] = await h.db.select().from(waitingIntervals).where(eq(waitingIntervals.noticeId, notice.id));
    expect(wait).toMatchObject({ startedAt: new Date('2026-11-23T02:00:00.000Z'), endedAt: null });
    const sms = await h.db.select().from(messages).where(eq(messages.template, 'notice'));
    expect(sms).toEqual([
      expect.objectContaining({ userId: citizen.id, channel: 'sms', idempotencyKey: `notice:${notice.id}`, applicationId }),
    ]);
    const [audit] = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.applicationId, applicationId), eq(auditEvents.action, 'notice.issued')));
    expect(audit).toMatchObject({ actorId: clerk.id, fromStatus: 'under_review', toStatus: 'needs_supplement' });
    // The lease ended with the notice: the same form cannot issue it twice.
    await expect(issueNotice(ctx, number, lease)).rejects.toMatchObject({ status: 409 });
  });

  it('is a document: the database refuses to change or delete it', async () => {
    const { ctx, number, lease } = await flagged();
    const { id } = await issueNotice(ctx, number, lease);
    const immutable = { cause: expect.objectContaining({ message: expect.stringMatching(/immutable/) }) };
    await expect(h.db.update(notices).set({ supplementDeadline: '2027-01-01' }).where(eq(notices.id, id))).rejects.toMatchObject(immutable);
    await expect(h.db.delete(notices).where(eq(notices.id, id))).rejects.toMatchObject(immutable);
  });
});

describe('the citizen’s notice and supplement', () => {
  it('shows the notice only to its applicant (and staff in scope); others get 404', async () => {
    const { ctx, number, lease, citizen } = await flagged();
    const owner = testContext(h.db, actorOf(citizen), ctx.clock, config);
    await expect(getLatestNotice(owner, number)).rejects.toMatchObject({ status: 404, code: 'review.noNotice' });
    await issueNotice(ctx, number, lease);
    const view = await getLatestNotice(owner, number);
    expect(view.notice.items.map((i) => i.materialCode)).toEqual(['idCollectionReceipt', 'photo']);
    expect(view.applicant.realName).toBe(citizen.realName);

    const stranger = testContext(h.db, actorOf(await createCitizen(h.db)), ctx.clock, config);
    await expect(getLatestNotice(stranger, number)).rejects.toMatchObject({ status: 404 });
    await expect(getSupplementForm(stranger, number)).rejects.toMatchObject({ status: 404 });
    await expect(
      submitSupplement(stranger, number, [{ materialCode: 'photo', originalName: 'p.jpg', bytes: await sampleFileBytes(['jpeg']) }]),
    ).rejects.toMatchObject({ status: 404 });
    const otherOffice = testContext(h.db, actorOf(await createStaff(h.db, { officeCode: 'sh-huangpu' })), ctx.clock, config);
    await expect(getLatestNotice(otherOffice, number)).rejects.toMatchObject({ status: 404 });
  });

  it('takes exactly the flagged items, checked by their bytes', async () => {
    const { ctx, number, lease, citizen, applicationId } = await flagged();
    await issueNotice(ctx, number, lease);
    const owner = testContext(h.db, actorOf(citizen), ctx.clock, config);
    const form = await getSupplementForm(owner, number);
    expect(form).toMatchObject({ open: true, accept: { idCollectionReceipt: ['pdf', 'jpeg', 'png'], photo: ['jpeg', 'png'] } });

    await expect(
      submitSupplement(owner, number, [{ materialCode: 'photo', originalName: 'p.jpg', bytes: await sampleFileBytes(['jpeg']) }]),
    ).rejects.toMatchObject({ status: 400, fieldErrors: { 'material.idCollectionReceipt': ['review.supplementFileRequired'] } });
    await expect(
      submitSupplement(owner, number, [
        { materialCode: 'hukouBook', originalName: 'book.pdf', bytes: await sampleFileBytes(['pdf']) },
        { materialCode: 'idCollectionReceipt', originalName: 'r.pdf', bytes: await sampleFileBytes(['pdf']) },
        { materialCode: 'photo', originalName: 'p.jpg', bytes: await sampleFileBytes(['jpeg']) },
      ]),
    ).rejects.toMatchObject({ status: 400, code: 'review.supplementUnexpected' });
    const fake = new Uint8Array(await sampleFiles.fakePdf().arrayBuffer());
    await expect(
      submitSupplement(owner, number, [
        { materialCode: 'idCollectionReceipt', originalName: 'r.pdf', bytes: fake },
        { materialCode: 'photo', originalName: 'p.pdf', bytes: await sampleFileBytes(['pdf']) },
      ]),
    ).rejects.toMatchObject({ status: 415 });
    const [app] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
    expect(app.status).toBe('needs_supplement');
  });

  it('moves to supplemented, ends the wait, restarts the due date, and returns the item to the clerk on duty', async () => {
    const { ctx, number, lease, citizen, applicationId, clerk, clock } = await flagged();
    await issueNotice(ctx, number, lease);
    clock.set('2026-11-26T03:00:00.000Z'); // Thursday
    // Signed in again that morning: on duty.
    await createSession(h.db, clock, clerk.id);
    const owner = testContext(h.db, actorOf(citizen), clock, config);
    await supplementBoth(owner, number);
    const [app] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
    // Committed limit of one working day, counted again from the day complete supplements arrived.
    expect(app).toMatchObject({ status: 'supplemented', dueDate: '2026-11-27', completenessDeadline: '2026-12-03' });
    const [wait] = await h.db.select().from(waitingIntervals).where(eq(waitingIntervals.applicationId, applicationId));
    expect(wait).toMatchObject({ endedBy: 'supplemented', endedAt: new Date('2026-11-26T03:00:00.000Z') });
    const [item] = await h.db.select().from(queueItems).where(eq(queueItems.applicationId, applicationId));
    expect(item).toMatchObject({ state: 'claimed', claimedBy: clerk.id, frontOfQueue: -1, dueDate: '2026-11-27' });
    const current = await h.db.select().from(applicationFiles).where(eq(applicationFiles.applicationId, applicationId));
    expect(current.filter((f) => f.materialCode === 'photo').map((f) => !!f.supersededAt)).toEqual([true, false]);
    // A second supplement for the same notice is not a transition the machine lists.
    await expect(supplementBoth(owner, number)).rejects.toMatchObject({ status: 409 });

    // The clerk acts on it under the lease the return gave them.
    const page = await getReview(ctx, number);
    expect(page.queue?.mine).toBe(true);
    expect(page.checklist.map((i) => [i.code, i.verdict?.verdict ?? null, i.changedSinceNotice])).toEqual([
      ['hukouBook', 'ok', false],
      ['idCollectionReceipt', null, true],
      ['photo', null, true],
    ]);
    await recordVerdict(ctx, number, { leaseVersion: page.queue!.leaseVersion!, materialCode: 'photo', verdict: 'ok' });
    const [after] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
    expect(after.status).toBe('under_review');
  });

  it('returns the item to the front of the queue when the clerk is off duty', async () => {
    const { ctx, number, lease, citizen, applicationId } = await flagged();
    await issueNotice(ctx, number, lease);
    const fresh = await createSubmittedApplication(h.db, { clock: ctx.clock, config });
    await supplementBoth(testContext(h.db, actorOf(citizen), ctx.clock, config), number);
    const [item] = await h.db.select().from(queueItems).where(eq(queueItems.applicationId, applicationId));
    expect(item).toMatchObject({ state: 'waiting', claimedBy: null, frontOfQueue: -1 });
    const colleague = testContext(h.db, actorOf(await createStaff(h.db)), ctx.clock, config);
    expect((await claimNext(colleague))?.number).toBe(number);
    expect((await claimNext(colleague))?.number).toBe(fresh.number);
    const [app] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
    expect(app.status).toBe('under_review');
  });
});

describe('"once"', () => {
  it('after a supplement, only noticed or changed items may be flagged; a second notice with new items needs a supervisor', async () => {
    const { ctx, number, lease, citizen, applicationId } = await flagged({ onDuty: true });
    await issueNotice(ctx, number, lease);
    await supplementBoth(testContext(h.db, actorOf(citizen), ctx.clock, config), number);
    const v = (await getReview(ctx, number)).queue!.leaseVersion!;

    // Named in the notice and changed: may be flagged again.
    await recordVerdict(ctx, number, { leaseVersion: v, materialCode: 'photo', verdict: 'deficient', reasonCode: 'illegible' });
    await recordVerdict(ctx, number, { leaseVersion: v, materialCode: 'idCollectionReceipt', verdict: 'ok' });
    // Found ok before the notice and unchanged: flagging it now would be a second "first" notice.
    await expect(
      recordVerdict(ctx, number, { leaseVersion: v, materialCode: 'hukouBook', verdict: 'deficient', reasonCode: 'incomplete' }),
    ).rejects.toMatchObject({ status: 400, code: 'review.onceRule', fieldErrors: { 'verdict-hukouBook': ['review.onceRuleField'] } });
    expect((await getReview(ctx, number)).checklist.find((i) => i.code === 'hukouBook')).toMatchObject({ onceLocked: true, verdict: { verdict: 'ok' } });

    // Clerks cannot override; a manager of another office cannot see it; a short reason is refused.
    await expect(grantNoticeOverride(ctx, number, { reason: '需要补充户口簿首页及本人页' })).rejects.toMatchObject({ status: 403 });
    const managerElsewhere = await createStaff(h.db, { role: 'manager', officeCode: 'sh-huangpu' });
    await expect(
      grantNoticeOverride(testContext(h.db, actorOf(managerElsewhere), ctx.clock, config), number, { reason: '需要补充户口簿首页及本人页' }),
    ).rejects.toMatchObject({ status: 404 });
    const manager = await createStaff(h.db, { role: 'manager', officeCode: 'bj-dongcheng' });
    const mCtx = testContext(h.db, actorOf(manager), ctx.clock, config);
    await expect(grantNoticeOverride(mCtx, number, { reason: '补' })).rejects.toMatchObject({ status: 400, fieldErrors: { reason: ['review.overrideReasonShort'] } });
    await grantNoticeOverride(mCtx, number, { reason: '户口簿本人页经系统核查已注销，须补交新户口簿' });

    await recordVerdict(ctx, number, { leaseVersion: v, materialCode: 'hukouBook', verdict: 'deficient', reasonCode: 'incomplete' });
    const second = await issueNotice(ctx, number, v);
    const [notice] = await h.db.select().from(notices).where(eq(notices.id, second.id));
    expect(notice).toMatchObject({
      sequence: 2,
      overrideBy: manager.id,
      overrideReason: '户口簿本人页经系统核查已注销，须补交新户口簿',
      items: [expect.objectContaining({ materialCode: 'hukouBook' }), expect.objectContaining({ materialCode: 'photo' })],
    });
    const [overrideAudit] = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.applicationId, applicationId), eq(auditEvents.action, 'notice.override')));
    expect(overrideAudit).toMatchObject({ actorId: manager.id, actorRole: 'manager', reason: '户口簿本人页经系统核查已注销，须补交新户口簿' });
  });

  it('the override is used up by the notice it allowed', async () => {
    const { ctx, number, lease, citizen } = await flagged({ onDuty: true });
    await issueNotice(ctx, number, lease);
    const owner = testContext(h.db, actorOf(citizen), ctx.clock, config);
    await supplementBoth(owner, number);
    const manager = await createStaff(h.db, { role: 'manager', officeCode: 'bj-dongcheng' });
    await grantNoticeOverride(testContext(h.db, actorOf(manager), ctx.clock, config), number, { reason: '户口簿信息与系统不符，须补交' });
    let v = (await getReview(ctx, number)).queue!.leaseVersion!;
    await recordVerdict(ctx, number, { leaseVersion: v, materialCode: 'hukouBook', verdict: 'deficient', reasonCode: 'mismatch' });
    await recordVerdict(ctx, number, { leaseVersion: v, materialCode: 'idCollectionReceipt', verdict: 'ok' });
    await recordVerdict(ctx, number, { leaseVersion: v, materialCode: 'photo', verdict: 'ok' });
    await issueNotice(ctx, number, v);
    await submitSupplement(owner, number, [{ materialCode: 'hukouBook', originalName: 'book.pdf', bytes: await sampleFileBytes(['pdf']) }]);
    v = (await getReview(ctx, number)).queue!.leaseVersion!;
    // Photo was ok in both rounds and never changed: no override left to flag it.
    await expect(
      recordVerdict(ctx, number, { leaseVersion: v, materialCode: 'photo', verdict: 'deficient', reasonCode: 'photoSpec' }),
    ).rejects.toMatchObject({ status: 400, code: 'review.onceRule' });
    await recordVerdict(ctx, number, { leaseVersion: v, materialCode: 'hukouBook', verdict: 'ok' });
    await acceptApplication(ctx, number, { leaseVersion: v });
  });
});
