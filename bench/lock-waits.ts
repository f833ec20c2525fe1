import pg from 'pg';

/**
 * Samples, every `everyMs`, the sessions of one database waiting for a lock
 * (pg_stat_activity.wait_event_type = 'Lock') and counts them by the relation they wait on
 * (a row lock shows as a wait on a transaction id: its relation comes from the tuple lock when
 * there is one, else from the table the waiting statement writes, e.g. an upsert waiting for a
 * conflicting insert). The decisions' goal is no wait on report rows
 * (decision 0025). Its own connection, outside the measured pool.
 */
export function sampleLockWaits(url: string, everyMs = 50): { stop: () => Promise<{ samples: number; waiting: number; byRelation: Record<string, number> }> } {
  const client = new pg.Client({ connectionString: url, application_name: 'onewindow bench lock sampler' });
  const byRelation: Record<string, number> = {};
  let samples = 0;
  let waiting = 0;
  let stopped = false;
  const loop = (async () => {
    await client.connect();
    while (!stopped) {
      const { rows } = await client.query<{ rel: string; n: number }>(`
        select coalesce((select l2.relation::regclass::text from pg_locks l2 where l2.pid = a.pid and l2.locktype = 'tuple' limit 1),
                        l.relation::regclass::text,
                        l.locktype || ' (' || coalesce(substring(lower(a.query) from '(?:insert into|update|delete from)\\s+"?([a-z_]+)'), '?') || ')') as rel,
               count(*)::int as n
        from pg_stat_activity a join pg_locks l on l.pid = a.pid and not l.granted
        where a.wait_event_type = 'Lock' and a.datname = current_database()
        group by 1`);
      samples++;
      for (const r of rows) {
        byRelation[r.rel] = (byRelation[r.rel] ?? 0) + r.n;
        waiting += r.n;
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
    await client.end();
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return { samples, waiting, byRelation };
    },
  };
}
