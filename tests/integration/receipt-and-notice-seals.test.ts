import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { auditEvents, documentSeals } from '../../db/schema/index.js';
import { checkDocumentFile, revokeDocument, sealedPdf, verifyDocument } from '../../services/documents/seal.js';
import { verifyBytes } from '../../services/documents/signing-keys.js';
import { claimApplication } from '../../services/queue/claim.js';
import { issueNotice } from '../../services/review/notice.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { createTestDb } from '../setup/test-db.js';
import { createApplicant, createSubmittedApplication } from '../support/applications.js';
import { actorOf, appContext, createCitizen, createStaff, fixedClock, sessionCookieFor, testConfig, testContext } from '../support/factories.js';
import { glyphCodesOf } from '../support/pdf-text.js';
import { renderRoute, visibleText } from '../support/render-route.js';
import { get, post, run } from '../support/requests.js';

/**
 * Decision 0038: the receipt of an application is a signed PDF like every issued document, and a
 * manager revokes a one-time notice (or a receipt) as a decision document, shown at once on /verify.
 */
let h: DbHandle;
const clock = fixedClock();
const config = testConfig({ publicUrl: 'https://portal.example.gov.cn' });
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const anonymous = () => testContext(h.db, { kind: 'anonymous' }, clock, config);

async function filed() {
  const citizen = await createApplicant(h.db, { realName: '李龘' });
  const sub = await createSubmittedApplication(h.db, { citizen, clock, config });
  return { number: sub.number as string, applicationId: sub.applicationId, citizen, owner: testContext(h.db, actorOf(citizen), clock, config) };
}

const sealOf = async (source: 'receipt' | 'notice', sourceId: string) =>
  (await h.db.select().from(documentSeals).where(and(eq(documentSeals.source, source), eq(documentSeals.sourceId, sourceId))))[0];

describe('the receipt as a signed PDF', () => {
  it('renders the Chinese text with real glyphs, is signed, and its QR token verifies as a receipt', async () => {
    const { number, applicationId, owner, citizen } = await filed();
    const pdf = await sealedPdf(owner, number, { source: 'receipt' });
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.filename).toBe(`${number}.pdf`);
    for (const ch of ['受', '理', '回', '执', '龘', '李', '材']) {
      const codes = glyphCodesOf(pdf.bytes, ch);
      expect(codes.length, ch).toBeGreaterThan(0);
      expect(codes, ch).not.toContain('0000');
    }
    const seal = await sealOf('receipt', applicationId);
    expect(verifyBytes(config.signingKeys, seal.keyId, pdf.bytes, seal.signature)).toBe(true);
    expect(pdf.bytes.toString('latin1')).toContain(`/URI (https://portal.example.gov.cn/verify/${seal.token})`);

    const route = await import('../../app/routes/verify.$token.js');
    const res = await run(route.loader, get(`/verify/${seal.token}`), appContext(h.db, clock, config), { token: seal.token });
    expect(res.status).toBe(200);
    const { view } = (await res.json()) as { view: Awaited<ReturnType<typeof verifyDocument>> };
    expect(view).toMatchObject({ kind: 'receipt', number, officeCode: 'bj-dongcheng', status: 'valid', maskedName: '李*' });
    expect(JSON.stringify(view)).not.toContain(citizen.idNumber);

    expect((await checkDocumentFile(anonymous(), seal.token, pdf.bytes)).matches).toBe(true);
    const flipped = Buffer.from(pdf.bytes);
    flipped[Math.floor(flipped.length / 2)] ^= 0x01;
    expect((await checkDocumentFile(anonymous(), seal.token, flipped)).matches).toBe(false);
    // The same bytes on every download: the receipt states only what does not change.
    expect((await sealedPdf(owner, number, { source: 'receipt' })).bytes.equals(pdf.bytes)).toBe(true);
  });

  it('downloads for the applicant and staff in scope; another citizen and another office get 404', async () => {
    const { number, citizen } = await filed();
    const route = await import('../../app/routes/applications.$number.receipt_.pdf.js');
    const fetchAs = async (userId: string) =>
      run(route.loader, get(`/applications/${number}/receipt/pdf`, { cookie: await sessionCookieFor(h.db, clock, userId) }), appContext(h.db, clock, config), { number });
    const mine = await fetchAs(citizen.id);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('Content-Type')).toBe('application/pdf');
    expect((await fetchAs((await createStaff(h.db)).id)).status).toBe(200);
    expect((await fetchAs((await createCitizen(h.db)).id)).status).toBe(404);
    expect((await fetchAs((await createStaff(h.db, { officeCode: 'bj-chaoyang' })).id)).status).toBe(404);
  });

  it('a manager of the office revokes a receipt from its page; /verify says so at once', async () => {
    const { number, applicationId, owner, citizen } = await filed();
    await sealedPdf(owner, number, { source: 'receipt' });
    const route = await import('../../app/routes/applications.$number.receipt.js');
    const manager = await createStaff(h.db, { role: 'manager' });
    const cookie = await sessionCookieFor(h.db, clock, manager.id);
    const page = await run(route.loader, get(`/applications/${number}/receipt`, { cookie }), appContext(h.db, clock, config), { number });
    // The page renders the receipt as signed, the download and the form (a labelled textarea).
    const html = await renderRoute(route.default, `/applications/${number}/receipt`, page.clone());
    expect(visibleText(html)).toContain('李龘');
    expect(html).toContain(`href="/applications/${number}/receipt/pdf"`);
    expect(html).toMatch(/<textarea[^>]*name="reason"/);
    const data = (await page.json()) as { receipt: { text: { title: string }; revocation: { canRevoke: boolean } } };
    expect(data.receipt.text.title).toBe('受理回执');
    expect(data.receipt.revocation.canRevoke).toBe(true);
    // Anyone but a manager of the office: refused, and the citizen's page offers no form.
    const postAs = async (userId: string) =>
      run(route.action, post(`/applications/${number}/receipt`, { reason: '申请编号登记有误' }, { cookie: await sessionCookieFor(h.db, clock, userId) }), appContext(h.db, clock, config), { number });
    expect((await postAs(citizen.id)).status).toBe(403);
    expect((await postAs((await createStaff(h.db)).id)).status).toBe(403);
    expect((await postAs((await createStaff(h.db, { role: 'manager', officeCode: 'bj-chaoyang' })).id)).status).toBe(404);
    const mine = await run(route.loader, get(`/applications/${number}/receipt`, { cookie: await sessionCookieFor(h.db, clock, citizen.id) }), appContext(h.db, clock, config), { number });
    expect(((await mine.json()) as typeof data).receipt.revocation.canRevoke).toBe(false);

    const done = await run(route.action, post(`/applications/${number}/receipt`, { reason: '申请编号登记有误' }, { cookie }), appContext(h.db, clock, config), { number });
    expect(done.status).toBe(303);
    expect((await verifyDocument(anonymous(), (await sealOf('receipt', applicationId)).token)).status).toBe('revoked');
    // The service refuses a second revocation.
    const mctx = testContext(h.db, actorOf(manager), clock, config);
    await expect(revokeDocument(mctx, number, { source: 'receipt' }, { reason: '再次撤销回执' })).rejects.toMatchObject({ status: 409 });
  });
});

describe('revoking a one-time notice from its page', () => {
  async function noticed() {
    const f = await filed();
    const clerk = testContext(h.db, actorOf(await createStaff(h.db)), clock, config);
    const { leaseVersion } = await claimApplication(clerk, f.number);
    for (const materialCode of ['hukouBook', 'idCollectionReceipt', 'photo']) {
      await recordVerdict(clerk, f.number, { leaseVersion, materialCode, verdict: materialCode === 'photo' ? 'missing' : 'ok' });
    }
    const notice = await issueNotice(clerk, f.number, leaseVersion);
    return { ...f, notice };
  }

  it('a manager of the office revokes it with a reason; audited, and revoked on /verify at once', async () => {
    const { number, notice, owner } = await noticed();
    await sealedPdf(owner, number, { source: 'notice', sequence: null });
    const token = (await sealOf('notice', notice.id)).token;
    expect((await verifyDocument(anonymous(), token)).status).toBe('valid');

    const route = await import('../../app/routes/applications.$number.notice.js');
    const manager = await createStaff(h.db, { role: 'manager' });
    const cookie = await sessionCookieFor(h.db, clock, manager.id);
    const page = await run(route.loader, get(`/applications/${number}/notice?sequence=1`, { cookie }), appContext(h.db, clock, config), { number });
    const html = await renderRoute(route.default, `/applications/${number}/notice?sequence=1`, page.clone());
    expect(html).toMatch(/<form[^>]*action="\/applications\/[A-Z0-9]+\/notice\?sequence=1"/);
    // The way back is the desk's page of the application: the citizen's page is the applicant's only.
    expect(html).toContain(`href="/desk/applications/${number}"`);
    expect(((await page.json()) as { revocation: { canRevoke: boolean } }).revocation.canRevoke).toBe(true);

    // Too short a reason: a localized 400 with the form's errors, nothing revoked.
    const short = await run(route.action, post(`/applications/${number}/notice?sequence=1`, { reason: '错' }, { cookie }), appContext(h.db, clock, config), { number });
    expect(short.status).toBe(400);
    expect((await verifyDocument(anonymous(), token)).status).toBe('valid');

    const done = await run(route.action, post(`/applications/${number}/notice?sequence=1`, { reason: '告知事项有误，重新告知' }, { cookie }), appContext(h.db, clock, config), { number });
    expect(done.status).toBe(303);
    expect(done.headers.get('Location')).toBe(`/applications/${number}/notice?sequence=1&revoked=1`);
    expect((await verifyDocument(anonymous(), token)).status).toBe('revoked');
    const audits = await h.db.select().from(auditEvents).where(eq(auditEvents.action, 'document.revoke'));
    expect(audits.some((a) => a.reason === '告知事项有误，重新告知' && (a.data as { source?: string }).source === 'notice')).toBe(true);

    const after = await run(route.loader, get(`/applications/${number}/notice?sequence=1`, { cookie }), appContext(h.db, clock, config), { number });
    expect(((await after.json()) as { revocation: unknown }).revocation).toEqual({ revokedReason: '告知事项有误，重新告知', canRevoke: false });
    // A second revocation is refused with a localized conflict, not a 500.
    const again = await run(route.action, post(`/applications/${number}/notice?sequence=1`, { reason: '再次撤销此告知书' }, { cookie }), appContext(h.db, clock, config), { number });
    expect(again.status).toBe(409);
  });

  it('a clerk, a citizen or a manager of another office cannot revoke it', async () => {
    const { number, citizen } = await noticed();
    const route = await import('../../app/routes/applications.$number.notice.js');
    const postAs = async (userId: string) =>
      run(route.action, post(`/applications/${number}/notice`, { reason: '告知事项有误' }, { cookie: await sessionCookieFor(h.db, clock, userId) }), appContext(h.db, clock, config), { number });
    expect((await postAs(citizen.id)).status).toBe(403);
    expect((await postAs((await createStaff(h.db)).id)).status).toBe(403);
    expect((await postAs((await createStaff(h.db, { role: 'manager', officeCode: 'bj-chaoyang' })).id)).status).toBe(404);
    // The page offers no form to anyone who may not use it.
    const page = await run(route.loader, get(`/applications/${number}/notice`, { cookie: await sessionCookieFor(h.db, clock, citizen.id) }), appContext(h.db, clock, config), { number });
    expect(((await page.json()) as { revocation: { canRevoke: boolean } }).revocation.canRevoke).toBe(false);
  });
});
