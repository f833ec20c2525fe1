import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLY_PATH, certificateForm, MULTIPART } from '../../bench/load.js';
import { createDb, type DbHandle } from '../../db/client.js';
import { enqueueMessage } from '../../services/notifications/outbox.js';
import { rowsOf } from '../../services/sql.js';
import { createApplicant } from '../support/applications.js';
import { databaseUrl } from '../setup/pg-admin.js';
import {
  admin,
  getPage,
  pgServer,
  randomPort,
  requireBuild,
  sessionCookie,
  startServer,
  startWorker,
  stop,
  waitForLog,
  waitUntilServing,
  type Proc,
  type Server,
} from './processes.js';

/**
 * Processes that survive faults (issue 13): the standalone worker (`npm run worker`) delivers and
 * keeps running until SIGTERM, then exits 0 holding nothing; and every backend of the database
 * terminated again and again under load — signed-in page loads and filings through a production
 * server, the worker delivering their receipts — leaves both processes alive, the next requests
 * answered, and every receipt delivered. PostgreSQL only; a database of its own.
 */
const OFFICE = 'bj-dongcheng';
const REGION = '110101';
const POLL_MS = 200;

const dbName = `onewindow_faults_${Date.now()}_${process.pid}`;
const url = databaseUrl(pgServer, dbName);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'onewindow-faults-'));

let server: Server;
let worker: Proc;
let handle: DbHandle;
let cookies: string[];

type MessageRow = { key: string; status: string; attempts: number; providerRef: string | null };

async function messageRows(): Promise<MessageRow[]> {
  return rowsOf<MessageRow>(
    await handle.db.execute(
      sql`select idempotency_key as key, status, attempts, provider_ref as "providerRef" from messages order by created_at`,
    ),
  );
}

/** Waits for check(); a process that dies meanwhile fails the wait at once, with its log. */
async function until(what: string, check: () => Promise<boolean>, alive: Proc[] = [server, worker]) {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    const dead = alive.find((p) => p.child.exitCode !== null || p.child.signalCode !== null);
    if (dead) throw new Error(`${dead.name} exited (${dead.child.exitCode ?? dead.child.signalCode}) while waiting until ${what}:\n${dead.log()}`);
    if (Date.now() > deadline) throw new Error(`gave up waiting until ${what}\nworker:\n${worker.log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One filing through the apply route as the browser posts it; the response's status (302 = filed). */
async function file(cookie: string): Promise<Response> {
  return fetch(server.base + APPLY_PATH, {
    method: 'POST',
    redirect: 'manual',
    body: certificateForm(OFFICE, REGION).body,
    headers: { cookie, origin: server.base, 'content-type': MULTIPART },
  });
}

const filed = (res: Response) => res.status === 302 && /^\/applications\/GA\d+$/.test(res.headers.get('location') ?? '');

beforeAll(async () => {
  requireBuild();
  await admin(`CREATE DATABASE ${dbName}`);
  server = startServer('server', { url, port: randomPort(5100), uploadDir: path.join(scratch, 'uploads') });
  await waitUntilServing(server);
  handle = await createDb({ url, max: 2, applicationName: 'onewindow fault test' });
  // A short visibility timeout: a claim whose backend was terminated between the send and its
  // record is taken over in seconds, not the default five minutes.
  worker = startWorker('worker', { url, env: { OUTBOX_POLL_MS: String(POLL_MS), OUTBOX_VISIBILITY_TIMEOUT_MS: '2000' } });
  await waitForLog(worker, /every 200 ms, delivers notifications and runs the law.s clocks/);
  const citizens = await Promise.all([1, 2, 3, 4].map(() => createApplicant(handle.db)));
  cookies = await Promise.all(citizens.map((c) => sessionCookie(handle.db, c.id)));
});

afterAll(async () => {
  await Promise.all([server, worker].filter(Boolean).map(stop));
  await handle?.close();
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('processes that survive faults', () => {
  it('the standalone worker delivers a filing’s receipt and keeps running', async () => {
    const res = await file(cookies[0]);
    expect(filed(res), `${res.status} ${res.headers.get('location')}`).toBe(true);
    await until('the receipt is sent', async () => (await messageRows()).some((m) => m.status === 'sent'));
    const [receipt] = await messageRows();
    // The simulated SMS gateway's answer, recorded by the worker.
    expect(receipt).toMatchObject({ key: expect.stringMatching(/^receipt:/), status: 'sent', attempts: 1, providerRef: `sms-${receipt.key}` });
    // Several poll intervals later it is still there, polling.
    await new Promise((r) => setTimeout(r, POLL_MS * 6));
    expect(worker.child.exitCode).toBeNull();
  });

  it('every backend terminated again and again under load: both processes live, the next requests succeed, every receipt goes out', async () => {
    const answers: Record<string, number> = {};
    let stopLoad = false;
    // Four signed-in citizens, each loading their applications page and filing, over and over.
    const load = cookies.map(async (cookie) => {
      for (let i = 0; !stopLoad; i++) {
        try {
          const res = i % 2 === 0 ? await getPage(server, '/applications', cookie) : await file(cookie);
          await res.arrayBuffer();
          const key = res.status === 302 ? (filed(res) ? 'filed' : `302 ${res.headers.get('location')}`) : String(res.status);
          answers[key] = (answers[key] ?? 0) + 1;
        } catch (e) {
          // No answer at all: the server dropped the connection (or died).
          answers[`no answer (${(e as Error).message})`] = (answers[`no answer (${(e as Error).message})`] ?? 0) + 1;
        }
      }
    });

    // Six times: wait until the server holds a transaction open, then terminate every backend of
    // the database — the server's, the worker's and this test's own.
    let inTransaction = 0;
    let terminated = 0;
    for (let round = 0; round < 6; round++) {
      await until('the server has a transaction open', async () => {
        const { rows } = await admin(
          `select 1 from pg_stat_activity where datname = $1 and application_name = 'onewindow' and xact_start is not null`,
          [dbName],
        );
        return rows.length > 0;
      });
      const { rows } = await admin(
        `select count(*)::int as n, count(*) filter (where xact_start is not null)::int as open
           from (select pg_terminate_backend(pid), xact_start from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()) t`,
        [dbName],
      );
      terminated += rows[0].n;
      inTransaction += rows[0].open;
      await new Promise((r) => setTimeout(r, 250));
    }
    stopLoad = true;
    await Promise.all(load);
    console.log(`faults: ${terminated} backends terminated (${inTransaction} in a transaction); answers under fire: ${JSON.stringify(answers)}`);
    expect(inTransaction).toBeGreaterThan(0);

    // Alive, and every request in flight was answered; the HTTP edge turns the broken ones into 503.
    expect(server.child.exitCode, server.log()).toBeNull();
    expect(worker.child.exitCode, worker.log()).toBeNull();
    expect(Object.keys(answers).filter((k) => k.startsWith('no answer'))).toEqual([]);
    // A request the lost connection broke is the edge's 503 (try again), never a 500.
    expect(answers['500'] ?? 0, JSON.stringify(answers)).toBe(0);

    // The database is back at once: the next requests succeed, without a restart of anything.
    for (const cookie of cookies) {
      const page = await getPage(server, '/applications', cookie);
      expect(page.status).toBe(200);
      const res = await file(cookie);
      expect(filed(res), `${res.status} ${res.headers.get('location')}`).toBe(true);
    }
    // Every filing's receipt is delivered, each once; none given up.
    const filings = rowsOf<{ n: number }>(await handle.db.execute(sql`select count(*)::int as n from applications`))[0].n;
    await until('every receipt is sent', async () => (await messageRows()).every((m) => m.status === 'sent'));
    const receipts = (await messageRows()).filter((m) => m.key.startsWith('receipt:'));
    expect(receipts).toHaveLength(filings);
  });

  it('SIGTERM stops the worker cleanly: exit 0, and no message left claimed', async () => {
    // A backlog, so the signal finds the worker with a batch in hand.
    const citizen = await createApplicant(handle.db);
    const keys = Array.from({ length: 300 }, () => `backlog:${randomUUID()}`);
    await handle.db.transaction(async (tx) => {
      for (const key of keys) {
        await enqueueMessage(tx, {
          applicationId: null,
          userId: citizen.id,
          channel: 'sms',
          template: 'receipt',
          params: { number: key },
          idempotencyKey: key,
          createdAt: new Date(),
        });
      }
    });
    await until('the worker is sending the backlog', async () => (await messageRows()).some((m) => m.key.startsWith('backlog:') && m.status === 'sent'), [worker]);
    expect(await stop(worker)).toBe(0);

    const backlog = (await messageRows()).filter((m) => m.key.startsWith('backlog:'));
    expect(backlog.filter((m) => m.status === 'sending')).toEqual([]);
    // What was not sent is pending as if never claimed: the next worker sends it.
    expect(backlog.filter((m) => m.status !== 'sent' && !(m.status === 'pending' && m.attempts === 0))).toEqual([]);
    console.log(`faults: SIGTERM with ${backlog.filter((m) => m.status === 'sent').length} of ${keys.length} sent; the rest pending`);
  });
});
