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

/**
 * `with <name> as (first), w0 as (a), w1 as (b) select * from <name>`: as `together`, after a
 * statement whose returned row the others read as `name` (a number it drew, a column it looked
 * up), and answering with that row. Every part runs even when `first` returns no row (the others
 * then read nulls), so `first` should fail rather than return nothing when the rest must not run.
 */
export function togetherAfter(name: string, first: SQLWrapper, parts: readonly SQLWrapper[]): SQL {
  const named = sql.identifier(name);
  const ctes = [sql`${named} as (${first.getSQL()})`, ...parts.map((p, i) => sql`${sql.raw(`w${i}`)} as (${p.getSQL()})`)];
  return sql`with ${sql.join(ctes, sql`, `)} select * from ${named}`;
}

/**
 * A unique violation of the given constraint (23505), as either driver reports it; drizzle
 * wraps the driver's error as its `cause`.
 */
export function isUniqueViolation(e: unknown, constraint: string): boolean {
  for (let err = e; err && typeof err === 'object'; err = (err as { cause?: unknown }).cause) {
    const { code, constraint: name } = err as { code?: unknown; constraint?: unknown };
    if (code === '23505') return name === constraint;
  }
  return false;
}

/** The rows of a raw query: both drivers answer with { rows }, which the shared Db type does not say. */
export const rowsOf = <T>(res: unknown): T[] => (res as { rows: T[] }).rows;
