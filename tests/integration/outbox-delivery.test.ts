import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { messages } from '../../db/schema/index.js';
import { applicationDeliveries } from '../../services/notifications/deliveries.js';
import { enqueueMessage } from '../../services/notifications/outbox.js';
import { deliverDueMessages, type WorkerContext } from '../../services/notifications/worker.js';
import { gatewayLog, gatewayRoutes } from '../mocks/gateways.js';
import { countRequests, mockServer } from '../mocks/node.js';
import { failures } from '../mocks/scenarios.js';
import { createTestDb } from '../setup/test-db.js';
import { createApplicant, createSubmittedApplication } from '../support/applications.js';
import { actorOf, createStaff, fixedClock, testContext } from '../support/factories.js';
import { fastConfig } from '../support/integrations.js';

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(async () => {
  await handle.close();
});

// maxAttempts 3, base delay 1 s doubling, visibility timeout 30 s (tests/support/integrations.ts).
const config = fastConfig();

function worker(clock = fixedClock()): WorkerContext & { clock: ReturnType<typeof fixedClock> } {
  return { db: handle.db, clock, config };
}

async function messageRow(key: string) {
  const [row] = await handle.db.select().from(messages).where(eq(messages.idempotencyKey, key));
  return row;
}

/** Messages of earlier tests stay in the shared database; each test enqueues its own and looks only at those. */
async function enqueue(n: number, opts: { channel?: 'sms' | 'email'; at?: Date } = {}) {
  const citizen = await createApplicant(handle.db, { email: 'citizen@example.org', locale: 'en' });
  const keys = Array.from({ length: n }, () => `test:${randomUUID()}`);
  await handle.db.transaction(async (tx) => {
    for (const key of keys) {
      await enqueueMessage(tx, {
        applicationId: null,
        userId: citizen.id,
        channel: opts.channel ?? 'sms',
        template: 'receipt',
        params: { number: key },
        idempotencyKey: key,
        createdAt: opts.at ?? fixedClock().now(),
      });
    }
  });
  return { citizen, keys };
}

/** Runs the worker until nothing is due now. */
async function drain(ctx: WorkerContext) {
  for (let i = 0; i < 50; i++) if ((await deliverDueMessages(ctx)).claimed === 0) return;
  throw new Error('outbox did not drain');
}

describe('the transactional outbox', () => {
  it('a message enqueued inside a transaction that then fails does not exist', async () => {
    const citizen = await createApplicant(handle.db);
    const key = `test:${randomUUID()}`;
    await expect(
      handle.db.transaction(async (tx) => {
        await enqueueMessage(tx, {
          applicationId: null,
          userId: citizen.id,
          channel: 'sms',
          template: 'receipt',
          params: {},
          idempotencyKey: key,
          createdAt: fixedClock().now(),
        });
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    expect(await messageRow(key)).toBeUndefined();
    await drain(worker());
    expect(gatewayLog.requests.has(key)).toBe(false);
  });

  it('the receipt is written with the submission and delivered once, in the citizen’s language', async () => {
    const { applicationId, citizen, number } = await createSubmittedApplication(handle.db);
    const key = `receipt:${applicationId}`;
    expect(await messageRow(key)).toMatchObject({ status: 'pending', attempts: 0 });
    await drain(worker());
    const row = await messageRow(key);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, providerRef: `sms-${key}`, lastError: null });
    expect(gatewayLog.delivered.filter((d) => d.key === key)).toEqual([
      expect.objectContaining({
        channel: 'sms',
        to: citizen.mobile,
        template: 'receipt',
        locale: 'zh-CN',
        params: expect.objectContaining({ number }),
        // The text is the portal's, from locales/zh-CN/messages.json, not the carrier's.
        text: expect.stringMatching(new RegExp(`^【公安政务服务】您的临时居民身份证申请已收到，申请编号${number}。`)),
      }),
    ]);
    // Running again sends nothing more.
    await drain(worker());
    expect(gatewayLog.requests.get(key)).toBe(1);
  });

  it('email messages go to the mail service with the idempotency key', async () => {
    const { keys, citizen } = await enqueue(1, { channel: 'email' });
    await drain(worker());
    expect(await messageRow(keys[0])).toMatchObject({ status: 'sent', providerRef: `email-${keys[0]}` });
    expect(gatewayLog.delivered).toContainEqual(expect.objectContaining({ channel: 'email', key: keys[0], to: citizen.email, locale: 'en' }));
  });

  it('a message is not sent before it is due', async () => {
    const clock = fixedClock();
    const { keys } = await enqueue(1, { at: new Date(clock.now().getTime() + 60_000) });
    await drain(worker(clock));
    expect(await messageRow(keys[0])).toMatchObject({ status: 'pending', attempts: 0 });
    clock.advance(60_000);
    await drain(worker(clock));
    expect(await messageRow(keys[0])).toMatchObject({ status: 'sent' });
  });

  it('SMS gateway 500: retried with exponential backoff, then dead-lettered and shown on the desk', async () => {
    mockServer.use(failures.serverError(gatewayRoutes.sms));
    const smsRequests = countRequests(gatewayRoutes.sms.url);
    const clock = fixedClock();
    const { applicationId, number } = await createSubmittedApplication(handle.db, { clock });
    const key = `receipt:${applicationId}`;
    const ctx = worker(clock);

    await drain(ctx);
    let row = await messageRow(key);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: 'integration.unavailable' });
    expect(row.nextAttemptAt.getTime() - clock.now().getTime()).toBe(1_000);

    clock.advance(999);
    await drain(ctx);
    expect((await messageRow(key)).attempts).toBe(1);

    clock.advance(1);
    await drain(ctx);
    row = await messageRow(key);
    expect(row).toMatchObject({ status: 'pending', attempts: 2 });
    expect(row.nextAttemptAt.getTime() - clock.now().getTime()).toBe(2_000);

    clock.advance(2_000);
    await drain(ctx);
    row = await messageRow(key);
    expect(row).toMatchObject({ status: 'dead', attempts: 3, lastError: 'integration.unavailable' });
    expect(smsRequests.count()).toBe(3);

    // Dead letters stay dead.
    clock.advance(3_600_000);
    await drain(ctx);
    expect(smsRequests.count()).toBe(3);
    smsRequests.stop();

    const clerk = await createStaff(handle.db, { officeCode: 'bj-dongcheng' });
    const shown = await applicationDeliveries(testContext(handle.db, actorOf(clerk), clock, config), number);
    expect(shown).toEqual([expect.objectContaining({ template: 'receipt', status: 'dead', attempts: 3, lastError: 'integration.unavailable' })]);
  });

  it('a gateway that recovers delivers the retried message exactly once', async () => {
    let fail = true;
    mockServer.use(http.post(gatewayRoutes.sms.url, () => (fail ? HttpResponse.json({}, { status: 502 }) : undefined)));
    const clock = fixedClock();
    const { keys } = await enqueue(2);
    await drain(worker(clock));
    fail = false;
    clock.advance(1_000);
    await drain(worker(clock));
    for (const key of keys) {
      expect(await messageRow(key)).toMatchObject({ status: 'sent', attempts: 2 });
      expect(gatewayLog.deliveredCount(key)).toBe(1);
    }
  });

  it('a message whose citizen has no address is dead at once, not retried', async () => {
    const { keys } = await enqueue(1, { channel: 'email' });
    const [row] = await handle.db.select().from(messages).where(eq(messages.idempotencyKey, keys[0]));
    const { users } = await import('../../db/schema/index.js');
    await handle.db.update(users).set({ email: null }).where(eq(users.id, row.userId!));
    await drain(worker());
    expect(await messageRow(keys[0])).toMatchObject({ status: 'dead', attempts: 1, lastError: 'notifications.noAddress' });
  });

  it('staff outside the office, and citizens, do not see deliveries (404 / 403)', async () => {
    const { number, citizen } = await createSubmittedApplication(handle.db);
    const other = await createStaff(handle.db, { officeCode: 'sh-huangpu' });
    await expect(applicationDeliveries(testContext(handle.db, actorOf(other), fixedClock(), config), number)).rejects.toMatchObject({ status: 404 });
    await expect(applicationDeliveries(testContext(handle.db, actorOf(citizen), fixedClock(), config), number)).rejects.toMatchObject({ status: 403 });
  });
});

describe('crash safety', () => {
  it('the worker dies mid-batch: after a restart no message is lost and none is sent twice', async () => {
    const clock = fixedClock();
    const { keys } = await enqueue(6);
    const mine = new Set(keys);
    let sentBeforeDeath = 0;
    // The worker dies right after the gateway accepted its third message of ours, before recording it.
    await expect(
      deliverDueMessages(worker(clock), {
        afterSend: (msg) => {
          if (mine.has(msg.idempotencyKey) && ++sentBeforeDeath === 3) throw new Error('worker killed');
        },
      }),
    ).rejects.toThrow('worker killed');
    const states = await Promise.all(keys.map(messageRow));
    expect(states.filter((m) => m.status === 'sent')).toHaveLength(2);
    expect(states.filter((m) => m.status === 'sending')).toHaveLength(4);

    // A restarted worker leaves the dead worker's claims alone until they expire…
    await drain(worker(clock));
    expect((await Promise.all(keys.map(messageRow))).filter((m) => m.status === 'sending')).toHaveLength(4);

    // …then takes them over.
    clock.advance(config.integrations.outbox.visibilityTimeoutMs);
    await drain(worker(clock));
    for (const key of keys) {
      expect(await messageRow(key)).toMatchObject({ status: 'sent' });
      expect(gatewayLog.deliveredCount(key)).toBe(1);
    }
    // The message sent just before the death was requested twice; the idempotency key made the repeat a no-op.
    expect(keys.map((k) => gatewayLog.requests.get(k)).sort()).toEqual([1, 1, 1, 1, 1, 2]);
  });

  it('a worker told to stop finishes the message in hand and hands the rest of its batch back unsent', async () => {
    const clock = fixedClock();
    // Whatever earlier tests left due goes first, so the batch is these five.
    await drain(worker(clock));
    const { keys } = await enqueue(5);
    const halt = new AbortController();
    const sentFirst: string[] = [];
    const r = await deliverDueMessages(worker(clock), {
      signal: halt.signal,
      // SIGTERM arrives while the second message is at the gateway.
      afterSend: (msg) => {
        sentFirst.push(msg.idempotencyKey);
        if (sentFirst.length === 2) halt.abort();
      },
    });
    expect(r).toEqual({ claimed: 5, sent: 2, retrying: 0, dead: 0, released: 3 });
    const rows = await Promise.all(keys.map(messageRow));
    const handedBack = rows.filter((m) => !sentFirst.includes(m.idempotencyKey));
    expect(rows.filter((m) => sentFirst.includes(m.idempotencyKey)).map((m) => m.status)).toEqual(['sent', 'sent']);
    // Due as before, not claimed, and no attempt counted for a send that never happened.
    expect(handedBack).toHaveLength(3);
    for (const m of handedBack) {
      expect(m).toMatchObject({ status: 'pending', attempts: 0, lockedUntil: null, nextAttemptAt: clock.now() });
      expect(gatewayLog.requests.get(m.idempotencyKey)).toBeUndefined();
    }

    // The next worker sends them at once, each once.
    await drain(worker(clock));
    for (const key of keys) {
      expect(await messageRow(key)).toMatchObject({ status: 'sent', attempts: 1 });
      expect(gatewayLog.deliveredCount(key)).toBe(1);
    }
  });

  it('a stopping worker claims nothing more', async () => {
    const { keys } = await enqueue(1);
    const halt = new AbortController();
    halt.abort();
    expect(await deliverDueMessages(worker(), { signal: halt.signal })).toMatchObject({ claimed: 0 });
    expect(await messageRow(keys[0])).toMatchObject({ status: 'pending', attempts: 0 });
    await drain(worker());
  });

  it('two workers at once never take the same message', async () => {
    const { keys } = await enqueue(12);
    const ctx = worker();
    const results = await Promise.all([deliverDueMessages(ctx), deliverDueMessages(ctx), deliverDueMessages(ctx)]);
    await drain(ctx);
    expect(results.reduce((n, r) => n + r.claimed, 0)).toBeGreaterThanOrEqual(10);
    for (const key of keys) {
      expect(gatewayLog.requests.get(key)).toBe(1);
      expect(await messageRow(key)).toMatchObject({ status: 'sent', attempts: 1 });
    }
  });
});

describe('the worker loop', () => {
  it('delivers due messages on its own and stops cleanly', async () => {
    const { startWorkerLoop } = await import('../../services/notifications/loop.js');
    const { keys } = await enqueue(2);
    // Real time here: the loop polls every 10 ms (tests/support/integrations.ts).
    const loop = startWorkerLoop({ db: handle.db, clock: fixedClock(), config });
    for (let i = 0; i < 200 && gatewayLog.delivered.filter((d) => keys.includes(d.key)).length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await loop.stop();
    for (const key of keys) expect(await messageRow(key)).toMatchObject({ status: 'sent' });
  });
});
