/**
 * `npm run test:pg`: creates a fresh database on the local PostgreSQL (PG_ADMIN_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres), runs the given command with TEST_DATABASE_URL
 * pointing at it, and drops it afterwards.
 */
import { spawnSync } from 'node:child_process';
import pg from 'pg';

const admin = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `onewindow_test_${Date.now()}_${process.pid}`;
const client = new pg.Client({ connectionString: admin });
await client.connect();
await client.query(`CREATE DATABASE ${name}`);
await client.end();

const url = new URL(admin);
url.pathname = `/${name}`;
const [cmd, ...args] = process.argv.slice(2);
const res = spawnSync(cmd ?? 'npx', cmd ? args : ['vitest', 'run'], {
  stdio: 'inherit',
  env: { ...process.env, TEST_DATABASE_URL: url.toString() },
  shell: process.platform === 'win32',
});

const drop = new pg.Client({ connectionString: admin });
await drop.connect();
await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await drop.end();
process.exit(res.status ?? 1);
