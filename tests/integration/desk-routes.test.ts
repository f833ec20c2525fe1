import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications, auditEvents, materialVerdicts } from '../../db/schema/index.js';
import * as deskRoute from '../../app/routes/desk._index.js';
import * as reviewRoute from '../../app/routes/desk.applications.$number.js';
import { appContext, createCitizen, createStaff, fixedClock, sessionCookieFor, testConfig } from '../support/factories.js';
import { createSubmittedApplication } from '../support/applications.js';
import { get, post, run } from '../support/requests.js';
import { judgeFields } from '../support/judge-form.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const config = testConfig();

async function setup() {
  const clock = fixedClock();
  const sub = await createSubmittedApplication(h.db, { clock, config });
  const clerk = await createStaff(h.db);
  const context = appContext(h.db, clock, config);
  const cookie = await sessionCookieFor(h.db, clock, clerk.id);
  return { ...sub, clerk, clock, context, cookie };
}

async function take(context: ReturnType<typeof appContext>, cookie: string) {
  const res = await run(deskRoute.action, post('/desk', { intent: 'takeNext' }, { cookie }), context);
  expect(res.status).toBe(302);
  return res.headers.get('Location');
}

describe('/desk', () => {
  it('sends anonymous visitors to sign in and refuses citizens', async () => {
    const { context } = await setup();
    const anon = await run(deskRoute.loader, get('/desk'), context);
    expect(anon.status).toBe(302);
    expect(anon.headers.get('Location')).toBe('/login?redirectTo=%2Fdesk');
    const citizen = await createCitizen(h.db);
    const res = await run(deskRoute.loader, get('/desk', { cookie: await sessionCookieFor(h.db, context.clock, citizen.id) }), context);
    expect(res.status).toBe(403);
    const posted = await run(deskRoute.action, post('/desk', { intent: 'takeNext' }, { cookie: await sessionCookieFor(h.db, context.clock, citizen.id) }), context);
    expect(posted.status).toBe(403);
  });

  it('lists the office queue with masked personal data and counts', async () => {
    const { context, cookie, number, citizen } = await setup();
    const res = await run(deskRoute.loader, get('/desk?department=hukou&status=bogus%20value', { cookie }), context);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.filters.department).toBe('hukou');
    expect(body.filters.status).toBeUndefined();
    expect(body.desk.rows.map((r: { number: string }) => r.number)).toEqual([number]);
    const text = JSON.stringify(body);
    expect(text).not.toContain(citizen.realName);
    expect(text).not.toContain(citizen.idNumber!);
    expect(body.desk.counts.department).toEqual({ hukou: 1 });
  });

  it('"take next" opens the most urgent item, and says so when nothing is left', async () => {
    const { context, cookie, number } = await setup();
    expect(await take(context, cookie)).toBe(`/desk/applications/${number}`);
    expect(await take(context, cookie)).toBe('/desk?empty=1');
    const bad = await run(deskRoute.action, post('/desk', { intent: 'takeEverything' }, { cookie }), context);
    expect(bad.status).toBe(400);
  });
});

describe('/desk/applications/:number', () => {
  it('shows the full data to the office and records the view; 404 for another office', async () => {
    const { context, cookie, number, citizen, applicationId } = await setup();
    const res = await run(reviewRoute.loader, get(`/desk/applications/${number}`, { cookie }), context, { number });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.page.applicant).toMatchObject({ realName: citizen.realName, idNumber: citizen.idNumber });
    const views = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.applicationId, applicationId), eq(auditEvents.action, 'pii.viewed')));
    expect(views).toHaveLength(1);

    const shanghai = await createStaff(h.db, { officeCode: 'sh-huangpu' });
    const other = await run(
      reviewRoute.loader,
      get(`/desk/applications/${number}`, { cookie: await sessionCookieFor(h.db, context.clock, shanghai.id) }),
      context,
      { number },
    );
    expect(other.status).toBe(404);
    const posted = await run(
      reviewRoute.action,
      post(`/desk/applications/${number}`, { intent: 'claim' }, { cookie: await sessionCookieFor(h.db, context.clock, shanghai.id) }),
      context,
      { number },
    );
    expect(posted.status).toBe(404);
  });

  it('records every verdict from the one form, and refuses a stale form with 409 at that form', async () => {
    const { context, cookie, number, applicationId, clock } = await setup();
    await take(context, cookie);
    const page = await (await run(reviewRoute.loader, get(`/desk/applications/${number}`, { cookie }), context, { number })).json();
    const leaseVersion = String(page.page.queue.leaseVersion);
    const ok = await run(
      reviewRoute.action,
      post(`/desk/applications/${number}`, judgeFields(leaseVersion, [['hukouBook', 'ok'], ['idCollectionReceipt', ''], ['photo', 'deficient', 'photoSpec', '背景不是白色']]), { cookie }),
      context,
      { number },
    );
    expect(ok.status).toBe(302);
    expect(ok.headers.get('Location')).toBe(`/desk/applications/${number}?done=judge#checklist-heading`);
    const saved = await h.db.select().from(materialVerdicts).where(eq(materialVerdicts.applicationId, applicationId));
    expect(saved.map((v) => [v.materialCode, v.verdict, v.reasonCode, v.note]).sort()).toEqual([
      ['hukouBook', 'ok', null, null],
      ['photo', 'deficient', 'photoSpec', '背景不是白色'],
    ]);

    // Two items wrong at once: both named in one answer, nothing saved, what was typed kept.
    const invalid = await run(
      reviewRoute.action,
      post(`/desk/applications/${number}`, judgeFields(leaseVersion, [['hukouBook', 'deficient'], ['idCollectionReceipt', 'maybe'], ['photo', 'ok', '', '新照片可以']]), { cookie }),
      context,
      { number },
    );
    expect(invalid.status).toBe(400);
    const body = await invalid.json();
    expect(body).toMatchObject({ intent: 'judge', lastResult: { error: { 'items[0].reasonCode': ['review.reasonRequired'], 'items[1].verdict': ['choice'] } } });
    expect(body.lastResult.initialValue.items[2].note).toBe('新照片可以');
    expect(await h.db.select().from(materialVerdicts).where(eq(materialVerdicts.applicationId, applicationId))).toHaveLength(2);

    // A reason from another material's list is refused by the service, beside its item.
    const foreign = await run(
      reviewRoute.action,
      post(`/desk/applications/${number}`, judgeFields(leaseVersion, [['hukouBook', 'deficient', 'photoSpec'], ['nope', 'ok']]), { cookie }),
      context,
      { number },
    );
    expect(foreign.status).toBe(400);
    expect(await foreign.json()).toMatchObject({
      lastResult: { error: { '': [expect.stringMatching(/^errors:review\.judgeInvalid/)], 'items[0].reasonCode': ['review.reasonNotListed'], 'items[1].materialCode': ['review.unknownMaterial'] } },
    });

    clock.advance(16 * 60_000);
    // The lease lapsed; another clerk takes the item.
    const other = await createStaff(h.db);
    await take(context, await sessionCookieFor(h.db, clock, other.id));
    const stale = await run(reviewRoute.action, post(`/desk/applications/${number}`, judgeFields(leaseVersion, [['idCollectionReceipt', 'ok']]), { cookie }), context, { number });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ intent: 'judge', lastResult: { error: { '': [expect.stringMatching(/^errors:review\.leaseLost/)] } } });
    const verdicts = await h.db.select().from(materialVerdicts).where(eq(materialVerdicts.applicationId, applicationId));
    expect(verdicts.map((v) => v.materialCode).sort()).toEqual(['hukouBook', 'photo']);
  });

  it('a double submit of the same form records each verdict once', async () => {
    const { context, cookie, number, applicationId } = await setup();
    await take(context, cookie);
    const leaseVersion = (await (await run(reviewRoute.loader, get(`/desk/applications/${number}`, { cookie }), context, { number })).json()).page.queue.leaseVersion;
    const form = judgeFields(leaseVersion, [['hukouBook', 'ok'], ['idCollectionReceipt', 'missing'], ['photo', 'ok']]);
    const [a, b] = await Promise.all([
      run(reviewRoute.action, post(`/desk/applications/${number}`, form, { cookie }), context, { number }),
      run(reviewRoute.action, post(`/desk/applications/${number}`, form, { cookie }), context, { number }),
    ]);
    expect([a.status, b.status]).toEqual([302, 302]);
    expect(await h.db.select().from(materialVerdicts).where(eq(materialVerdicts.applicationId, applicationId))).toHaveLength(3);
    const audited = await h.db.select().from(auditEvents).where(and(eq(auditEvents.applicationId, applicationId), eq(auditEvents.action, 'review.verdict')));
    expect(audited).toHaveLength(3);
  });

  it('refuses a notice while items are unreviewed (400), then issues it', async () => {
    const { context, cookie, number, applicationId } = await setup();
    await take(context, cookie);
    const leaseVersion = String((await (await run(reviewRoute.loader, get(`/desk/applications/${number}`, { cookie }), context, { number })).json()).page.queue.leaseVersion);
    const early = await run(reviewRoute.action, post(`/desk/applications/${number}`, { intent: 'notice', leaseVersion }, { cookie }), context, { number });
    expect(early.status).toBe(400);
    expect(await early.json()).toMatchObject({
      intent: 'notice',
      lastResult: { error: { 'verdict-hukouBook': ['review.unreviewed'], 'verdict-photo': ['review.unreviewed'] } },
    });
    const r = await run(reviewRoute.action, post(`/desk/applications/${number}`, judgeFields(leaseVersion, [['hukouBook', 'ok'], ['idCollectionReceipt', 'ok'], ['photo', 'missing']]), { cookie }), context, { number });
    expect(r.status).toBe(302);
    const issued = await run(reviewRoute.action, post(`/desk/applications/${number}`, { intent: 'notice', leaseVersion }, { cookie }), context, { number });
    expect(issued.status).toBe(302);
    const [app] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
    expect(app.status).toBe('needs_supplement');
  });

  it('lets a manager view but not claim; the form says why', async () => {
    const { context, number } = await setup();
    const manager = await createStaff(h.db, { role: 'manager' });
    const cookie = await sessionCookieFor(h.db, context.clock, manager.id);
    const view = await run(reviewRoute.loader, get(`/desk/applications/${number}`, { cookie }), context, { number });
    expect(view.status).toBe(200);
    expect((await view.json()).page.can).toEqual({ claim: false, act: false, override: false, requestOverride: false, manageShipment: false });
    const claim = await run(reviewRoute.action, post(`/desk/applications/${number}`, { intent: 'claim' }, { cookie }), context, { number });
    expect(claim.status).toBe(403);
    const unknown = await run(reviewRoute.action, post(`/desk/applications/${number}`, { intent: 'delete' }, { cookie }), context, { number });
    expect(unknown.status).toBe(400);
  });
});
