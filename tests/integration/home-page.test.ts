import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { loader } from '../../app/routes/_index.js';
import { appContext, fixedClock, testConfig } from '../support/factories.js';
import { get, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

type HomeData = { title: string; completenessDays: number; departments: { department: string; codes: string[] }[] };

describe('home page', () => {
  it('lists the three departments with their services and quotes the configured notice limit', async () => {
    const res = await run(loader, get('/'), appContext(h.db, fixedClock(), testConfig({ completenessDays: 3 })));
    const data = (await res.json()) as HomeData;
    expect(data.departments.map((d) => d.department)).toEqual(['hukou', 'traffic', 'exit_entry']);
    expect(data.departments.every((d) => d.codes.length > 0)).toBe(true);
    expect(data.completenessDays).toBe(3);
    expect(data.title).toContain('公安政务服务一窗通办');
  });

  it('titles the page in English for ?lng=en', async () => {
    const data = (await (await run(loader, get('/?lng=en'), appContext(h.db))).json()) as HomeData;
    expect(data.title).toBe('Public-security services: one window, done in one go - Public Security One-Window Services');
  });
});
