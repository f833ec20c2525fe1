import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications, auditEvents, messages, queueItems, users } from '../../db/schema/index.js';
import { resources } from '../../locales/index.js';
import { action as applyAction, loader as applyLoader } from '../../app/routes/services.$code.apply.js';
import type { ApplyFormView } from '../../services/applications/form-view.js';
import { submitApplication } from '../../services/applications/submit.js';
import { signUpWithCode as signUp } from '../support/codes.js';
import { applicableMaterials, getService, sharedMaterials } from '../../services/catalog/index.js';
import { recheckIdentities } from '../../services/integrations/identity.js';
import { controlsRoutes } from '../mocks/exit-entry-controls.js';
import { mockServer } from '../mocks/node.js';
import { registryRoutes } from '../mocks/population-registry.js';
import { failures } from '../mocks/scenarios.js';
import { vehicleOwnedBy, vehicleRoutes } from '../mocks/vehicle-records.js';
import { createTestDb } from '../setup/test-db.js';
import { createApplicant, sampleFileBytes } from '../support/applications.js';
import { actorOf, appContext, fixedClock, makeIdNumber, makeMobile, sessionCookieFor, testContext } from '../support/factories.js';
import { fastConfig } from '../support/integrations.js';
import { files, get, post, run } from '../support/requests.js';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const config = fastConfig();
const TODAY_CLOCK = () => fixedClock();

async function filesFor(serviceCode: string, only?: string[]) {
  const def = getService(serviceCode);
  return Promise.all(
    def.materials
      .filter((m) => !only || only.includes(m.code))
      .map(async (m) => ({ materialCode: m.code, originalName: `${m.code}.pdf`, bytes: await sampleFileBytes(m.accept) })),
  );
}

const inspection = (plate: string) => ({
  plate,
  filingAs: 'owner',
  // What the citizen typed; the records decide (a van registered in 2010 would need an on-site test).
  vehicleType: 'van',
  registrationDate: '2010-05-01',
  delivery: 'electronic',
});

async function nothingSubmitted(applicationId: string) {
  const [app] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
  expect(app).toMatchObject({ status: 'draft', number: null, submittedAt: null });
  expect(await h.db.select().from(queueItems).where(eq(queueItems.applicationId, applicationId))).toEqual([]);
  expect(await h.db.select().from(messages).where(eq(messages.applicationId, applicationId))).toEqual([]);
  const audit = await h.db.select().from(auditEvents).where(eq(auditEvents.applicationId, applicationId));
  expect(audit.filter((a) => a.action === 'application.submitted')).toEqual([]);
  return app;
}

describe('sign-up and the population registry', () => {
  const person = () => ({ realName: '王小明', idNumber: makeIdNumber(), mobile: makeMobile(), password: 'a long enough password', confirmPassword: 'a long enough password' });

  it('registry down at sign-up: the citizen still signs up, unverified; verification is retried later', async () => {
    mockServer.use(failures.serverError(registryRoutes.identityCheck));
    const clock = fixedClock();
    const input = person();
    const { userId } = await signUp(testContext(h.db, { kind: 'anonymous' }, clock, config), input as never);
    let [u] = await h.db.select().from(users).where(eq(users.id, userId));
    expect(u).toMatchObject({ identityVerified: false, identityCheckAttempts: 0 });
    expect(u.identityRecheckAt!.getTime()).toBe(clock.now().getTime() + config.integrations.outbox.baseDelayMs);

    // Not yet due: nothing asked.
    expect(await recheckIdentities({ db: h.db, clock, config })).toEqual({ verified: 0, refused: 0, deferred: 0 });
    // Due, registry still down: asked, deferred with a longer delay.
    clock.advance(config.integrations.outbox.baseDelayMs);
    expect(await recheckIdentities({ db: h.db, clock, config })).toMatchObject({ deferred: 1 });
    [u] = await h.db.select().from(users).where(eq(users.id, userId));
    expect(u.identityRecheckAt!.getTime()).toBe(clock.now().getTime() + 2 * config.integrations.outbox.baseDelayMs);

    // The registry is back: verified, and no more re-checks.
    mockServer.resetHandlers();
    clock.advance(2 * config.integrations.outbox.baseDelayMs);
    expect(await recheckIdentities({ db: h.db, clock, config })).toMatchObject({ verified: 1 });
    [u] = await h.db.select().from(users).where(eq(users.id, userId));
    expect(u).toMatchObject({ identityVerified: true, identityRecheckAt: null, identityCheckAttempts: 2 });
  });

  it('a registry timeout at sign-up is the same: signed up, unverified', async () => {
    mockServer.use(failures.slow(registryRoutes.identityCheck));
    const { userId } = await signUp(testContext(h.db, { kind: 'anonymous' }, fixedClock(), config), person() as never);
    const [u] = await h.db.select().from(users).where(eq(users.id, userId));
    expect(u.identityVerified).toBe(false);
    expect(u.identityRecheckAt).not.toBeNull();
  });

  it('a name that does not match the ID number is refused beside both fields, and no account exists', async () => {
    const input = { ...person(), idNumber: '110101199003071233', realName: '不是张三' };
    await expect(signUp(testContext(h.db, { kind: 'anonymous' }, fixedClock(), config), input as never)).rejects.toMatchObject({
      code: 'identity.mismatch',
      status: 400,
      fieldErrors: { realName: ['identity.mismatch'], idNumber: ['identity.mismatch'] },
    });
    expect(await h.db.select().from(users).where(eq(users.idNumber, '110101199003071233'))).toEqual([]);
  });

  it('a registry that answers garbage does not stop the sign-up either', async () => {
    mockServer.use(failures.malformed(registryRoutes.identityCheck));
    await expect(signUp(testContext(h.db, { kind: 'anonymous' }, fixedClock(), config), person() as never)).resolves.toHaveProperty('userId');
  });
});

describe('inspection mark and vehicle records', () => {
  it('is refused before submission while anything is unsettled, listing it; the draft is kept', async () => {
    const citizen = await createApplicant(h.db);
    mockServer.use(vehicleOwnedBy('京B67890', citizen));
    const ctx = testContext(h.db, actorOf(citizen), TODAY_CLOCK(), config);
    const applicationId = randomUUID();
    const err = await submitApplication(ctx, {
      applicationId,
      serviceCode: 'inspection-mark',
      rawAnswers: inspection('京B67890'),
      files: await filesFor('inspection-mark'),
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'vehicle.unsettled',
      status: 400,
      params: {
        plate: '京B67890',
        count: 2,
        violations: 'WF110101202609120031 (2026-09-12, 东直门南大街)',
        accidents: 'SG110101202610030007 (2026-10-03, 朝阳门北大街)',
      },
      fieldErrors: { plate: ['vehicle.unsettled'] },
    });
    const app = await nothingSubmitted(applicationId);
    expect(app.answers).toMatchObject({ plate: '京B67890' });
  });

  it('vehicle system timeout: the citizen sees "try again later" in their language, and nothing is saved half', async () => {
    mockServer.use(failures.slow(vehicleRoutes.byPlate));
    const citizen = await createApplicant(h.db);
    const clock = fixedClock();
    const cookie = await sessionCookieFor(h.db, clock, citizen.id);
    const applicationId = randomUUID();
    const fields = {
      applicationId,
      intent: 'submit',
      ...inspection('京A12345'),
      'material.drivingLicense': files.pdf(),
      'material.compulsoryInsurance': files.pdf(),
      'material.vehicleTaxProof': files.pdf(),
      'material.inspectionCertificate': files.pdf(),
    };
    for (const lng of ['en', 'zh-CN'] as const) {
      const res = await run(
        applyAction,
        post('/services/inspection-mark/apply', fields, { cookie, lng }),
        appContext(h.db, clock, config),
        { code: 'inspection-mark' },
      );
      expect(res.status).toBe(503);
      const body = (await res.json()) as { lastResult: { error: Record<string, string[]> } };
      expect(body.lastResult.error['']).toEqual(['errors:integration.timeout|{"system":"vehicleRecords"}']);
      expect(resources[lng].errors.integration.timeout).toMatch(lng === 'en' ? /try again later/ : /请稍后再试/);
    }
    await nothingSubmitted(applicationId);
  });

  it('the vehicle system down (5xx) is the same: 503, nothing submitted', async () => {
    mockServer.use(failures.serverError(vehicleRoutes.byPlate));
    const citizen = await createApplicant(h.db);
    const applicationId = randomUUID();
    await expect(
      submitApplication(testContext(h.db, actorOf(citizen), TODAY_CLOCK(), config), {
        applicationId,
        serviceCode: 'inspection-mark',
        rawAnswers: inspection('京A12345'),
        files: await filesFor('inspection-mark'),
      }),
    ).rejects.toMatchObject({ code: 'integration.unavailable', status: 503 });
    await nothingSubmitted(applicationId);
  });

  it('an unknown plate is refused beside the plate field', async () => {
    const citizen = await createApplicant(h.db);
    await expect(
      submitApplication(testContext(h.db, actorOf(citizen), TODAY_CLOCK(), config), {
        applicationId: randomUUID(),
        serviceCode: 'inspection-mark',
        rawAnswers: inspection('京Z99999'),
        files: await filesFor('inspection-mark'),
      }),
    ).rejects.toMatchObject({ code: 'vehicle.notFound', status: 400, fieldErrors: { plate: ['vehicle.notFound'] } });
  });

  it('a clean vehicle is submitted; exempt vs on-site follows the registration date and type of the records', async () => {
    const citizen = await createApplicant(h.db);
    mockServer.use(vehicleOwnedBy('京A12345', citizen));
    const applicationId = randomUUID();
    // No on-site inspection certificate: the records say a small car registered 2022-12-15 (year 4: exempt).
    await submitApplication(testContext(h.db, actorOf(citizen), TODAY_CLOCK(), config), {
      applicationId,
      serviceCode: 'inspection-mark',
      rawAnswers: inspection('京A12345'),
      files: await filesFor('inspection-mark', ['drivingLicense', 'compulsoryInsurance', 'vehicleTaxProof']),
    });
    const [app] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
    expect(app).toMatchObject({ status: 'submitted', answers: { vehicleType: 'smallPassenger', registrationDate: '2022-12-15' } });
    expect(applicableMaterials(getService('inspection-mark'), app.answers, { today: '2026-11-23' }).map((m) => m.code)).not.toContain(
      'inspectionCertificate',
    );
  });
});

describe('exit-entry controls', () => {
  const passport = (idNumber: string) => ({ idNumber, officeCode: 'bj-dongcheng', applicationType: 'first', stateFunctionary: 'no', delivery: 'pickup' });

  async function submitPassport(idNumber: string) {
    const citizen = await createApplicant(h.db, { idNumber });
    const applicationId = randomUUID();
    await submitApplication(testContext(h.db, actorOf(citizen), TODAY_CLOCK(), config), {
      applicationId,
      serviceCode: 'passport',
      rawAnswers: passport(idNumber),
      files: await filesFor('passport'),
    });
    const [app] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
    return app;
  }

  it('a hit never refuses online: the application is submitted and routed to a manual check', async () => {
    const app = await submitPassport('110101198001010037');
    expect(app).toMatchObject({ status: 'submitted', manualCheck: 'controlsHit' });
    expect(await h.db.select().from(queueItems).where(eq(queueItems.applicationId, app.id))).toHaveLength(1);
  });

  it('no hit: no manual check', async () => {
    const app = await submitPassport(makeIdNumber('110101', '19900307'));
    expect(app).toMatchObject({ status: 'submitted', manualCheck: null });
  });

  it('controls that cannot be asked do not refuse either: manual check', async () => {
    mockServer.use(failures.slow(controlsRoutes.check));
    const app = await submitPassport(makeIdNumber('110101', '19900308'));
    expect(app).toMatchObject({ status: 'submitted', manualCheck: 'controlsUnavailable' });
  });
});

describe('data sharing (国务院令第716号 art. 7)', () => {
  /** A citizen the simulated registry has a household record for; one account per ID number. */
  async function seededCitizen(idNumber: string, realName: string) {
    const [existing] = await h.db.select().from(users).where(eq(users.idNumber, idNumber));
    return existing ?? createApplicant(h.db, { idNumber, realName });
  }
  const ANSWERS = { hukouRegion: '110101', reason: 'applying', delivery: 'pickup' };

  it('the household book is not asked of a citizen whose household the registry confirms', async () => {
    const citizen = await seededCitizen('110101199003071233', '张三');
    const applicationId = randomUUID();
    await submitApplication(testContext(h.db, actorOf(citizen), TODAY_CLOCK(), config), {
      applicationId,
      serviceCode: 'temporary-id-card',
      rawAnswers: ANSWERS,
      files: await filesFor('temporary-id-card', ['idCollectionReceipt', 'photo']),
    });
    const [app] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
    expect(app.status).toBe('submitted');
    const def = getService('temporary-id-card');
    const env = { today: '2026-11-23' };
    expect(applicableMaterials(def, app.answers, env).map((m) => m.code)).toEqual(['idCollectionReceipt', 'photo']);
    expect(sharedMaterials(def, app.answers, env).map((m) => m.code)).toEqual(['hukouBook']);
  });

  it('the apply form shows the household book as verified by data sharing (and not when the registry is down)', async () => {
    const citizen = await seededCitizen('310101198511224569', '李四');
    const clock = fixedClock();
    const cookie = await sessionCookieFor(h.db, clock, citizen.id);
    const view = async () => {
      const res = await run(applyLoader, get('/services/temporary-id-card/apply', { cookie }), appContext(h.db, clock, config), { code: 'temporary-id-card' });
      expect(res.status).toBe(200);
      return ((await res.json()) as { view: ApplyFormView }).view.materials.map((m) => [m.code, m.verifiedBySharing]);
    };
    expect(await view()).toEqual([
      ['hukouBook', true],
      ['idCollectionReceipt', false],
      ['photo', false],
    ]);
    mockServer.use(failures.slow(registryRoutes.household));
    expect((await view())[0]).toEqual(['hukouBook', false]);
  });

  it('a citizen cannot claim the shared fact by posting it: the field is refused and nothing is saved', async () => {
    const citizen = await createApplicant(h.db);
    await expect(
      submitApplication(testContext(h.db, actorOf(citizen), TODAY_CLOCK(), config), {
        applicationId: randomUUID(),
        serviceCode: 'temporary-id-card',
        rawAnswers: { ...ANSWERS, _sharedFacts: 'householdRegister' },
        files: await filesFor('temporary-id-card', ['idCollectionReceipt', 'photo']),
      }),
    ).rejects.toMatchObject({ code: 'application.unexpectedFields', status: 400 });
  });

  it('registry down: the household book is asked for as usual', async () => {
    mockServer.use(failures.serverError(registryRoutes.household));
    const citizen = await seededCitizen('310101198511224569', '李四');
    await expect(
      submitApplication(testContext(h.db, actorOf(citizen), TODAY_CLOCK(), config), {
        applicationId: randomUUID(),
        serviceCode: 'temporary-id-card',
        rawAnswers: { ...ANSWERS, hukouRegion: '310101' },
        files: await filesFor('temporary-id-card', ['idCollectionReceipt', 'photo']),
      }),
    ).rejects.toMatchObject({ code: 'application.missingMaterials', fieldErrors: { 'material.hukouBook': ['apply.materialMissing'] } });
  });
});
