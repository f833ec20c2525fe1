import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications, auditEvents, queueItems } from '../../db/schema/index.js';
import { claimApplication, claimNext } from '../../services/queue/claim.js';
import { releaseApplication, transferApplication } from '../../services/queue/handover.js';
import { loadDesk } from '../../services/queue/desk.js';
import { actorOf, createCitizen, createStaff, fixedClock, testConfig, testContext } from '../support/factories.js';
import { insertQueuedApplication } from '../support/queue-fixtures.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const config = testConfig();

describe('take next', () => {
  it('serves the front of the queue first, then completeness deadline, due date and time received', async () => {
    const late = await insertQueuedApplication(h.db, { completenessDeadline: '2026-11-30', dueDate: '2026-11-24' });
    const earlyDeadline = await insertQueuedApplication(h.db, { completenessDeadline: '2026-11-27', dueDate: '2026-12-01' });
    const sameDeadlineEarlierDue = await insertQueuedApplication(h.db, { completenessDeadline: '2026-11-30', dueDate: '2026-11-23' });
    const receivedEarlier = await insertQueuedApplication(h.db, {
      completenessDeadline: '2026-11-30',
      dueDate: '2026-11-24',
      receivedAt: '2026-11-23T00:30:00.000Z',
    });
    const returned = await insertQueuedApplication(h.db, { completenessDeadline: '2026-12-04', dueDate: '2026-12-04', frontOfQueue: -1 });
    const clerk = await createStaff(h.db);
    const ctx = testContext(h.db, actorOf(clerk), fixedClock(), config);
    const order = [];
    for (let i = 0; i < 5; i++) order.push((await claimNext(ctx))?.number);
    expect(order).toEqual([returned.number, earlyDeadline.number, sameDeadlineEarlierDue.number, receivedEarlier.number, late.number]);
    expect(await claimNext(ctx)).toBeNull();
  });

  it('starts review: submitted → under_review, with the claim and the change in the audit trail', async () => {
    const { app } = await insertQueuedApplication(h.db);
    const clerk = await createStaff(h.db);
    const claim = await claimNext(testContext(h.db, actorOf(clerk), fixedClock(), config));
    expect(claim?.applicationId).toBe(app.id);
    const [row] = await h.db.select().from(applications).where(eq(applications.id, app.id));
    expect(row.status).toBe('under_review');
    const events = await h.db.select().from(auditEvents).where(eq(auditEvents.applicationId, app.id));
    expect(events.map((e) => e.action)).toEqual(['queue.claimed', 'application.reviewStarted']);
    expect(events[1]).toMatchObject({ actorId: clerk.id, fromStatus: 'submitted', toStatus: 'under_review' });
    const [item] = await h.db.select().from(queueItems).where(eq(queueItems.applicationId, app.id));
    expect(item).toMatchObject({ state: 'claimed', claimedBy: clerk.id, leaseVersion: claim!.leaseVersion });
    expect(item.leaseExpiresAt?.toISOString()).toBe('2026-11-23T02:15:00.000Z');
  });

  it('gives 24 clerks pressing at once every item exactly once, losing none', async () => {
    const M = 30;
    const citizen = await createCitizen(h.db);
    const ids = new Set<string>();
    for (let i = 0; i < M; i++) {
      const { app } = await insertQueuedApplication(h.db, {
        citizen,
        receivedAt: new Date(Date.parse('2026-11-23T00:00:00.000Z') + i * 60_000).toISOString(),
      });
      ids.add(app.id);
    }
    const clerks = await Promise.all(Array.from({ length: 24 }, () => createStaff(h.db)));
    const clock = fixedClock();
    const claimed: string[] = [];
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all(clerks.map((c) => claimNext(testContext(h.db, actorOf(c), clock, config))));
      for (const r of results) if (r) claimed.push(r.applicationId);
    }
    expect(claimed).toHaveLength(M);
    expect(new Set(claimed)).toEqual(ids);
    const items = await h.db.select().from(queueItems);
    expect(items.every((i) => i.state === 'claimed')).toBe(true);
    // Each item's holder is the clerk whose claim returned it.
    const claims = await h.db.select().from(auditEvents).where(eq(auditEvents.action, 'queue.claimed'));
    expect(claims).toHaveLength(M);
    for (const item of items) expect(claims.find((c) => c.applicationId === item.applicationId)?.actorId).toBe(item.claimedBy);
  });

  it('serves only the clerk’s office and skills', async () => {
    const traffic = await insertQueuedApplication(h.db, {
      serviceCode: 'inspection-mark',
      answers: {},
      completenessDeadline: '2026-11-24',
    });
    const hukou = await insertQueuedApplication(h.db, { completenessDeadline: '2026-11-30' });
    const hukouOnly = await createStaff(h.db, { skills: ['hukou'] });
    const ctx = testContext(h.db, actorOf(hukouOnly), fixedClock(), config);
    expect((await claimNext(ctx))?.number).toBe(hukou.number);
    expect(await claimNext(ctx)).toBeNull();
    await expect(claimApplication(ctx, traffic.number)).rejects.toMatchObject({ status: 404 });

    const chaoyang = await createStaff(h.db, { officeCode: 'bj-chaoyang', skills: ['hukou', 'exit_entry'] });
    const other = testContext(h.db, actorOf(chaoyang), fixedClock(), config);
    expect(await claimNext(other)).toBeNull();
    await expect(claimApplication(other, hukou.number)).rejects.toMatchObject({ status: 404 });
    const desk = await loadDesk(other);
    expect(desk.rows).toEqual([]);
  });

  it('refuses citizens and managers', async () => {
    await insertQueuedApplication(h.db);
    const citizen = await createCitizen(h.db);
    const manager = await createStaff(h.db, { role: 'manager' });
    await expect(claimNext(testContext(h.db, actorOf(citizen), fixedClock(), config))).rejects.toMatchObject({ status: 403 });
    await expect(claimNext(testContext(h.db, actorOf(manager), fixedClock(), config))).rejects.toMatchObject({ status: 403 });
    await expect(claimNext(testContext(h.db, { kind: 'anonymous' }, fixedClock(), config))).rejects.toMatchObject({ status: 401 });
  });
});

describe('leases', () => {
  it('an expired lease makes the item claimable again, and the takeover is recorded', async () => {
    const { app, number } = await insertQueuedApplication(h.db);
    const [a, b] = [await createStaff(h.db), await createStaff(h.db)];
    const clock = fixedClock();
    const first = await claimNext(testContext(h.db, actorOf(a), clock, config));
    expect(first?.number).toBe(number);
    const bCtx = testContext(h.db, actorOf(b), clock, config);
    expect(await claimNext(bCtx)).toBeNull();
    await expect(claimApplication(bCtx, number)).rejects.toMatchObject({ status: 409, code: 'review.heldByOther' });

    clock.advance(15 * 60_000 + 1000);
    const second = await claimNext(bCtx);
    expect(second?.number).toBe(number);
    expect(second!.leaseVersion).toBeGreaterThan(first!.leaseVersion);
    const [expired] = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.applicationId, app.id), eq(auditEvents.action, 'queue.leaseExpired')));
    expect(expired).toMatchObject({ actorId: b.id, data: { previousHolder: a.id } });
    // A's lease is gone: releasing with the old version is refused and changes nothing.
    await expect(releaseApplication(testContext(h.db, actorOf(a), clock, config), number, first!.leaseVersion)).rejects.toMatchObject({
      status: 409,
      code: 'review.leaseLost',
    });
    const [item] = await h.db.select().from(queueItems).where(eq(queueItems.applicationId, app.id));
    expect(item).toMatchObject({ state: 'claimed', claimedBy: b.id, leaseVersion: second!.leaseVersion });
  });

  it('serves expired leases and waiting items in one order of urgency', async () => {
    const urgent = await insertQueuedApplication(h.db, { completenessDeadline: '2026-11-27' });
    const middle = await insertQueuedApplication(h.db, { completenessDeadline: '2026-11-30' });
    const least = await insertQueuedApplication(h.db, { completenessDeadline: '2026-12-01' });
    const [a, b] = [await createStaff(h.db), await createStaff(h.db)];
    const clock = fixedClock();
    const aCtx = testContext(h.db, actorOf(a), clock, config);
    await claimApplication(aCtx, urgent.number);
    await claimApplication(aCtx, least.number);
    clock.advance(15 * 60_000 + 1000);
    const bCtx = testContext(h.db, actorOf(b), clock, config);
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await claimNext(bCtx))?.number);
    expect(order).toEqual([urgent.number, middle.number, least.number]);
    expect(await claimNext(bCtx)).toBeNull();
  });

  it('release puts the item back for anyone; an action renews the lease', async () => {
    const { number, app } = await insertQueuedApplication(h.db);
    const [a, b] = [await createStaff(h.db), await createStaff(h.db)];
    const clock = fixedClock();
    const aCtx = testContext(h.db, actorOf(a), clock, config);
    const claim = await claimNext(aCtx);
    clock.advance(10 * 60_000);
    // Claiming one's own item again renews the lease without changing hands.
    const renewed = await claimApplication(aCtx, number);
    expect(renewed.leaseVersion).toBe(claim!.leaseVersion);
    expect(renewed.leaseExpiresAt.toISOString()).toBe('2026-11-23T02:25:00.000Z');
    await releaseApplication(aCtx, number, claim!.leaseVersion);
    const [item] = await h.db.select().from(queueItems).where(eq(queueItems.applicationId, app.id));
    expect(item).toMatchObject({ state: 'waiting', claimedBy: null });
    expect((await claimNext(testContext(h.db, actorOf(b), clock, config)))?.number).toBe(number);
    const actions = (await h.db.select().from(auditEvents).where(eq(auditEvents.applicationId, app.id))).map((e) => e.action);
    expect(actions).toEqual(['queue.claimed', 'application.reviewStarted', 'queue.released', 'queue.claimed']);
  });
});

describe('transfer', () => {
  it('hands the item to a colleague with the skill, with a reason', async () => {
    const { number, app } = await insertQueuedApplication(h.db);
    const a = await createStaff(h.db);
    const colleague = await createStaff(h.db, { skills: ['hukou'] });
    const trafficOnly = await createStaff(h.db, { skills: ['traffic'] });
    const clock = fixedClock();
    const aCtx = testContext(h.db, actorOf(a), clock, config);
    const claim = await claimNext(aCtx);
    await expect(transferApplication(aCtx, number, claim!.leaseVersion, { toClerkId: colleague.id }, '  ')).rejects.toMatchObject({
      status: 400,
      fieldErrors: { reason: ['required'] },
    });
    await expect(
      transferApplication(aCtx, number, claim!.leaseVersion, { toClerkId: trafficOnly.id }, '户籍业务请专岗处理'),
    ).rejects.toMatchObject({ status: 400, fieldErrors: { toClerkId: ['review.transferClerkInvalid'] } });
    await transferApplication(aCtx, number, claim!.leaseVersion, { toClerkId: colleague.id }, '户籍业务请专岗处理');
    const [item] = await h.db.select().from(queueItems).where(eq(queueItems.applicationId, app.id));
    expect(item).toMatchObject({ state: 'claimed', claimedBy: colleague.id });
    const [ev] = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.applicationId, app.id), eq(auditEvents.action, 'queue.transferred')));
    expect(ev).toMatchObject({ actorId: a.id, reason: '户籍业务请专岗处理', data: { toClerkId: colleague.id, toOfficeCode: null } });
  });

  it('sends the item to another office that handles the department', async () => {
    const { number, app } = await insertQueuedApplication(h.db);
    const a = await createStaff(h.db);
    const aCtx = testContext(h.db, actorOf(a), fixedClock(), config);
    const claim = await claimNext(aCtx);
    await expect(transferApplication(aCtx, number, claim!.leaseVersion, { toOfficeCode: 'nowhere' }, '管辖')).rejects.toMatchObject({
      status: 400,
    });
    await transferApplication(aCtx, number, claim!.leaseVersion, { toOfficeCode: 'bj-chaoyang' }, '申请人户籍在朝阳');
    const [item] = await h.db.select().from(queueItems).where(eq(queueItems.applicationId, app.id));
    expect(item).toMatchObject({ state: 'waiting', claimedBy: null, officeCode: 'bj-chaoyang' });
    const chaoyang = await createStaff(h.db, { officeCode: 'bj-chaoyang', skills: ['hukou'] });
    expect((await claimNext(testContext(h.db, actorOf(chaoyang), fixedClock(), config)))?.number).toBe(number);
  });
});
