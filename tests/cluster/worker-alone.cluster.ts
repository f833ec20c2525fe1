import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../../db/client.js';
import { applications } from '../../db/schema/index.js';
import { createSubmittedApplication } from '../support/applications.js';
import { fixedClock } from '../support/factories.js';
import { databaseUrl } from '../setup/pg-admin.js';
import { admin, pgServer, startWorker, stop, waitForLog, type Proc } from './processes.js';

/**
 * `npm run worker` as the only process, as an operator may run it (README, the worker as its own
 * process): on a database it cannot reach it ends at once with one sentence; on a fresh database it
 * migrates and loads the reference data itself, then runs the law's clocks with no server and no
 * page loaded, on the simulated clock the server would read (SIMULATED_CLOCK_FILE, MOCKS only).
 */
const dbName = `onewindow_worker_alone_${Date.now()}_${process.pid}`;
const url = databaseUrl(pgServer, dbName);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'onewindow-worker-alone-'));
const procs: Proc[] = [];
let handle: DbHandle | undefined;

afterAll(async () => {
  await Promise.all(procs.map(stop));
  await handle?.close();
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('the worker on its own', () => {
  it('a database it cannot reach: exit 1 and one sentence naming it, no stack', async () => {
    const worker = startWorker('worker', { url: 'postgres://postgres@127.0.0.1:1/nowhere' });
    procs.push(worker);
    expect(await worker.exited).toBe(1);
    expect(worker.log()).toContain('onewindow: cannot reach PostgreSQL at 127.0.0.1:1/nowhere (DATABASE_URL) (ECONNREFUSED)');
    expect(worker.log()).not.toMatch(/\n\s+at /);
  });

  it('a fresh database: migrates it, and deems an application accepted when the simulated days pass, no server running', async () => {
    await admin(`CREATE DATABASE ${dbName}`);
    const clockFile = path.join(scratch, 'clock-offset');
    fs.writeFileSync(clockFile, '0');
    const worker = startWorker('worker', { url, env: { OUTBOX_POLL_MS: '200', SIMULATED_CLOCK_FILE: clockFile } });
    procs.push(worker);
    await waitForLog(worker, /delivers notifications and runs the law.s clocks/);

    // The tables and the catalog are there because the worker made them.
    handle = await createDb({ url, max: 2, applicationName: 'onewindow worker-alone test' });
    const filed = await createSubmittedApplication(handle.db, { clock: fixedClock(new Date().toISOString()) });
    const statusOf = async () => (await handle!.db.select({ status: applications.status }).from(applications).where(eq(applications.id, filed.applicationId)))[0].status;
    expect(await statusOf()).toBe('submitted');

    // Three weeks on (more than five working days whatever the holidays): art. 32 deems it accepted.
    fs.writeFileSync(clockFile, String(21 * 86_400_000));
    const deadline = Date.now() + 30_000;
    while ((await statusOf()) !== 'accepted' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await statusOf()).toBe('accepted');
    expect(await stop(worker)).toBe(0);
  });

  it('a database that goes silent mid-query: SIGTERM still ends it, within STOP_TIMEOUT_SECONDS, with one sentence', async () => {
    // A TCP relay to the database that can stop relaying without closing anything: a failover
    // whose old primary drops off the network. The worker's next round then waits on a query that
    // is never answered, and nothing but the stop timeout can end that wait (keepalive takes minutes).
    const target = new URL(url);
    const sockets: net.Socket[] = [];
    let silent = false;
    const relay = net.createServer((inbound) => {
      const outbound = net.connect(Number(target.port || 5432), target.hostname);
      sockets.push(inbound, outbound);
      inbound.on('data', (b) => silent || outbound.write(b));
      outbound.on('data', (b) => silent || inbound.write(b));
      inbound.on('error', () => outbound.destroy());
      outbound.on('error', () => inbound.destroy());
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    try {
      const relayed = new URL(url);
      relayed.hostname = '127.0.0.1';
      relayed.port = String((relay.address() as net.AddressInfo).port);
      const worker = startWorker('worker', { url: relayed.toString(), env: { OUTBOX_POLL_MS: '100', STOP_TIMEOUT_SECONDS: '2' } });
      procs.push(worker);
      await waitForLog(worker, /delivers notifications and runs the law.s clocks/);
      silent = true;
      // A few rounds, so one of them is waiting on the silent connection when the signal comes.
      await new Promise((r) => setTimeout(r, 500));
      const signalled = Date.now();
      expect(await stop(worker)).toBe(1);
      expect(Date.now() - signalled).toBeLessThan(10_000);
      expect(worker.log()).toContain('onewindow worker: did not stop within 2 s');
      expect(worker.log()).not.toMatch(/\n\s+at /);
    } finally {
      for (const s of sockets) s.destroy();
      relay.close();
    }
  });
});
