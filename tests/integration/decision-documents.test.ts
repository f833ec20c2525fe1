import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications, auditEvents, decisionDocuments, messages } from '../../db/schema/index.js';
import { loader as documentLoader } from '../../app/routes/applications.$number.documents.$id.js';
import { loader as applicationLoader } from '../../app/routes/applications.$number._index.js';
import { changeStatus } from '../../services/applications/transition.js';
import { formatDocumentNumber, nextDocumentSerial } from '../../services/documents/numbers.js';
import { rowsOf } from '../../services/sql.js';
import { withdrawApplication } from '../../services/applications/withdraw.js';
import { systemContext } from '../../services/clock-rules/deemed-acceptance.js';
import type { ApplicationDetail } from '../../services/applications/read.js';
import { deliverDueMessages } from '../../services/notifications/worker.js';
import { claimNext } from '../../services/queue/claim.js';
import { transferApplication } from '../../services/queue/handover.js';
import { lockApplication } from '../../services/review/access.js';
import { acceptApplication, completeApplication, notAcceptApplication, refuseApplication } from '../../services/review/decisions.js';
import { issueNotice } from '../../services/review/notice.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { gatewayLog } from '../mocks/gateways.js';
import { createTestDb } from '../setup/test-db.js';
import { createApplicant, createSubmittedApplication } from '../support/applications.js';
import { actorOf, appContext, createStaff, fixedClock, sessionCookieFor, testConfig, testContext } from '../support/factories.js';
import { get, run } from '../support/requests.js';

/**
 * Every decision is a document and every decision is told (docs/decisions/0016): for each kind,
 * the status change, its numbered document, its outbox message in the citizen's language and
 * its audit row exist together, or not at all.
 */
let h: DbHandle;
const config = testConfig();
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());
beforeEach(() => gatewayLog.reset());

/** 17:30 UTC on 23 November is 01:30 on the 24th in Beijing: the documents must say the 24th. */
const LATE_EVENING_UTC = '2026-11-23T17:30:00.000Z';

/** A submitted application claimed by a Dongcheng clerk, its applicant reading English with an e-mail address. */
async function claimed(opts: { email?: string | null; locale?: string; at?: string } = {}) {
  const clock = fixedClock(opts.at);
  const citizen = await createApplicant(h.db, { locale: opts.locale ?? 'en', email: opts.email === undefined ? 'applicant@example.org' : opts.email });
  const sub = await createSubmittedApplication(h.db, { clock, config, citizen });
  const clerk = await createStaff(h.db);
  const ctx = testContext(h.db, actorOf(clerk), clock, config);
  const claim = await claimNext(ctx);
  expect(claim?.number).toBe(sub.number);
  return { ...sub, number: sub.number as string, clerk, ctx, clock, lease: claim!.leaseVersion };
}

async function allOk(ctx: ReturnType<typeof testContext>, number: string, leaseVersion: number) {
  for (const materialCode of ['hukouBook', 'idCollectionReceipt', 'photo']) await recordVerdict(ctx, number, { leaseVersion, materialCode, verdict: 'ok' });
}

const documentsOf = (applicationId: string) =>
  h.db.select().from(decisionDocuments).where(eq(decisionDocuments.applicationId, applicationId)).orderBy(decisionDocuments.issuedAt);
const messagesOf = (applicationId: string, template: string) =>
  h.db
    .select()
    .from(messages)
    .where(and(eq(messages.applicationId, applicationId), eq(messages.template, template)));
const auditOf = (applicationId: string, action: string) =>
  h.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.applicationId, applicationId), eq(auditEvents.action, action)));

async function deliverAll(clock: ReturnType<typeof fixedClock>) {
  for (let i = 0; i < 20; i++) if ((await deliverDueMessages({ db: h.db, clock, config })).claimed === 0) return;
}

describe('each decision issues its document and its message', () => {
  it('acceptance: 受理通知书 numbered for the office and year, dated in China time, told by SMS and e-mail in English, audited', async () => {
    const a = await claimed({ at: LATE_EVENING_UTC });
    await allOk(a.ctx, a.number, a.lease);
    await acceptApplication(a.ctx, a.number, { leaseVersion: a.lease });
    const [{ dueDate }] = await h.db.select({ dueDate: applications.dueDate }).from(applications).where(eq(applications.id, a.applicationId));

    const [doc, ...more] = await documentsOf(a.applicationId);
    expect(more).toEqual([]);
    expect(doc).toMatchObject({ kind: 'acceptance', officeCode: 'bj-dongcheng', issueDate: '2026-11-24' });
    expect(doc.number).toMatch(/^BJ-DONGCHENG-2026-SL-\d{6}$/);
    expect(doc.decisionId).not.toBeNull();
    expect(doc.content['zh-CN'].title).toBe('受理通知书');
    expect(doc.content['zh-CN'].paragraphs.join('')).toContain('第三十二条第一款第（五）项');
    expect(doc.content['zh-CN'].facts).toContainEqual({ label: '出具日期', value: '2026年11月24日' });
    expect(doc.content.en.title).toBe('Notice of acceptance');

    const sms = await messagesOf(a.applicationId, 'acceptance');
    expect(sms.map((m) => [m.channel, m.idempotencyKey])).toEqual([
      ['sms', `acceptance:${a.applicationId}`],
      ['email', `acceptance:${a.applicationId}:email`],
    ]);
    expect(sms[0].params).toMatchObject({ applicationNumber: a.number, documentNumber: doc.number });

    const [audit] = await auditOf(a.applicationId, 'application.accepted');
    expect(audit.data).toMatchObject({ documentId: doc.id, documentNumber: doc.number, documentKind: 'acceptance' });

    await deliverAll(a.clock);
    const told = gatewayLog.delivered.filter((d) => d.template === 'acceptance');
    expect(told).toHaveLength(2);
    expect(told.every((d) => d.locale === 'en')).toBe(true);
    expect(told.find((d) => d.channel === 'sms')!.text).toBe(
      `[Police e-services] Application ${a.number} was accepted (notice ${doc.number}). A decision is due by ${formatEn(dueDate!)}.`,
    );
    expect(told.find((d) => d.channel === 'email')).toMatchObject({ to: 'applicant@example.org', subject: `Application accepted: ${a.number}` });
  });

  it('non-acceptance: 不予受理决定书 with the reason, the office that does handle it and the remedies; SMS only without an e-mail address', async () => {
    const a = await claimed({ email: null, locale: 'zh-CN' });
    await notAcceptApplication(a.ctx, a.number, { leaseVersion: a.lease, reasonCode: 'outsideJurisdiction', redirectOfficeCode: 'bj-chaoyang', note: '户籍在朝阳区' });
    const [doc] = await documentsOf(a.applicationId);
    expect(doc).toMatchObject({ kind: 'nonAcceptance', issueDate: '2026-11-23' });
    expect(doc.number).toMatch(/^BJ-DONGCHENG-2026-BSL-\d{6}$/);
    expect(doc.facts).toMatchObject({ reasonCode: 'outsideJurisdiction', redirectOfficeCode: 'bj-chaoyang', note: '户籍在朝阳区' });
    const zh = doc.content['zh-CN'].paragraphs.join('\n');
    expect(zh).toContain('不属于本单位管辖');
    expect(zh).toContain('《中华人民共和国行政许可法》第三十二条第一款第（二）项');
    expect(zh).toContain('请向北京市公安局朝阳分局综合服务窗口提出申请');
    expect(zh).toContain('具体说明：户籍在朝阳区');
    expect(zh).toContain('六十日内向北京市东城区人民政府申请行政复议（《中华人民共和国行政复议法》第二十条）');
    expect(zh).toContain('六个月内依法向人民法院提起行政诉讼（《中华人民共和国行政诉讼法》第四十六条）');

    const told = await messagesOf(a.applicationId, 'nonAcceptance');
    expect(told.map((m) => m.channel)).toEqual(['sms']);
    expect((await auditOf(a.applicationId, 'application.notAccepted'))[0].data).toMatchObject({ documentNumber: doc.number });
    await deliverAll(a.clock);
    const [sms] = gatewayLog.delivered.filter((d) => d.template === 'nonAcceptance');
    expect(sms).toMatchObject({ locale: 'zh-CN', channel: 'sms' });
    expect(sms.text).toContain(`您的申请${a.number}不予受理（决定书${doc.number}）`);
  });

  it('completion: the certificate number and how and where to collect it; the rating invitation follows', async () => {
    const a = await claimed();
    await allOk(a.ctx, a.number, a.lease);
    await acceptApplication(a.ctx, a.number, { leaseVersion: a.lease });
    await completeApplication(a.ctx, a.number, { leaseVersion: a.lease, documentNumber: 'L110101202611230001', delivery: 'pickup' });
    const docs = await documentsOf(a.applicationId);
    expect(docs.map((d) => d.kind)).toEqual(['acceptance', 'completion']);
    const doc = docs[1];
    expect(doc.number).toMatch(/^BJ-DONGCHENG-2026-BJ-\d{6}$/);
    expect(doc.facts).toMatchObject({ certificateNumber: 'L110101202611230001', delivery: 'pickup' });
    expect(doc.content['zh-CN'].paragraphs.join('\n')).toMatch(/证件（文书）编号：L110101202611230001[\s\S]*窗口领取[\s\S]*北京市公安局东城分局综合服务窗口领取（联系电话：010-/);
    expect(doc.content.en.paragraphs.join('\n')).toContain('Collection: at the window');

    expect((await messagesOf(a.applicationId, 'completion')).map((m) => m.idempotencyKey)).toEqual([
      `completion:${a.applicationId}`,
      `completion:${a.applicationId}:email`,
    ]);
    expect(await messagesOf(a.applicationId, 'ratingInvitation')).toHaveLength(2);
    await deliverAll(a.clock);
    const [sms] = gatewayLog.delivered.filter((d) => d.template === 'completion' && d.channel === 'sms');
    expect(sms.text).toBe(
      `[Police e-services] Application ${a.number} is complete. Certificate/document number L110101202611230001, collection: at the window. See notice ${doc.number}.`,
    );
  });

  it('refusal: 不予许可决定书 with the legal basis and the reconsideration and litigation rights', async () => {
    const a = await claimed({ locale: 'zh-CN' });
    await allOk(a.ctx, a.number, a.lease);
    await acceptApplication(a.ctx, a.number, { leaseVersion: a.lease });
    await refuseApplication(a.ctx, a.number, { leaseVersion: a.lease, reasonCode: 'conditionsNotMet', legalBasisKey: 'catalog:basis.idCardLaw12', note: '不符合申领条件' });
    const doc = (await documentsOf(a.applicationId)).find((d) => d.kind === 'refusal')!;
    expect(doc.number).toMatch(/^BJ-DONGCHENG-2026-BYXK-\d{6}$/);
    const zh = doc.content['zh-CN'].paragraphs.join('\n');
    expect(zh).toContain('经审查，不符合法定条件。根据《中华人民共和国居民身份证法》第十二条的规定，本机关决定不予许可。');
    expect(zh).toContain('《中华人民共和国行政复议法》第二十条');
    expect(zh).toContain('《中华人民共和国行政诉讼法》第四十六条');
    expect(doc.content.en.paragraphs.join('\n')).toContain('within sixty days');
    expect(await messagesOf(a.applicationId, 'refusal')).toHaveLength(2);
    expect((await auditOf(a.applicationId, 'application.refused'))[0].data).toMatchObject({ documentId: doc.id });
  });

  it('deemed acceptance through changeStatus by the system: its own document, one acceptance message', async () => {
    const a = await claimed({ email: null });
    const sys = systemContext(a.ctx);
    await h.db.transaction(async (tx) => {
      const app = await lockApplication(tx, a.applicationId);
      await changeStatus(tx, sys, app, 'accepted', 'system', {
        action: 'application.deemedAccepted',
        set: { deemedAccepted: 1, acceptedAt: app.submittedAt },
      });
    });
    const [doc] = await documentsOf(a.applicationId);
    expect(doc).toMatchObject({ kind: 'deemedAcceptance', decisionId: null, issueDate: '2026-11-23' });
    expect(doc.number).toMatch(/^BJ-DONGCHENG-2026-SSL-\d{6}$/);
    expect(doc.content['zh-CN'].paragraphs[0]).toContain('第三十二条第一款第（四）项');
    const told = await messagesOf(a.applicationId, 'deemedAcceptance');
    expect(told.map((m) => m.idempotencyKey)).toEqual([`acceptance:${a.applicationId}`]);
    const [audit] = await auditOf(a.applicationId, 'application.deemedAccepted');
    expect(audit).toMatchObject({ actorRole: 'system', data: { documentNumber: doc.number } });
    await deliverAll(a.clock);
    expect(gatewayLog.delivered.find((d) => d.template === 'deemedAcceptance')?.text).toContain('is accepted by law');
  });

  it('withdrawal by the citizen, and withdrawal at the supplement deadline, each with its document and message', async () => {
    const mine = await createSubmittedApplication(h.db, { config, citizen: await createApplicant(h.db, { locale: 'en' }) });
    await withdrawApplication(mine.ctx, { number: mine.number as string, confirmed: true });
    const [own] = await documentsOf(mine.applicationId);
    expect(own.kind).toBe('withdrawal');
    expect(own.number).toMatch(/^BJ-DONGCHENG-2026-CH-\d{6}$/);
    expect((await messagesOf(mine.applicationId, 'withdrawal')).map((m) => m.idempotencyKey)).toEqual([`withdrawal:${mine.applicationId}`]);

    const a = await claimed({ locale: 'zh-CN' });
    await recordVerdict(a.ctx, a.number, { leaseVersion: a.lease, materialCode: 'hukouBook', verdict: 'ok' });
    await recordVerdict(a.ctx, a.number, { leaseVersion: a.lease, materialCode: 'idCollectionReceipt', verdict: 'ok' });
    await recordVerdict(a.ctx, a.number, { leaseVersion: a.lease, materialCode: 'photo', verdict: 'missing' });
    const notice = await issueNotice(a.ctx, a.number, a.lease);
    await h.db.transaction(async (tx) => {
      const app = await lockApplication(tx, a.applicationId);
      await changeStatus(tx, systemContext(a.ctx), app, 'withdrawn', 'system', {
        action: 'application.supplementExpired',
        // Without naming the notice: the document finds the application's latest.
        data: {},
        set: { decidedAt: a.clock.now() },
      });
    });
    const [doc] = await documentsOf(a.applicationId);
    expect(doc.kind).toBe('deemedWithdrawal');
    expect(doc.number).toMatch(/^BJ-DONGCHENG-2026-SCH-\d{6}$/);
    expect(doc.facts).toMatchObject({ noticeNumber: notice.number });
    expect(doc.content['zh-CN'].paragraphs[0]).toContain(`一次性告知书（编号：${notice.number}）`);
    expect((await messagesOf(a.applicationId, 'deemedWithdrawal')).map((m) => m.channel)).toEqual(['sms', 'email']);
  });

  it('a transfer to another office issues no document, but the citizen is told', async () => {
    const a = await claimed();
    await transferApplication(a.ctx, a.number, a.lease, { toOfficeCode: 'bj-chaoyang' }, '户籍在朝阳区');
    expect(await documentsOf(a.applicationId)).toEqual([]);
    expect((await messagesOf(a.applicationId, 'transfer')).map((m) => m.channel)).toEqual(['sms', 'email']);
    await deliverAll(a.clock);
    expect(gatewayLog.delivered.find((d) => d.template === 'transfer' && d.channel === 'sms')?.text).toBe(
      `[Police e-services] Application ${a.number} was transferred to Beijing PSB Chaoyang Branch, service window; its time limits are unchanged.`,
    );
  });
});

describe('in one transaction with the status change', () => {
  it('a decision whose transaction rolls back leaves no document, no message and no audit row', async () => {
    const a = await claimed();
    await expect(
      h.db.transaction(async (tx) => {
        const app = await lockApplication(tx, a.applicationId);
        await changeStatus(tx, systemContext(a.ctx), app, 'accepted', 'system', { set: { deemedAccepted: 1 } });
        throw new Error('the decision failed after the status change');
      }),
    ).rejects.toThrow('the decision failed');
    expect(await documentsOf(a.applicationId)).toEqual([]);
    expect(await h.db.select().from(messages).where(eq(messages.idempotencyKey, `acceptance:${a.applicationId}`))).toEqual([]);
    expect(await auditOf(a.applicationId, 'application.accepted')).toEqual([]);
    const [app] = await h.db.select().from(applications).where(eq(applications.id, a.applicationId));
    expect(app.status).toBe('under_review');
  });

  it('concurrent issuers of one office, year and kind draw distinct numbers', async () => {
    const draw = () => h.db.transaction(async (tx) => (await tx.select({ serial: nextDocumentSerial }).from(sql`(values (1)) one`))[0].serial);
    const numbers = (await Promise.all(Array.from({ length: 8 }, draw))).map((serial) => formatDocumentNumber('sh-huangpu', 2031, 'refusal', serial));
    expect(new Set(numbers).size).toBe(8);
    for (const n of numbers) expect(n).toMatch(/^SH-HUANGPU-2031-BYXK-\d{6,}$/);
  });

  it('numbers follow each other in the order documents are issued', async () => {
    const first = await claimed();
    const second = await claimed();
    for (const a of [first, second]) {
      await allOk(a.ctx, a.number, a.lease);
      await acceptApplication(a.ctx, a.number, { leaseVersion: a.lease });
    }
    const [one] = await documentsOf(first.applicationId);
    const [two] = await documentsOf(second.applicationId);
    const serial = (n: string) => Number(n.split('-').at(-1));
    expect(serial(two.number)).toBeGreaterThan(serial(one.number));
  });

  it("an acceptance and a completion update no row but the application's own: no counter, report or tally row that other decisions share (issue 16)", async () => {
    // Each decision's own transaction reads PostgreSQL's per-transaction statistics as it begins and
    // just before it commits: the tables whose updated or deleted tuples grew in between are what it
    // changed. (The difference, because PostgreSQL 15 may still count earlier transactions' tuples
    // there until it flushes them.)
    const touched = new Set<string>();
    const changedSoFar = async (tx: { execute: typeof h.db.execute }) =>
      new Map(rowsOf<{ relname: string; n: string }>(await tx.execute(sql`select relname, (n_tup_upd + n_tup_del)::text as n from pg_stat_xact_user_tables`)).map((r) => [r.relname, Number(r.n)]));
    const observed = new Proxy(h.db, {
      get(db, prop) {
        if (prop !== 'transaction') return Reflect.get(db, prop, db);
        return (fn: (tx: typeof h.db) => Promise<unknown>) =>
          db.transaction(async (tx) => {
            const before = await changedSoFar(tx);
            const out = await fn(tx as unknown as typeof h.db);
            for (const [table, n] of await changedSoFar(tx)) if (n > (before.get(table) ?? 0)) touched.add(table);
            return out;
          });
      },
    });
    // Two applications of one office: the second's documents are the same office, year and kinds
    // as the first's, where a shared counter row would be updated.
    for (const a of [await claimed(), await claimed()]) {
      await allOk(a.ctx, a.number, a.lease);
      const ctx = { ...a.ctx, db: observed };
      await acceptApplication(ctx, a.number, { leaseVersion: a.lease });
      await completeApplication(ctx, a.number, { leaseVersion: a.lease, documentNumber: 'PP-0001', delivery: 'pickup' });
      expect((await documentsOf(a.applicationId)).map((d) => d.kind)).toEqual(['acceptance', 'completion']);
    }
    // applications and queue_items: the decided application's own row and its queue item.
    expect([...touched].sort()).toEqual(['applications', 'queue_items']);
  });
});

describe('documents are immutable', () => {
  it('the database refuses UPDATE and DELETE of an issued document', async () => {
    const a = await claimed();
    await notAcceptApplication(a.ctx, a.number, { leaseVersion: a.lease, reasonCode: 'noLicenceNeeded', note: '无需许可' });
    const [doc] = await documentsOf(a.applicationId);
    const immutable = { cause: expect.objectContaining({ message: expect.stringMatching(/immutable once issued/) }) };
    await expect(h.db.update(decisionDocuments).set({ number: 'FORGED' }).where(eq(decisionDocuments.id, doc.id))).rejects.toMatchObject(immutable);
    await expect(h.db.delete(decisionDocuments).where(eq(decisionDocuments.id, doc.id))).rejects.toMatchObject(immutable);
    await expect(h.db.execute(sql`truncate decision_documents cascade`)).rejects.toMatchObject(immutable);
    expect((await documentsOf(a.applicationId))[0]).toEqual(doc);
  });
});

describe('who sees a document', () => {
  it('the applicant reads it and finds it on the application page; another citizen, another office and a made-up id get 404', async () => {
    const a = await claimed({ locale: 'zh-CN' });
    await allOk(a.ctx, a.number, a.lease);
    await acceptApplication(a.ctx, a.number, { leaseVersion: a.lease });
    const [doc] = await documentsOf(a.applicationId);
    const path = `/applications/${a.number}/documents/${doc.id}`;
    const ctx = appContext(h.db, a.clock, config);
    const cookie = await sessionCookieFor(h.db, a.clock, a.citizen.id);

    const mine = await run(documentLoader, get(path, { cookie, lng: 'en' }), ctx, { number: a.number, id: doc.id });
    expect(mine.status).toBe(200);
    const body = (await mine.json()) as { doc: { number: string; lang: string; text: { title: string } } };
    expect(body.doc).toMatchObject({ number: doc.number, lang: 'en', text: { title: 'Notice of acceptance' } });

    const page = await run(applicationLoader, get(`/applications/${a.number}`, { cookie }), ctx, { number: a.number });
    const { application } = (await page.json()) as { application: ApplicationDetail };
    expect(application.documents).toEqual([{ id: doc.id, kind: 'acceptance', number: doc.number, issueDate: doc.issueDate }]);
    expect(application.decision).toMatchObject({ kind: 'acceptance', number: doc.number });

    const other = await createApplicant(h.db);
    const otherCookie = await sessionCookieFor(h.db, a.clock, other.id);
    const theirs = await run(documentLoader, get(path, { cookie: otherCookie }), ctx, { number: a.number, id: doc.id });
    expect(theirs.status).toBe(404);

    // Another application's number with this document's id: still 404.
    const otherApp = await createSubmittedApplication(h.db, { config, citizen: other });
    const crossed = await run(documentLoader, get(`/applications/${otherApp.number}/documents/${doc.id}`, { cookie: otherCookie }), ctx, {
      number: otherApp.number as string,
      id: doc.id,
    });
    expect(crossed.status).toBe(404);

    const chaoyang = await createStaff(h.db, { officeCode: 'bj-chaoyang' });
    const staffCookie = await sessionCookieFor(h.db, a.clock, chaoyang.id);
    expect((await run(documentLoader, get(path, { cookie: staffCookie }), ctx, { number: a.number, id: doc.id })).status).toBe(404);

    for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      const res = await run(documentLoader, get(`/applications/${a.number}/documents/${id}`, { cookie }), ctx, { number: a.number, id });
      expect(res.status).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe('documents.notFound');
    }
  });
});

function formatEn(day: string) {
  return new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}
