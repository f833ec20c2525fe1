import { parseWithZod } from '@conform-to/zod';
import { describe, expect, it } from 'vitest';
import { applicableMaterials, getService, type Answers, type ServiceDefinition } from '../../../services/catalog/index.js';
import { EXAMPLE_ANSWERS, exampleIdNumber } from '../../../services/catalog/examples.js';
import { isUnder16 } from '../../../services/catalog/definitions/shared.js';
import { MIGRATION_CATEGORIES } from '../../../services/catalog/definitions/hukou-migration.js';
import { ENDORSEMENT_TRIPS, ENDORSEMENT_TYPES, TRIP_FEES, TRIP_OPTIONS } from '../../../services/catalog/definitions/hk-macao-permit.js';
import { isLateBirthRegistration } from '../../../services/catalog/definitions/birth-registration.js';
import { idCardValidityYears } from '../../../services/catalog/definitions/first-id-card.js';

const TODAY = '2026-11-23';
const env = { today: TODAY };

/** Parses form-shaped answers as the apply form does; throws with the field errors when invalid. */
function parse(def: ServiceDefinition, raw: Record<string, string>): Answers {
  const s = parseWithZod(new URLSearchParams(raw), { schema: def.schema(env) });
  if (s.status !== 'success') throw new Error(`invalid: ${JSON.stringify(s.error)}`);
  return s.value as Answers;
}

function errorsOf(def: ServiceDefinition, raw: Record<string, string>): Record<string, string[]> {
  const s = parseWithZod(new URLSearchParams(raw), { schema: def.schema(env) });
  if (s.status === 'success') return {};
  return (s.error ?? {}) as Record<string, string[]>;
}

function materials(code: string, overrides: Record<string, string>, today = TODAY): string[] {
  const def = getService(code);
  const answers = parse(def, { ...EXAMPLE_ANSWERS[code], ...overrides });
  return applicableMaterials(def, answers, { today }).map((m) => m.code);
}

function fees(code: string, overrides: Record<string, string>) {
  const def = getService(code);
  return def.fee.lines(parse(def, { ...EXAMPLE_ANSWERS[code], ...overrides }));
}

const idBornOn = (yyyymmdd: string) => exampleIdNumber('110101', yyyymmdd);

describe('hukou-migration', () => {
  const proofs: Record<(typeof MIGRATION_CATEGORIES)[number], string[]> = {
    jobTransfer: ['jobTransferProof'],
    admittedStudent: ['admissionNotice'],
    graduate: ['graduationCertificate', 'employmentAgreement'],
    joinSpouse: ['marriageCertificate'],
    parentsJoinChildren: ['kinshipProof'],
  };
  const categoryProofs = Object.values(proofs).flat();

  for (const category of MIGRATION_CATEGORIES) {
    it(`asks for the ${category} proof and no other category's`, () => {
      const list = materials('hukou-migration', { category });
      expect(list).toEqual(expect.arrayContaining(['hukouBook', 'idCard', 'residenceProof', ...proofs[category]]));
      for (const other of categoryProofs.filter((p) => !proofs[category].includes(p))) expect(list).not.toContain(other);
    });
  }

  it('is filed at a chosen destination office, cross-province and free', () => {
    const def = getService('hukou-migration');
    expect(def.jurisdiction).toEqual({ kind: 'chosen', field: 'officeCode' });
    expect(def.crossProvince).toBe(true);
    expect(def.fee.lines(parse(def, EXAMPLE_ANSWERS['hukou-migration']))).toEqual([]);
  });

  it('rejects an unknown category and a missing destination address', () => {
    const errors = errorsOf(getService('hukou-migration'), { ...EXAMPLE_ANSWERS['hukou-migration'], category: 'marriage', destinationAddress: '' });
    expect(errors.category).toEqual(['choice']);
    expect(errors.destinationAddress).toEqual(['required']);
  });
});

describe('household-certificate', () => {
  it('needs the power of attorney and the agent’s ID only when filing as an agent', () => {
    expect(materials('household-certificate', {})).toEqual(['idCard', 'powerOfAttorney', 'agentIdCard']);
    expect(materials('household-certificate', { filingAs: 'self', subjectName: '', subjectIdNumber: '' })).toEqual(['idCard']);
  });

  it('requires the principal’s name and a valid ID number when filing as an agent, and nothing of the kind for oneself', () => {
    const def = getService('household-certificate');
    const errors = errorsOf(def, { ...EXAMPLE_ANSWERS['household-certificate'], subjectName: '', subjectIdNumber: '' });
    expect(errors.subjectName).toEqual(['required']);
    expect(errors.subjectIdNumber).toEqual(['required']);
    const bad = errorsOf(def, { ...EXAMPLE_ANSWERS['household-certificate'], subjectIdNumber: '110101199003071234' });
    expect(bad.subjectIdNumber).toEqual(['idNumber.checksum']);
    expect(errorsOf(def, { ...EXAMPLE_ANSWERS['household-certificate'], filingAs: 'self', subjectName: '', subjectIdNumber: '' })).toEqual({});
  });

  it('offers only certificates police stations still issue', () => {
    const errors = errorsOf(getService('household-certificate'), { ...EXAMPLE_ANSWERS['household-certificate'], kind: 'maritalStatus' });
    expect(errors.kind).toEqual(['choice']);
  });

  it('is routed by the hukou region to the registration-place station, not to an office the citizen picks', () => {
    const def = getService('household-certificate');
    expect(def.jurisdiction).toEqual({ kind: 'hukou', field: 'hukouRegion' });
    expect(def.fields.map((f) => f.name)).not.toContain('officeCode');
  });
});

describe('birth-registration', () => {
  it('asks for the paternity test only when a child born outside marriage is registered with the father', () => {
    const cases: [string, string, boolean][] = [
      ['yes', 'father', false],
      ['yes', 'mother', false],
      ['no', 'mother', false],
      ['no', 'father', true],
    ];
    for (const [parentsMarried, registeredWith, paternity] of cases) {
      const list = materials('birth-registration', { parentsMarried, registeredWith });
      expect(list.includes('paternityTestCertificate'), `${parentsMarried}/${registeredWith}`).toBe(paternity);
    }
  });

  it('asks for the marriage certificate or the statement of birth outside marriage, never both', () => {
    expect(materials('birth-registration', { parentsMarried: 'yes', childBirthDate: '2026-11-01' })).toEqual([
      'birthMedicalCertificate',
      'hukouBook',
      'marriageCertificate',
    ]);
    expect(materials('birth-registration', { parentsMarried: 'no', registeredWith: 'mother', childBirthDate: '2026-11-01' })).toEqual([
      'birthMedicalCertificate',
      'hukouBook',
      'nonMaritalBirthStatement',
    ]);
  });

  it('asks for an explanation once a month has passed since the birth', () => {
    expect(isLateBirthRegistration('2026-10-23', TODAY)).toBe(false);
    expect(isLateBirthRegistration('2026-10-22', TODAY)).toBe(true);
    expect(materials('birth-registration', { childBirthDate: '2026-10-23' })).not.toContain('lateRegistrationStatement');
    expect(materials('birth-registration', { childBirthDate: '2026-10-22' })).toContain('lateRegistrationStatement');
    const def = getService('birth-registration');
    const answers = parse(def, { ...EXAMPLE_ANSWERS['birth-registration'], childBirthDate: '2026-10-22' });
    expect(def.notes?.(answers, env)).toEqual([{ key: 'lateRegistration', params: { deadline: '2026-11-22' } }]);
  });

  it('rejects a birth date in the future or not a real day', () => {
    const def = getService('birth-registration');
    expect(errorsOf(def, { ...EXAMPLE_ANSWERS['birth-registration'], childBirthDate: '2026-11-24' }).childBirthDate).toEqual(['date.inFuture']);
    expect(errorsOf(def, { ...EXAMPLE_ANSWERS['birth-registration'], childBirthDate: '2026-02-30' }).childBirthDate).toEqual(['date.format']);
  });
});

describe('first-id-card', () => {
  it('asks for guardian documents until the 16th birthday and not on it', () => {
    const dayBefore = materials('first-id-card', { idNumber: idBornOn('20101124') });
    const onBirthday = materials('first-id-card', { idNumber: idBornOn('20101123') });
    expect(dayBefore).toEqual(['hukouBook', 'guardianIdCard', 'guardianshipProof']);
    expect(onBirthday).toEqual(['hukouBook']);
  });

  it('treats a 29 February birthday as reached on 1 March in other years', () => {
    const id = idBornOn('20080229');
    expect(isUnder16(id, '2024-02-28')).toBe(true);
    expect(isUnder16(id, '2024-02-29')).toBe(false);
    expect(isUnder16(id.toLowerCase(), '2024-02-28')).toBe(true);
  });

  it('is free since 2018 and says how long the card is valid', () => {
    const def = getService('first-id-card');
    expect(def.fee.lines(parse(def, EXAMPLE_ANSWERS['first-id-card']))).toEqual([]);
    expect(def.fee.guideLines).toEqual([]);
    expect(def.fee.basisKey).toBe('idCardFirstFree2018');
    expect([15, 16, 25, 26, 45, 46].map(idCardValidityYears)).toEqual([5, 10, 10, 20, 20, null]);
    const minor = parse(def, { ...EXAMPLE_ANSWERS['first-id-card'], idNumber: idBornOn('20150101') });
    expect(def.notes?.(minor, env)).toEqual([{ key: 'validityYears', params: { years: 5 } }]);
    const adult = parse(def, { ...EXAMPLE_ANSWERS['first-id-card'], idNumber: idBornOn('19700101') });
    expect(def.notes?.(adult, env)).toEqual([{ key: 'validityLongTerm' }, { key: 'mustApplyAt16' }]);
  });

  it('rejects an ID number with a wrong check character or a future birth date', () => {
    const def = getService('first-id-card');
    const good = idBornOn('20100101');
    const wrong = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    expect(errorsOf(def, { ...EXAMPLE_ANSWERS['first-id-card'], idNumber: wrong }).idNumber).toEqual(['idNumber.checksum']);
    expect(errorsOf(def, { ...EXAMPLE_ANSWERS['first-id-card'], idNumber: idBornOn('20261124') }).idNumber).toEqual(['idNumber.birthInFuture']);
  });
});

describe('temporary-id-card', () => {
  it('charges 10 yuan and always needs the collection receipt and a photo', () => {
    expect(fees('temporary-id-card', {})).toEqual([{ key: 'card', amount: 10 }]);
    expect(materials('temporary-id-card', {})).toEqual(['hukouBook', 'idCollectionReceipt', 'photo']);
  });
});

describe('used-vehicle-transfer', () => {
  it('needs an inspection certificate and insurance only when the inspection expired, mortgagee consent only when mortgaged', () => {
    expect(materials('used-vehicle-transfer', {})).toEqual(['idCard', 'ownershipTransferProof', 'registrationCertificate', 'drivingLicense']);
    expect(materials('used-vehicle-transfer', { inspectionExpired: 'yes' })).toEqual(
      expect.arrayContaining(['inspectionCertificate', 'compulsoryInsurance']),
    );
    expect(materials('used-vehicle-transfer', { mortgaged: 'yes' })).toContain('mortgageeConsent');
  });

  it('notes a transfer past the 30-day deadline', () => {
    const def = getService('used-vehicle-transfer');
    const late = parse(def, { ...EXAMPLE_ANSWERS['used-vehicle-transfer'], deliveryDate: '2026-10-23' });
    expect(def.notes?.(late, env)).toContainEqual({ key: 'overdue', params: { due: '2026-11-22' } });
    const inTime = parse(def, { ...EXAMPLE_ANSWERS['used-vehicle-transfer'], deliveryDate: '2026-10-24' });
    expect(def.notes?.(inTime, env)?.map((n) => n.key)).not.toContain('overdue');
  });
});

describe('motorcycle-registration', () => {
  it('charges plates 35, licence 10 and certificate 10', () => {
    expect(fees('motorcycle-registration', {})).toEqual([
      { key: 'plates', amount: 35 },
      { key: 'drivingLicense', amount: 10 },
      { key: 'registrationCertificate', amount: 10 },
    ]);
  });

  it('needs the factory certificate for a domestic motorcycle and the import certificate for an imported one', () => {
    expect(materials('motorcycle-registration', { origin: 'domestic' })).toContain('factoryCertificate');
    expect(materials('motorcycle-registration', { origin: 'domestic' })).not.toContain('importCertificate');
    expect(materials('motorcycle-registration', { origin: 'imported' })).toContain('importCertificate');
    expect(materials('motorcycle-registration', { origin: 'imported' })).not.toContain('factoryCertificate');
  });

  it('routes by the owner’s domicile, since there is no plate yet', () => {
    expect(getService('motorcycle-registration').jurisdiction).toEqual({ kind: 'hukou', field: 'residenceRegion' });
  });

  it('rejects a VIN with I, O or Q or of the wrong length', () => {
    const def = getService('motorcycle-registration');
    for (const vin of ['LBPKE1802N012345', 'LBPKE1802N012345O', 'IBPKE1802N0123456']) {
      expect(errorsOf(def, { ...EXAMPLE_ANSWERS['motorcycle-registration'], vin }).vin, vin).toEqual(['vin.format']);
    }
    expect(parse(def, { ...EXAMPLE_ANSWERS['motorcycle-registration'], vin: 'lbpke1802n0123456' }).vin).toBe('LBPKE1802N0123456');
  });
});

describe('passport', () => {
  it('charges 120 yuan and is handled at any chosen office', () => {
    expect(fees('passport', {})).toEqual([{ key: 'passport', amount: 120 }]);
    expect(getService('passport').jurisdiction.kind).toBe('chosen');
  });

  it('asks for guardian documents under 16 only, on the 16th-birthday boundary', () => {
    expect(materials('passport', { idNumber: idBornOn('20101124') })).toEqual(expect.arrayContaining(['guardianIdCard', 'guardianshipProof']));
    expect(materials('passport', { idNumber: idBornOn('20101123') })).not.toContain('guardianIdCard');
  });

  it('asks state functionaries for their unit’s approval, renewals for the old passport, replacements for a loss statement', () => {
    expect(materials('passport', {})).toEqual(['idCard', 'photoReceipt']);
    expect(materials('passport', { stateFunctionary: 'yes' })).toContain('unitApproval');
    expect(materials('passport', { applicationType: 'renewal' })).toContain('oldPassport');
    expect(materials('passport', { applicationType: 'replacement' })).toContain('lossStatement');
  });
});

describe('hk-macao-permit', () => {
  const extra: Record<(typeof ENDORSEMENT_TYPES)[number], string[]> = {
    T: ['kinshipProof', 'relativeHkMacaoId'],
    S: ['businessProof'],
    L: [],
    G: [],
    D: ['stayApproval'],
    Q: ['purposeProof'],
  };
  const allExtra = Object.values(extra).flat();

  for (const type of ENDORSEMENT_TYPES) {
    it(`endorsement ${type} needs its own proofs and costs its trips' fee`, () => {
      const trips = ENDORSEMENT_TRIPS[type][0];
      const list = materials('hk-macao-permit', { endorsementType: type, trips });
      for (const m of extra[type]) expect(list).toContain(m);
      for (const m of allExtra.filter((x) => !extra[type].includes(x))) expect(list).not.toContain(m);
      for (const t of ENDORSEMENT_TRIPS[type]) {
        const lines = fees('hk-macao-permit', { endorsementType: type, trips: t });
        expect(lines).toEqual([
          { key: 'permit', amount: 60 },
          { key: expect.stringMatching(/^endorsement/), amount: TRIP_FEES[t] },
        ]);
      }
    });
  }

  it('prices endorsements as 发改价格〔2017〕1186号 sets them', () => {
    expect(TRIP_FEES).toEqual({ single: 15, double: 30, multiple1y: 80, multiple2y: 120, multiple3y: 160, multiple3yPlus: 240 });
  });

  it('rejects a number of trips the type is not issued for', () => {
    const def = getService('hk-macao-permit');
    for (const type of ENDORSEMENT_TYPES) {
      for (const trips of TRIP_OPTIONS.filter((t) => !ENDORSEMENT_TRIPS[type].includes(t))) {
        expect(errorsOf(def, { ...EXAMPLE_ANSWERS['hk-macao-permit'], endorsementType: type, trips }).trips, `${type}/${trips}`).toEqual([
          'endorsement.tripsNotForType',
        ]);
      }
    }
  });

  it('charges no permit fee and needs no photo when a valid permit is held, and then requires its number', () => {
    const held = { holdsValidPermit: 'yes', permitNumber: 'C12345678' };
    expect(fees('hk-macao-permit', held)).toEqual([{ key: 'endorsementSingle', amount: 15 }]);
    const list = materials('hk-macao-permit', held);
    expect(list).toContain('currentPermit');
    expect(list).not.toContain('photoReceipt');
    const def = getService('hk-macao-permit');
    expect(errorsOf(def, { ...EXAMPLE_ANSWERS['hk-macao-permit'], holdsValidPermit: 'yes' }).permitNumber).toEqual(['required']);
    expect(errorsOf(def, { ...EXAMPLE_ANSWERS['hk-macao-permit'], ...held, permitNumber: 'E12345678' }).permitNumber).toEqual([
      'hkMacaoPermitNumber.format',
    ]);
  });

  it('asks for guardian documents under 16 only', () => {
    expect(materials('hk-macao-permit', { idNumber: idBornOn('20101124') })).toContain('guardianshipProof');
    expect(materials('hk-macao-permit', { idNumber: idBornOn('20101123') })).not.toContain('guardianshipProof');
  });
});

describe('entry-exit-records', () => {
  it('is free, on the spot and needs no visit', () => {
    const def = getService('entry-exit-records');
    expect(def.fee.lines(parse(def, EXAMPLE_ANSWERS['entry-exit-records']))).toEqual([]);
    expect(def.timeLimits.committedWorkingDays).toBe(0);
    expect(def.handling.visits).toBe(0);
  });

  it('asks nothing more of someone querying their own records; an agent for an adult brings the authorisation signed by both', () => {
    expect(materials('entry-exit-records', {})).toEqual(['identityDocument']);
    const agent = { filingAs: 'agent', subjectName: '李四', subjectIdNumber: exampleIdNumber('110105', '19850612', '456') };
    expect(materials('entry-exit-records', agent)).toEqual(['identityDocument', 'powerOfAttorney', 'agentIdCard']);
  });

  it('a guardian for a child under 16 brings guardianship documents instead, on both sides of the 16th birthday', () => {
    // TODAY is 2026-11-23: born 2010-11-24 is still 15, born 2010-11-23 turns 16 today.
    const child = { filingAs: 'agent', subjectName: '张小明', subjectIdNumber: idBornOn('20101124') };
    expect(materials('entry-exit-records', child)).toEqual(['identityDocument', 'guardianIdCard', 'guardianshipProof']);
    const sixteen = { ...child, subjectIdNumber: idBornOn('20101123') };
    expect(materials('entry-exit-records', sixteen)).toEqual(['identityDocument', 'powerOfAttorney', 'agentIdCard']);
  });

  it('takes no ID number of its own: the subject is the account holder unless filing as an agent', () => {
    const def = getService('entry-exit-records');
    expect(def.fields.map((f) => f.name)).toEqual(['officeCode', 'filingAs', 'subjectName', 'subjectIdNumber', 'delivery']);
    expect(def.subject).toEqual({ kind: 'filingAs', nameField: 'subjectName', idField: 'subjectIdNumber' });
    expect(errorsOf(def, { ...EXAMPLE_ANSWERS['entry-exit-records'], filingAs: 'agent' })).toEqual({ subjectName: ['required'], subjectIdNumber: ['required'] });
  });
});

describe('conditional materials read raw answers too', () => {
  it('gives the same checklist for form data as for parsed answers', () => {
    const def = getService('birth-registration');
    const raw = { ...EXAMPLE_ANSWERS['birth-registration'], parentsMarried: 'no', registeredWith: 'father' };
    const fromRaw = applicableMaterials(def, raw, env).map((m) => m.code);
    const fromParsed = applicableMaterials(def, parse(def, raw), env).map((m) => m.code);
    expect(fromRaw).toEqual(fromParsed);
  });
});
