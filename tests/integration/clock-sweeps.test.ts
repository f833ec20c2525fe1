import { and, eq, inArray, like, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDb, type DbHandle } from '../../db/client.js';
import { applications, auditEvents, decisions, messages, notices, queueItems, rateLimits, waitingIntervals } from '../../db/schema/index.js';
import * as reviewRoute from '../../app/routes/desk.applications.$number.js';
import { DUE } from '../../services/clock-rules/due.js';
import { runClockSweeps } from '../../services/clock-rules/sweep.js';
import type { Clock } from '../../services/context.js';
import { startWorkerLoop } from '../../services/notifications/loop.js';
import { rowsOf } from '../../services/sql.js';
import { claimApplication } from '../../services/queue/claim.js';
import { issueNotice } from '../../services/review/notice.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { actorOf, appContext, createStaff, fixedClock, sessionCookieFor, testConfig, testContext } from '../support/factories.js';
import { fastConfig } from '../support/integrations.js';
import { createSubmittedApplication } from '../support/applications.js';
import { post, run } from '../support/requests.js';
import { databaseUrl } from '../setup/pg-admin.js';
import { createTestDb } from '../setup/test-db.js';

/**
 * The law's clocks run by themselves (services/clock-rules/sweep.ts, one step of the worker's
 * round): nothing here ever loads /desk. Filed on Monday 2026-11-23 at 10:00 China time
 * (TEST_NOW), a temporary ID card is due on 24 November, its completeness check ends on
 * 30 November, and a notice issued then gives until 14 December.
 */
let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const config = testConfig();
const sweep = (clock: Clock, db = h.db) => runClockSweeps({ db, clock, config });
const nothing = { deemedAccepted: [], withdrawn: [], reminded: [], overdue: [] };

/** A submitted application, claimed by a clerk who judged the photo deficient and issued the notice. */
async function notified(clock: ReturnType<typeof fixedClock>) {
  const sub = await createSubmittedApplication(h.db, { clock, config });
  const ctx = testContext(h.db, actorOf(await createStaff(h.db)), clock, config);
  const { leaseVersion } = await claimApplication(ctx, sub.number);
  for (const materialCode of ['hukouBook', 'idCollectionReceipt']) await recordVerdict(ctx, sub.number, { leaseVersion, materialCode, verdict: 'ok' });
  await recordVerdict(ctx, sub.number, { leaseVersion, materialCode: 'photo', verdict: 'deficient', reasonCode: 'photoSpec' });
  const notice = await issueNotice(ctx, sub.number, leaseVersion);
  return { ...sub, notice };
}

const appRow = async (id: string) => (await h.db.select().from(applications).where(eq(applications.id, id)))[0];
const messagesOf = (id: string) => h.db.select().from(messages).where(eq(messages.applicationId, id));
const auditOf = (id: string, action: string) =>
  h.db.select().from(auditEvents).where(and(eq(auditEvents.applicationId, id), eq(auditEvents.action, action)));

describe('the clocks run with nobody opening a page', () => {
  it('flag the overdue and alert the office, accept by law at the completeness deadline, remind before and withdraw after a supplement deadline — each once', async () => {
    const clock = fixedClock();
    const manager = await createStaff(h.db, { role: 'manager', officeCode: 'bj-dongcheng', managerScope: 'office' });
    const filed = await createSubmittedApplication(h.db, { clock, config });
    const waiting = await notified(clock);
    expect(await sweep(clock)).toEqual(nothing);

    // The committed due date (24 November) passes at midnight China time.
    clock.set('2026-11-24T15:59:59.000Z');
    expect(await sweep(clock)).toEqual(nothing);
    clock.set('2026-11-24T16:00:00.000Z');
    // The application waiting for the citizen is not overdue: its committed time stands still.
    expect(await sweep(clock)).toEqual({ ...nothing, overdue: [filed.number] });
    expect((await appRow(filed.applicationId)).overdueFlaggedDue).toBe('2026-11-24');
    expect(await auditOf(filed.applicationId, 'application.overdue')).toHaveLength(1);
    const [alert] = (await messagesOf(filed.applicationId)).filter((m) => m.template === 'overdueAlert');
    expect(alert).toMatchObject({
      userId: manager.id,
      idempotencyKey: `overdueAlert:${filed.applicationId}:2026-11-24:${manager.id}`,
      params: { applicationNumber: filed.number, dueDate: '2026-11-24', officeCode: 'bj-dongcheng' },
    });
    // Sent when the office opens (09:00 China time), not at midnight.
    expect(alert.nextAttemptAt.toISOString()).toBe('2026-11-25T01:00:00.000Z');
    expect(await sweep(clock)).toEqual(nothing);

    // Art. 32: not notified by 30 November, accepted by law from 1 December, as of receipt.
    clock.set('2026-11-30T15:59:59.000Z');
    expect(await sweep(clock)).toEqual(nothing);
    clock.set('2026-11-30T16:00:00.000Z');
    expect(await sweep(clock)).toEqual({ ...nothing, deemedAccepted: [filed.number] });
    const accepted = await appRow(filed.applicationId);
    expect(accepted).toMatchObject({ status: 'accepted', deemedAccepted: 1 });
    expect(accepted.acceptedAt?.toISOString()).toBe(accepted.submittedAt?.toISOString());
    expect(await auditOf(filed.applicationId, 'application.deemedAccepted')).toMatchObject([{ actorRole: 'system', fromStatus: 'submitted', toStatus: 'accepted' }]);
    // One acceptance event, whether a clerk or the law accepted (its key names the event).
    expect((await messagesOf(filed.applicationId)).filter((m) => m.idempotencyKey === `acceptance:${filed.applicationId}`)).toHaveLength(1);
    expect(await sweep(clock)).toEqual(nothing);

    // The reminder: two working days before 14 December (a Monday) is Thursday 10 December.
    clock.set('2026-12-09T15:59:59.000Z');
    expect(await sweep(clock)).toEqual(nothing);
    clock.set('2026-12-09T16:00:00.000Z');
    expect(await sweep(clock)).toEqual({ ...nothing, reminded: [waiting.number] });
    const [reminder] = (await messagesOf(waiting.applicationId)).filter((m) => m.template === 'supplementReminder');
    expect(reminder).toMatchObject({
      userId: waiting.citizen.id,
      idempotencyKey: `supplementReminder:${waiting.notice.id}`,
      params: { applicationNumber: waiting.number, noticeNumber: waiting.notice.number, deadline: '2026-12-14' },
    });
    expect(reminder.nextAttemptAt.toISOString()).toBe('2026-12-10T01:00:00.000Z');
    clock.set('2026-12-14T15:59:59.000Z'); // the last day, still in time
    expect(await sweep(clock)).toEqual(nothing);

    // The deadline passes: withdrawn, as the notice said.
    clock.set('2026-12-14T16:00:00.000Z');
    expect(await sweep(clock)).toEqual({ ...nothing, withdrawn: [waiting.number] });
    expect((await appRow(waiting.applicationId)).status).toBe('withdrawn');
    expect(await auditOf(waiting.applicationId, 'application.supplementExpired')).toMatchObject([
      { actorRole: 'system', fromStatus: 'needs_supplement', toStatus: 'withdrawn' },
    ]);
    const [item] = await h.db.select().from(queueItems).where(eq(queueItems.applicationId, waiting.applicationId));
    expect(item.state).toBe('done');
    const [wait] = await h.db.select().from(waitingIntervals).where(eq(waitingIntervals.applicationId, waiting.applicationId));
    expect(wait.endedBy).toBe('withdrawn');
    expect(await sweep(clock)).toEqual(nothing);
    expect((await messagesOf(waiting.applicationId)).filter((m) => m.template === 'supplementReminder')).toHaveLength(1);
  });

  it('a notice that leaves less than two working days is reminded of at once', async () => {
    const short = testConfig({ supplementDays: 1 });
    const clock = fixedClock();
    const sub = await createSubmittedApplication(h.db, { clock, config: short });
    const ctx = testContext(h.db, actorOf(await createStaff(h.db)), clock, short);
    const { leaseVersion } = await claimApplication(ctx, sub.number);
    for (const materialCode of ['hukouBook', 'idCollectionReceipt']) await recordVerdict(ctx, sub.number, { leaseVersion, materialCode, verdict: 'ok' });
    await recordVerdict(ctx, sub.number, { leaseVersion, materialCode: 'photo', verdict: 'missing' });
    const notice = await issueNotice(ctx, sub.number, leaseVersion);
    expect((await appRow(sub.applicationId)).supplementDeadline).toBe('2026-11-24');
    // 10:00 China time: due now.
    expect((await runClockSweeps({ db: h.db, clock, config: short })).reminded).toEqual([sub.number]);
    const [reminder] = (await messagesOf(sub.applicationId)).filter((m) => m.template === 'supplementReminder');
    expect(reminder.idempotencyKey).toBe(`supplementReminder:${notice.id}`);
    expect(reminder.nextAttemptAt.toISOString()).toBe(clock.now().toISOString());
  });

  it('the worker loop runs them on its own', async () => {
    const clock = fixedClock('2026-12-01T02:00:00.000Z'); // the completeness check ended yesterday
    const filed = await createSubmittedApplication(h.db, { clock: fixedClock(), config });
    const loopConfig = fastConfig({ outbox: { pollMs: 5 } });
    const worker = startWorkerLoop({ db: h.db, clock, config: loopConfig }, { log: () => undefined });
    try {
      await vi.waitFor(async () => expect((await appRow(filed.applicationId)).status).toBe('accepted'), { timeout: 20_000, interval: 50 });
    } finally {
      await worker.stop();
    }
    expect(await auditOf(filed.applicationId, 'application.deemedAccepted')).toHaveLength(1);
  });

  it('the worker loop clears rate-limit windows that ended a day ago, and keeps the current ones', async () => {
    const clock = fixedClock('2026-12-01T02:00:00.000Z');
    const hourAgo = new Date(clock.now().getTime() - 60 * 60_000);
    const twoDaysAgo = new Date(clock.now().getTime() - 48 * 60 * 60_000);
    await h.db.insert(rateLimits).values([
      { key: 'test:prune:old', windowStart: twoDaysAgo, count: 3 },
      { key: 'test:prune:current', windowStart: hourAgo, count: 3 },
    ]);
    const worker = startWorkerLoop({ db: h.db, clock, config: fastConfig({ outbox: { pollMs: 5 } }) }, { log: () => undefined });
    const keys = async () => (await h.db.select({ key: rateLimits.key }).from(rateLimits).where(like(rateLimits.key, 'test:prune:%'))).map((r) => r.key);
    try {
      await vi.waitFor(async () => expect(await keys()).toEqual(['test:prune:current']), { timeout: 20_000, interval: 50 });
    } finally {
      await worker.stop();
    }
  });
});

describe('two workers at once', () => {
  it('accept, withdraw, remind and alert each application once', async () => {
    const clock = fixedClock();
    await createStaff(h.db, { role: 'manager', officeCode: 'bj-dongcheng', managerScope: 'office' });
    const filed = [];
    for (let i = 0; i < 6; i++) filed.push(await createSubmittedApplication(h.db, { clock, config }));
    const waiting = [await notified(clock), await notified(clock)];
    // A second process: on PostgreSQL its own pool on the same database; PGlite has one connection.
    let other: DbHandle | null = null;
    if (h.engine === 'postgres') {
      const [{ name }] = rowsOf<{ name: string }>(await h.db.execute(sql`select current_database() as name`));
      other = await createDb({ url: databaseUrl(process.env.TEST_DATABASE_URL!, name), max: 4 });
    }
    const both = async (iso: string) => {
      clock.set(iso);
      const [a, b] = await Promise.all([sweep(clock), sweep(clock, other?.db ?? h.db)]);
      return { a, b };
    };
    const once = (r: { a: string[]; b: string[] }, expected: string[]) => {
      expect([...r.a, ...r.b].sort()).toEqual([...expected].sort());
    };
    try {
      const overdue = await both('2026-11-24T16:00:00.000Z');
      once({ a: overdue.a.overdue, b: overdue.b.overdue }, filed.map((f) => f.number));
      const deemed = await both('2026-11-30T16:00:00.000Z');
      once({ a: deemed.a.deemedAccepted, b: deemed.b.deemedAccepted }, filed.map((f) => f.number));
      const reminded = await both('2026-12-10T02:00:00.000Z');
      once({ a: reminded.a.reminded, b: reminded.b.reminded }, waiting.map((w) => w.number));
      const withdrawn = await both('2026-12-15T02:00:00.000Z');
      once({ a: withdrawn.a.withdrawn, b: withdrawn.b.withdrawn }, waiting.map((w) => w.number));
    } finally {
      await other?.close();
    }
    const ids = filed.map((f) => f.applicationId);
    const perApp = async (rows: Promise<{ applicationId: string | null }[]>) => {
      const n = new Map<string, number>();
      for (const r of await rows) n.set(r.applicationId!, (n.get(r.applicationId!) ?? 0) + 1);
      return n;
    };
    for (const [action, appIds] of [
      ['application.deemedAccepted', ids],
      ['application.overdue', ids],
      ['application.supplementExpired', waiting.map((w) => w.applicationId)],
    ] as const) {
      const n = await perApp(h.db.select({ applicationId: auditEvents.applicationId }).from(auditEvents).where(eq(auditEvents.action, action)));
      expect(appIds.map((id) => n.get(id))).toEqual(appIds.map(() => 1));
    }
    const decided = await perApp(h.db.select({ applicationId: decisions.applicationId }).from(decisions).where(inArray(decisions.applicationId, ids)));
    expect(ids.map((id) => decided.get(id))).toEqual(ids.map(() => 1));
    const acceptances = await perApp(h.db.select({ applicationId: messages.applicationId }).from(messages).where(like(messages.idempotencyKey, 'acceptance:%')));
    expect(ids.map((id) => acceptances.get(id))).toEqual(ids.map(() => 1));
    const alerts = await perApp(h.db.select({ applicationId: messages.applicationId }).from(messages).where(eq(messages.template, 'overdueAlert')));
    expect(ids.map((id) => alerts.get(id))).toEqual(ids.map(() => 1));
    const reminders = await perApp(h.db.select({ applicationId: messages.applicationId }).from(messages).where(eq(messages.template, 'supplementReminder')));
    expect(waiting.map((w) => reminders.get(w.applicationId))).toEqual([1, 1]);
  });
});

describe('a notice after the completeness deadline', () => {
  it('is refused with 409 and a localized reason, and changes nothing', async () => {
    const clock = fixedClock();
    const sub = await createSubmittedApplication(h.db, { clock, config });
    expect((await appRow(sub.applicationId)).completenessDeadline).toBe('2026-11-30');
    // 13 December: no sweep has run (no worker), so the application still reads "submitted".
    clock.set('2026-12-13T02:00:00.000Z');
    const clerk = await createStaff(h.db);
    const ctx = testContext(h.db, actorOf(clerk), clock, config);
    const { leaseVersion } = await claimApplication(ctx, sub.number);
    for (const materialCode of ['hukouBook', 'idCollectionReceipt']) await recordVerdict(ctx, sub.number, { leaseVersion, materialCode, verdict: 'ok' });
    await recordVerdict(ctx, sub.number, { leaseVersion, materialCode: 'photo', verdict: 'missing' });
    const snapshot = async () => ({
      app: await appRow(sub.applicationId),
      item: (await h.db.select().from(queueItems).where(eq(queueItems.applicationId, sub.applicationId)))[0],
      notices: await h.db.select().from(notices).where(eq(notices.applicationId, sub.applicationId)),
      audit: (await h.db.select({ n: sql<number>`count(*)::int` }).from(auditEvents).where(eq(auditEvents.applicationId, sub.applicationId)))[0].n,
      messages: await messagesOf(sub.applicationId),
    });
    const before = await snapshot();

    const context = appContext(h.db, clock, config);
    const cookie = await sessionCookieFor(h.db, clock, clerk.id);
    for (const lng of ['zh-CN', 'en']) {
      const res = await run(reviewRoute.action, post(`/desk/applications/${sub.number}`, { intent: 'notice', leaseVersion: String(leaseVersion) }, { cookie, lng }), context, {
        number: sub.number,
      });
      expect(res.status).toBe(409);
      expect(JSON.stringify(await res.json())).toContain('errors:review.noticeTooLate');
    }
    await expect(issueNotice(ctx, sub.number, leaseVersion)).rejects.toMatchObject({ status: 409, code: 'review.noticeTooLate', params: { deadline: '2026-11-30' } });
    expect(await snapshot()).toEqual(before);
    expect(before.notices).toEqual([]);

    // The next round records what the law already says.
    expect((await sweep(clock)).deemedAccepted).toEqual([sub.number]);
  });

  it('is still allowed on the deadline day itself (China time), however late in the evening', async () => {
    const clock = fixedClock();
    const sub = await createSubmittedApplication(h.db, { clock, config });
    clock.set('2026-11-30T15:50:00.000Z'); // 23:50 on 30 November in Beijing
    const ctx = testContext(h.db, actorOf(await createStaff(h.db)), clock, config);
    const { leaseVersion } = await claimApplication(ctx, sub.number);
    for (const materialCode of ['hukouBook', 'idCollectionReceipt']) await recordVerdict(ctx, sub.number, { leaseVersion, materialCode, verdict: 'ok' });
    await recordVerdict(ctx, sub.number, { leaseVersion, materialCode: 'photo', verdict: 'missing' });
    await issueNotice(ctx, sub.number, leaseVersion);
    clock.set('2026-11-30T16:00:00.000Z');
    expect((await sweep(clock)).deemedAccepted).toEqual([]);
    expect((await appRow(sub.applicationId)).status).toBe('needs_supplement');
  });
});

describe('a round with nothing due', () => {
  it('reads each sweep through its partial index', async () => {
    // With sequential scans priced out, a plan can only avoid one through an index whose
    // predicate the query implies: this checks the predicates match, word for word.
    const plans = await h.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const explain = async (q: { getSQL(): unknown }) =>
        rowsOf<Record<string, string>>(await tx.execute(sql`explain ${q}`)).map((r) => Object.values(r)[0]).join('\n');
      return {
        deemed: await explain(DUE.deemed(tx, '2026-12-01')),
        supplement: await explain(DUE.supplement(tx, '2026-12-01')),
        reminder: await explain(DUE.reminder(tx, '2026-12-01', '2026-12-03')),
        overdue: await explain(DUE.overdue(tx, '2026-12-01')),
      };
    });
    expect(plans.deemed).toContain('applications_deemed_due_idx');
    expect(plans.supplement).toContain('applications_supplement_due_idx');
    expect(plans.reminder).toContain('applications_reminder_due_idx');
    expect(plans.overdue).toContain('applications_overdue_due_idx');
  });
});
