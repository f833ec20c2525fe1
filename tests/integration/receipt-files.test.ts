import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { readSource } from '../../services/documents/sources.js';
import { getService } from '../../services/catalog/index.js';
import type { Clock } from '../../services/context.js';
import { TEST_NOW } from '../support/factories.js';
import { createSubmittedApplication } from '../support/applications.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

/** A clock that moves on at every reading, as the machine's does: a fixed clock hides a submission read at two instants. */
function tickingClock(): Clock {
  let ms = new Date(TEST_NOW).getTime();
  return { now: () => new Date((ms += 7)) };
}

describe('the receipt of a filing made in one post', () => {
  it('lists every material posted with it, whatever the clock did while it was filed', async () => {
    const filed = await createSubmittedApplication(h.db, { clock: tickingClock() });
    const receipt = await readSource(h.db, 'receipt', filed.applicationId);
    const text = receipt!.text.paragraphs.join('\n');
    expect(text).not.toContain('未随申请提交材料');
    for (const m of getService('temporary-id-card').materials) expect(text, m.code).toContain(`${m.code}.bin`);
  });
});
