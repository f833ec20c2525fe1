import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { officeCreateSchema } from '../../services/admin/schemas.js';
import { DEFAULT_NUMBER_PREFIX, formatApplicationNumber, isOwnNumberPrefix, NUMBER_PREFIX } from '../../services/applications/numbers.js';
import { reassignSchema } from '../../services/queue/board-schema.js';
import { isApplicationNumber } from '../../services/validation/ids.js';
import { forbiddenChar } from '../support/hostile.js';

/** Offices' own application-number prefixes (decision 0037). */
const ownPrefix = fc.stringMatching(NUMBER_PREFIX).filter((p) => p !== DEFAULT_NUMBER_PREFIX);
const day = fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const seq = fc.bigInt({ min: 0n, max: 10n ** 18n });

const office = { code: 'bj-test', nameZh: '测试', nameEn: 'Test', phone: '010-1', orgUnitCode: '1101', departments: 'hukou' };
const prefixError = (numberPrefix: unknown) => {
  const r = officeCreateSchema.safeParse({ ...office, numberPrefix });
  return r.success ? null : r.error.issues.find((i) => i.path[0] === 'numberPrefix')?.message;
};

describe('application-number prefixes', () => {
  it('GA by default; an office prefix replaces it', () => {
    expect(formatApplicationNumber('2026-11-23', 42)).toBe('GA20261123000042');
    expect(formatApplicationNumber('2026-11-23', 42, null)).toBe('GA20261123000042');
    expect(formatApplicationNumber('2026-11-23', 42, 'BJDC')).toBe('BJDC20261123000042');
  });

  it('every number an office prefix makes is accepted where a path names a number, and nothing with anything added', () => {
    fc.assert(
      fc.property(ownPrefix, day, seq, forbiddenChar, (prefix, d, s, c) => {
        const n = formatApplicationNumber(d, s, prefix);
        expect(isApplicationNumber(n)).toBe(true);
        expect(isApplicationNumber(`${n}${c}`)).toBe(false);
        expect(isApplicationNumber(`${c}${n}`)).toBe(false);
        expect(isApplicationNumber(n.toLowerCase())).toBe(false);
        // The board's checked items carry numbers too.
        expect(reassignSchema.safeParse({ items: `${n}:3`, reason: 'x' }).success).toBe(true);
      }),
    );
  });

  it('numbers of different offices or sequence values never coincide: the prefix ends in a letter, so a number splits one way', () => {
    fc.assert(
      fc.property(fc.option(ownPrefix), fc.option(ownPrefix), day, day, seq, seq, (p1, p2, d1, d2, s1, s2) => {
        fc.pre(s1 !== s2 || p1 !== p2 || d1 !== d2);
        expect(formatApplicationNumber(d1, s1, p1)).not.toBe(formatApplicationNumber(d2, s2, p2));
      }),
    );
  });

  it('the form takes 2–6 capitals and digits, a letter first and last, forgives case and blanks, and keeps GA for no prefix', () => {
    expect(officeCreateSchema.parse({ ...office, numberPrefix: ' bjdc ' }).numberPrefix).toBe('BJDC');
    expect(officeCreateSchema.parse({ ...office, numberPrefix: 'B2C' }).numberPrefix).toBe('B2C');
    expect(officeCreateSchema.parse({ ...office, numberPrefix: '' }).numberPrefix).toBeNull();
    expect(officeCreateSchema.parse(office).numberPrefix).toBeUndefined();
    for (const bad of ['B', 'BJDCXYZ', '1BJ', 'BJ1', 'B-J', '京A', 'ＢＪ']) expect(prefixError(bad)).toBe('numberPrefix.format');
    expect(prefixError('ga')).toBe('numberPrefix.reserved');
    expect(prefixError(['BJ'])).toBe('numberPrefix.format');
    expect(isOwnNumberPrefix('GA')).toBe(false);
    expect(isOwnNumberPrefix('BJ')).toBe(true);
  });
});
