import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ageOn,
  birthDateFromId,
  checkHkMacaoPermitNumber,
  checkIdNumber,
  checkMobile,
  checkPassportNumber,
  checkPlate,
  idCheckCharacter,
  isNewEnergyPlate,
  maskIdNumber,
  maskMobile,
  maskName,
  normalizeMobile,
} from '../../../services/validation/identifiers.js';

const TODAY = '2026-11-23';
const CHECK_CHARS = '0123456789X';
const withCheck = (first17: string) => first17 + idCheckCharacter(first17);

/** Region codes that exist at least at province level, and real dates up to today. */
const region = fc.constantFrom('110101', '310115', '440305', '510107', '650102', '710000', '810000', '820000', '830000');
const day = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date(`${TODAY}T00:00:00Z`), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const seq = fc.integer({ min: 0, max: 999 }).map((n) => String(n).padStart(3, '0'));
const first17 = fc.tuple(region, day, seq).map(([r, d, s]) => `${r}${d.replace(/-/g, '')}${s}`);

describe('resident ID numbers (GB 11643)', () => {
  it('accepts known-good numbers, with an upper- or lower-case X', () => {
    expect(checkIdNumber('11010519491231002X', TODAY)).toBeNull();
    expect(checkIdNumber('11010519491231002x', TODAY)).toBeNull();
    expect(checkIdNumber(' 110101199003071233 ', TODAY)).toBeNull();
  });

  it('names what is wrong', () => {
    expect(checkIdNumber('1101051949123100', TODAY)).toBe('idNumber.format');
    expect(checkIdNumber('11010519491231002Y', TODAY)).toBe('idNumber.format');
    expect(checkIdNumber(withCheck('99010119900101123'), TODAY)).toBe('idNumber.region');
    expect(checkIdNumber(withCheck('11000019900101123'), TODAY)).toBe('idNumber.region');
    expect(checkIdNumber(withCheck('11010119900230123'), TODAY)).toBe('idNumber.birthDate');
    expect(checkIdNumber(withCheck('11010118991231123'), TODAY)).toBe('idNumber.birthDate');
    expect(checkIdNumber(withCheck('11010120261124123'), TODAY)).toBe('idNumber.birthInFuture');
    expect(checkIdNumber('110105194912310021', TODAY)).toBe('idNumber.checksum');
  });

  it('accepts the residence-permit numbers of Hong Kong, Macao and Taiwan residents', () => {
    for (const r of ['810000', '820000', '830000', '710000']) expect(checkIdNumber(withCheck(`${r}19900101123`), TODAY)).toBeNull();
  });

  it('accepts a birth date of today and reads leap days', () => {
    expect(checkIdNumber(withCheck(`110101${TODAY.replace(/-/g, '')}001`), TODAY)).toBeNull();
    expect(birthDateFromId(withCheck('11010120000229123'))).toBe('2000-02-29');
    expect(birthDateFromId(withCheck('11010119000229123'))).toBeNull();
  });

  it('property: any valid region and date with the computed check character is accepted, in either case', () => {
    fc.assert(
      fc.property(first17, (f) => {
        const id = withCheck(f);
        expect(checkIdNumber(id, TODAY)).toBeNull();
        expect(checkIdNumber(id.toLowerCase(), TODAY)).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('property: any other check character is rejected as a checksum error', () => {
    fc.assert(
      fc.property(first17, fc.constantFrom(...CHECK_CHARS), (f, c) => {
        fc.pre(c !== idCheckCharacter(f));
        expect(checkIdNumber(f + c, TODAY)).toBe('idNumber.checksum');
      }),
      { numRuns: 300 },
    );
  });

  it('property: changing any one of the first 17 digits is caught', () => {
    fc.assert(
      fc.property(first17, fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 9 }), (f, pos, delta) => {
        const id = withCheck(f);
        const changed = id.slice(0, pos) + String((Number(id[pos]) + delta) % 10) + id.slice(pos + 1);
        expect(checkIdNumber(changed, TODAY)).not.toBeNull();
      }),
      { numRuns: 300 },
    );
  });
});

describe('ageOn', () => {
  it('turns a year older on the birthday, not the day before', () => {
    expect(ageOn('2010-11-23', '2026-11-22')).toBe(15);
    expect(ageOn('2010-11-23', '2026-11-23')).toBe(16);
  });
});

describe('mobile numbers', () => {
  it('accepts 1[3-9] + 9 digits with +86, 0086, spaces or dashes', () => {
    for (const m of ['13800138000', '+8613800138000', '+86 138-0013-8000', '008619912345678']) expect(checkMobile(m), m).toBeNull();
    expect(normalizeMobile('+86 138 0013 8000')).toBe('13800138000');
  });

  it('rejects other numbers', () => {
    for (const m of ['12800138000', '1380013800', '138001380000', '+1 13800138000', '1380013800a', '']) expect(checkMobile(m), m).toBe('mobile.format');
  });

  it('property: every 1[3-9]xxxxxxxxx number is accepted with and without +86', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 9 }), fc.stringMatching(/^\d{9}$/), (second, rest) => {
        const m = `1${second}${rest}`;
        expect(checkMobile(m)).toBeNull();
        expect(checkMobile(`+86${m}`)).toBeNull();
      }),
    );
  });
});

describe('plates', () => {
  it('accepts ordinary and new-energy plates', () => {
    for (const p of ['京A12345', '沪B2C3D4', '粤BD12345', '粤BFA1234', '川A12345D', '苏E54321F', '浙AA12345', '京 A·12345', '京ad12345']) {
      expect(checkPlate(p), p).toBeNull();
    }
    expect(isNewEnergyPlate('粤BD12345')).toBe(true);
    expect(isNewEnergyPlate('川A12345D')).toBe(true);
    expect(isNewEnergyPlate('京A12345')).toBe(false);
  });

  it('rejects malformed plates', () => {
    for (const p of ['京I12345', '京A1234', '京A123456', 'AA12345', '京112345', '京AD123', '京AO12345', '粤BF1A234', '粤BX12345', '川A12345X', '']) expect(checkPlate(p), p).toBe('plate.format');
  });
});

describe('passport and HK/Macao permit numbers', () => {
  it('accept E/C + 8 digits or E/C + letter + 7 digits', () => {
    for (const p of ['E12345678', 'EA1234567', 'e12345678', ' EH7654321 ']) expect(checkPassportNumber(p), p).toBeNull();
    for (const p of ['C12345678', 'CA1234567', 'c98765432']) expect(checkHkMacaoPermitNumber(p), p).toBeNull();
  });

  it('reject other forms, and the letters I and O after the prefix', () => {
    for (const p of ['G12345678', 'E1234567', 'E123456789', 'EI1234567', 'EO1234567', 'EAB123456', 'C12345678']) {
      expect(checkPassportNumber(p), p).toBe('passportNumber.format');
    }
    for (const p of ['E12345678', 'C1234567', 'CI1234567', 'H12345678']) expect(checkHkMacaoPermitNumber(p), p).toBe('hkMacaoPermitNumber.format');
  });

  it('property: E/C + 8 digits always passes', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{8}$/), (digits) => {
        expect(checkPassportNumber(`E${digits}`)).toBeNull();
        expect(checkHkMacaoPermitNumber(`C${digits}`)).toBeNull();
      }),
    );
  });
});

describe('masking', () => {
  it('keeps only what identifies the record to its owner', () => {
    expect(maskIdNumber('110101199003071233')).toBe('1101**********1233');
    expect(maskMobile('13800138000')).toBe('138****8000');
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('Li')).toBe('L*');
    expect(maskIdNumber(null)).toBe('');
  });
});
