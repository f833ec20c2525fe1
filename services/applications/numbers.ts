import { sql, type SQL } from 'drizzle-orm';

/** What numbers start with when their office has no prefix of its own. */
export const DEFAULT_NUMBER_PREFIX = 'GA';

/**
 * An office's own prefix (offices.number_prefix, set at /admin/offices): 2–6 upper-case letters
 * and digits, a letter first and last. Ending in a letter makes a number split one way only —
 * prefix, then the 8-digit China day, then the sequence — so numbers of different offices can
 * never collide: the sequence is shared and never reset. 'GA' is the default and not anyone's own.
 */
export const NUMBER_PREFIX = /^[A-Z][A-Z0-9]{0,4}[A-Z]$/;
export const isOwnNumberPrefix = (v: string) => NUMBER_PREFIX.test(v) && v !== DEFAULT_NUMBER_PREFIX;

/**
 * What a day's numbers of an office start with: its prefix ('GA' by default) and the China date of
 * receipt, e.g. GA20261123.
 */
export const applicationNumberPrefix = (chinaDay: string, officePrefix?: string | null) =>
  `${officePrefix || DEFAULT_NUMBER_PREFIX}${chinaDay.replaceAll('-', '')}`;

/**
 * Public application numbers: the day's prefix and a sequence value, e.g. GA20261123000042. The
 * sequence is never reset, so numbers stay unique across days and offices and the padding only
 * sets a minimum width.
 */
export function formatApplicationNumber(chinaDay: string, seq: number | bigint | string, officePrefix?: string | null): string {
  return `${applicationNumberPrefix(chinaDay, officePrefix)}${String(seq).padStart(6, '0')}`;
}

/**
 * The next number after `prefix` (applicationNumberPrefix) as a SQL expression, formatted as
 * formatApplicationNumber does, so the statement that stores it also draws it (one round trip
 * fewer than selecting nextval first). The prefix is a parameter, so a shaped statement
 * (services/sql-shapes.ts) keeps one text across days and offices.
 */
export function nextApplicationNumberSql(prefix: string): SQL {
  return sql`(select ${prefix}::text || lpad(n.seq, greatest(6, length(n.seq)), '0') from (select nextval('application_number_seq')::text as seq) n)`;
}
