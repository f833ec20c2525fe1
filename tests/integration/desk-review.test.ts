import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications, auditEvents, decisions, materialVerdicts, queueItems } from '../../db/schema/index.js';
import { claimNext } from '../../services/queue/claim.js';
import { acceptApplication, completeApplication, notAcceptApplication, refuseApplication } from '../../services/review/decisions.js';
import { getReview } from '../../services/review/review-page.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { actorOf, createStaff, fixedClock, testConfig, testContext } from '../support/factories.js';
import { createSubmittedApplication } from '../support/applications.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const config = testConfig();

async function claimed(opts: { skills?: ('hukou' | 'traffic' | 'exit_entry')[] } = {}) {
  const clock = fixedClock();
  const sub = await createSubmittedApplication(h.db, { clock, config });
  const clerk = await createStaff(h.db, { skills: opts.skills });
  const ctx = testContext(h.db, actorOf(clerk), clock, config);
  const claim = await claimNext(ctx);
  expect(claim?.number).toBe(sub.number);
  return { ...sub, clerk, ctx, clock, lease: claim!.leaseVersion };
}

const allOk = async (ctx: ReturnType<typeof testContext>, number: string, leaseVersion: number) => {
  for (const materialCode of ['hukouBook', 'idCollectionReceipt', 'photo']) {
    await recordVerdict(ctx, number, { leaseVersion, materialCode, verdict: 'ok' });
  }
};

describe('review page', () => {
  it('shows the full personal data, the files and the checklist as it applies, and records the view', async () => {
    const { ctx, number, citizen, applicationId, clerk, lease } = await claimed();
    const page = await getReview(ctx, number);
    expect(page.applicant).toEqual({ realName: citizen.realName, idNumber: citizen.idNumber, mobile: citizen.mobile });
    expect(page.checklist.map((i) => i.code)).toEqual(['hukouBook', 'idCollectionReceipt', 'photo']);
    expect(page.checklist[2].deficiencyReasons).toContain('photoSpec');
    expect(page.checklist.every((i) => i.files.length === 1 && i.verdict === null)).toBe(true);
    expect(page.queue).toMatchObject({ mine: true, leaseVersion: lease });
    expect(page.can).toMatchObject({ act: true, claim: false });
    const [viewed] = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.applicationId, applicationId), eq(auditEvents.action, 'pii.viewed')));
    expect(viewed).toMatchObject({ actorId: clerk.id, actorRole: 'clerk', officeCode: 'bj-dongcheng' });
  });

  it('is 404 for a clerk of another office or without the department skill', async () => {
    const { number } = await claimed();
    const chaoyang = await createStaff(h.db, { officeCode: 'bj-chaoyang', skills: ['hukou'] });
    const traffic = await createStaff(h.db, { skills: ['traffic'] });
    await expect(getReview(testContext(h.db, actorOf(chaoyang), fixedClock(), config), number)).rejects.toMatchObject({ status: 404 });
    await expect(getReview(testContext(h.db, actorOf(traffic), fixedClock(), config), number)).rejects.toMatchObject({ status: 404 });
    await expect(
      recordVerdict(testContext(h.db, actorOf(traffic), fixedClock(), config), number, { leaseVersion: 1, materialCode: 'photo', verdict: 'ok' }),
    ).rejects.toMatchObject({ status: 404 });
  });
});

describe('verdicts', () => {
  it('records ok / missing / deficient with a reason from the material’s list, each audited', async () => {
    const { ctx, number, applicationId, lease } = await claimed();
    await recordVerdict(ctx, number, { leaseVersion: lease, materialCode: 'hukouBook', verdict: 'ok' });
    await recordVerdict(ctx, number, { leaseVersion: lease, materialCode: 'idCollectionReceipt', verdict: 'missing' });
    await recordVerdict(ctx, number, { leaseVersion: lease, materialCode: 'photo', verdict: 'deficient', reasonCode: 'photoSpec', note: '背景非白色' });
    const page = await getReview(ctx, number);
    expect(page.checklist.map((i) => [i.code, i.verdict?.verdict, i.verdict?.reasonCode])).toEqual([
      ['hukouBook', 'ok', null],
      ['idCollectionReceipt', 'missing', null],
      ['photo', 'deficient', 'photoSpec'],
    ]);
    const audits = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.applicationId, applicationId), eq(auditEvents.action, 'review.verdict')));
    expect(audits.map((a) => a.data)).toEqual([
      { materialCode: 'hukouBook', verdict: 'ok', reasonCode: null },
      { materialCode: 'idCollectionReceipt', verdict: 'missing', reasonCode: null },
      { materialCode: 'photo', verdict: 'deficient', reasonCode: 'photoSpec' },
    ]);
  });

  it('refuses bad verdicts with field errors and saves nothing', async () => {
    const { ctx, number, applicationId, lease } = await claimed();
    await expect(recordVerdict(ctx, number, { leaseVersion: lease, materialCode: 'photo', verdict: 'deficient' })).rejects.toMatchObject({
      status: 400,
      fieldErrors: { reasonCode: ['review.reasonRequired'] },
    });
    await expect(
      recordVerdict(ctx, number, { leaseVersion: lease, materialCode: 'photo', verdict: 'deficient', reasonCode: 'expired' }),
    ).rejects.toMatchObject({ status: 400, fieldErrors: { reasonCode: ['review.reasonNotListed'] } });
    await expect(recordVerdict(ctx, number, { leaseVersion: lease, materialCode: 'marriageCertificate', verdict: 'ok' })).rejects.toMatchObject({
      status: 400,
      fieldErrors: { materialCode: ['review.unknownMaterial'] },
    });
    await expect(
      recordVerdict(ctx, number, { leaseVersion: lease, materialCode: 'photo', verdict: 'fine' as 'ok' }),
    ).rejects.toMatchObject({ status: 400, fieldErrors: { verdict: ['choice'] } });
    expect(await h.db.select().from(materialVerdicts).where(eq(materialVerdicts.applicationId, applicationId))).toEqual([]);
  });
});

describe('stale decisions', () => {
  it('a decision from a lost lease is 409 and changes nothing', async () => {
    const { ctx, number, applicationId, lease, clock } = await claimed();
    await allOk(ctx, number, lease);
    clock.advance(16 * 60_000);
    const other = await createStaff(h.db);
    const otherClaim = await claimNext(testContext(h.db, actorOf(other), clock, config));
    expect(otherClaim?.number).toBe(number);

    await expect(acceptApplication(ctx, number, { leaseVersion: lease })).rejects.toMatchObject({ status: 409, code: 'review.leaseLost' });
    await expect(recordVerdict(ctx, number, { leaseVersion: lease, materialCode: 'photo', verdict: 'missing' })).rejects.toMatchObject({
      status: 409,
    });
    const [app] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
    expect(app.status).toBe('under_review');
    expect(await h.db.select().from(decisions).where(eq(decisions.applicationId, applicationId))).toEqual([]);
    const verdicts = await h.db.select().from(materialVerdicts).where(eq(materialVerdicts.applicationId, applicationId));
    expect(verdicts.map((v) => v.verdict)).toEqual(['ok', 'ok', 'ok']);
  });

  it('a form rendered under an older lease version is refused even by the same clerk', async () => {
    const { ctx, number, lease, clock } = await claimed();
    clock.advance(16 * 60_000);
    // The lease lapsed and the same clerk took it again: the old form is stale.
    const again = await claimNext(ctx);
    expect(again?.leaseVersion).toBe(lease + 1);
    await expect(recordVerdict(ctx, number, { leaseVersion: lease, materialCode: 'photo', verdict: 'ok' })).rejects.toMatchObject({ status: 409 });
    await recordVerdict(ctx, number, { leaseVersion: again!.leaseVersion, materialCode: 'photo', verdict: 'ok' });
  });
});

describe('decisions and the status machine', () => {
  it('accepts only when every item is ok, then completes with the document and delivery', async () => {
    const { ctx, number, applicationId, lease } = await claimed();
    await recordVerdict(ctx, number, { leaseVersion: lease, materialCode: 'hukouBook', verdict: 'ok' });
    await expect(acceptApplication(ctx, number, { leaseVersion: lease })).rejects.toMatchObject({
      status: 400,
      code: 'review.notAllOk',
      fieldErrors: { 'verdict-idCollectionReceipt': ['review.unreviewed'], 'verdict-photo': ['review.unreviewed'] },
    });
    await allOk(ctx, number, lease);
    // Completing before acceptance is not a transition the machine lists.
    await expect(completeApplication(ctx, number, { leaseVersion: lease, documentNumber: 'L110101202611230001', delivery: 'pickup' })).rejects.toMatchObject({
      status: 409,
      code: 'transition.notAllowed',
    });
    await acceptApplication(ctx, number, { leaseVersion: lease });
    await expect(acceptApplication(ctx, number, { leaseVersion: lease })).rejects.toMatchObject({ status: 409 });
    await expect(completeApplication(ctx, number, { leaseVersion: lease, documentNumber: ' ', delivery: 'pickup' })).rejects.toMatchObject({
      status: 400,
      fieldErrors: { documentNumber: ['required'] },
    });
    await completeApplication(ctx, number, { leaseVersion: lease, documentNumber: 'L110101202611230001', delivery: 'pickup' });
    const [app] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
    expect(app).toMatchObject({ status: 'completed', result: { kind: 'completed', documentNumber: 'L110101202611230001', delivery: 'pickup' } });
    expect(app.acceptedAt?.toISOString()).toBe('2026-11-23T02:00:00.000Z');
    const [item] = await h.db.select().from(queueItems).where(eq(queueItems.applicationId, applicationId));
    expect(item.state).toBe('done');
    const changes = await h.db.select().from(auditEvents).where(eq(auditEvents.applicationId, applicationId));
    expect(changes.filter((e) => e.toStatus).map((e) => [e.action, e.fromStatus, e.toStatus])).toEqual([
      ['application.submitted', 'draft', 'submitted'],
      ['application.reviewStarted', 'submitted', 'under_review'],
      ['application.accepted', 'under_review', 'accepted'],
      ['application.completed', 'accepted', 'completed'],
    ]);
  });

  it('does not accept (不予受理) with a reason, legal basis and the office to go to', async () => {
    const { ctx, number, applicationId, lease } = await claimed();
    await expect(
      notAcceptApplication(ctx, number, { leaseVersion: lease, reasonCode: 'outsideJurisdiction', note: '户籍不在本辖区' }),
    ).rejects.toMatchObject({ status: 400, fieldErrors: { redirectOfficeCode: ['review.redirectRequired'] } });
    await expect(
      notAcceptApplication(ctx, number, { leaseVersion: lease, reasonCode: 'outsideJurisdiction', redirectOfficeCode: 'bj-dongcheng', note: '户籍不在本辖区' }),
    ).rejects.toMatchObject({ status: 400, fieldErrors: { redirectOfficeCode: ['review.redirectInvalid'] } });
    await notAcceptApplication(ctx, number, {
      leaseVersion: lease,
      reasonCode: 'outsideJurisdiction',
      redirectOfficeCode: 'bj-chaoyang',
      note: '户籍在朝阳区',
    });
    const [app] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
    expect(app).toMatchObject({
      status: 'not_accepted',
      result: { kind: 'not_accepted', reasonCode: 'outsideJurisdiction', legalBasisKey: 'desk:basis.licensingLaw32_1_2', redirectOfficeCode: 'bj-chaoyang' },
    });
    // Terminal: nothing else may follow.
    await expect(acceptApplication(ctx, number, { leaseVersion: lease })).rejects.toMatchObject({ status: 409 });
  });

  it('refuses (不予许可) after acceptance only on one of the service’s legal bases', async () => {
    const { ctx, number, applicationId, lease } = await claimed();
    await expect(
      refuseApplication(ctx, number, { leaseVersion: lease, reasonCode: 'conditionsNotMet', legalBasisKey: 'catalog:basis.idCardLaw12', note: '不符合条件' }),
    ).rejects.toMatchObject({ status: 409, code: 'transition.notAllowed' });
    await allOk(ctx, number, lease);
    await acceptApplication(ctx, number, { leaseVersion: lease });
    await expect(
      refuseApplication(ctx, number, { leaseVersion: lease, reasonCode: 'conditionsNotMet', legalBasisKey: 'catalog:basis.madeUp', note: '不符合条件' }),
    ).rejects.toMatchObject({ status: 400, fieldErrors: { legalBasisKey: ['choice'] } });
    await refuseApplication(ctx, number, { leaseVersion: lease, reasonCode: 'conditionsNotMet', legalBasisKey: 'catalog:basis.idCardLaw12', note: '不符合条件' });
    const [app] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
    expect(app.status).toBe('refused');
  });
});
