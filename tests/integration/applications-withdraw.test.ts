import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications, auditEvents, queueItems } from '../../db/schema/index.js';
import { action, loader } from '../../app/routes/applications.$number._index.js';
import { claimNext } from '../../services/queue/claim.js';
import { actorOf, appContext, createStaff, fixedClock, sessionCookieFor, testContext } from '../support/factories.js';
import { createApplicant, createSubmittedApplication } from '../support/applications.js';
import { get, post, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
const clock = fixedClock();
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

async function submitted() {
  const r = await createSubmittedApplication(h.db, { clock });
  const cookie = await sessionCookieFor(h.db, clock, r.citizen.id);
  return { ...r, cookie, number: r.number as string };
}

describe('withdrawing an application', () => {
  it('offers the withdraw form before acceptance and withdraws with confirmation, taking the item off the queue', async () => {
    const a = await submitted();
    const page = await run(loader, get(`/applications/${a.number}`, { cookie: a.cookie }), appContext(h.db, clock), { number: a.number });
    expect(page.status).toBe(200);

    const res = await run(action, post(`/applications/${a.number}`, { intent: 'withdraw', confirm: 'on' }, { cookie: a.cookie }), appContext(h.db, clock), { number: a.number });
    expect(res.status).toBe(303);
    const [app] = await h.db.select().from(applications).where(eq(applications.number, a.number));
    expect(app.status).toBe('withdrawn');
    const [item] = await h.db.select().from(queueItems).where(eq(queueItems.applicationId, app.id));
    expect(item.state).toBe('done');
    const events = await h.db.select().from(auditEvents).where(eq(auditEvents.applicationId, app.id));
    expect(events.map((e) => e.action)).toContain('application.withdrawn');

    // No clerk can take it any more.
    const clerk = await createStaff(h.db, { officeCode: app.officeCode! });
    const claim = await claimNext(testContext(h.db, actorOf(clerk), clock));
    expect(claim?.applicationId ?? null).not.toBe(app.id);
  });

  it('refuses without the confirmation tick (400, localized, nothing changes)', async () => {
    const a = await submitted();
    const res = await run(action, post(`/applications/${a.number}`, { intent: 'withdraw' }, { cookie: a.cookie, lng: 'en' }), appContext(h.db, clock), { number: a.number });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('application.withdrawConfirmRequired');
    const [app] = await h.db.select().from(applications).where(eq(applications.number, a.number));
    expect(app.status).toBe('submitted');
  });

  it('refuses a second withdrawal with 409', async () => {
    const a = await submitted();
    const ctx = appContext(h.db, clock);
    await run(action, post(`/applications/${a.number}`, { intent: 'withdraw', confirm: 'on' }, { cookie: a.cookie }), ctx, { number: a.number });
    const again = await run(action, post(`/applications/${a.number}`, { intent: 'withdraw', confirm: 'on' }, { cookie: a.cookie }), ctx, { number: a.number });
    expect(again.status).toBe(409);
  });

  it("gives another citizen a 404 and leaves the application alone", async () => {
    const a = await submitted();
    const other = await createApplicant(h.db);
    const cookie = await sessionCookieFor(h.db, clock, other.id);
    const res = await run(action, post(`/applications/${a.number}`, { intent: 'withdraw', confirm: 'on' }, { cookie }), appContext(h.db, clock), { number: a.number });
    expect(res.status).toBe(404);
    const [app] = await h.db.select().from(applications).where(eq(applications.number, a.number));
    expect(app.status).toBe('submitted');
  });

  it('refuses unexpected intents with 400', async () => {
    const a = await submitted();
    const res = await run(action, post(`/applications/${a.number}`, { intent: 'approve', confirm: 'on' }, { cookie: a.cookie }), appContext(h.db, clock), { number: a.number });
    expect(res.status).toBe(400);
  });
});
