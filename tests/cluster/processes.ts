import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createCookie } from '@remix-run/node';
import pg from 'pg';
import type { Db } from '../../db/client.js';
import { createSession } from '../../services/auth/sessions.js';
import { systemClock } from '../../services/context.js';
import { newKeyRingSpec } from '../../services/auth/secret-box.js';
import { adminUrl } from '../setup/pg-admin.js';

/**
 * What the cluster tests share: real app processes (the production server, the standalone
 * worker) started as `npm start` and `npm run worker` start them, on a database of their own.
 */
export const root = path.resolve(__dirname, '../..');
export const pgServer = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const SESSION_SECRET = 'cluster-test-session-secret';
/** Every process of a cluster test (and the test itself) seals and opens TOTP secrets with this key ring. */
export const DATA_ENCRYPTION_KEYS = newKeyRingSpec('cluster');
/** And sign the issued PDFs with this one (decision 0034): production refuses to start without it. */
export const DOCUMENT_SIGNING_KEYS = newKeyRingSpec('cluster-signing');

export type Proc = { name: string; child: ChildProcess; log: () => string; exited: Promise<number | null> };
export type Server = Proc & { base: string };

/** Runs one statement on the server's maintenance database (CREATE/DROP DATABASE). */
export async function admin(query: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: adminUrl(pgServer) });
  await client.connect();
  try {
    return await client.query(query, values);
  } finally {
    await client.end();
  }
}

export function requireBuild() {
  if (!fs.existsSync(path.join(root, 'build/index.js'))) throw new Error('No build: run `npm run build` first (npm run test:cluster does).');
}

function start(name: string, entry: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, log: () => log, exited };
}

/** The production server (`npm start` after the build), without the demo data and with the outbox left to a worker. */
export function startServer(name: string, opts: { url: string; port: number; uploadDir: string }): Server {
  const proc = start(name, 'server/index.ts', {
    NODE_ENV: 'production',
    DATABASE_URL: opts.url,
    SESSION_SECRET,
    DATA_ENCRYPTION_KEYS,
    DOCUMENT_SIGNING_KEYS,
    HOST: '127.0.0.1',
    PORT: String(opts.port),
    // Web replicas leave the outbox to `npm run worker`; the demo data would only add noise.
    OUTBOX_WORKER: 'off',
    SEED_DEMO: 'false',
    // Production refuses to start without the external systems' URLs; the simulated ones answer in-process.
    MOCKS: 'true',
    UPLOAD_DIR: opts.uploadDir,
  });
  return { ...proc, base: `http://127.0.0.1:${opts.port}` };
}

/** `npm run worker` in production mode, the gateways simulated in-process. */
export function startWorker(name: string, opts: { url: string; env?: Record<string, string> }): Proc {
  return start(name, 'server/worker.ts', { NODE_ENV: 'production', DATABASE_URL: opts.url, DATA_ENCRYPTION_KEYS, DOCUMENT_SIGNING_KEYS, MOCKS: 'true', ...opts.env });
}

export const randomPort = (from: number) => from + Math.floor(Math.random() * 400);

export async function waitUntilServing(s: Server) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (s.child.exitCode !== null) throw new Error(`server ${s.name} exited:\n${s.log()}`);
    try {
      if ((await fetch(`${s.base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server ${s.name} did not start:\n${s.log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function waitForLog(p: Proc, pattern: RegExp) {
  const deadline = Date.now() + 60_000;
  while (!pattern.test(p.log())) {
    if (p.child.exitCode !== null) throw new Error(`${p.name} exited ${p.child.exitCode}:\n${p.log()}`);
    if (Date.now() > deadline) throw new Error(`${p.name} never printed ${pattern}:\n${p.log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGTERM, then the exit code once the process is gone. */
export async function stop(p: Proc): Promise<number | null> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  return p.exited;
}

export function cookieOf(res: Response, name: string): string {
  const set = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`) && !c.startsWith(`${name}=;`));
  if (!set) throw new Error(`no ${name} cookie in ${res.status} ${res.headers.get('location')}`);
  return set.split(';')[0];
}

export function postForm(s: Server, pathname: string, fields: Record<string, string>, cookie?: string) {
  return fetch(s.base + pathname, {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: s.base, 'Content-Type': 'application/x-www-form-urlencoded', ...(cookie ? { Cookie: cookie } : {}) },
    body: new URLSearchParams(fields),
  });
}

export const getPage = (s: Server, pathname: string, cookie: string) => fetch(s.base + pathname, { redirect: 'manual', headers: { Cookie: cookie } });

/**
 * A signed-in user's Cookie header without the sign-in form: the session row sign-in ends by
 * creating, in a cookie signed as the servers sign it. Every sign-in through the form counts
 * against the per-address limit (10 a minute), and every request here comes from 127.0.0.1.
 */
export async function sessionCookie(db: Db, userId: string): Promise<string> {
  const sessionId = await createSession(db, systemClock, userId);
  return (await createCookie('__session', { secrets: [SESSION_SECRET] }).serialize(sessionId)).split(';')[0];
}
