import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { auditEvents } from '../../db/schema/index.js';
import { recordAudit } from '../../services/audit.js';
import { fixedClock } from '../support/factories.js';
import { createTestDb } from '../setup/test-db.js';

// drizzle wraps the driver's error; the trigger's message is on the cause.
const appendOnly = { cause: expect.objectContaining({ message: expect.stringMatching(/append-only/) }) };

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

describe('audit trail', () => {
  it('accepts inserts and refuses UPDATE, DELETE and TRUNCATE', async () => {
    await recordAudit(h.db, { actor: { kind: 'anonymous' }, clock: fixedClock() }, { action: 'test.event', reason: 'original' });
    const [row] = await h.db.select().from(auditEvents).where(eq(auditEvents.action, 'test.event'));
    expect(row.reason).toBe('original');

    await expect(h.db.update(auditEvents).set({ reason: 'tampered' }).where(eq(auditEvents.id, row.id))).rejects.toMatchObject(appendOnly);
    await expect(h.db.delete(auditEvents).where(eq(auditEvents.id, row.id))).rejects.toMatchObject(appendOnly);
    await expect(h.db.execute(sql`truncate audit_events`)).rejects.toMatchObject(appendOnly);

    const [after] = await h.db.select().from(auditEvents).where(eq(auditEvents.id, row.id));
    expect(after.reason).toBe('original');
  });
});
