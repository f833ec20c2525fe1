import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { DbHandle } from '../../db/client.js';
import { recordAudit } from '../../services/audit.js';
import { reportEventsOf, type TrailEvent } from '../../services/reports/mapping.js';
import { projectReports, projectReportsStep, reportsFreshAsOf } from '../../services/reports/projection.js';
import { readRollup, recountRollup } from '../../services/reports/recount.js';
import { rowsOf } from '../../services/sql.js';
import { fixedClock, testContext } from '../support/factories.js';
import { createTestDb } from '../setup/test-db.js';
import { actorOf, createStaff, testConfig } from '../support/factories.js';
import { createSubmittedApplication } from '../support/applications.js';
import { claimApplication } from '../../services/queue/claim.js';
import { acceptApplication, completeApplication } from '../../services/review/decisions.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { rateApplication } from '../../services/ratings/ratings.js';

/**
 * The report projection's own guarantees (docs/decisions/0025): an event whose id was drawn
 * before others but whose transaction commits after them is neither lost nor counted twice; two
 * workers at once apply each event once; and the mapping is pure.
 */
let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const clock = fixedClock('2026-11-23T02:00:00.000Z');
const system = () => testContext(h.db, { kind: 'anonymous' }, clock);

/** A filing's audit row as submit writes it, without the application (the mapping needs none). */
const filing = (tx: Parameters<typeof recordAudit>[0], serviceCode = 'temporary-id-card') =>
  recordAudit(tx, system(), {
    action: 'application.submitted',
    fromStatus: 'draft',
    toStatus: 'submitted',
    officeCode: 'bj-dongcheng',
    facts: { serviceCode, department: 'household', crossProvince: false },
    at: clock.now(),
  });

const received = async () => (await readRollup(h.db)).daily.reduce((s, r) => s + r.received, 0);
const visibleIds = async () => rowsOf<{ id: string }>(await h.db.execute(sql`select id::text as id from audit_events where facts is not null order by id`)).map((r) => Number(r.id));

/** A transaction held open until released: what a slow request looks like from the worker. */
function heldOpen(body: (tx: Parameters<typeof recordAudit>[0]) => Promise<void>) {
  let release!: () => void;
  let ready!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const started = new Promise<void>((r) => (ready = r));
  const done = h.db.transaction(async (tx) => {
    await body(tx);
    ready();
    await gate;
  });
  return { started, release: async () => (release(), done) };
}

describe('the report projection', () => {
  it('applies an event committed late by a slower transaction once it commits, and never skips it', async () => {
    if (h.engine !== 'postgres') {
      // One connection: transactions cannot overlap, so there is no late commit to lose; the
      // cursor still walks (xact, id) and counts each event once.
      for (let i = 0; i < 3; i++) await h.db.transaction((tx) => filing(tx));
      expect(await projectReports(h.db)).toBe(3);
      expect(await projectReports(h.db)).toBe(0);
      expect(await received()).toBe(3);
      return;
    }
    // C takes its transaction id first; then A draws an audit id and stays open; then B draws a
    // larger id and commits; then C draws the largest and commits.
    let cMayFile!: () => void;
    let cHasXid!: () => void;
    const cGo = new Promise<void>((r) => (cMayFile = r));
    const cReady = new Promise<void>((r) => (cHasXid = r));
    const c = h.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_current_xact_id()`);
      cHasXid();
      await cGo;
      await filing(tx);
    });
    await cReady;
    let aId = 0;
    const a = heldOpen(async (tx) => {
      await filing(tx);
      aId = Number(rowsOf<{ id: string }>(await tx.execute(sql`select currval('audit_events_id_seq')::text as id`))[0].id);
    });
    await a.started;
    await h.db.transaction((tx) => filing(tx));
    cMayFile();
    await c;
    // A's row is invisible while two ids after it are committed: a cursor on the audit id alone
    // would move past A here and never count it.
    const later = await visibleIds();
    expect(later).toHaveLength(2);
    expect(later.every((id) => id > aId)).toBe(true);

    // The worker runs now: it applies C (older than every running transaction) and not B
    // (younger than A, which is still running).
    expect(await projectReports(h.db)).toBe(1);
    expect(await received()).toBe(1);

    await a.release();
    expect(await projectReports(h.db)).toBe(2);
    expect(await received()).toBe(3);
    expect(await projectReports(h.db)).toBe(0);
    expect(await readRollup(h.db)).toEqual(await recountRollup(h.db));
  });

  it('a filing, a decision and a rating touch no report row and no desk tally: they go through while another transaction holds those tables', async () => {
    const config = testConfig();
    const clerk = await createStaff(h.db);
    const ctx = testContext(h.db, actorOf(clerk), clock, config);
    const work = async () => {
      const sub = await createSubmittedApplication(h.db, { clock, config });
      const { leaseVersion } = await claimApplication(ctx, sub.number);
      for (const m of ['hukouBook', 'idCollectionReceipt', 'photo']) await recordVerdict(ctx, sub.number, { leaseVersion, materialCode: m, verdict: 'ok' });
      await acceptApplication(ctx, sub.number, { leaseVersion });
      await completeApplication(ctx, sub.number, { leaseVersion, documentNumber: 'L-1', delivery: 'pickup' });
      await rateApplication(sub.ctx, sub.number, { score: 4 });
    };
    if (h.engine === 'postgres') {
      // EXCLUSIVE lets others read these tables and nobody else write them: were any of the
      // work to write one, it would wait here until the test timed out.
      const held = heldOpen(async (tx) => {
        await tx.execute(sql`lock table report_daily, report_monthly, desk_tallies, projection_cursors in exclusive mode`);
      });
      await held.started;
      await work();
      await held.release();
    } else {
      await work();
    }
    // Nothing was counted yet: the figures come from the worker's step.
    expect(await readRollup(h.db)).toEqual({ daily: [], monthly: [] });
    expect(await projectReports(h.db)).toBe(4);
    expect(await readRollup(h.db)).toEqual(await recountRollup(h.db));
    expect((await readRollup(h.db)).daily[0]).toMatchObject({ received: 1, accepted: 1, completed: 1, ratings: 1, ratingsSatisfied: 1 });
  });

  it('two workers at once apply every event exactly once', async () => {
    for (let i = 0; i < 25; i++) await h.db.transaction((tx) => filing(tx, i % 2 ? 'temporary-id-card' : 'hukou-transfer'));
    const steps = await Promise.all([projectReportsStep(h.db, 4), projectReportsStep(h.db, 4), projectReports(h.db, 4), projectReports(h.db, 4)]);
    const applied = steps.reduce<number>((s, r) => s + (typeof r === 'number' ? r : r.applied), 0);
    // Whatever the interleaving, nothing more is left and nothing was counted twice.
    expect(applied + (await projectReports(h.db))).toBe(25);
    expect(await received()).toBe(25);
    expect(await readRollup(h.db)).toEqual(await recountRollup(h.db));
    expect((await reportsFreshAsOf(h.db))?.toISOString()).toBe(clock.now().toISOString());
  });

  it('maps an event by its facts alone: no office or no facts counts nothing; a rating counts on its day', () => {
    const base: TrailEvent = { at: new Date('2026-11-23T16:30:00Z'), action: 'application.completed', toStatus: 'completed', actorId: 'u1', officeCode: 'bj-dongcheng', facts: null };
    expect(reportEventsOf(base)).toEqual([]);
    const facts = { serviceCode: 's', department: 'household', dueDate: '2026-11-24', notices: 0, totalDays: 3, waitingDays: 1 };
    expect(reportEventsOf({ ...base, officeCode: null, facts })).toEqual([]);
    // 16:30 UTC is the next China day.
    expect(reportEventsOf({ ...base, facts })).toEqual([
      { day: '2026-11-24', event: { kind: 'completed', onTime: true, oneVisit: true, visits: null, clerkId: 'u1' } },
      { day: '2026-11-24', event: { kind: 'decided', totalDays: 3, waitingDays: 1 } },
    ]);
    expect(reportEventsOf({ ...base, action: 'rating.recorded', toStatus: null, facts: { serviceCode: 's', department: 'd', score: 2 } })).toEqual([
      { day: '2026-11-24', event: { kind: 'rated', score: 2 } },
    ]);
  });
});
