import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications, offices, queueItems, users } from '../../db/schema/index.js';
import { getMyApplication } from '../../services/applications/read.js';
import { submitApplication } from '../../services/applications/submit.js';
import { applicableMaterials, getService, REGISTERED_HUKOU_KEY } from '../../services/catalog/index.js';
import { exampleIdNumber } from '../../services/catalog/examples.js';
import { forgetReference } from '../../services/reference-cache.js';
import { claimNext } from '../../services/queue/claim.js';
import { getReport } from '../../services/reports/metrics.js';
import { runProjections } from '../../services/reports/run-projections.js';
import { readRollup, recountRollup } from '../../services/reports/recount.js';
import { acceptApplication, completeApplication } from '../../services/review/decisions.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { DomainError } from '../../services/errors.js';
import { createTestDb } from '../setup/test-db.js';
import { createApplicant, createSubmittedApplication, sampleFileBytes } from '../support/applications.js';
import { actorOf, createStaff, fixedClock, makeIdNumber, testContext } from '../support/factories.js';
import { fastConfig } from '../support/integrations.js';

/**
 * Tracker issue 15 on a real database: routing of the household certificate, whose matter an
 * application is (and whom the external checks ask about), the answer-dependent limits, and the
 * same-day due date that reports judge 按时办结率 by (docs/decisions/0021).
 */

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const config = fastConfig();
/** Monday 2026-11-23, 10:00 in China. */
const MORNING = '2026-11-23T02:00:00.000Z';
/** Monday 2026-11-23, 22:00 in China: after office hours. */
const EVENING = '2026-11-23T14:00:00.000Z';
/** The simulated controls hit this number (tests/mocks/data.ts). */
const CONTROLLED = '110101198001010037';

async function filesFor(serviceCode: string) {
  const def = getService(serviceCode);
  return Promise.all(def.materials.map(async (m) => ({ materialCode: m.code, originalName: `${m.code}.pdf`, bytes: await sampleFileBytes(m.accept) })));
}

async function file(citizen: Awaited<ReturnType<typeof createApplicant>>, serviceCode: string, rawAnswers: Record<string, string>, at = MORNING) {
  const applicationId = randomUUID();
  await submitApplication(testContext(h.db, actorOf(citizen), fixedClock(at), config), { applicationId, serviceCode, rawAnswers, files: await filesFor(serviceCode) });
  const [app] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
  return app;
}

async function refusal(p: Promise<unknown>): Promise<DomainError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DomainError);
  return e as DomainError;
}

describe('household certificate: routed to the station of the registration place', () => {
  const answers = (hukouRegion: string) => ({ kind: 'kinship', hukouRegion, purpose: '办理继承公证', filingAs: 'self' });

  it('goes to the office covering the region, the most specific first', async () => {
    const citizen = await createApplicant(h.db);
    expect((await file(citizen, 'household-certificate', answers('110105'))).officeCode).toBe('bj-chaoyang');
    expect((await file(citizen, 'household-certificate', answers('110101'))).officeCode).toBe('bj-dongcheng');
    expect((await file(citizen, 'household-certificate', answers('310104'))).officeCode).toBe('sh-huangpu');
  });

  it('is refused beside the region, and nothing submitted, when no office here covers it', async () => {
    const [huangpu] = await h.db.select().from(offices).where(eq(offices.code, 'sh-huangpu'));
    await h.db.update(offices).set({ regionPrefixes: ['310101', '310104'] }).where(eq(offices.code, 'sh-huangpu'));
    forgetReference(h.db);
    try {
      const citizen = await createApplicant(h.db);
      const applicationId = randomUUID();
      const ctx = testContext(h.db, actorOf(citizen), fixedClock(MORNING), config);
      const e = await refusal(
        submitApplication(ctx, { applicationId, serviceCode: 'household-certificate', rawAnswers: answers('310115'), files: await filesFor('household-certificate') }),
      );
      expect(e).toMatchObject({ status: 400, fieldErrors: { hukouRegion: ['apply.noOfficeForRegion'] } });
      const [app] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
      expect(app).toMatchObject({ status: 'draft', number: null });
    } finally {
      await h.db.update(offices).set({ regionPrefixes: huangpu.regionPrefixes }).where(eq(offices.code, 'sh-huangpu'));
      forgetReference(h.db);
    }
  });

  it('filing as an agent asks for the power of attorney signed by both', async () => {
    const citizen = await createApplicant(h.db);
    const app = await file(citizen, 'household-certificate', { ...answers('110101'), filingAs: 'agent', subjectName: '李四', subjectIdNumber: makeIdNumber('110105', '19700101') });
    expect(app.status).toBe('submitted');
    expect(applicableMaterials(getService('household-certificate'), app.answers, { today: '2026-11-23' }).map((m) => m.code)).toEqual([
      'idCard',
      'powerOfAttorney',
      'agentIdCard',
    ]);
  });
});

describe('whose records: the subject, and every external check on the subject', () => {
  const records = (extra: Record<string, string> = {}) => ({ officeCode: 'bj-dongcheng', filingAs: 'self', delivery: 'electronic', ...extra });

  it('the record inquiry for oneself checks the account holder', async () => {
    const controlled = await createApplicant(h.db, { idNumber: CONTROLLED });
    expect(await file(controlled, 'entry-exit-records', records())).toMatchObject({ status: 'submitted', manualCheck: 'controlsHit' });
    const clean = await createApplicant(h.db);
    expect(await file(clean, 'entry-exit-records', records())).toMatchObject({ status: 'submitted', manualCheck: null });
  });

  it('an agent’s filing checks the principal, not the agent', async () => {
    const agent = await createApplicant(h.db);
    const app = await file(agent, 'entry-exit-records', records({ filingAs: 'agent', subjectName: '王五', subjectIdNumber: CONTROLLED }));
    expect(app).toMatchObject({ status: 'submitted', manualCheck: 'controlsHit' });
  });

  it('filing "as an agent" for one’s own number is refused beside the field', async () => {
    const citizen = await createApplicant(h.db);
    const ctx = testContext(h.db, actorOf(citizen), fixedClock(MORNING), config);
    const rawAnswers = records({ filingAs: 'agent', subjectName: citizen.realName, subjectIdNumber: citizen.idNumber! });
    const e = await refusal(submitApplication(ctx, { applicationId: randomUUID(), serviceCode: 'entry-exit-records', rawAnswers, files: await filesFor('entry-exit-records') }));
    expect(e).toMatchObject({ code: 'application.agentForSelf', status: 400, fieldErrors: { subjectIdNumber: ['apply.agentForSelf'] } });
  });

  it('a passport for another adult is refused; for one’s child under 16 the controls ask about the child, not the parent', async () => {
    // The parent is the controlled person; the child is not.
    const [existing] = await h.db.select().from(users).where(eq(users.idNumber, CONTROLLED));
    const parent = existing ?? (await createApplicant(h.db, { idNumber: CONTROLLED }));
    const passport = (idNumber: string) => ({ idNumber, officeCode: 'bj-dongcheng', applicationType: 'first', stateFunctionary: 'no', delivery: 'pickup' });
    const ctx = testContext(h.db, actorOf(parent), fixedClock(MORNING), config);
    const e = await refusal(
      submitApplication(ctx, { applicationId: randomUUID(), serviceCode: 'passport', rawAnswers: passport(makeIdNumber('110105', '19750101')), files: await filesFor('passport') }),
    );
    expect(e).toMatchObject({ code: 'application.notYourIdNumber', status: 400, fieldErrors: { idNumber: ['apply.notYourIdNumber'] } });
    const child = exampleIdNumber('110101', '20150601');
    expect(await file(parent, 'passport', passport(child))).toMatchObject({ status: 'submitted', manualCheck: null });
    expect(await file(parent, 'passport', passport(CONTROLLED))).toMatchObject({ status: 'submitted', manualCheck: 'controlsHit' });
  });
});

describe('limits that depend on the answers, as due dates', () => {
  it('an HK/Macao endorsement alone is due on the spot; a new permit in 7 working days', async () => {
    const citizen = await createApplicant(h.db);
    const base = { idNumber: citizen.idNumber!, officeCode: 'bj-dongcheng', endorsementType: 'G', trips: 'single', stateFunctionary: 'no', delivery: 'pickup' };
    const only = await file(citizen, 'hk-macao-permit', { ...base, holdsValidPermit: 'yes', permitNumber: 'C12345678' });
    expect(only.dueDate).toBe('2026-11-23');
    const permit = await file(citizen, 'hk-macao-permit', { ...base, holdsValidPermit: 'no' });
    expect(permit.dueDate).toBe('2026-12-02');
    // The citizen's page promises the same: on the spot with no visit, or 7 working days with one.
    const ctx = testContext(h.db, actorOf(citizen), fixedClock(MORNING), config);
    expect(await getMyApplication(ctx, only.number!)).toMatchObject({ committed: { days: 0, unit: 'working' }, handling: { visits: 0 } });
    expect(await getMyApplication(ctx, permit.number!)).toMatchObject({ committed: { days: 7, unit: 'working' }, handling: { visits: 1 } });
  });

  it('a passport at the hukou province in 7 working days, in another province in 20 days (the registry says where)', async () => {
    // 张三 of the simulated registry is registered in 110101 (Beijing).
    const [existing] = await h.db.select().from(users).where(eq(users.idNumber, '110101199003071233'));
    const zhang = existing ?? (await createApplicant(h.db, { idNumber: '110101199003071233', realName: '张三' }));
    const passport = (officeCode: string) => ({ idNumber: zhang.idNumber!, officeCode, applicationType: 'first', stateFunctionary: 'no', delivery: 'pickup' });
    const home = await file(zhang, 'passport', passport('bj-dongcheng'));
    expect(home).toMatchObject({ dueDate: '2026-12-02', answers: { [REGISTERED_HUKOU_KEY]: '110101' } });
    // 2026-11-23 + 20 days = Sunday 2026-12-13, so Monday 2026-12-14.
    const away = await file(zhang, 'passport', passport('sh-huangpu'));
    expect(away.dueDate).toBe('2026-12-14');
    const ctx = testContext(h.db, actorOf(zhang), fixedClock(MORNING), config);
    expect(await getMyApplication(ctx, away.number!)).toMatchObject({ committed: { days: 20, unit: 'calendar' } });
    expect(await getMyApplication(ctx, home.number!)).toMatchObject({ committed: { days: 7, unit: 'working' } });
    // Someone the registry does not know: the longer limit.
    const unknown = await createApplicant(h.db);
    expect((await file(unknown, 'passport', { ...passport('bj-dongcheng'), idNumber: unknown.idNumber! })).dueDate).toBe('2026-12-14');
  });
});

describe('same-day items: the due date of an evening filing, and 按时办结率 on the stored due date', () => {
  it('a birth registration filed at 22:00 is due the next working day and, completed then, counts on time', async () => {
    const answers = { hukouRegion: '110101', childName: '张小明', childSex: 'male', childBirthDate: '2026-11-01', registeredWith: 'mother', parentsMarried: 'yes' };
    const clock = fixedClock(MORNING);
    const morning = await createSubmittedApplication(h.db, { serviceCode: 'birth-registration', answers, clock, config });
    clock.set(EVENING);
    const evening = await createSubmittedApplication(h.db, { serviceCode: 'birth-registration', answers, clock, config });
    const due = async (number: string) => (await h.db.select().from(applications).where(eq(applications.number, number)))[0].dueDate;
    expect(await due(morning.number)).toBe('2026-11-23');
    expect(await due(evening.number)).toBe('2026-11-24');
    const [item] = await h.db.select().from(queueItems).where(eq(queueItems.applicationId, evening.applicationId));
    expect(item.dueDate).toBe('2026-11-24');

    // Tuesday morning: the evening filing is completed, on time by its promise.
    clock.set('2026-11-24T02:00:00.000Z');
    const clerk = await createStaff(h.db);
    const ctx = testContext(h.db, actorOf(clerk), clock, config);
    for (;;) {
      const claim = await claimNext(ctx);
      if (!claim) break;
      const [app] = await h.db.select().from(applications).where(eq(applications.number, claim.number));
      for (const m of applicableMaterials(getService(app.serviceCode), app.answers, { today: '2026-11-24' })) {
        await recordVerdict(ctx, claim.number, { leaseVersion: claim.leaseVersion, materialCode: m.code, verdict: 'ok' });
      }
      await acceptApplication(ctx, claim.number, { leaseVersion: claim.leaseVersion });
      if (claim.number !== evening.number) continue;
      await completeApplication(ctx, claim.number, { leaseVersion: claim.leaseVersion, documentNumber: 'B-0001', delivery: 'pickup' });
      break;
    }
    // The worker's step: the figures are the projection of the trail.
    await runProjections(h.db);
    const manager = await createStaff(h.db, { role: 'manager', managerScope: 'office' });
    const r = await getReport(testContext(h.db, actorOf(manager), clock, config), { from: '2026-11-24', to: '2026-11-24', serviceCode: 'birth-registration' });
    expect(r.totals).toMatchObject({ completed: 1, completedOnTime: 1 });
    expect(await readRollup(h.db)).toEqual(await recountRollup(h.db));
  });
});
