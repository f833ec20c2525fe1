import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { loader } from '../../app/routes/healthz.js';
import { appContext } from '../support/factories.js';
import { get, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

describe('/healthz', () => {
  it('reports ok while the database answers', async () => {
    const res = await run(loader, get('/healthz'), appContext(h.db));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('reports unavailable with 503 once the database is gone', async () => {
    const other = await createTestDb();
    await other.close();
    const res = await run(loader, get('/healthz'), appContext(other.db));
    expect(res.status).toBe(503);
  });
});
