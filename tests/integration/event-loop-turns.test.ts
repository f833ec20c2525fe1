import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { createTestDb } from '../setup/test-db.js';

/**
 * The test harness lets the event loop turn between statements on either engine (see
 * tests/setup/setup-file.ts): a timer set before a run of statements fires during it. Without
 * that, PGlite's microtask-only answers starve vitest's own RPC timers in long tests.
 */
let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

describe('a run of statements', () => {
  it('lets a timer set before it fire while it runs', async () => {
    let firedAfter: number | null = null;
    let statements = 0;
    setTimeout(() => {
      firedAfter = statements;
    }, 1);
    const started = Date.now();
    // Until the timer fired (or 5 s, which would be the defect).
    while (firedAfter === null && Date.now() - started < 5_000) {
      await h.db.execute(sql`select 1`);
      statements++;
    }
    expect(firedAfter).not.toBeNull();
  });
});
