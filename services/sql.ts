import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/**
 * Several data-modifying statements as one: `with w0 as (a), w1 as (b) c`. PostgreSQL runs every
 * statement of a WITH whether or not it is read, in one snapshot, so the caller pays one round
 * trip instead of one per statement (each costs a socket write and a wait on the database).
 *
 * The parts must not depend on each other's rows (they see the same snapshot), must not have a
 * WITH of their own, and must not modify the same row twice: PostgreSQL refuses or picks one.
 */
export function together(parts: readonly SQLWrapper[]): SQL {
  if (parts.length === 0) throw new Error('together: no statements');
  // getSQL(): a query builder embedded as itself would be wrapped in parentheses, as a subquery is.
  const statements = parts.map((p) => p.getSQL());
  const last = statements[statements.length - 1];
  if (statements.length === 1) return last;
  const ctes = statements.slice(0, -1).map((p, i) => sql`${sql.raw(`w${i}`)} as (${p})`);
  return sql`with ${sql.join(ctes, sql`, `)} ${last}`;
}

/** The rows of a raw query: both drivers answer with { rows }, which the shared Db type does not say. */
export const rowsOf = <T>(res: unknown): T[] => (res as { rows: T[] }).rows;
