import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../../db/client.js';
import { parseKeyRing } from '../../services/auth/secret-box.js';
import { enrollTotp, newTotpSecret, totpCodeAt, totpStep } from '../../services/auth/totp.js';
import { createCitizen, createStaff, TEST_PASSWORD } from '../support/factories.js';
import { insertQueuedApplication } from '../support/queue-fixtures.js';
import { databaseUrl } from '../setup/pg-admin.js';
import { admin, cookieOf, DATA_ENCRYPTION_KEYS, getPage, pgServer, postForm, randomPort, requireBuild, startServer, stop, waitUntilServing, type Server } from './processes.js';

/**
 * Two app processes of the production build on one PostgreSQL database, as behind a load
 * balancer: both start at once on the empty database (so they must take turns migrating), staff
 * sign in with the password on one and the code on the other, and clerks then take the next
 * item over HTTP, alternating between the servers, until the queue is empty. The database must
 * show every item claimed exactly once, by the clerk who was told so, and none left behind.
 * `npm run test:cluster` builds first and needs a PostgreSQL server (TEST_DATABASE_URL's, or
 * postgres://postgres@127.0.0.1:5432); it creates and drops its own database.
 */
const ITEMS = 200;
// Every sign-in here comes from 127.0.0.1: CLERKS + 1 must stay within the per-address limit (10 a minute).
const CLERKS = 8;
const OFFICE = 'bj-dongcheng';
// Both servers and this test seal and open TOTP secrets with the same key.
const dataKeys = parseKeyRing(DATA_ENCRYPTION_KEYS);

const dbName = `onewindow_cluster_${Date.now()}_${process.pid}`;
const url = databaseUrl(pgServer, dbName);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'onewindow-cluster-'));

let servers: Server[] = [];
let handle: DbHandle;

/** Password through one server, the second factor through the other: both steps live in the database. */
async function signIn(staffNo: string, secret: string, first: Server, second: Server): Promise<string> {
  const pw = await postForm(first, '/login', { identifier: staffNo, password: TEST_PASSWORD });
  expect(pw.status, `password step of ${staffNo}`).toBe(302);
  expect(pw.headers.get('location')).toMatch(/^\/login\/totp/);
  const code = totpCodeAt(secret, totpStep(new Date()));
  const second2 = await postForm(second, '/login/totp', { code }, cookieOf(pw, '__pending_login'));
  expect(second2.status, `code step of ${staffNo}`).toBe(302);
  return cookieOf(second2, '__session');
}

type Claim = { clerk: number; server: string; number: string };

/** "Take next" until the desk says the queue is empty, alternating servers request by request. */
async function takeUntilEmpty(clerk: number, cookie: string): Promise<Claim[]> {
  const claims: Claim[] = [];
  for (let i = clerk; ; i++) {
    const s = servers[i % servers.length];
    const res = await postForm(s, '/desk', { intent: 'takeNext' }, cookie);
    const location = res.headers.get('location') ?? '';
    if (res.status !== 302) throw new Error(`take next via ${s.name}: ${res.status} ${await res.text()}`);
    if (location.startsWith('/desk?empty=1')) return claims;
    const number = /^\/desk\/applications\/([^/?]+)$/.exec(location)?.[1];
    if (!number) throw new Error(`take next via ${s.name}: unexpected redirect to ${location}`);
    claims.push({ clerk, server: s.name, number: decodeURIComponent(number) });
  }
}

beforeAll(async () => {
  requireBuild();
  await admin(`CREATE DATABASE ${dbName}`);
  // Both at once on the empty database: the startup lock makes one migrate while the other waits.
  const uploadDir = path.join(scratch, 'uploads');
  servers = [startServer('A', { url, port: randomPort(4100), uploadDir }), startServer('B', { url, port: randomPort(4600), uploadDir })];
  await Promise.all(servers.map(waitUntilServing));
  handle = await createDb({ url, max: 4 });
});

afterAll(async () => {
  await Promise.all(servers.map(stop));
  await handle?.close();
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('two app processes on one PostgreSQL', () => {
  it('hand every item of a shared queue to exactly one clerk, with nothing lost, whichever server each request reaches', async () => {
    const started = Date.now();
    const citizen = await createCitizen(handle.db);
    const queued = new Map<string, string>();
    // Four at a time, one per connection of the test's pool.
    for (let i = 0; i < ITEMS; i += 4) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(4, ITEMS - i) }, () =>
          // Deadlines ahead of the real clock the servers run on, so no clock rule moves an item meanwhile.
          insertQueuedApplication(handle.db, {
            citizen,
            officeCode: OFFICE,
            receivedAt: new Date(Date.now() - 3_600_000).toISOString(),
            completenessDeadline: '2099-01-05',
            dueDate: '2099-02-05',
          }),
        ),
      );
      for (const { app, number } of batch) queued.set(number, app.id);
    }

    const clerks = await Promise.all(
      Array.from({ length: CLERKS }, async () => {
        const user = await createStaff(handle.db, { officeCode: OFFICE });
        const secret = await newTotpSecret();
        await enrollTotp(handle.db, dataKeys, user.id, secret);
        return { user, secret };
      }),
    );
    const cookies = await Promise.all(clerks.map((c, i) => signIn(c.user.staffNo!, c.secret, servers[i % 2], servers[(i + 1) % 2])));
    // Every sign-in counted in the one table of limits, whichever process served it: each account's
    // own counter, once for the password (on one server) and once for the code (on the other). A
    // right password gives the address its hit back, so the accounts' counters are what stay.
    const accountHits = await handle.db.execute(sql`select coalesce(sum(count), 0)::int as n from rate_limits where key like 'login:account:%'`);
    expect((accountHits as unknown as { rows: { n: number }[] }).rows[0].n).toBe(2 * CLERKS);

    const claimStarted = Date.now();
    const claims = (await Promise.all(cookies.map((cookie, i) => takeUntilEmpty(i, cookie)))).flat();
    const claimMs = Date.now() - claimStarted;

    // Over HTTP: every queued number handed out once, and both servers handed some out.
    expect(claims).toHaveLength(ITEMS);
    expect(new Set(claims.map((c) => c.number))).toEqual(new Set(queued.keys()));
    const perServer = { A: claims.filter((c) => c.server === 'A').length, B: claims.filter((c) => c.server === 'B').length };
    expect(perServer.A).toBeGreaterThan(0);
    expect(perServer.B).toBeGreaterThan(0);

    // In the database: one claim audit row per item, and each item leased to the clerk who was told so.
    const audits = await handle.db.execute(
      sql`select application_id as id, count(*)::int as n from audit_events where action = 'queue.claimed' group by application_id`,
    );
    const auditRows = (audits as unknown as { rows: { id: string; n: number }[] }).rows;
    expect(auditRows).toHaveLength(ITEMS);
    expect(auditRows.filter((r) => r.n !== 1)).toEqual([]);
    expect(new Set(auditRows.map((r) => r.id))).toEqual(new Set(queued.values()));

    const items = await handle.db.execute(sql`select application_id as id, state, claimed_by as "claimedBy", lease_version as "leaseVersion" from queue_items`);
    const itemRows = (items as unknown as { rows: { id: string; state: string; claimedBy: string; leaseVersion: number }[] }).rows;
    expect(itemRows).toHaveLength(ITEMS);
    const holder = new Map(claims.map((c) => [queued.get(c.number)!, clerks[c.clerk].user.id]));
    for (const row of itemRows) {
      expect(row).toEqual({ id: row.id, state: 'claimed', claimedBy: holder.get(row.id), leaseVersion: 1 });
    }
    const statuses = await handle.db.execute(sql`select status, count(*)::int as n from applications group by status`);
    expect((statuses as unknown as { rows: { status: string; n: number }[] }).rows).toEqual([{ status: 'under_review', n: ITEMS }]);

    console.log(
      `cluster: ${ITEMS} items, ${CLERKS} clerks, 2 servers: all claimed once in ${claimMs} ms ` +
        `(A ${perServer.A}, B ${perServer.B}); whole test ${Date.now() - started} ms`,
    );
  });

  it('honours a session started on one server on the other, and a sign-out on one everywhere', async () => {
    const user = await createStaff(handle.db, { officeCode: OFFICE });
    const secret = await newTotpSecret();
    await enrollTotp(handle.db, dataKeys, user.id, secret);
    const [a, b] = servers;
    // Both steps through A: the session row is written by A alone.
    const cookie = await signIn(user.staffNo!, secret, a, a);
    expect((await getPage(b, '/desk', cookie)).status).toBe(200);

    const out = await postForm(b, '/logout', {}, cookie);
    expect(out.status).toBe(302);
    const after = await getPage(a, '/desk', cookie);
    expect(after.status).toBe(302);
    expect(after.headers.get('location')).toMatch(/^\/login/);
  });
});
