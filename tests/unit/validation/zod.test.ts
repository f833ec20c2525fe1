import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type z } from 'zod';
import { choice, flag, idNumber, isoDate, mobile, officeCode, plate, text, vin } from '../../../services/validation/zod.js';
import { idCheckCharacter } from '../../../services/validation/identifiers.js';

const TODAY = '2026-11-23';
const messages = (schema: z.ZodTypeAny, value: unknown) => {
  const r = schema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => i.message);
};

describe('zod building blocks', () => {
  it('normalise what they accept', () => {
    const id = '11010519491231002x';
    expect(idNumber(TODAY).parse(id)).toBe('11010519491231002X');
    expect(mobile().parse('+86 138-0013-8000')).toBe('13800138000');
    expect(plate().parse('京a·12345')).toBe('京A12345');
    expect(text().parse('  张三 ')).toBe('张三');
    expect(vin().parse(' lbpke1802n0123456 ')).toBe('LBPKE1802N0123456');
  });

  it('give one message key per bad value', () => {
    expect(messages(idNumber(TODAY), '110105194912310021')).toEqual(['idNumber.checksum']);
    expect(messages(idNumber(TODAY), undefined)).toEqual(['required']);
    expect(messages(mobile(), '12345')).toEqual(['mobile.format']);
    expect(messages(text(), '   ')).toEqual(['required']);
    expect(messages(text(5), '123456')).toEqual(['tooLong']);
    expect(messages(choice(['a', 'b'] as const), 'c')).toEqual(['choice']);
    expect(messages(choice(['a', 'b'] as const), undefined)).toEqual(['required']);
    expect(messages(officeCode(), 'BJ DONGCHENG')).toEqual(['choice']);
  });

  it('dates: format, real day, bounds — each failing alone', () => {
    const d = isoDate({ notAfter: TODAY, notBefore: '2000-01-01' });
    expect(messages(d, 'abc')).toEqual(['date.format']);
    expect(messages(d, '2026-02-30')).toEqual(['date.format']);
    expect(messages(d, '2026-13-01')).toEqual(['date.format']);
    expect(messages(d, '2026-11-24')).toEqual(['date.inFuture']);
    expect(messages(d, '1999-12-31')).toEqual(['date.tooEarly']);
    expect(messages(d, TODAY)).toEqual([]);
    expect(messages(d, '2024-02-29')).toEqual([]);
  });

  it('flag reads ticked boxes and stored booleans', () => {
    expect(flag().parse('on')).toBe(true);
    expect(flag().parse(true)).toBe(true);
    expect(flag().parse(undefined)).toBe(false);
    expect(flag().parse(false)).toBe(false);
    expect(flag().parse('')).toBe(false);
  });

  it('property: every real day up to today passes isoDate, every later day fails with date.inFuture', () => {
    const d = isoDate({ notAfter: TODAY });
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z'), noInvalidDate: true }), (date) => {
        const v = date.toISOString().slice(0, 10);
        expect(messages(d, v)).toEqual(v <= TODAY ? [] : ['date.inFuture']);
      }),
    );
  });

  it('property: idNumber accepts any generated valid number, lower-case x included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999 }), fc.date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date(`${TODAY}T00:00:00Z`), noInvalidDate: true }), (n, date) => {
        const f = `310115${date.toISOString().slice(0, 10).replace(/-/g, '')}${String(n).padStart(3, '0')}`;
        const id = (f + idCheckCharacter(f)).toLowerCase();
        expect(idNumber(TODAY).parse(id)).toBe(id.toUpperCase());
      }),
    );
  });
});
