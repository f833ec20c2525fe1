import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications } from '../../db/schema/index.js';
import * as noticeRoute from '../../app/routes/applications.$number.notice.js';
import * as supplementRoute from '../../app/routes/applications.$number.supplement.js';
import { claimNext } from '../../services/queue/claim.js';
import { issueNotice } from '../../services/review/notice.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { actorOf, appContext, createCitizen, createStaff, fixedClock, sessionCookieFor, testConfig, testContext } from '../support/factories.js';
import { createSubmittedApplication } from '../support/applications.js';
import { files, get, post, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const config = testConfig();

/** An application with an issued notice flagging the photo (deficient) and the ID receipt (missing). */
async function noticed() {
  const clock = fixedClock();
  const sub = await createSubmittedApplication(h.db, { clock, config });
  const ctx = testContext(h.db, actorOf(await createStaff(h.db)), clock, config);
  const { leaseVersion } = (await claimNext(ctx))!;
  await recordVerdict(ctx, sub.number, { leaseVersion, materialCode: 'hukouBook', verdict: 'ok' });
  await recordVerdict(ctx, sub.number, { leaseVersion, materialCode: 'idCollectionReceipt', verdict: 'missing' });
  await recordVerdict(ctx, sub.number, { leaseVersion, materialCode: 'photo', verdict: 'deficient', reasonCode: 'photoSpec', note: '背景非白色' });
  const notice = await issueNotice(ctx, sub.number, leaseVersion);
  const context = appContext(h.db, clock, config);
  const cookie = await sessionCookieFor(h.db, clock, sub.citizen.id);
  return { ...sub, notice, context, cookie, clock };
}

describe('/applications/:number/notice', () => {
  it('shows the applicant their notice; anyone else gets 404, anonymous visitors sign in', async () => {
    const { number, context, cookie, notice } = await noticed();
    const res = await run(noticeRoute.loader, get(`/applications/${number}/notice`, { cookie }), context, { number });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.view.notice).toMatchObject({ number: notice.number, supplementDeadline: '2026-12-14' });
    expect(body.isApplicant).toBe(true);

    const stranger = await createCitizen(h.db);
    const other = await run(noticeRoute.loader, get(`/applications/${number}/notice`, { cookie: await sessionCookieFor(h.db, context.clock, stranger.id) }), context, { number });
    expect(other.status).toBe(404);
    const anon = await run(noticeRoute.loader, get(`/applications/${number}/notice`), context, { number });
    expect(anon.status).toBe(302);
  });

  it('is 404 before any notice was issued', async () => {
    const sub = await createSubmittedApplication(h.db, { config });
    const context = appContext(h.db, fixedClock(), config);
    const res = await run(
      noticeRoute.loader,
      get(`/applications/${sub.number}/notice`, { cookie: await sessionCookieFor(h.db, context.clock, sub.citizen.id) }),
      context,
      { number: sub.number },
    );
    expect(res.status).toBe(404);
  });
});

describe('/applications/:number/supplement', () => {
  it('offers only the flagged items and takes them as multipart uploads', async () => {
    const { number, context, cookie, applicationId } = await noticed();
    const page = await run(supplementRoute.loader, get(`/applications/${number}/supplement`, { cookie }), context, { number });
    expect(page.status).toBe(200);
    const body = await page.json();
    expect(body.form.notice.items.map((i: { materialCode: string }) => i.materialCode)).toEqual(['idCollectionReceipt', 'photo']);

    const missing = await run(
      supplementRoute.action,
      post(`/applications/${number}/supplement`, { 'material.photo': files.jpeg() }, { cookie }),
      context,
      { number },
    );
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ lastResult: { error: { 'material.idCollectionReceipt': ['review.supplementFileRequired'] } } });

    const wrongType = await run(
      supplementRoute.action,
      post(`/applications/${number}/supplement`, { 'material.photo': files.pdf('photo.jpg'), 'material.idCollectionReceipt': files.pdf() }, { cookie }),
      context,
      { number },
    );
    expect(wrongType.status).toBe(415);

    const ok = await run(
      supplementRoute.action,
      post(`/applications/${number}/supplement`, { 'material.photo': files.jpeg(), 'material.idCollectionReceipt': files.pdf() }, { cookie }),
      context,
      { number },
    );
    expect(ok.status).toBe(302);
    expect(ok.headers.get('Location')).toBe(`/applications/${number}?supplemented=1`);
    const [app] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
    expect(app.status).toBe('supplemented');

    const closed = await (await run(supplementRoute.loader, get(`/applications/${number}/supplement`, { cookie }), context, { number })).json();
    expect(closed.form.open).toBe(false);
  });

  it('is 404 for another citizen and 403 for staff', async () => {
    const { number, context } = await noticed();
    const stranger = await createCitizen(h.db);
    const strangerCookie = await sessionCookieFor(h.db, context.clock, stranger.id);
    expect((await run(supplementRoute.loader, get(`/applications/${number}/supplement`, { cookie: strangerCookie }), context, { number })).status).toBe(404);
    const posted = await run(
      supplementRoute.action,
      post(`/applications/${number}/supplement`, { 'material.photo': files.jpeg(), 'material.idCollectionReceipt': files.pdf() }, { cookie: strangerCookie }),
      context,
      { number },
    );
    expect(posted.status).toBe(404);
    const clerk = await createStaff(h.db);
    expect(
      (await run(supplementRoute.loader, get(`/applications/${number}/supplement`, { cookie: await sessionCookieFor(h.db, context.clock, clerk.id) }), context, { number })).status,
    ).toBe(403);
  });
});
