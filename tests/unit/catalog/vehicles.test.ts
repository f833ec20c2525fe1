import { parseWithZod } from '@conform-to/zod';
import { describe, expect, it } from 'vitest';
import { applicableMaterials, commitmentOf, getService, type Answers, type ServiceDefinition } from '../../../services/catalog/index.js';
import { EXAMPLE_ANSWERS } from '../../../services/catalog/examples.js';
import { guideOf } from '../../../services/catalog/guide.js';
import { transferRoute } from '../../../services/catalog/definitions/used-vehicle-transfer.js';
import { needsSafetyInspection } from '../../../services/catalog/definitions/motorcycle-registration.js';
import { decideOffice } from '../../../services/applications/jurisdiction.js';
import type { OfficeRow } from '../../../services/offices/offices.js';
import { OFFICES } from '../../../db/seed-data.js';

/**
 * Known answers for the vehicle items against the articles of 机动车登记规定 (公安部令第164号,
 * 2021-12-17 text) they cite; docs/catalog-sources.md § Vehicles records what each article says.
 */
const TODAY = '2026-11-23';
const env = { today: TODAY };

function parse(def: ServiceDefinition, raw: Record<string, string>): Answers {
  const s = parseWithZod(new URLSearchParams(raw), { schema: def.schema(env) });
  if (s.status !== 'success') throw new Error(`invalid: ${JSON.stringify(s.error)}`);
  return s.value as Answers;
}
function errorsOf(def: ServiceDefinition, raw: Record<string, string>): Record<string, string[]> {
  const s = parseWithZod(new URLSearchParams(raw), { schema: def.schema(env) });
  return s.status === 'success' ? {} : ((s.error ?? {}) as Record<string, string[]>);
}

const offices = OFFICES.map((o) => ({ ...o, createdAt: new Date(0) })) as unknown as OfficeRow[];
const traffic = offices.filter((o) => o.departments.includes('traffic'));

describe('used-vehicle-transfer (arts. 25–27, 44)', () => {
  const def = getService('used-vehicle-transfer');
  const answers = (o: Record<string, string>) => parse(def, { ...EXAMPLE_ANSWERS['used-vehicle-transfer'], ...o });
  const elsewhere = { ownerResidence: 'elsewhere', buyerRegion: '310101' };

  it('has no "keep the plate" choice: art. 26 always fixes a new number (art. 44 is the seller’s)', () => {
    expect(def.fields.map((f) => f.name)).not.toContain('plateOption');
    expect(def.noteKeys).toContain('sellerKeepsNumber');
  });

  it('art. 26 fees: plates and 行驶证 only, never a 登记证书 line (the certificate is endorsed)', () => {
    expect(def.fee.lines(answers({}))).toEqual([
      { key: 'plates', amount: 100 },
      { key: 'drivingLicense', amount: 10 },
    ]);
    expect(def.fee.lines(answers({ vehicleType: 'motorcycle' }))).toEqual([
      { key: 'motorcyclePlates', amount: 35 },
      { key: 'drivingLicense', amount: 10 },
    ]);
    for (const l of def.fee.guideLines) expect(l.key).not.toBe('registrationCertificate');
    // Art. 27 para. 1: the origin issues only the 30-day temporary plate; plates and licence are issued (and paid) at transfer-in.
    expect(def.fee.lines(answers({ ...elsewhere, vehicleType: 'truck', tradedAtBuyer: 'yes' }))).toEqual([{ key: 'temporaryPlate', amount: 5 }]);
    expect(def.fee.fromAmount).toBe(5);
  });

  it('art. 26: one working day, and the limit cites art. 26, not art. 27', () => {
    expect(def.timeLimits).toEqual({ statutory: { days: 1, unit: 'working', basisKey: 'vehicleRegistration26' }, committedWorkingDays: 1 });
  });

  it('art. 27: the route follows where the buyer lives, the vehicle type and where it was traded', () => {
    expect(transferRoute(answers({}))).toBe('local');
    // Para. 3: small/micro passenger cars (vans included) and motorcycles traded at the buyer's place.
    for (const vehicleType of ['smallPassenger', 'van', 'motorcycle']) {
      expect(transferRoute(answers({ ...elsewhere, vehicleType, tradedAtBuyer: 'yes' })), vehicleType).toBe('atBuyer');
      expect(transferRoute(answers({ ...elsewhere, vehicleType, tradedAtBuyer: 'no' })), vehicleType).toBe('outbound');
    }
    for (const vehicleType of ['truck', 'largePassenger', 'operatingPassenger']) {
      expect(transferRoute(answers({ ...elsewhere, vehicleType, tradedAtBuyer: 'yes' })), vehicleType).toBe('outbound');
    }
    expect(def.notes?.(answers({ ...elsewhere, tradedAtBuyer: 'yes' }), env).map((n) => n.key)).toContain('route.atBuyer');
    expect(def.notes?.(answers({ ...elsewhere, tradedAtBuyer: 'no' }), env).map((n) => n.key)).toContain('route.outbound');
  });

  it('the committed limit follows the route: one working day (arts. 26, 27 para. 3), three for a transfer out (art. 27)', () => {
    const limit = (o: Record<string, string>) => {
      const c = commitmentOf(def, answers(o), { officeProvince: '11' });
      return `${c.days} ${c.unit}`;
    };
    expect(limit({})).toBe('1 working');
    expect(limit({ ...elsewhere, vehicleType: 'smallPassenger', tradedAtBuyer: 'yes' })).toBe('1 working');
    expect(limit({ ...elsewhere, vehicleType: 'smallPassenger', tradedAtBuyer: 'no' })).toBe('3 working');
    expect(limit({ ...elsewhere, vehicleType: 'truck', tradedAtBuyer: 'yes' })).toBe('3 working');
  });

  it('art. 27 para. 3 routes to the buyer’s office; every other case to the registering office (by plate)', () => {
    const office = (o: Record<string, string>) => {
      const d = decideOffice(traffic, def, answers(o));
      return 'office' in d ? d.office.code : d.error;
    };
    expect(office({})).toBe('bj-dongcheng');
    expect(office({ ...elsewhere, tradedAtBuyer: 'yes' })).toBe('sh-huangpu');
    expect(office({ ...elsewhere, tradedAtBuyer: 'no' })).toBe('bj-dongcheng');
    expect(office({ ...elsewhere, vehicleType: 'truck', tradedAtBuyer: 'yes' })).toBe('bj-dongcheng');
    expect(guideOf(def).jurisdiction.key).toBe('catalog:guide.jurisdiction.vehicleOrResidence');
  });

  it('asks where the buyer lives and where the vehicle was traded only when the buyer lives elsewhere', () => {
    expect(errorsOf(def, { ...EXAMPLE_ANSWERS['used-vehicle-transfer'], ownerResidence: 'elsewhere' })).toMatchObject({
      buyerRegion: ['required'],
      tradedAtBuyer: ['required'],
    });
    expect(errorsOf(def, { ...EXAMPLE_ANSWERS['used-vehicle-transfer'] })).toEqual({});
  });

  it('art. 89: a buyer living away from their hukou shows the residence permit', () => {
    const list = (o: Record<string, string>) => applicableMaterials(def, answers(o), env).map((m) => m.code);
    expect(list({})).not.toContain('residencePermit');
    expect(list({ residenceBasis: 'residencePermit' })).toContain('residencePermit');
  });
});

describe('motorcycle-registration (arts. 11, 12, 89)', () => {
  const def = getService('motorcycle-registration');
  const answers = (o: Record<string, string>) => parse(def, { ...EXAMPLE_ANSWERS['motorcycle-registration'], ...o });
  const list = (o: Record<string, string>) => applicableMaterials(def, answers(o), env).map((m) => m.code);

  it('art. 11: the safety certificate unless the type is exempt or imported', () => {
    expect(needsSafetyInspection(answers({ exemptType: 'no', manufactureDate: '2026-10-01' }), env)).toBe(true);
    expect(needsSafetyInspection(answers({ exemptType: 'yes', manufactureDate: '2026-10-01' }), env)).toBe(false);
    expect(needsSafetyInspection(answers({ origin: 'imported', exemptType: 'no', manufactureDate: '2026-10-01' }), env)).toBe(false);
    expect(list({ exemptType: 'no', manufactureDate: '2026-10-01' })).toContain('inspectionCertificate');
    expect(list({ exemptType: 'yes', manufactureDate: '2026-10-01' })).not.toContain('inspectionCertificate');
  });

  it('art. 11 para. 2: an exempt type registered more than two years after manufacture or import is inspected (two years to the day is within)', () => {
    expect(needsSafetyInspection(answers({ manufactureDate: '2024-11-23' }), env)).toBe(false);
    expect(needsSafetyInspection(answers({ manufactureDate: '2024-11-22' }), env)).toBe(true);
    expect(needsSafetyInspection(answers({ origin: 'imported', manufactureDate: '2024-11-22' }), env)).toBe(true);
  });

  it('art. 11 para. 2 (三): an accident before registration means an inspection', () => {
    expect(needsSafetyInspection(answers({ manufactureDate: '2026-10-01', accidentBeforeRegistration: 'on' }), env)).toBe(true);
    expect(def.notes?.(answers({ manufactureDate: '2026-10-01', accidentBeforeRegistration: 'on' }), env).map((n) => n.key)).toContain('safetyInspection');
  });

  it('art. 89: the residence permit for an owner living away from their hukou, whose domicile routes it', () => {
    expect(list({ manufactureDate: '2026-10-01' })).not.toContain('residencePermit');
    expect(list({ manufactureDate: '2026-10-01', residenceBasis: 'residencePermit', residenceRegion: '310104' })).toContain('residencePermit');
    const d = decideOffice(traffic, def, answers({ residenceBasis: 'residencePermit', residenceRegion: '310104' }));
    expect('office' in d && d.office.code).toBe('sh-huangpu');
  });

  it('art. 12: two working days; plates 35, 行驶证 10, 登记证书 10 (a new certificate is issued here)', () => {
    expect(def.timeLimits.statutory).toEqual({ days: 2, unit: 'working', basisKey: 'vehicleRegistrationFirst' });
    expect(def.fee.lines(answers({})).reduce((s, l) => s + l.amount, 0)).toBe(55);
  });
});
