import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { rectifications } from '../../db/schema/index.js';
import { withdrawApplication } from '../../services/applications/withdraw.js';
import { applyDeemedAcceptance } from '../../services/clock-rules/deemed-acceptance.js';
import { claimNext } from '../../services/queue/claim.js';
import { rateApplication } from '../../services/ratings/ratings.js';
import { getReport } from '../../services/reports/metrics.js';
import { readRollup, recountRollup } from '../../services/reports/recount.js';
import { runProjections } from '../../services/reports/run-projections.js';
import { acceptApplication, completeApplication } from '../../services/review/decisions.js';
import { issueNotice } from '../../services/review/notice.js';
import { submitSupplement } from '../../services/review/supplement.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { actorOf, createStaff, fixedClock, makeIdNumber, testConfig, testContext } from '../support/factories.js';
import { createApplicant, createSubmittedApplication, sampleFileBytes, VALID_ANSWERS } from '../support/applications.js';
import { EXAMPLE_ADDRESS } from '../../services/catalog/examples.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const config = testConfig();
const MATERIALS = ['hukouBook', 'idCollectionReceipt', 'photo'];

/**
 * A hand-made history with known answers (all at bj-dongcheng, temporary ID card, due one working
 * day after receipt):
 * - Mon 11-23: A, B, C, D received (C's applicant holds a Shanghai ID: cross-province).
 *   A accepted and completed the same day (one visit, on time). B gets a notice (receipt missing,
 *   photo deficient). C withdrawn by the citizen.
 * - Tue 11-24: B supplemented, accepted and completed (on time: due 11-24), after one notice.
 * - Tue 12-01: D deemed accepted (completeness deadline 11-30 passed); A rated 5 online, B rated 2
 *   at the window (a bad review: rectification due five working days later).
 */
async function handMadeHistory() {
  const clock = fixedClock('2026-11-23T02:00:00.000Z');
  const a = await createSubmittedApplication(h.db, { clock, config });
  const b = await createSubmittedApplication(h.db, { clock, config, answers: { ...VALID_ANSWERS['temporary-id-card'], delivery: 'mail', ...EXAMPLE_ADDRESS } });
  const shanghai = await createApplicant(h.db, { idNumber: makeIdNumber('310101', '19800101') });
  const c = await createSubmittedApplication(h.db, { clock, config, citizen: shanghai });
  const d = await createSubmittedApplication(h.db, { clock, config });
  const clerk = await createStaff(h.db);
  const ctx = testContext(h.db, actorOf(clerk), clock, config);

  // claimNext takes them in receipt order: A first, then B.
  let claim = (await claimNext(ctx))!;
  expect(claim.number).toBe(a.number);
  for (const m of MATERIALS) await recordVerdict(ctx, a.number, { leaseVersion: claim.leaseVersion, materialCode: m, verdict: 'ok' });
  await acceptApplication(ctx, a.number, { leaseVersion: claim.leaseVersion });
  await completeApplication(ctx, a.number, { leaseVersion: claim.leaseVersion, documentNumber: 'L-0001', delivery: 'pickup' });

  claim = (await claimNext(ctx))!;
  expect(claim.number).toBe(b.number);
  await recordVerdict(ctx, b.number, { leaseVersion: claim.leaseVersion, materialCode: 'hukouBook', verdict: 'ok' });
  await recordVerdict(ctx, b.number, { leaseVersion: claim.leaseVersion, materialCode: 'idCollectionReceipt', verdict: 'missing' });
  await recordVerdict(ctx, b.number, { leaseVersion: claim.leaseVersion, materialCode: 'photo', verdict: 'deficient', reasonCode: 'photoSpec' });
  await issueNotice(ctx, b.number, claim.leaseVersion);

  await withdrawApplication(c.ctx, { number: c.number, confirmed: true });

  clock.set('2026-11-24T02:00:00.000Z');
  await submitSupplement(b.ctx, b.number, [
    { materialCode: 'idCollectionReceipt', originalName: 'r.pdf', bytes: await sampleFileBytes(['pdf']) },
    { materialCode: 'photo', originalName: 'p.jpg', bytes: await sampleFileBytes(['jpeg']) },
  ]);
  claim = (await claimNext(ctx))!;
  expect(claim.number).toBe(b.number);
  for (const m of ['idCollectionReceipt', 'photo']) await recordVerdict(ctx, b.number, { leaseVersion: claim.leaseVersion, materialCode: m, verdict: 'ok' });
  await acceptApplication(ctx, b.number, { leaseVersion: claim.leaseVersion });
  await completeApplication(ctx, b.number, { leaseVersion: claim.leaseVersion, documentNumber: 'L-0002', delivery: 'mail', carrier: 'ems', waybill: 'EMS1234567890' });

  clock.set('2026-12-01T02:00:00.000Z');
  expect(await applyDeemedAcceptance(ctx)).toEqual([d.number]);
  await rateApplication(a.ctx, a.number, { score: 5, comment: '很快' });
  await rateApplication(ctx, b.number, { score: 2 });
  // The worker's step: the figures are the projection of this trail.
  await runProjections(h.db);
  return { clock, clerk, a, b, c, d };
}

describe('report metrics on a hand-made history', () => {
  it('computes every figure with the known answers, and the rollup equals a full recount', async () => {
    const { clock, clerk } = await handMadeHistory();
    const manager = await createStaff(h.db, { role: 'manager', managerScope: 'office' });
    const mctx = testContext(h.db, actorOf(manager), clock, config);
    const r = await getReport(mctx, { from: '2026-11-23', to: '2026-12-01' });

    expect(r.totals).toEqual({
      received: 4,
      accepted: 3,
      completed: 2,
      refused: 0,
      notAccepted: 0,
      withdrawn: 1,
      deemedAccepted: 1,
      notices: 1,
      overrideNotices: 0,
      receivedCrossProvince: 1,
      completedOnTime: 2,
      completedOneVisit: 1,
      // A: photo and fingerprints on site, collected in person (two visits); B: on site once, posted (decision 0038).
      completedZeroVisits: 0,
      completedAtMostOneVisit: 1,
      ratings: 2,
      ratingsSatisfied: 1,
    });
    expect(r.rates).toEqual({ onTimeRate: 1, oneVisitRate: 0.5, zeroVisitRate: 0, atMostOneVisitRate: 0.5, satisfaction: 0.5, crossProvinceShare: 0.25, noticesPerApplication: 0.25 });
    expect(r.series).toEqual([
      { period: '2026-11-23', received: 4, accepted: 1, completed: 1, refused: 0 },
      { period: '2026-11-24', received: 0, accepted: 1, completed: 1, refused: 0 },
      { period: '2026-12-01', received: 0, accepted: 1, completed: 0, refused: 0 },
    ]);
    // D is the backlog: accepted, received eight days ago.
    expect(r.backlog).toEqual({ total: 1, buckets: [ { bucket: '0-5', count: 0 }, { bucket: '6-10', count: 1 }, { bucket: '11-20', count: 0 }, { bucket: '21+', count: 0 }] });
    // A: 0 working days; B: 1 working day, all of it waiting for the citizen.
    expect(r.processing).toEqual({
      total: { count: 2, median: 0, p90: 1 },
      office: { count: 2, median: 0, p90: 0 },
      waiting: { count: 2, median: 0, p90: 1 },
    });
    expect(r.clerks).toEqual([{ clerkId: clerk.id, staffNo: clerk.staffNo, decided: 4, completed: 2 }]);
    expect(r.missing).toEqual([
      { serviceCode: 'temporary-id-card', materialCode: 'idCollectionReceipt', count: 1 },
      { serviceCode: 'temporary-id-card', materialCode: 'photo', count: 1 },
    ]);

    const week = await getReport(mctx, { from: '2026-11-23', to: '2026-12-01', period: 'week' });
    expect(week.series.map((s) => [s.period, s.received, s.accepted, s.completed])).toEqual([
      ['2026-11-23', 4, 2, 2],
      ['2026-11-30', 0, 1, 0],
    ]);
    const month = await getReport(mctx, { from: '2026-11-23', to: '2026-12-01', period: 'month' });
    expect(month.series.map((s) => [s.period, s.accepted])).toEqual([
      ['2026-11-01', 2],
      ['2026-12-01', 1],
    ]);
    // Filters narrow every figure: only 12-01, only traffic.
    const lastDay = await getReport(mctx, { from: '2026-12-01', to: '2026-12-01' });
    expect(lastDay.totals).toMatchObject({ received: 0, accepted: 1, deemedAccepted: 1, ratings: 2 });
    expect((await getReport(mctx, { from: '2026-11-23', to: '2026-12-01', department: 'traffic' })).totals.received).toBe(0);

    const [rect] = await h.db.select().from(rectifications);
    expect(rect.deadline).toBe('2026-12-08');

    expect(await readRollup(h.db)).toEqual(await recountRollup(h.db));
  });

  it('scopes by manager: another office sees nothing, a city manager sees the office, other cities are 404', async () => {
    const { clock } = await handMadeHistory();
    const other = await createStaff(h.db, { role: 'manager', managerScope: 'office', officeCode: 'bj-chaoyang' });
    const city = await createStaff(h.db, { role: 'manager', managerScope: 'city', officeCode: 'bj-chaoyang' });
    const range = { from: '2026-11-23', to: '2026-12-01' };
    expect((await getReport(testContext(h.db, actorOf(other), clock, config), range)).totals.received).toBe(0);
    const c = await getReport(testContext(h.db, actorOf(city), clock, config), range);
    expect(c.totals.received).toBe(4);
    expect(c.offices).toContain('bj-dongcheng');
    await expect(getReport(testContext(h.db, actorOf(other), clock, config), { ...range, officeCode: 'bj-dongcheng' })).rejects.toMatchObject({ status: 404 });
    const clerk = await createStaff(h.db);
    await expect(getReport(testContext(h.db, actorOf(clerk), clock, config), range)).rejects.toMatchObject({ status: 403 });
  });

  it('refuses bad filters with field errors', async () => {
    const manager = await createStaff(h.db, { role: 'manager' });
    const ctx = testContext(h.db, actorOf(manager), fixedClock(), config);
    await expect(getReport(ctx, { from: '2026-13-45' })).rejects.toMatchObject({ status: 400, fieldErrors: { from: ['reports.dateInvalid'] } });
    await expect(getReport(ctx, { from: '2026-12-02', to: '2026-12-01' })).rejects.toMatchObject({ status: 400, fieldErrors: { to: ['reports.rangeInvalid'] } });
    await expect(getReport(ctx, { from: '2020-01-01', to: '2026-12-01' })).rejects.toMatchObject({ status: 400, fieldErrors: { from: ['reports.rangeTooLong'] } });
    await expect(getReport(ctx, { period: 'year' as 'day' })).rejects.toMatchObject({ status: 400, fieldErrors: { period: ['choice'] } });
  });
});
