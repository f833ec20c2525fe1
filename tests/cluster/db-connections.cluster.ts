import net from 'node:net';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../../db/client.js';
import { isDatabaseUnavailable } from '../../db/failures.js';
import { CONNECT_TIMEOUT_MS } from '../../db/pg-pool.js';
import { rowsOf } from '../../services/sql.js';
import { adminUrl, databaseUrl } from '../setup/pg-admin.js';

/**
 * The client factory's connections when the database goes away under them (db/pg-pool.ts):
 * backends terminated mid-transaction, idle, under load and holding the startup lock. Without the
 * factory's listeners each of these is an uncaught `error` event, which vitest reports as a
 * failure of the run; the tests then check that the errors are the real ones and that the pool
 * carries on. PostgreSQL only (PGlite has no connections to lose), so it lives in the cluster suite.
 */
const server = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `onewindow_dbfaults_${Date.now()}_${process.pid}`;
const url = databaseUrl(server, dbName);

let admin: pg.Client;
const handles: DbHandle[] = [];

/** Each test's pool has a name of its own, so a test terminates only its own connections. */
async function open(max: number, applicationName: string): Promise<DbHandle> {
  const h = await createDb({ url, max, applicationName });
  handles.push(h);
  return h;
}

/** Terminates every backend of the test database opened under `applicationName`; returns how many. */
async function terminate(applicationName: string): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    'select count(*)::int as n from (select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = $2) t',
    [dbName, applicationName],
  );
  return rows[0].n;
}

async function until(what: string, check: () => Promise<boolean> | boolean) {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting until ${what}`);
}

const pooled = (h: DbHandle) => (h.db as unknown as { $client: pg.Pool }).$client;

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

/** The driver's error under drizzle's wrapper. */
const driverError = (e: unknown) => ((e as { cause?: unknown }).cause ?? e) as { code?: string; message: string };

beforeAll(async () => {
  admin = new pg.Client({ connectionString: adminUrl(server) });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
});

afterAll(async () => {
  for (const h of handles) await h.close().catch(() => undefined);
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
});

describe('connections the database takes away', () => {
  it('a transaction whose backend is terminated fails with that cause, and the pool carries on', async () => {
    const h = await open(2, 'ow mid-transaction');
    const inFlight = caught(h.db.transaction(async (tx) => tx.execute(sql`select pg_sleep(30)`)));
    await until('the transaction is at the server', async () => {
      const { rows } = await admin.query('select 1 from pg_stat_activity where datname = $1 and query like $2', [dbName, '%pg_sleep(30)%']);
      return rows.length > 0;
    });
    expect(await terminate('ow mid-transaction')).toBe(1);
    const err = await inFlight;
    // The statement's own error, not the ROLLBACK's ("not queryable") that drizzle would throw in its place.
    expect(driverError(err).code).toBe('57P01');
    expect(isDatabaseUnavailable(err)).toBe(true);
    // The broken client was destroyed, not handed to the next transaction.
    for (let i = 0; i < 6; i++) {
      expect(await h.db.transaction(async (tx) => rowsOf(await tx.execute(sql`select ${i}::int as i`)))).toEqual([{ i }]);
    }
    expect(pooled(h).totalCount).toBeLessThanOrEqual(2);
  });

  it('idle connections terminated in the pool are replaced', async () => {
    const h = await open(3, 'ow idle');
    await Promise.all([1, 2, 3].map(() => h.db.transaction((tx) => tx.execute(sql`select pg_sleep(0.05)`))));
    expect(pooled(h).idleCount).toBe(3);
    expect(await terminate('ow idle')).toBe(3);
    await until('the pool has let the dead connections go', () => pooled(h).totalCount === 0);
    expect(rowsOf(await h.db.execute(sql`select 1 as one`))).toEqual([{ one: 1 }]);
  });

  it('a BEGIN that fails gives its connection back (a pool of one still serves the next transaction)', async () => {
    const h = await open(1, 'ow begin');
    // drizzle sends BEGIN outside its try/finally; a refused BEGIN stands in for one on a dying connection.
    await expect(h.db.transaction(async () => undefined, { isolationLevel: 'no such level' as never })).rejects.toThrow();
    expect(await h.db.transaction(async (tx) => rowsOf(await tx.execute(sql`select 2 as two`)))).toEqual([{ two: 2 }]);
    // A leaked client would leave this waiting for the pool's only slot until the connect timeout.
  }, CONNECT_TIMEOUT_MS * 3);

  it('under load, backends terminated again and again: only connection errors, then every transaction succeeds', async () => {
    const h = await open(4, 'ow load');
    const errors: unknown[] = [];
    let done = 0;
    let stop = false;
    const client = async () => {
      while (!stop) {
        try {
          await h.db.transaction(async (tx) => {
            await tx.execute(sql`select pg_sleep(0.01)`);
            await tx.execute(sql`select 1`);
          });
          done++;
        } catch (e) {
          errors.push(e);
        }
      }
    };
    const clients = Array.from({ length: 8 }, client);
    let terminated = 0;
    for (let round = 0; round < 6; round++) {
      await until('transactions are open', async () => {
        const { rows } = await admin.query('select 1 from pg_stat_activity where datname = $1 and application_name = $2 and xact_start is not null', [
          dbName,
          'ow load',
        ]);
        return rows.length > 0;
      });
      terminated += await terminate('ow load');
      await new Promise((r) => setTimeout(r, 150));
    }
    stop = true;
    await Promise.all(clients);
    expect(terminated).toBeGreaterThan(0);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.filter((e) => !isDatabaseUnavailable(e))).toEqual([]);
    expect(done).toBeGreaterThan(0);
    // Nothing leaked: all four connections are usable at once, again and again.
    for (let i = 0; i < 3; i++) {
      await Promise.all([1, 2, 3, 4].map(() => h.db.transaction((tx) => tx.execute(sql`select pg_sleep(0.01)`))));
    }
    expect(pooled(h).totalCount).toBeLessThanOrEqual(4);
  });

  it('the startup lock losing its connection ends the turn, not the process', async () => {
    const h = await open(1, 'ow lock');
    const result = await h.exclusive(async () => {
      expect(await terminate('ow lock startup lock')).toBe(1);
      await until('the lock is gone', async () => {
        const { rows } = await admin.query('select 1 from pg_locks where locktype = $1 and objid = $2', ['advisory', 7_001_007]);
        return rows.length === 0;
      });
      return rowsOf(await h.db.execute(sql`select 'migrated' as step`));
    });
    expect(result).toEqual([{ step: 'migrated' }]);
  });

  it('a database that accepts the connection but never answers fails the query after the connect timeout, not never', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const { port } = silent.address() as net.AddressInfo;
      const h = await createDb({ url: `postgres://nobody@127.0.0.1:${port}/nothing`, max: 1 });
      try {
        const err = await caught(h.db.execute(sql`select 1`));
        expect(isDatabaseUnavailable(err)).toBe(true);
        expect(String(driverError(err).message)).toMatch(/timeout/);
      } finally {
        await h.close();
      }
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  }, CONNECT_TIMEOUT_MS * 3);
});
