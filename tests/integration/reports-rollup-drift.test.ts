import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { DbHandle } from '../../db/client.js';
import type { RollupCounter } from '../../db/schema/reports.js';
import { withdrawApplication } from '../../services/applications/withdraw.js';
import { applyDeemedAcceptance } from '../../services/clock-rules/deemed-acceptance.js';
import { isDomainError } from '../../services/errors.js';
import { claimApplication } from '../../services/queue/claim.js';
import { rateApplication } from '../../services/ratings/ratings.js';
import { replayTrail } from '../../services/reports/projection.js';
import { readRollup, recountRollup } from '../../services/reports/recount.js';
import { runProjections } from '../../services/reports/run-projections.js';
import { rowsOf } from '../../services/sql.js';
import { acceptApplication, completeApplication, notAcceptApplication, refuseApplication } from '../../services/review/decisions.js';
import { grantNoticeOverride, issueNotice } from '../../services/review/notice.js';
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

/** A small seeded generator, so a failing history can be replayed from its seed. */
function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The materials each item of the history is checked against (the last is the one a notice flags):
 * a temporary ID card (one visit for the photo and fingerprints, a fee, collected or posted) and a
 * household certificate (wholly online, free, issued electronically): both ends of the zero-visit
 * figures (decision 0038).
 */
const MATERIALS: Record<string, string[]> = { 'temporary-id-card': ['hukouBook', 'idCollectionReceipt', 'photo'], 'household-certificate': ['idCard'] };
const CERTIFICATE_ANSWERS = { kind: 'kinship', hukouRegion: '110101', purpose: '办理继承公证', filingAs: 'self' };

describe('report rollup', () => {
  it.each([20261123, 7])('never drifts from a full recount over a random history (seed %i)', async (seed) => {
    const rnd = mulberry32(seed);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
    const config = testConfig();
    const clock = fixedClock('2026-11-23T02:00:00.000Z');
    const clerk = await createStaff(h.db);
    const manager = await createStaff(h.db, { role: 'manager' });
    const ctx = testContext(h.db, actorOf(clerk), clock, config);
    const mctx = testContext(h.db, actorOf(manager), clock, config);
    const apps: Awaited<ReturnType<typeof createSubmittedApplication>>[] = [];
    const serviceOf = new Map<string, string>();
    const materialsOf = (n: string) => MATERIALS[serviceOf.get(n) ?? 'temporary-id-card'];

    const claimed = async (n: string) => (await claimApplication(ctx, n)).leaseVersion;
    const actions: Record<string, (n: string, citizen: (typeof apps)[number]['ctx']) => Promise<unknown>> = {
      accept: async (n) => {
        const lv = await claimed(n);
        for (const m of materialsOf(n)) await recordVerdict(ctx, n, { leaseVersion: lv, materialCode: m, verdict: 'ok' });
        await acceptApplication(ctx, n, { leaseVersion: lv });
      },
      notice: async (n) => {
        const lv = await claimed(n);
        const ms = materialsOf(n);
        for (const m of ms) await recordVerdict(ctx, n, { leaseVersion: lv, materialCode: m, verdict: m === ms.at(-1) ? 'missing' : 'ok' });
        if (rnd() < 0.3) await grantNoticeOverride(mctx, n, { reason: '照片要求变更' }).catch(ignore);
        await issueNotice(ctx, n, lv);
      },
      supplement: (n, c) =>
        submitSupplement(c, n, [])
          .catch(ignore)
          .then(async () => submitSupplement(c, n, [{ materialCode: materialsOf(n).at(-1)!, originalName: 'p.pdf', bytes: await sampleFileBytes(['pdf']) }])),
      // A delivery the item does not offer (the post without an address, electronic for the card) is refused and counts nothing.
      complete: async (n) =>
        completeApplication(ctx, n, { leaseVersion: await claimed(n), documentNumber: 'L-1', delivery: pick(['pickup', 'mail', 'electronic'] as const), carrier: 'ems', waybill: 'EMS1234567890' }),
      refuse: async (n) =>
        refuseApplication(ctx, n, { leaseVersion: await claimed(n), reasonCode: 'conditionsNotMet', legalBasisKey: 'catalog:basis.idCardLaw12', note: '不符合条件' }),
      notAccept: async (n) => notAcceptApplication(ctx, n, { leaseVersion: await claimed(n), reasonCode: 'noLicenceNeeded', note: '无需许可' }),
      withdraw: (n, c) => withdrawApplication(c, { number: n, confirmed: true }),
      rateOnline: (n, c) => rateApplication(c, n, { score: 1 + Math.floor(rnd() * 5) }),
      rateWindow: (n) => rateApplication(ctx, n, { score: 1 + Math.floor(rnd() * 5) }),
    };

    for (let step = 0; step < 45; step += 1) {
      const r = rnd();
      if (apps.length < 3 || r < 0.15) {
        const citizen = rnd() < 0.3 ? await createApplicant(h.db, { idNumber: makeIdNumber('310101', '19850505') }) : undefined;
        if (rnd() < 0.35) {
          const app = await createSubmittedApplication(h.db, { clock, config, citizen, serviceCode: 'household-certificate', answers: CERTIFICATE_ANSWERS });
          serviceOf.set(app.number as string, 'household-certificate');
          apps.push(app);
        } else {
          // By post, so a completion may post it (pick chooses the delivery).
          apps.push(await createSubmittedApplication(h.db, { clock, config, citizen, answers: { ...VALID_ANSWERS['temporary-id-card'], delivery: 'mail', ...EXAMPLE_ADDRESS } }));
        }
      } else if (r < 0.25) {
        clock.advance(Math.floor(rnd() * 4) * 86_400_000);
        await applyDeemedAcceptance(ctx);
      } else if (r < 0.32) {
        // The worker's step, at random points of the history: applied in pieces, counted once.
        await runProjections(h.db);
      } else {
        const app = pick(apps);
        const name = pick(Object.keys(actions));
        // Most attempts are refused by the status machine (409) or a guard (400): refused work must count nothing.
        await actions[name](app.number, app.ctx).catch(ignore);
      }
    }
    // And a few completions whatever the seed, one of each way a result travels (decision 0038).
    const fresh = async (serviceCode: string) => {
      const app =
        serviceCode === 'household-certificate'
          ? await createSubmittedApplication(h.db, { clock, config, serviceCode, answers: CERTIFICATE_ANSWERS })
          : await createSubmittedApplication(h.db, { clock, config, answers: { ...VALID_ANSWERS['temporary-id-card'], delivery: 'mail', ...EXAMPLE_ADDRESS } });
      serviceOf.set(app.number as string, serviceCode);
      await actions.accept(app.number as string, app.ctx);
      return app.number as string;
    };
    for (const [serviceCode, delivery] of [['household-certificate', 'electronic'], ['household-certificate', 'pickup'], ['temporary-id-card', 'mail'], ['temporary-id-card', 'pickup']] as const) {
      const n = await fresh(serviceCode);
      await completeApplication(ctx, n, { leaseVersion: await claimed(n), documentNumber: 'L-2', delivery });
      if (rnd() < 0.5) await runProjections(h.db);
    }
    // What the worker does shortly after: the live figures are the projection of the trail.
    await runProjections(h.db);
    const rollup = await readRollup(h.db);
    const sum = (c: RollupCounter) => rollup.daily.reduce((s, r) => s + r[c], 0);
    // The history is not trivial: work was received, decided and rated.
    expect(sum('received')).toBeGreaterThan(3);
    expect(sum('accepted') + sum('notices') + sum('withdrawn') + sum('notAccepted')).toBeGreaterThan(0);
    // Processing times, clerks and missing materials were tallied too.
    expect(rollup.daily.some((r) => Object.keys(r.clerkDecided).length > 0)).toBe(true);
    const recount = await recountRollup(h.db);
    expect(rollup).toEqual(recount);
    // Running it again changes nothing: every event was applied exactly once.
    expect((await runProjections(h.db)).reportEvents).toBe(0);
    expect(await readRollup(h.db)).toEqual(recount);
    // The bulk load's one-pass replay (seed:volume) writes the same rollup and leaves the cursor
    // where the worker left it: nothing more to apply.
    const [cursor] = rowsOf<{ xact: string; audit_id: string }>(await h.db.execute(sql`select xact::text, audit_id::text from projection_cursors where name = 'reports'`));
    expect(await replayTrail(h.db, 7)).toBeGreaterThan(7);
    expect(await readRollup(h.db)).toEqual(recount);
    expect(rowsOf(await h.db.execute(sql`select xact::text, audit_id::text from projection_cursors where name = 'reports'`))).toEqual([cursor]);
    expect((await runProjections(h.db)).reportEvents).toBe(0);
    // The trail carried every fact: the figures agree with the raw tables they describe.
    const [raw] = rowsOf<Record<string, number | string>>(
      await h.db.execute(sql`select
        (select count(*) from applications where submitted_at is not null) as received,
        (select count(*) from applications where status = 'completed') as completed,
        (select count(*) from applications where status = 'refused') as refused,
        (select count(*) from notices) as notices,
        (select count(*) from ratings) as ratings,
        (select count(*) from ratings where score >= 3) as "ratingsSatisfied",
        (select count(*) from notices n, jsonb_array_elements(n.items)) as missing`),
    );
    for (const c of ['received', 'completed', 'refused', 'notices', 'ratings', 'ratingsSatisfied'] as const) expect(sum(c), c).toBe(Number(raw[c]));
    // The visits (decision 0038), from the raw tables: the household certificate has no step in
    // person and no fee, so it is visit-free unless collected; the card's photo and fingerprints
    // are one visit, and collecting it a second (its fee is paid in a visit made anyway).
    const [visits] = rowsOf<Record<string, number | string>>(
      await h.db.execute(sql`select
        (select count(*) from applications a join result_handovers r on r.application_id = a.id
          where a.status = 'completed' and a.service_code = 'household-certificate' and r.channel <> 'pickup') as "zero",
        (select count(*) from applications a join result_handovers r on r.application_id = a.id
          where a.status = 'completed' and a.service_code = 'temporary-id-card' and r.channel = 'pickup') as "twice"`),
    );
    expect(sum('completedZeroVisits')).toBeGreaterThan(0);
    expect(sum('completedZeroVisits')).toBe(Number(visits.zero));
    expect(sum('completedAtMostOneVisit')).toBe(sum('completed') - Number(visits.twice));
    const missing = rollup.daily.reduce((s, r) => s + Object.values(r.missing).reduce((a, b) => a + b, 0), 0);
    expect(missing).toBe(Number(raw.missing));
  }, 240_000);
});

function ignore(e: unknown) {
  if (!isDomainError(e)) throw e;
}
