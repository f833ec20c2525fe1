import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { seedDemo } from '../../db/seed.js';
import { seedDemoApplications } from '../../db/seed-demo-applications.js';
import { loadDesk } from '../../services/queue/desk.js';
import { createStaff, actorOf, fixedClock, testConfig, testContext } from '../support/factories.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

describe('demo applications', () => {
  it('files a few applications for the demo citizen into the Dongcheng queue, once', async () => {
    const config = testConfig();
    const clock = fixedClock();
    expect(await seedDemoApplications(h.db, { config, clock })).toEqual([]);
    await seedDemo(h.db, config.dataKeys);
    const numbers = await seedDemoApplications(h.db, { config, clock });
    expect(numbers).toHaveLength(3);
    expect(await seedDemoApplications(h.db, { config, clock })).toEqual([]);
    const clerk = await createStaff(h.db);
    const desk = await loadDesk(testContext(h.db, actorOf(clerk), clock, config));
    expect(desk.rows.map((r) => r.number).sort()).toEqual([...numbers].sort());
    expect(desk.rows.every((r) => r.applicantName === '张*')).toBe(true);
  });
});
