import fs from 'node:fs';
import { inject } from 'vitest';
import { createDb, type DbHandle } from '../../db/client.js';
import { adminUrl, databaseUrl } from './pg-admin.js';

let counter = 0;

/**
 * A fresh, migrated database with the reference data seeded: a copy of the run's template.
 * Real engines only — PGlite by default, PostgreSQL when TEST_DATABASE_URL is set.
 */
export async function createTestDb(): Promise<DbHandle> {
  const pgUrl = process.env.TEST_DATABASE_URL;
  if (pgUrl) {
    const template = inject('pgTemplate');
    const name = `ow_t_${template.replace('ow_tpl_', '')}_${process.pid}_${++counter}`;
    const { default: pg } = await import('pg');
    const admin = new pg.Client({ connectionString: adminUrl(pgUrl) });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    await admin.end();
    const handle = await createDb({ url: databaseUrl(pgUrl, name), max: 30 });
    return {
      ...handle,
      close: async () => {
        await handle.close();
        const drop = new pg.Client({ connectionString: adminUrl(pgUrl) });
        await drop.connect();
        // pool.end() resolves before the server has seen every backend go; dropping WITH (FORCE)
        // then would kill sockets the pool is still closing, which surface as uncaught errors.
        for (let i = 0; i < 50; i++) {
          const { rows } = await drop.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
          if (rows[0].n === 0) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await drop.end();
      },
    };
  }
  const file = inject('pgliteTemplate');
  const blob = new Blob([fs.readFileSync(file)]);
  return createDb({ dataDir: 'memory://', loadDataDir: blob });
}
