import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb, migrate } from '../../db/client.js';
import { seedReference } from '../../db/seed.js';
import { adminUrl, databaseUrl } from './pg-admin.js';

/**
 * Migrates one template database per run, so each test file starts from a copy instead of
 * replaying migrations: a PGlite data-dir dump by default, or a PostgreSQL template database
 * when TEST_DATABASE_URL is set.
 */
export default async function setup(project: TestProject) {
  const pgUrl = process.env.TEST_DATABASE_URL;
  if (pgUrl) {
    const template = `ow_tpl_${process.pid}`;
    const { default: pg } = await import('pg');
    const admin = new pg.Client({ connectionString: adminUrl(pgUrl) });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${template}`);
    await admin.query(`CREATE DATABASE ${template}`);
    await admin.end();
    const handle = await createDb({ url: databaseUrl(pgUrl, template), max: 1 });
    await migrate(handle);
    await seedReference(handle.db);
    await handle.close();
    project.provide('pgTemplate', template);
    return async () => {
      const cleanup = new pg.Client({ connectionString: adminUrl(pgUrl) });
      await cleanup.connect();
      const { rows } = await cleanup.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
        [template, `ow_t_${process.pid}_%`],
      );
      for (const r of rows) await cleanup.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
      await cleanup.end();
    };
  }
  const handle = await createDb({ dataDir: 'memory://' });
  await migrate(handle);
  await seedReference(handle.db);
  const client = (handle.db as unknown as { $client: { dumpDataDir(c: 'none'): Promise<Blob> } }).$client;
  const dump = await client.dumpDataDir('none');
  await handle.close();
  const file = path.join(os.tmpdir(), `onewindow-template-${process.pid}.tar`);
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', file);
  return () => fs.rmSync(file, { force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    pgTemplate: string;
  }
}
