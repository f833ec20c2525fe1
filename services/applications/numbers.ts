import { sql, type SQL } from 'drizzle-orm';

/** What a day's numbers start with: 'GA' and the China date of receipt, e.g. GA20261123. */
export const applicationNumberPrefix = (chinaDay: string) => `GA${chinaDay.replaceAll('-', '')}`;

/**
 * Public application numbers: the day's prefix and a sequence value, e.g. GA20261123000042. The
 * sequence is never reset, so numbers stay unique across days and the padding only sets a
 * minimum width.
 */
export function formatApplicationNumber(chinaDay: string, seq: number | bigint | string): string {
  return `${applicationNumberPrefix(chinaDay)}${String(seq).padStart(6, '0')}`;
}

/**
 * The next number after `prefix` (applicationNumberPrefix) as a SQL expression, formatted as
 * formatApplicationNumber does, so the statement that stores it also draws it (one round trip
 * fewer than selecting nextval first). The prefix is a parameter, so a shaped statement
 * (services/sql-shapes.ts) keeps one text across days.
 */
export function nextApplicationNumberSql(prefix: string): SQL {
  return sql`(select ${prefix}::text || lpad(n.seq, greatest(6, length(n.seq)), '0') from (select nextval('application_number_seq')::text as seq) n)`;
}
