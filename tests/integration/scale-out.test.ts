import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import type { OneWindowContext } from '../../app/load-context.js';
import { appContext, createStaff, fixedClock, sessionCookieFor, testConfig } from '../support/factories.js';
import { createSubmittedApplication } from '../support/applications.js';
import { runProjections } from '../../services/reports/run-projections.js';
import { get, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';

/**
 * What running on more than one machine relies on inside one process (decision 0012): reports
 * read through their own handle (a read replica) while sessions stay on the primary, and
 * processes starting together migrate and seed one at a time. The two-server claim test is
 * tests/cluster/ (npm run test:cluster).
 */
let primary: DbHandle;
let replica: DbHandle;
beforeEach(async () => {
  primary = await createTestDb();
  replica = await createTestDb();
});
afterEach(async () => {
  await primary.close();
  await replica.close();
});

const config = testConfig();
const reports = () => import('../../app/routes/reports._index.js');
const csv = () => import('../../app/routes/reports.csv.js');

describe('reports through REPORTS_DATABASE_URL', () => {
  it('read their figures through the reports handle and the session through the primary; without one they read the primary', async () => {
    const clock = fixedClock();
    // The application exists only on the "replica": the figures can only have come from there.
    await createSubmittedApplication(replica.db, { clock, config });
    // The worker's step, where the figures are written (the primary, which the replica here stands for).
    await runProjections(replica.db);
    const manager = await createStaff(primary.db, { role: 'manager', officeCode: 'bj-dongcheng', managerScope: 'office' });
    const cookie = await sessionCookieFor(primary.db, clock, manager.id);
    const { loader } = await reports();
    const query = '/reports?period=month&department=&serviceCode=';

    const split: OneWindowContext = { ...appContext(primary.db, clock, config), reportsDb: replica.db };
    const viaReplica = await run(loader, get(query, { cookie }), split);
    expect(viaReplica.status).toBe(200);
    expect(((await viaReplica.json()) as { report: { totals: { received: number } } }).report.totals.received).toBe(1);

    const viaPrimary = await run(loader, get(query, { cookie }), appContext(primary.db, clock, config));
    expect(viaPrimary.status).toBe(200);
    expect(((await viaPrimary.json()) as { report: { totals: { received: number } } }).report.totals.received).toBe(0);

    // The CSV export reads the same handle as the page.
    const counts = async (context: OneWindowContext) => {
      const res = await run((await csv()).loader, get('/reports/csv?table=counts&period=month', { cookie }), context);
      expect(res.status).toBe(200);
      return res.text();
    };
    expect(await counts(split)).not.toEqual(await counts(appContext(primary.db, clock, config)));

    // A session that exists only on the replica is not one: sign-in state is the primary's.
    const replicaOnly = await createStaff(replica.db, { role: 'manager', officeCode: 'bj-dongcheng', managerScope: 'office' });
    const stale = await run(loader, get(query, { cookie: await sessionCookieFor(replica.db, clock, replicaOnly.id) }), split);
    expect(stale.status).toBe(302);
    expect(stale.headers.get('Location')).toMatch(/^\/login/);
  });
});

describe('startup on a shared database', () => {
  it('runs exclusive sections one after another, never interleaved', async () => {
    const trace: string[] = [];
    const section = (name: string) =>
      primary.exclusive(async () => {
        trace.push(`${name}:in`);
        // Long enough for the other section to try to enter meanwhile.
        await new Promise((r) => setTimeout(r, 100));
        trace.push(`${name}:out`);
        return name;
      });
    const results = await Promise.all([section('a'), section('b'), section('c')]);
    expect(results).toEqual(['a', 'b', 'c']);
    for (let i = 0; i < trace.length; i += 2) {
      const name = trace[i].split(':')[0];
      expect(trace.slice(i, i + 2)).toEqual([`${name}:in`, `${name}:out`]);
    }
  });

  it('releases the lock when the section fails', async () => {
    await expect(primary.exclusive(async () => Promise.reject(new Error('migration failed')))).rejects.toThrow('migration failed');
    await expect(primary.exclusive(async () => 'next')).resolves.toBe('next');
  });
});
