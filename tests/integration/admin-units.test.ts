import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { auditEvents, orgUnits } from '../../db/schema/index.js';
import { createOffice } from '../../services/admin/offices.js';
import { createOrgUnit, listOrgUnits } from '../../services/admin/org-units.js';
import { actorOf, createStaff, fixedClock, testConfig, testContext } from '../support/factories.js';
import { adminActor, createAdmin } from '../support/admin-staff.js';
import { createTestDb } from '../setup/test-db.js';

/**
 * The hierarchy's units are added in the browser (decision 0040): a bureau outside the seeded
 * provinces goes live without editing db/seed-data.ts — the national administrator adds the
 * province, its administrator the cities and districts, and offices hang on them.
 */
let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const clock = fixedClock();
const config = testConfig();
const as = (row: { id: string; orgUnitCode: string | null }) => testContext(h.db, adminActor(row), clock, config);
const unit = (code: string, parentCode?: string) => ({ code, parentCode, nameZh: `单位${code}`, nameEn: `Unit ${code}` });

describe('units of the hierarchy', () => {
  it('the national administrator adds a province, its administrator a city and a district; an office hangs on it; each audited', async () => {
    const root = as(await createAdmin(h.db, null));
    await createOrgUnit(root, unit('44'));
    const province = as(await createAdmin(h.db, '44'));
    await createOrgUnit(province, unit('4403', '44'));
    await createOrgUnit(province, unit('440304', '4403'));
    const rows = await h.db.select().from(orgUnits).where(eq(orgUnits.parentCode, '4403'));
    expect(rows).toEqual([{ code: '440304', parentCode: '4403', level: 'district', nameZh: '单位440304', nameEn: 'Unit 440304' }]);
    expect((await listOrgUnits(province)).units.map((u) => [u.code, u.level])).toEqual([
      ['44', 'province'],
      ['4403', 'city'],
      ['440304', 'district'],
    ]);
    const audits = await h.db.select().from(auditEvents).where(eq(auditEvents.action, 'admin.orgUnit.created'));
    expect(audits).toHaveLength(3);
    expect(audits[2].data).toMatchObject({ before: null, after: { code: '440304', level: 'district' } });
    // An office placed under the new district carries the new city's code.
    await createOffice(province, {
      code: 'sz-futian',
      nameZh: '福田派出所',
      nameEn: 'Futian Police Station',
      phone: '0755-12345678',
      orgUnitCode: '440304',
      departments: ['hukou'],
      regionPrefixes: ['440304'],
      platePrefixes: [],
    });
    expect((await createStaff(h.db, { officeCode: 'sz-futian', skills: ['hukou'] })).officeCode).toBe('sz-futian');
  });

  it('refuses, beside the field, a code that does not fit its level or parent, a taken code, a unit below a district, a parent outside the tree', async () => {
    const city = as(await createAdmin(h.db, '1101'));
    const refusal = (p: Promise<unknown>) => p.then(() => null, (e: { status: number; fieldErrors?: unknown }) => [e.status, e.fieldErrors]);
    expect(await refusal(createOrgUnit(city, unit('44')))).toEqual([400, { parentCode: ['orgUnit.parentRequired'] }]);
    expect(await refusal(createOrgUnit(city, unit('3101', '31')))).toEqual([400, { parentCode: ['admin.unitOutOfScope'] }]);
    expect(await refusal(createOrgUnit(city, unit('3101', '3101')))).toEqual([400, { parentCode: ['admin.unitOutOfScope'] }]);
    expect(await refusal(createOrgUnit(city, unit('1101', '1101')))).toEqual([400, { code: ['orgUnit.codeFor.district'] }]);
    expect(await refusal(createOrgUnit(city, unit('310102', '1101')))).toEqual([400, { code: ['orgUnit.codeFor.district'] }]);
    expect(await refusal(createOrgUnit(city, unit('110101', '1101')))).toEqual([409, { code: ['orgUnit.codeTaken'] }]);
    expect(await refusal(createOrgUnit(city, unit('11010101', '110101')))).toEqual([400, { parentCode: ['orgUnit.nothingBelowDistrict'] }]);
    await createOrgUnit(city, unit('110102', '1101'));
    // Shanghai's administrator sees none of Beijing's units.
    expect((await listOrgUnits(as(await createAdmin(h.db, '3101')))).units.map((u) => u.code)).toEqual(['3101', '310101']);
  });

  it('is for administrators only', async () => {
    const clerk = testContext(h.db, actorOf(await createStaff(h.db)), clock, config);
    await expect(createOrgUnit(clerk, unit('4401', '44'))).rejects.toMatchObject({ status: 403 });
    await expect(listOrgUnits(clerk)).rejects.toMatchObject({ status: 403 });
  });
});
