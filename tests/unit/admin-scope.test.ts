import { describe, expect, it } from 'vitest';
import { ORG_UNITS } from '../../db/seed-data.js';
import { formatActivationCode, normalizeActivationCode } from '../../services/admin/activation.js';
import { cityCodeOf, isRootAdmin, subtree, type OrgUnit } from '../../services/admin/scope.js';

const units = ORG_UNITS as OrgUnit[];

describe("an administrator's tree", () => {
  it('is the unit and everything below it, never a sibling or a parent', () => {
    expect([...subtree(units, '1101')].sort()).toEqual(['1101', '110101', '110105']);
    expect([...subtree(units, '11')].sort()).toEqual(['11', '1101', '110101', '110105']);
    expect([...subtree(units, '110101')]).toEqual(['110101']);
    expect(subtree(units, 'nope').size).toBe(0);
  });

  it("an office's city code is its nearest city-level unit", () => {
    expect(cityCodeOf(units, '110105')).toBe('1101');
    expect(cityCodeOf(units, '3101')).toBe('3101');
    expect(cityCodeOf(units, '440305')).toBe('4403');
  });

  it('only an administrator without a unit is the root', () => {
    const base = { kind: 'user' as const, id: 'a', officeCode: null, skills: [], managerScope: null, cityCode: null };
    expect(isRootAdmin({ ...base, role: 'admin', orgUnitCode: null })).toBe(true);
    expect(isRootAdmin({ ...base, role: 'admin', orgUnitCode: '1101' })).toBe(false);
    expect(isRootAdmin({ ...base, role: 'manager', orgUnitCode: null })).toBe(false);
  });
});

describe('activation codes as people type them', () => {
  it('ignore case, spaces and dashes', () => {
    expect(normalizeActivationCode(' ab2c-d3ef gh4k ')).toBe('AB2CD3EFGH4K');
    expect(formatActivationCode('AB2CD3EFGH4K')).toBe('AB2C-D3EF-GH4K');
  });
});
