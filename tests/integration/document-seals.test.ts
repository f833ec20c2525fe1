import { and, eq } from 'drizzle-orm';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { auditEvents, decisionDocuments, documentSeals, messages } from '../../db/schema/index.js';
import { newSigningKeySpec, parseSigningKeys, verifyBytes } from '../../services/documents/signing-keys.js';
import { checkDocumentFile, ensureSeal, revokeDocument, sealedPdf, verifyDocument, verifyUrlOf } from '../../services/documents/seal.js';
import { claimNext } from '../../services/queue/claim.js';
import { acceptApplication, completeApplication } from '../../services/review/decisions.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { createTestDb } from '../setup/test-db.js';
import { createApplicant, createSubmittedApplication } from '../support/applications.js';
import { actorOf, appContext, createCitizen, createStaff, fixedClock, sessionCookieFor, testConfig, testContext } from '../support/factories.js';
import { glyphCodesOf, pdfStreams } from '../support/pdf-text.js';
import { get, post, run } from '../support/requests.js';
import { renderPage } from '../support/render-page.js';

vi.mock('@remix-run/react', async () => (await import('../support/render-page.js')).remixReactStub());

/**
 * Issue 20, "verify any document" (decision 0034): each issued document as a signed PDF with the
 * committed CJK font, a QR code of its public verify page, a check of uploaded bytes against the
 * signature, revocation shown at once, every verification counted.
 */
let h: DbHandle;
const clock = fixedClock();
const config = testConfig({ publicUrl: 'https://portal.example.gov.cn' });
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

/** A rare character of the CJK Unified Ideographs block (U+9F98), the kind a name may carry. */
const RARE = '龘';

async function completed() {
  const citizen = await createApplicant(h.db, { realName: `王${RARE}` });
  const sub = await createSubmittedApplication(h.db, { citizen, clock, config });
  const number = sub.number as string;
  const clerk = testContext(h.db, actorOf(await createStaff(h.db)), clock, config);
  const { leaseVersion } = (await claimNext(clerk))!;
  for (const materialCode of ['hukouBook', 'idCollectionReceipt', 'photo']) await recordVerdict(clerk, number, { leaseVersion, materialCode, verdict: 'ok' });
  await acceptApplication(clerk, number, { leaseVersion });
  await completeApplication(clerk, number, { leaseVersion, documentNumber: 'L110101202611230001', delivery: 'pickup' });
  const docs = await h.db.select().from(decisionDocuments).where(eq(decisionDocuments.applicationId, sub.applicationId));
  const completion = docs.find((d) => d.kind === 'completion')!;
  return { number, citizen, completion, owner: testContext(h.db, actorOf(citizen), clock, config) };
}

const anonymous = () => testContext(h.db, { kind: 'anonymous' }, clock, config);

describe('the signed PDF of a decision document', () => {
  it('embeds the committed CJK font, renders the rare name character with a real glyph, and is signed', async () => {
    const { number, completion, owner } = await completed();
    const pdf = await sealedPdf(owner, number, { source: 'decision', id: completion.id });
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.filename).toBe(`${completion.number}.pdf`);
    const streams = pdfStreams(pdf.bytes).join('\n');
    // The font travels inside the file (a CFF subset of Noto Sans CJK SC), so no reader needs it installed.
    expect(pdf.bytes.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansCJKsc-Regular/);
    expect(streams).toContain('/FontFile3');
    // Every character of the title, the number and the rare name maps to a glyph other than .notdef (0000).
    for (const ch of ['办', '结', '通', '知', '书', RARE, '王']) {
      const codes = glyphCodesOf(pdf.bytes, ch);
      expect(codes.length, ch).toBeGreaterThan(0);
      expect(codes, ch).not.toContain('0000');
    }
    const [seal] = await h.db.select().from(documentSeals).where(eq(documentSeals.sourceId, completion.id));
    expect(verifyBytes(config.signingKeys, seal.keyId, pdf.bytes, seal.signature)).toBe(true);
    expect(seal.maskedName).toBe('王*');
    // The same bytes on every download: what was signed is what is served.
    const again = await sealedPdf(owner, number, { source: 'decision', id: completion.id });
    expect(again.bytes.equals(pdf.bytes)).toBe(true);
  });

  it('carries a QR code whose payload is the verify URL', async () => {
    const { number, completion, owner } = await completed();
    const pdf = await sealedPdf(owner, number, { source: 'decision', id: completion.id });
    const [seal] = await h.db.select().from(documentSeals).where(eq(documentSeals.sourceId, completion.id));
    const url = verifyUrlOf(config.publicUrl, seal.token);
    expect(url).toMatch(/^https:\/\/portal\.example\.gov\.cn\/verify\/[A-Za-z0-9_-]{43}$/);
    // The QR is drawn as one square per dark module: the page's rectangles must be exactly the
    // modules of the URL's QR code (so a reader decodes the URL), and the URL is the link too.
    const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
    const dark = Array.from(qr.modules.data).filter(Boolean).length;
    const page = pdfStreams(pdf.bytes).find((s) => / re\b/.test(s))!;
    expect((page.match(/ re\b/g) ?? []).length).toBe(dark);
    expect(pdf.bytes.toString('latin1')).toContain(`/URI (${url})`);
  });
});

describe('the public verify page', () => {
  it('shows the minimum, counts each verification and checks files: exact bytes match, one flipped byte does not', async () => {
    const { number, completion, owner, citizen } = await completed();
    const pdf = await sealedPdf(owner, number, { source: 'decision', id: completion.id });
    const [seal] = await h.db.select().from(documentSeals).where(eq(documentSeals.sourceId, completion.id));
    const route = await import('../../app/routes/verify.$token.js');

    const first = await run(route.loader, get(`/verify/${seal.token}`), appContext(h.db, clock, config), { token: seal.token });
    expect(first.status).toBe(200);
    const { view } = (await first.json()) as { view: Awaited<ReturnType<typeof verifyDocument>> };
    expect(view).toMatchObject({ kind: 'completion', number: completion.number, officeCode: 'bj-dongcheng', issueDate: completion.issueDate, status: 'valid', maskedName: '王*', verifications: 1 });
    expect(JSON.stringify(view)).not.toContain(citizen.realName);
    expect(JSON.stringify(view)).not.toContain(citizen.idNumber);
    expect((await verifyDocument(anonymous(), seal.token)).verifications).toBe(2);

    const check = async (bytes: Buffer) =>
      run(route.action, post(`/verify/${seal.token}`, { file: new File([bytes], 'x.pdf', { type: 'application/pdf' }) }), appContext(h.db, clock, config), { token: seal.token });
    const exact = await check(pdf.bytes);
    const answer = await exact.json();
    expect(answer).toEqual({ check: { matches: true, status: 'valid' }, code: null, params: {} });
    // Without JavaScript the answer is a new page from the top: the result, far down, takes focus (decision 0044).
    const data = await (await run(route.loader, get(`/verify/${seal.token}`), appContext(h.db, clock, config), { token: seal.token })).json();
    const html = await renderPage(route.default, data, 'en', answer);
    expect(html).toMatch(/<p class="notice-ok" role="status" data-matches="true" tabindex="-1" autofocus="">/);
    expect(await renderPage(route.default, data, 'en')).not.toContain('autofocus');
    const flipped = Buffer.from(pdf.bytes);
    flipped[Math.floor(flipped.length / 2)] ^= 0x01;
    expect(await (await check(flipped)).json()).toEqual({ check: { matches: false, status: 'valid' }, code: null, params: {} });
    expect((await checkDocumentFile(anonymous(), seal.token, pdf.bytes.subarray(0, pdf.bytes.length - 1))).matches).toBe(false);
  });

  it('answers 404 for a token of the wrong shape or no document, before any query', async () => {
    const route = await import('../../app/routes/verify.$token.js');
    for (const token of ['x', "'; drop table document_seals; --", 'A'.repeat(43)]) {
      const res = await run(route.loader, get(`/verify/${encodeURIComponent(token)}`), appContext(h.db, clock, config), { token });
      expect(res.status).toBe(404);
    }
  });

  it('shows a revoked document as revoked at once, with the revocation audited', async () => {
    const { number, completion, owner } = await completed();
    const seal = await ensureSeal(owner, 'decision', completion.id);
    expect((await verifyDocument(anonymous(), seal.token)).status).toBe('valid');
    const manager = testContext(h.db, actorOf(await createStaff(h.db, { role: 'manager' })), clock, config);
    await expect(revokeDocument(manager, number, { source: 'decision', id: completion.id }, { reason: '证件信息有误' })).resolves.toBeUndefined();
    const view = await verifyDocument(anonymous(), seal.token);
    expect(view.status).toBe('revoked');
    expect(view.revokedDate).toBe('2026-11-23');
    const [audit] = await h.db.select().from(auditEvents).where(eq(auditEvents.action, 'document.revoke'));
    expect(audit).toMatchObject({ reason: '证件信息有误', officeCode: 'bj-dongcheng' });
    // The applicant is told in writing, by SMS (and e-mail when they gave one), naming the document and the reason.
    const told = await h.db.select().from(messages).where(and(eq(messages.template, 'documentRevoked'), eq(messages.channel, 'sms')));
    expect(told).toHaveLength(1);
    expect(told[0].params).toMatchObject({ documentNumber: seal.number, reason: '证件信息有误', applicationNumber: number });
    // Once revoked, always revoked; a second revocation is refused.
    await expect(revokeDocument(manager, number, { source: 'decision', id: completion.id }, { reason: '再次撤销' })).rejects.toMatchObject({ code: 'verify.revoke.already', status: 409 });
    // The page renders the status word.
    const route = await import('../../app/routes/verify.$token.js');
    const data = (await (await run(route.loader, get(`/verify/${seal.token}`), appContext(h.db, clock, config), { token: seal.token })).json()) as { view: { status: string } };
    expect(data.view.status).toBe('revoked');
  });

  it('revocation: a clerk or a manager of another office cannot; a reason is required', async () => {
    const { number, completion } = await completed();
    const clerk = testContext(h.db, actorOf(await createStaff(h.db)), clock, config);
    await expect(revokeDocument(clerk, number, { source: 'decision', id: completion.id }, { reason: '证件信息有误' })).rejects.toMatchObject({ status: 403 });
    const other = testContext(h.db, actorOf(await createStaff(h.db, { role: 'manager', officeCode: 'bj-chaoyang' })), clock, config);
    await expect(revokeDocument(other, number, { source: 'decision', id: completion.id }, { reason: '证件信息有误' })).rejects.toMatchObject({ status: 404 });
    const manager = testContext(h.db, actorOf(await createStaff(h.db, { role: 'manager' })), clock, config);
    await expect(revokeDocument(manager, number, { source: 'decision', id: completion.id }, { reason: ' ' })).rejects.toMatchObject({ status: 400 });
  });
});

describe('downloads', () => {
  it('the applicant and staff of the office download; another citizen and another office get 404', async () => {
    const { number, completion, citizen } = await completed();
    const route = await import('../../app/routes/applications.$number.documents.$id_.pdf.js');
    const fetchAs = async (userId: string) =>
      run(route.loader, get(`/applications/${number}/documents/${completion.id}/pdf`, { cookie: await sessionCookieFor(h.db, clock, userId) }), appContext(h.db, clock, config), {
        number,
        id: completion.id,
      });
    const mine = await fetchAs(citizen.id);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('Content-Type')).toBe('application/pdf');
    expect(mine.headers.get('Content-Disposition')).toContain(`${completion.number}.pdf`);
    expect(Buffer.from(await mine.arrayBuffer()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect((await fetchAs((await createStaff(h.db)).id)).status).toBe(200);
    expect((await fetchAs((await createCitizen(h.db)).id)).status).toBe(404);
    expect((await fetchAs((await createStaff(h.db, { officeCode: 'bj-chaoyang' })).id)).status).toBe(404);
    // A malformed id is 404 before any query.
    const bad = await run(route.loader, get(`/applications/${number}/documents/x/pdf`, { cookie: await sessionCookieFor(h.db, clock, citizen.id) }), appContext(h.db, clock, config), { number, id: 'x' });
    expect(bad.status).toBe(404);
  });
});

describe('signing keys', () => {
  it('rotation: a document signed under the old key still verifies once a new key signs', async () => {
    const oldSpec = newSigningKeySpec('2026-01');
    const newSpec = newSigningKeySpec('2026-12');
    const before = testConfig({ signingKeys: parseSigningKeys(oldSpec), publicUrl: config.publicUrl });
    const { number, completion } = await completed();
    const staff = testContext(h.db, actorOf(await createStaff(h.db)), clock, before);
    const pdf = await sealedPdf(staff, number, { source: 'decision', id: completion.id });
    const [seal] = await h.db.select().from(documentSeals).where(eq(documentSeals.sourceId, completion.id));
    expect(seal.keyId).toBe('2026-01');
    const after = testConfig({ signingKeys: parseSigningKeys(`${newSpec},${oldSpec}`), publicUrl: config.publicUrl });
    expect((await checkDocumentFile(testContext(h.db, { kind: 'anonymous' }, clock, after), seal.token, pdf.bytes)).matches).toBe(true);
    // Dropped from the ring, the old key verifies nothing.
    const dropped = testConfig({ signingKeys: parseSigningKeys(newSpec), publicUrl: config.publicUrl });
    expect((await checkDocumentFile(testContext(h.db, { kind: 'anonymous' }, clock, dropped), seal.token, pdf.bytes)).matches).toBe(false);
  });

  it('refuses malformed key specs without printing key material', () => {
    expect(() => parseSigningKeys('nocolon')).toThrow(/document signing key 1/);
    expect(() => parseSigningKeys('k:c2hvcnQ=')).toThrow(/"k": must be 32 random bytes/);
  });
});
