import { sql, type SQL } from 'drizzle-orm';

/**
 * Public application numbers: 'GA', the China date of receipt and a sequence value, e.g.
 * GA20261123000042. The sequence is never reset, so numbers stay unique across days and the
 * padding only sets a minimum width.
 */
export function formatApplicationNumber(chinaDay: string, seq: number | bigint | string): string {
  return `GA${chinaDay.replaceAll('-', '')}${String(seq).padStart(6, '0')}`;
}

/**
 * The next number as a SQL expression, formatted as formatApplicationNumber does, so the
 * statement that stores it also draws it (one round trip fewer than selecting nextval first).
 */
export function nextApplicationNumberSql(chinaDay: string): SQL {
  return sql`(select ${`GA${chinaDay.replaceAll('-', '')}`}::text || lpad(n.seq, greatest(6, length(n.seq)), '0') from (select nextval('application_number_seq')::text as seq) n)`;
}
