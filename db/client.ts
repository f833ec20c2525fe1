import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

/**
 * Both engines' drizzle instances (and their transactions) share this type. No relational schema
 * is given to drizzle: nothing uses `db.query.*`, and with one drizzle builds a query builder per
 * table for every transaction it opens.
 */
export type Db = PgDatabase<PgQueryResultHKT>;

export type DbHandle = {
  db: Db;
  engine: 'pglite' | 'postgres';
  close: () => Promise<void>;
  /**
   * Runs fn while no other process runs its own exclusive(fn) on this database: app processes
   * that start together on an empty database migrate and seed one after another instead of
   * racing to create the same tables and demo accounts.
   */
  exclusive: <T>(fn: () => Promise<T>) => Promise<T>;
};

/** Arbitrary but fixed: the advisory lock key of startup (migrations and seeding). */
const STARTUP_LOCK_KEY = 7_001_007;

export const MIGRATIONS_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
export const DEFAULT_PGLITE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '.data', 'pglite');

export type DbOptions = {
  /** A PostgreSQL URL; when absent the embedded PGlite engine is used. */
  url?: string;
  /** PGlite data directory; 'memory://' for a throwaway database. */
  dataDir?: string;
  /** A PGlite data-dir dump to start from (tests load a migrated template this way). */
  loadDataDir?: Blob;
  /** pg pool size. */
  max?: number;
  /** PostgreSQL's application_name for this handle's connections (pg_stat_activity); default 'onewindow'. */
  applicationName?: string;
};

/**
 * The single client factory: PGlite when no URL is given, a `pg` Pool otherwise. Everything
 * above this line is engine-agnostic.
 */
export async function createDb(opts: DbOptions = {}): Promise<DbHandle> {
  if (opts.url) {
    const url = opts.url;
    const { default: pg } = await import('pg');
    const { ResilientPool, connectionConfig, watchConnection } = await import('./pg-pool.js');
    const { drizzle } = await import('drizzle-orm/node-postgres');
    // Every connection this process opens comes from here (the pool, the reports pool — another
    // createDb — and the startup lock below), so this is the one place that makes a database
    // restart survivable: see db/pg-pool.ts.
    const name = opts.applicationName ?? 'onewindow';
    const pool = new ResilientPool(url, { max: opts.max ?? 10, applicationName: name });
    const db = drizzle(pool) as unknown as Db;
    const exclusive = async <T>(fn: () => Promise<T>): Promise<T> => {
      // A transaction-level advisory lock held open on a connection of its own, outside the pool
      // (so a pool of one cannot deadlock): it also holds through PgBouncer in transaction mode,
      // which keeps a server connection for the length of a transaction, where a session-level
      // lock would stay behind on a server connection that other clients then get.
      const lock = new pg.Client(connectionConfig(url, `${name} startup lock`));
      // Losing it mid-way only ends the turn early (the lock goes with the connection); unheard, it would end the process.
      watchConnection(lock, 'the startup lock');
      await lock.connect();
      try {
        await lock.query('begin');
        await lock.query('select pg_advisory_xact_lock($1)', [STARTUP_LOCK_KEY]);
        return await fn();
      } finally {
        await lock.query('commit').catch(() => undefined);
        await lock.end().catch(() => undefined);
      }
    };
    return { db, engine: 'postgres', close: () => pool.end(), exclusive };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const dataDir = opts.dataDir ?? DEFAULT_PGLITE_DIR;
  if (!dataDir.startsWith('memory://')) {
    const fs = await import('node:fs');
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  }
  const { drizzle } = await import('drizzle-orm/pglite');
  const client = new PGlite({ dataDir, loadDataDir: opts.loadDataDir });
  await client.waitReady;
  const db = drizzle(client) as unknown as Db;
  // A PGlite data directory belongs to the one process that opened it: only this handle's own
  // callers can overlap, so a promise chain is the whole lock.
  let turn: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const mine = turn.then(fn);
    turn = mine.catch(() => undefined);
    return mine;
  };
  return {
    db,
    engine: 'pglite',
    close: () => client.close(),
    exclusive,
  };
}

/** Applies the committed drizzle-kit migrations; the same files run on both engines. */
export async function migrate(handle: DbHandle): Promise<void> {
  if (handle.engine === 'postgres') {
    const { migrate: run } = await import('drizzle-orm/node-postgres/migrator');
    await run(handle.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  } else {
    const { migrate: run } = await import('drizzle-orm/pglite/migrator');
    await run(handle.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  }
}
