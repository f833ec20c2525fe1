import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { deskTallies, deskTallyChanges } from '../../db/schema/index.js';
import { rowsOf } from '../sql.js';

const FOLD_BATCH = 10000;

/**
 * An office's tallies as they stand: the folded rows plus the changes appended since, as one
 * derived table (status, department, service_code, due_date, n) to sum over. Every reader of the
 * counts (the desk, the manager's board) goes through it, so none misses unfolded changes.
 */
export function officeTallies(officeCode: string): SQL {
  return sql`(select status, department, service_code, due_date, n from ${deskTallies} where office_code = ${officeCode}
    union all select status, department, service_code, due_date, n from ${deskTallyChanges} where office_code = ${officeCode})`;
}

/**
 * Folds the desk's appended tally changes (desk_tally_changes, +1/-1 per change, written by the
 * trigger on applications) into desk_tallies, off the request path (docs/decisions/0025). The
 * desk reads the tallies and the unfolded changes together in one snapshot, and this moves rows
 * from one to the other in one transaction, so the counts are exact before, during and after.
 * One worker folds at a time (the 'desk_tallies' cursor row, FOR UPDATE SKIP LOCKED); another
 * that comes along finds it held and leaves. Returns how many changes it folded.
 */
export async function foldDeskTallies(db: Db, batch = FOLD_BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const moved = await db.transaction(async (tx) => {
      const held = rowsOf(await tx.execute(sql`select 1 from projection_cursors where name = 'desk_tallies' for update skip locked`));
      if (held.length === 0) return 0;
      const [r] = rowsOf<{ n: number | string }>(
        await tx.execute(sql`
          with moved as (
            delete from desk_tally_changes where id in (select id from desk_tally_changes order by id limit ${batch})
            returning office_code, status, department, service_code, due_date, n
          ), summed as (
            select office_code, status, department, service_code, due_date, sum(n)::int as n, count(*) as changes
            from moved group by 1, 2, 3, 4, 5
          ), upserted as (
            insert into desk_tallies (office_code, status, department, service_code, due_date, n)
            select office_code, status, department, service_code, due_date, n from summed where n <> 0
            order by office_code, status, department, service_code, due_date
            on conflict (office_code, status, department, service_code, due_date) do update set n = desk_tallies.n + excluded.n
          )
          select coalesce(sum(changes), 0) as n from summed`),
      );
      // A separate statement: the upsert's result is not visible to another part of the same one.
      await tx.execute(sql`delete from desk_tallies where n = 0`);
      return Number(r.n);
    });
    total += moved;
    if (moved < batch) return total;
  }
}
