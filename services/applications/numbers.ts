import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';

/**
 * Public application numbers: 'GA', the China date of receipt and a sequence value, e.g.
 * GA20261123000042. The sequence is never reset, so numbers stay unique across days and the
 * padding only sets a minimum width.
 */
export function formatApplicationNumber(chinaDay: string, seq: number | bigint | string): string {
  return `GA${chinaDay.replaceAll('-', '')}${String(seq).padStart(6, '0')}`;
}

export async function nextApplicationNumber(tx: Db, chinaDay: string): Promise<string> {
  const result = await tx.execute<{ seq: string }>(sql`select nextval('application_number_seq')::text as seq`);
  // node-postgres returns { rows }, PGlite returns { rows } too; both give the value as text.
  const rows = (result as unknown as { rows: { seq: string }[] }).rows;
  return formatApplicationNumber(chinaDay, rows[0].seq);
}
