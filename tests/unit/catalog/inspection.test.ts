import { parseWithZod } from '@conform-to/zod';
import { describe, expect, it } from 'vitest';
import { applicableMaterials, getService } from '../../../services/catalog/index.js';
import { EXAMPLE_ANSWERS } from '../../../services/catalog/examples.js';
import {
  INSPECTION_EXCEPTIONS,
  inspectionDecision,
  inspectionYear,
  VEHICLE_TYPES,
} from '../../../services/catalog/definitions/inspection-mark.js';

const TODAY = '2026-11-23';

describe('inspectionDecision (2022 reform)', () => {
  it('exempts small non-operating passenger cars in years 2, 4 and 8', () => {
    for (const year of [2, 4, 8]) expect(inspectionDecision('smallPassenger', year)).toEqual({ mode: 'exempt', year });
  });

  it('inspects small passenger cars on site in years 6 and 10 and every year after 10', () => {
    expect(inspectionDecision('smallPassenger', 6)).toEqual({ mode: 'onSite', year: 6, reason: 'scheduledYear' });
    expect(inspectionDecision('smallPassenger', 10)).toEqual({ mode: 'onSite', year: 10, reason: 'scheduledYear' });
    for (const year of [11, 12, 15, 16, 25]) expect(inspectionDecision('smallPassenger', year)).toMatchObject({ mode: 'onSite', reason: 'overTenYears' });
  });

  it('reads an odd year within ten as the even-year inspection still outstanding', () => {
    expect(inspectionDecision('smallPassenger', 1)).toEqual({ mode: 'exempt', year: 2 });
    expect(inspectionDecision('smallPassenger', 3)).toEqual({ mode: 'exempt', year: 2 });
    expect(inspectionDecision('smallPassenger', 5)).toEqual({ mode: 'exempt', year: 4 });
    expect(inspectionDecision('smallPassenger', 7)).toMatchObject({ mode: 'onSite', year: 6 });
    expect(inspectionDecision('smallPassenger', 9)).toEqual({ mode: 'exempt', year: 8 });
  });

  // Known answers per anniversary, 1..16, under the MPS announcement of the 2022 reform: cars
  // (≤ 9 seats, not vans) and motorcycles alike — no test in years 2, 4, 8; on site in 6 and 10;
  // yearly after 10, also after 15 (no more half-yearly).
  const EXPECTED: Record<number, string> = {
    1: 'exempt@2', 2: 'exempt@2', 3: 'exempt@2', 4: 'exempt@4', 5: 'exempt@4', 6: 'onSite@6', 7: 'onSite@6', 8: 'exempt@8',
    9: 'exempt@8', 10: 'onSite@10', 11: 'onSite@11', 12: 'onSite@12', 13: 'onSite@13', 14: 'onSite@14', 15: 'onSite@15', 16: 'onSite@16',
  };
  for (const type of ['smallPassenger', 'motorcycle'] as const) {
    it(`${type}: the known answer for every year 1..16`, () => {
      for (let year = 1; year <= 16; year++) {
        const d = inspectionDecision(type, year);
        expect(`${d.mode}@${d.year}`, `${type} year ${year}`).toBe(EXPECTED[year]);
      }
      expect(inspectionDecision(type, 16)).toEqual({ mode: 'onSite', year: 16, reason: 'overTenYears' });
      expect(inspectionDecision(type, 10)).toEqual({ mode: 'onSite', year: 10, reason: 'scheduledYear' });
    });
  }

  it('motorcycles are no longer tested yearly from year 5 (the statute before the reform)', () => {
    expect(inspectionDecision('motorcycle', 5)).toEqual({ mode: 'exempt', year: 4 });
    expect(inspectionDecision('motorcycle', 8)).toEqual({ mode: 'exempt', year: 8 });
    expect(inspectionDecision('motorcycle', 2, ['injuryAccident'])).toEqual({ mode: 'onSite', year: 2, reason: 'injuryAccident' });
  });

  it('never exempts vans or the vehicle types outside the reform, at any age', () => {
    for (const type of VEHICLE_TYPES.filter((t) => t !== 'smallPassenger' && t !== 'motorcycle')) {
      for (let year = 1; year <= 20; year++) expect(inspectionDecision(type, year).mode, `${type} ${year}`).toBe('onSite');
    }
    expect(inspectionDecision('van', 2)).toMatchObject({ reason: 'van' });
    expect(inspectionDecision('truck', 2)).toMatchObject({ reason: 'vehicleType' });
    expect(inspectionDecision('operatingPassenger', 2)).toMatchObject({ reason: 'vehicleType' });
  });

  it('takes a small car with any exception out of the exemption', () => {
    for (const e of INSPECTION_EXCEPTIONS) expect(inspectionDecision('smallPassenger', 2, [e])).toEqual({ mode: 'onSite', year: 2, reason: e });
  });
});

describe('inspectionYear', () => {
  it('counts the anniversary reached within the three-month application window', () => {
    expect(inspectionYear('2024-11-23', TODAY)).toBe(2);
    expect(inspectionYear('2025-02-23', TODAY)).toBe(2);
    expect(inspectionYear('2025-02-24', TODAY)).toBe(1);
    expect(inspectionYear('2020-12-01', TODAY)).toBe(6);
    expect(inspectionYear('2026-11-01', TODAY)).toBe(1);
  });
});

describe('inspection-mark definition', () => {
  const def = getService('inspection-mark');
  const parse = (o: Record<string, string>) => {
    const s = parseWithZod(new URLSearchParams({ ...EXAMPLE_ANSWERS['inspection-mark'], ...o }), { schema: def.schema({ today: TODAY }) });
    if (s.status !== 'success') throw new Error(JSON.stringify(s.error));
    return s.value;
  };
  const list = (o: Record<string, string>) => applicableMaterials(def, parse(o), { today: TODAY }).map((m) => m.code);
  const notes = (o: Record<string, string>) => def.notes?.(parse(o), { today: TODAY }) ?? [];

  it('asks for the test report only when the car must be tested on site', () => {
    // Fourth anniversary on 2026-12-15: exempt.
    expect(list({ registrationDate: '2022-12-15' })).toEqual(['drivingLicense', 'compulsoryInsurance', 'vehicleTaxProof']);
    // Sixth anniversary: on site.
    expect(list({ registrationDate: '2020-12-15' })).toContain('inspectionCertificate');
    // A van of the same age: on site.
    expect(list({ registrationDate: '2022-12-15', vehicleType: 'van' })).toContain('inspectionCertificate');
    // A ticked exception box ('on'): on site.
    expect(list({ registrationDate: '2022-12-15', injuryAccident: 'on' })).toContain('inspectionCertificate');
    // A motorcycle of the same age: exempt as well (2022 reform).
    expect(list({ registrationDate: '2022-12-15', vehicleType: 'motorcycle' })).not.toContain('inspectionCertificate');
  });

  it('asks an agent for the owner’s name and ID and the art. 86 proofs; the owner for neither', () => {
    expect(list({})).not.toContain('powerOfAttorney');
    const agent = { filingAs: 'agent', ownerName: '张三', ownerIdNumber: '110101199003071233' };
    expect(list(agent)).toEqual(expect.arrayContaining(['powerOfAttorney', 'agentIdCard']));
    const s = parseWithZod(new URLSearchParams({ ...EXAMPLE_ANSWERS['inspection-mark'], filingAs: 'agent' }), { schema: def.schema({ today: TODAY }) });
    expect(s.status).toBe('error');
    if (s.status === 'error') expect(s.error).toMatchObject({ ownerName: ['required'], ownerIdNumber: ['required'] });
  });

  it('tells the citizen, in a note, each answer the records corrected', () => {
    const answers = { ...parse({}), _corrections: [{ field: 'registrationDate', entered: '2020-03-15', records: '2022-12-15' }] };
    expect(def.notes?.(answers, { today: TODAY })[0]).toEqual({
      key: 'corrected.registrationDate',
      params: { entered: '2020-03-15', records: '2022-12-15' },
    });
  });

  it('surfaces the decision in the notes', () => {
    expect(notes({ registrationDate: '2022-12-15' })[0]).toEqual({ key: 'exempt', params: { year: 4 } });
    expect(notes({ registrationDate: '2020-12-15' })[0]).toEqual({ key: 'onSite.scheduledYear', params: { year: 6 } });
    expect(notes({ registrationDate: '2010-12-15' })[0]).toEqual({ key: 'onSite.overTenYears', params: { year: 16 } });
    expect(notes({ registrationDate: '2022-12-15', illegalModification: 'on' })[0]).toMatchObject({ key: 'onSite.illegalModification' });
    for (const n of notes({ registrationDate: '2022-12-15' })) expect(def.noteKeys).toContain(n.key);
  });

  it('reads unticked boxes as false and rejects a registration date in the future', () => {
    expect(parse({}).injuryAccident).toBe(false);
    const s = parseWithZod(new URLSearchParams({ ...EXAMPLE_ANSWERS['inspection-mark'], registrationDate: '2026-12-01' }), {
      schema: def.schema({ today: TODAY }),
    });
    expect(s.status).toBe('error');
    if (s.status === 'error') expect(s.error?.registrationDate).toEqual(['date.inFuture']);
  });
});
