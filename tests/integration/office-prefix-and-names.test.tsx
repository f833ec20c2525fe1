import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { auditEvents, decisionDocuments, messages, offices } from '../../db/schema/index.js';
import * as officeNew from '../../app/routes/admin.offices.new.js';
import { updateOffice, createOffice } from '../../services/admin/offices.js';
import { deliverDueMessages } from '../../services/notifications/worker.js';
import { renderMessage } from '../../services/notifications/render.js';
import { ownOfficeNames } from '../../services/offices/office-names.js';
import { transferApplication } from '../../services/queue/handover.js';
import { claimApplication } from '../../services/queue/claim.js';
import { acceptApplication } from '../../services/review/decisions.js';
import { issueNotice } from '../../services/review/notice.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { startTracking } from '../../services/applications/track.js';
import { isApplicationNumber } from '../../services/validation/ids.js';
import { gatewayLog } from '../mocks/gateways.js';
import { createTestDb } from '../setup/test-db.js';
import { adminActor, createAdmin } from '../support/admin-staff.js';
import { createApplicant, createSubmittedApplication } from '../support/applications.js';
import { actorOf, appContext, createStaff, fixedClock, sessionCookieFor, testContext } from '../support/factories.js';
import { fastConfig } from '../support/integrations.js';
import { missingKeys, renderPage } from '../support/render-page.js';
import { get, post, run } from '../support/requests.js';
import { visibleText } from '../support/render-route.js';

/**
 * An office created through the administration (issue 18, decision 0037): its application-number
 * prefix numbers its filings, and its own names appear wherever the office is named — desk,
 * receipt, notice and decision texts, the citizen's pages — in both languages.
 */
vi.mock('@remix-run/react', async () => (await import('../support/render-page.js')).remixReactStub());

let h: DbHandle;
const clock = fixedClock();
const config = fastConfig();
const context = () => appContext(h.db, clock, config);
const ZH = '安贞派出所受理窗口';
const EN = 'Anzhen Police Station, service window';
/** Haidian (110108): taken from Chaoyang first, since two open offices of a department never share a prefix. */
const HAIDIAN = { hukouRegion: '110108', reason: 'applying', delivery: 'pickup' };

beforeAll(async () => {
  h = await createTestDb();
  await h.db.update(offices).set({ regionPrefixes: ['110105'] }).where(eq(offices.code, 'bj-chaoyang'));
  const admin = await createAdmin(h.db, '1101');
  const created = await run(
    officeNew.action,
    post(
      '/admin/offices/new',
      { code: 'bj-anzhen', nameZh: ZH, nameEn: EN, phone: '010-64000000', orgUnitCode: '110105', departments: 'hukou', regionPrefixes: '110108', numberPrefix: ' azps ' },
      { cookie: await sessionCookieFor(h.db, clock, admin.id) },
    ),
    context(),
  );
  expect(created.status).toBe(303);
});
afterAll(() => h.close());

const num = (prefix: string) => new RegExp(`^${prefix}20261123\\d{6,}$`);

describe('an office created at /admin', () => {
  it('numbers its filings with its own prefix; others keep GA; a number of either shape opens every page that takes one', async () => {
    const filed = await createSubmittedApplication(h.db, { answers: HAIDIAN, clock, config });
    expect(filed.number).toMatch(num('AZPS'));
    expect(isApplicationNumber(filed.number)).toBe(true);
    const elsewhere = await createSubmittedApplication(h.db, { clock, config });
    expect(elsewhere.number).toMatch(num('GA'));

    // The citizen's page, the clerk's review page and the desk's search by number take it.
    const citizenPage = await import('../../app/routes/applications.$number._index.js');
    const mine = await run(citizenPage.loader, get(`/applications/${filed.number}`, { cookie: await sessionCookieFor(h.db, clock, filed.citizen.id) }), context(), { number: filed.number });
    expect(mine.status).toBe(200);
    const clerk = await createStaff(h.db, { officeCode: 'bj-anzhen', skills: ['hukou'] });
    const cookie = await sessionCookieFor(h.db, clock, clerk.id);
    const review = await import('../../app/routes/desk.applications.$number.js');
    expect((await run(review.loader, get(`/desk/applications/${filed.number}`, { cookie }), context(), { number: filed.number })).status).toBe(200);
    const desk = await import('../../app/routes/desk._index.js');
    const found = await run(desk.loader, get(`/desk?q=${filed.number}`, { cookie }), context());
    expect(found.headers.get('Location')).toBe(`/desk/applications/${filed.number}`);
    // Following it without signing in: a code goes to the applicant's mobile.
    await startTracking(testContext(h.db, { kind: 'anonymous' }, clock, config), filed.number.toLowerCase());
    const [code] = await h.db.select().from(messages).where(and(eq(messages.template, 'trackCode'), eq(messages.userId, filed.citizen.id)));
    expect(code).toBeDefined();
  }, 240_000);

  it('a new prefix numbers what is filed after it, audited with before and after; numbers issued keep theirs; a prefix is one office’s', async () => {
    const before = await createSubmittedApplication(h.db, { answers: HAIDIAN, clock, config });
    // The city's administrator: Haidian lies outside the Chaoyang district's own area.
    const admin = await createAdmin(h.db, '1101');
    const actx = testContext(h.db, adminActor(admin), clock, config);
    const fields = { nameZh: ZH, nameEn: EN, phone: '010-64000000', orgUnitCode: '110105', departments: ['hukou' as const], regionPrefixes: ['110108'], platePrefixes: [] };
    await updateOffice(actx, 'bj-anzhen', { ...fields, numberPrefix: 'AZPX' });
    const after = await createSubmittedApplication(h.db, { answers: HAIDIAN, clock, config });
    expect(before.number).toMatch(num('AZPS'));
    expect(after.number).toMatch(num('AZPX'));
    const [audit] = await h.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'admin.office.updated'), eq(auditEvents.officeCode, 'bj-anzhen')));
    expect(audit.data).toMatchObject({ before: { numberPrefix: 'AZPS' }, after: { numberPrefix: 'AZPX' } });

    await expect(
      createOffice(actx, { code: 'bj-taken', ...fields, regionPrefixes: [], numberPrefix: 'AZPX' }),
    ).rejects.toMatchObject({ status: 400, fieldErrors: { numberPrefix: ['admin.numberPrefixTaken'] } });
    // Back to none: GA again.
    await updateOffice(actx, 'bj-anzhen', { ...fields, numberPrefix: null });
    expect((await createSubmittedApplication(h.db, { answers: HAIDIAN, clock, config })).number).toMatch(num('GA'));
    await updateOffice(actx, 'bj-anzhen', { ...fields, numberPrefix: 'AZPS' });
  }, 240_000);

  it('its own names, in both languages, on the desk, the citizen’s receipt page, the receipt and notice texts and the decision document', async () => {
    const zhCitizen = await createApplicant(h.db, { locale: 'zh-CN' });
    const enCitizen = await createApplicant(h.db, { locale: 'en' });
    const zhFiled = await createSubmittedApplication(h.db, { citizen: zhCitizen, answers: HAIDIAN, clock, config });
    const enFiled = await createSubmittedApplication(h.db, { citizen: enCitizen, answers: HAIDIAN, clock, config });

    // The desk names the office.
    const clerk = await createStaff(h.db, { officeCode: 'bj-anzhen', skills: ['hukou'] });
    const desk = await import('../../app/routes/desk._index.js');
    const deskData = await (await run(desk.loader, get('/desk', { cookie: await sessionCookieFor(h.db, clock, clerk.id) }), context())).json();
    expect(deskData.officeNames).toEqual({ 'bj-anzhen': { nameZh: ZH, nameEn: EN } });
    expect(visibleText(await renderPage(desk.default, deskData, 'zh-CN'))).toContain(ZH);
    expect(visibleText(await renderPage(desk.default, deskData, 'en'))).toContain(EN);

    // The citizen's page after filing (the receipt) names it.
    const page = await import('../../app/routes/applications.$number._index.js');
    for (const [filed, lng, name] of [
      [zhFiled, 'zh-CN', ZH],
      [enFiled, 'en', EN],
    ] as const) {
      const res = await run(page.loader, get(`/applications/${filed.number}`, { cookie: await sessionCookieFor(h.db, clock, filed.citizen.id), lng }), context(), { number: filed.number });
      const html = visibleText(await renderPage(page.default, await res.json(), lng));
      expect(html).toContain(name);
      expect(html).not.toContain('offices.bj-anzhen');
    }

    // A one-time notice for the English filing, an acceptance for the Chinese one.
    const ctx = testContext(h.db, actorOf(clerk), clock, config);
    const enLease = (await claimApplication(ctx, enFiled.number)).leaseVersion;
    await recordVerdict(ctx, enFiled.number, { leaseVersion: enLease, materialCode: 'photo', verdict: 'deficient', reasonCode: 'photoSpec' });
    for (const m of ['hukouBook', 'idCollectionReceipt']) await recordVerdict(ctx, enFiled.number, { leaseVersion: enLease, materialCode: m, verdict: 'ok' });
    await issueNotice(ctx, enFiled.number, enLease);
    const zhLease = (await claimApplication(ctx, zhFiled.number)).leaseVersion;
    for (const m of ['hukouBook', 'idCollectionReceipt', 'photo']) await recordVerdict(ctx, zhFiled.number, { leaseVersion: zhLease, materialCode: m, verdict: 'ok' });
    await acceptApplication(ctx, zhFiled.number, { leaseVersion: zhLease });

    // The texts name it: the receipt and the acceptance (their e-mail bodies), the notice's receipt...
    const names = await ownOfficeNames(h.db);
    const stored = async (id: string) => h.db.select().from(messages).where(eq(messages.applicationId, id));
    for (const [id, lng, name] of [
      [zhFiled.applicationId, 'zh-CN', ZH],
      [enFiled.applicationId, 'en', EN],
    ] as const) {
      const rows = await stored(id);
      const receipt = rows.find((m) => m.template === 'receipt')!;
      expect(renderMessage(receipt.template, lng, receipt.params as Record<string, unknown>, names)!.emailBody).toContain(name);
    }
    const acceptance = (await stored(zhFiled.applicationId)).find((m) => m.template === 'acceptance')!;
    expect(renderMessage('acceptance', 'zh-CN', acceptance.params as Record<string, unknown>, names)!.emailBody).toContain(ZH);
    expect((await stored(enFiled.applicationId)).some((m) => m.template === 'notice')).toBe(true);

    // ...and the worker's SMS of a transfer to it, in each citizen's language.
    const dongcheng = await createStaff(h.db, { officeCode: 'bj-dongcheng' });
    const dctx = testContext(h.db, actorOf(dongcheng), clock, config);
    const moved: string[] = [];
    for (const citizen of [zhCitizen, enCitizen]) {
      const sub = await createSubmittedApplication(h.db, { citizen, clock, config });
      const lease = (await claimApplication(dctx, sub.number)).leaseVersion;
      await transferApplication(dctx, sub.number, lease, { toOfficeCode: 'bj-anzhen' }, '辖区调整');
      moved.push(sub.applicationId);
    }
    // Batches of ten until the outbox is empty.
    while ((await deliverDueMessages({ db: h.db, clock, config })).claimed > 0);
    const transferText = (id: string) => gatewayLog.delivered.find((d) => d.channel === 'sms' && d.template === 'transfer' && d.key.startsWith(`transfer:${id}:`))?.text;
    expect(transferText(moved[0])).toContain(ZH);
    expect(transferText(moved[1])).toContain(EN);

    // The acceptance decision is written in both languages with the office's names.
    const [doc] = await h.db.select().from(decisionDocuments).where(eq(decisionDocuments.applicationId, zhFiled.applicationId));
    const content = doc.content as Record<string, unknown>;
    expect(JSON.stringify(content['zh-CN'])).toContain(ZH);
    expect(JSON.stringify(content.en)).toContain(EN);
    expect(missingKeys.splice(0)).toEqual([]);
  }, 240_000);
});
