import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';

/** Whether the database answers; used by /healthz. */
export async function checkHealth(db: Db): Promise<{ ok: boolean }> {
  try {
    await db.execute(sql`select 1`);
    return { ok: true };
  } catch {
    return { ok: false };
  }
}
