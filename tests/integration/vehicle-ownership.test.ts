import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications, auditEvents } from '../../db/schema/index.js';
import { resources } from '../../locales/index.js';
import { action as applyAction } from '../../app/routes/services.$code.apply.js';
import { getMyApplication } from '../../services/applications/read.js';
import { submitApplication } from '../../services/applications/submit.js';
import { getService } from '../../services/catalog/index.js';
import { getReview } from '../../services/review/review-page.js';
import { mockServer } from '../mocks/node.js';
import { vehicleOwnedBy } from '../mocks/vehicle-records.js';
import { createTestDb } from '../setup/test-db.js';
import { createApplicant, sampleFileBytes } from '../support/applications.js';
import { actorOf, appContext, createStaff, fixedClock, sessionCookieFor, testContext } from '../support/factories.js';
import { fastConfig } from '../support/integrations.js';
import { files, post, run } from '../support/requests.js';

/**
 * The vehicle items against the vehicle records (机动车登记规定): the inspection mark is the
 * registered owner's or a named agent's (arts. 54–55, 86); a transfer is refused while anything
 * is unsettled (art. 25) and routed by art. 27; the records' answers win and the citizen and
 * the clerk are both told what was corrected.
 */
let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const config = fastConfig();

async function filesFor(serviceCode: string, only: string[]) {
  const def = getService(serviceCode);
  return Promise.all(
    def.materials
      .filter((m) => only.includes(m.code))
      .map(async (m) => ({ materialCode: m.code, originalName: `${m.code}.pdf`, bytes: await sampleFileBytes(m.accept) })),
  );
}

const MARK_FILES = ['drivingLicense', 'compulsoryInsurance', 'vehicleTaxProof'];
const mark = (o: Record<string, string> = {}) => ({
  plate: '京A12345',
  filingAs: 'owner',
  vehicleType: 'smallPassenger',
  registrationDate: '2022-12-15',
  delivery: 'electronic',
  ...o,
});

async function fileMark(citizen: { id: string }, rawAnswers: Record<string, string>, materials = MARK_FILES) {
  const applicationId = randomUUID();
  const result = await submitApplication(testContext(h.db, actorOf(citizen as never), fixedClock(), config), {
    applicationId,
    serviceCode: 'inspection-mark',
    rawAnswers,
    files: await filesFor('inspection-mark', materials),
  }).catch((e: unknown) => e);
  const [app] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
  return { result, app };
}

describe('inspection mark: only the registered owner or their agent', () => {
  it('refuses a citizen who is not the registered owner beside the plate, and tells nothing about the vehicle', async () => {
    // 京B67890 has unsettled matters; a stranger learns only that it is not theirs.
    for (const plate of ['京A12345', '京B67890']) {
      const stranger = await createApplicant(h.db);
      const { result, app } = await fileMark(stranger, mark({ plate }));
      expect(result).toMatchObject({ code: 'vehicle.notOwner', status: 400, params: { plate }, fieldErrors: { plate: ['vehicle.notOwner'] } });
      expect(app).toMatchObject({ status: 'draft', number: null });
    }
  });

  it('shows the refusal beside the plate in both languages (a 400, never a 500)', async () => {
    const stranger = await createApplicant(h.db);
    const clock = fixedClock();
    const cookie = await sessionCookieFor(h.db, clock, stranger.id);
    const fields = { applicationId: randomUUID(), intent: 'submit', ...mark(), ...Object.fromEntries(MARK_FILES.map((m) => [`material.${m}`, files.pdf()])) };
    for (const lng of ['en', 'zh-CN'] as const) {
      const res = await run(applyAction, post('/services/inspection-mark/apply', fields, { cookie, lng }), appContext(h.db, clock, config), {
        code: 'inspection-mark',
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { lastResult: { error: Record<string, string[]> } };
      expect(body.lastResult.error).toEqual({ '': ['errors:vehicle.notOwner|{"plate":"京A12345"}'], plate: ['vehicle.notOwner'] });
      expect(resources[lng].errors.vehicle.notOwner).toMatch(lng === 'en' ? /not registered to you/ : /所有人不是您/);
    }
  });

  it('accepts the owner; a typed date that differs from the records is corrected, and both are shown', async () => {
    const owner = await createApplicant(h.db, { realName: '车主甲' });
    mockServer.use(vehicleOwnedBy('京A12345', owner));
    const { result, app } = await fileMark(owner, mark({ registrationDate: '2020-03-15', vehicleType: 'van' }));
    expect(result).toMatchObject({ number: expect.any(String) });
    expect(app.answers).toMatchObject({
      registrationDate: '2022-12-15',
      vehicleType: 'smallPassenger',
      _corrections: [
        { field: 'vehicleType', entered: 'van', records: 'smallPassenger' },
        { field: 'registrationDate', entered: '2020-03-15', records: '2022-12-15' },
      ],
      _vehicleOwner: { plate: '京A12345', name: '车主甲', applicantIsOwner: true },
    });

    // The citizen's receipt says so.
    const mine = await getMyApplication(testContext(h.db, actorOf(owner), fixedClock(), config), app.number!);
    expect(mine.notes).toContainEqual({ key: 'corrected.registrationDate', params: { entered: '2020-03-15', records: '2022-12-15' } });
    expect(mine.notes).toContainEqual({ key: 'corrected.vehicleType', params: { entered: 'van', records: 'smallPassenger' } });

    // The clerk sees the owner from the records (ID masked) and both values.
    const clerk = await createStaff(h.db, { officeCode: 'bj-dongcheng', skills: ['traffic'] });
    const page = await getReview(testContext(h.db, actorOf(clerk), fixedClock(), config), app.number!);
    expect(page.vehicle).toEqual({ plate: '京A12345', ownerName: '车主甲', ownerIdNumber: expect.stringMatching(/^\d{4}\*+\d{3}[\dX]$|\*/), applicantRole: 'owner' });
    expect(page.vehicle?.ownerIdNumber).not.toBe(owner.idNumber);
    expect(page.corrections).toContainEqual({ field: 'registrationDate', entered: '2020-03-15', records: '2022-12-15' });
    const views = await h.db.select().from(auditEvents).where(eq(auditEvents.applicationId, app.id));
    expect(views.find((e) => e.action === 'pii.viewed')?.data).toMatchObject({ fields: expect.arrayContaining(['vehicleOwner']) });
  });

  it('an answer that agrees with the records records no correction', async () => {
    const owner = await createApplicant(h.db);
    mockServer.use(vehicleOwnedBy('京A12345', owner));
    const { app } = await fileMark(owner, mark());
    expect(app.answers).toMatchObject({ _corrections: [] });
  });

  it('accepts an agent who names the owner as the records do and brings the art. 86 proofs', async () => {
    const owner = await createApplicant(h.db, { realName: '车主乙' });
    const agent = await createApplicant(h.db);
    mockServer.use(vehicleOwnedBy('京A12345', owner));
    const asAgent = mark({ filingAs: 'agent', ownerName: '车主乙', ownerIdNumber: owner.idNumber! });

    // Without the letter of authorisation and the agent's ID: the checklist asks for them.
    const missing = await fileMark(agent, asAgent);
    expect(missing.result).toMatchObject({ code: 'application.missingMaterials', params: { materials: 'powerOfAttorney,agentIdCard' } });

    const { result, app } = await fileMark(agent, asAgent, [...MARK_FILES, 'powerOfAttorney', 'agentIdCard']);
    expect(result).toMatchObject({ number: expect.any(String) });
    const clerk = await createStaff(h.db, { officeCode: 'bj-dongcheng', skills: ['traffic'] });
    const page = await getReview(testContext(h.db, actorOf(clerk), fixedClock(), config), app.number!);
    expect(page.vehicle).toMatchObject({ ownerName: '车主乙', applicantRole: 'agent' });
    expect(page.checklist.map((i) => i.code)).toEqual(expect.arrayContaining(['powerOfAttorney', 'agentIdCard']));
  });

  it('refuses an agent whose owner’s name or ID differs from the records, beside those fields', async () => {
    const owner = await createApplicant(h.db, { realName: '车主丙' });
    const agent = await createApplicant(h.db);
    mockServer.use(vehicleOwnedBy('京A12345', owner));
    const all = [...MARK_FILES, 'powerOfAttorney', 'agentIdCard'];
    for (const wrong of [{ ownerName: '别人', ownerIdNumber: owner.idNumber! }, { ownerName: '车主丙', ownerIdNumber: agent.idNumber! }]) {
      const { result, app } = await fileMark(agent, mark({ filingAs: 'agent', ...wrong }), all);
      expect(result).toMatchObject({
        code: 'vehicle.ownerMismatch',
        status: 400,
        fieldErrors: { ownerName: ['vehicle.ownerMismatch'], ownerIdNumber: ['vehicle.ownerMismatch'] },
      });
      expect(app.status).toBe('draft');
    }
  });
});

describe('used-vehicle transfer against the records', () => {
  const TRANSFER_FILES = ['idCard', 'ownershipTransferProof', 'registrationCertificate', 'drivingLicense'];
  const transfer = (o: Record<string, string> = {}) => ({
    plate: '京B23456',
    vehicleType: 'smallPassenger',
    deliveryDate: '2026-11-10',
    ownerResidence: 'local',
    residenceBasis: 'hukou',
    inspectionExpired: 'no',
    mortgaged: 'no',
    ...o,
  });
  async function fileTransfer(rawAnswers: Record<string, string>) {
    const buyer = await createApplicant(h.db);
    const applicationId = randomUUID();
    const result = await submitApplication(testContext(h.db, actorOf(buyer), fixedClock(), config), {
      applicationId,
      serviceCode: 'used-vehicle-transfer',
      rawAnswers,
      files: await filesFor('used-vehicle-transfer', TRANSFER_FILES),
    }).catch((e: unknown) => e);
    const [app] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
    return { result, app };
  }

  it('art. 25: refused while the vehicle has unsettled violations or accidents, without listing the seller’s', async () => {
    const { result, app } = await fileTransfer(transfer({ plate: '京B67890' }));
    expect(result).toMatchObject({ code: 'vehicle.unsettledTransfer', status: 400, params: { plate: '京B67890', count: 2 }, fieldErrors: { plate: ['vehicle.unsettledTransfer'] } });
    expect(JSON.stringify(result)).not.toContain('WF110101202609120031');
    expect(app.status).toBe('draft');
  });

  it('a plate the records do not know is refused beside the plate', async () => {
    const { result } = await fileTransfer(transfer({ plate: '京Z99999' }));
    expect(result).toMatchObject({ code: 'vehicle.notFound', fieldErrors: { plate: ['vehicle.notFound'] } });
  });

  it('art. 26: a local buyer files at the registering office and pays plates and licence only; the records’ type wins', async () => {
    const { result, app } = await fileTransfer(transfer({ vehicleType: 'truck' }));
    expect(result).toMatchObject({ number: expect.any(String) });
    expect(app).toMatchObject({ officeCode: 'bj-dongcheng', answers: { vehicleType: 'smallPassenger', _vehicleOwner: { name: '王五', applicantIsOwner: false } } });
    expect(app.answers._corrections).toEqual([{ field: 'vehicleType', entered: 'truck', records: 'smallPassenger' }]);
    expect(getService('used-vehicle-transfer').fee.lines(app.answers)).toEqual([
      { key: 'plates', amount: 100 },
      { key: 'drivingLicense', amount: 10 },
    ]);
  });

  it('art. 27 para. 3: a small car traded where the buyer lives goes to the buyer’s office; traded elsewhere, to the registering office', async () => {
    const atBuyer = await fileTransfer(transfer({ ownerResidence: 'elsewhere', buyerRegion: '310104', tradedAtBuyer: 'yes' }));
    expect(atBuyer.app).toMatchObject({ status: 'submitted', officeCode: 'sh-huangpu' });
    const outbound = await fileTransfer(transfer({ ownerResidence: 'elsewhere', buyerRegion: '310104', tradedAtBuyer: 'no' }));
    expect(outbound.app).toMatchObject({ status: 'submitted', officeCode: 'bj-dongcheng' });
    // A truck is never registered at the buyer's office directly (para. 1): the registering office, a temporary plate.
    const truck = await fileTransfer(transfer({ plate: '沪D24680', vehicleType: 'truck', ownerResidence: 'elsewhere', buyerRegion: '110101', tradedAtBuyer: 'yes' }));
    expect(truck.app).toMatchObject({ status: 'submitted', officeCode: 'sh-huangpu' });
    expect(getService('used-vehicle-transfer').fee.lines(truck.app.answers)).toEqual([{ key: 'temporaryPlate', amount: 5 }]);
  });
});
