import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { mostSpecificMatch, officesHandling } from '../../services/offices/offices.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

async function officeFor(department: 'hukou' | 'traffic' | 'exit_entry', region: string) {
  return mostSpecificMatch(await officesHandling(h.db, department), region, (o) => o.regionPrefixes)?.code ?? null;
}

describe('jurisdiction over the seeded offices', () => {
  it('sends household matters to the district office of the registration region', async () => {
    expect(await officeFor('hukou', '110101')).toBe('bj-dongcheng');
    expect(await officeFor('hukou', '110105')).toBe('bj-chaoyang');
    expect(await officeFor('hukou', '110108')).toBe('bj-chaoyang');
    expect(await officeFor('hukou', '310104')).toBe('sh-huangpu');
  });

  it('gives every Beijing district a vehicle office', async () => {
    for (const region of ['110101', '110105', '110108']) expect(await officeFor('traffic', region)).toBe('bj-dongcheng');
    expect(await officeFor('traffic', '310115')).toBe('sh-huangpu');
  });

  it('finds no office for a region nobody serves', async () => {
    expect(await officeFor('hukou', '440106')).toBeNull();
  });
});
