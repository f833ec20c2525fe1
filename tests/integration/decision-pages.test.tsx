import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { claimNext } from '../../services/queue/claim.js';
import { acceptApplication, completeApplication, notAcceptApplication } from '../../services/review/decisions.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { createTestDb } from '../setup/test-db.js';
import { createSubmittedApplication } from '../support/applications.js';
import { actorOf, appContext, createStaff, fixedClock, sessionCookieFor, testConfig, testContext } from '../support/factories.js';
import { missingKeys, renderPage } from '../support/render-page.js';
import { get, run } from '../support/requests.js';
import { visibleText } from '../support/render-route.js';

/**
 * The citizen's application page follows the status (heading, summary, next steps) and lists the
 * documents; the printable document page shows the text as issued with semantic markup. Both
 * languages, every string resolved.
 */
vi.mock('@remix-run/react', async () => (await import('../support/render-page.js')).remixReactStub());

let h: DbHandle;
const config = testConfig();
const clock = fixedClock();
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const text = visibleText;

async function decided(decide: 'complete' | 'notAccept') {
  const sub = await createSubmittedApplication(h.db, { clock, config });
  const number = sub.number as string;
  const ctx = testContext(h.db, actorOf(await createStaff(h.db)), clock, config);
  const { leaseVersion } = (await claimNext(ctx))!;
  if (decide === 'notAccept') {
    await notAcceptApplication(ctx, number, { leaseVersion, reasonCode: 'outsideJurisdiction', redirectOfficeCode: 'bj-chaoyang', note: '户籍在朝阳区' });
  } else {
    for (const materialCode of ['hukouBook', 'idCollectionReceipt', 'photo']) await recordVerdict(ctx, number, { leaseVersion, materialCode, verdict: 'ok' });
    await acceptApplication(ctx, number, { leaseVersion });
    await completeApplication(ctx, number, { leaseVersion, documentNumber: 'L110101202611230001', delivery: 'pickup' });
  }
  return { number, cookie: await sessionCookieFor(h.db, clock, sub.citizen.id) };
}

describe('the application page after a decision', () => {
  it('completed: heading, certificate number, where to collect, and the two documents linked, in both languages', async () => {
    const route = await import('../../app/routes/applications.$number._index.js');
    const { number, cookie } = await decided('complete');
    const load = async (lng: 'zh-CN' | 'en') =>
      (await run(route.loader, get(`/applications/${number}`, { cookie, lng }), appContext(h.db, clock, config), { number })).json();

    const zhData = (await load('zh-CN')) as { title: string; application: { documents: { id: string; number: string }[] } };
    expect(zhData.title).toContain(`已办结 ${number}`);
    const [acceptance, completion] = zhData.application.documents;
    const zh = await renderPage(route.default, zhData, 'zh-CN');
    expect(zh).toContain('<h1>已办结</h1>');
    expect(text(zh)).toContain(`（办结通知书${completion.number}），证件（文书）编号：L110101202611230001`);
    expect(text(zh)).toContain('窗口领取：请本人携带有效身份证件和办结通知书，于工作日到北京市公安局东城分局综合服务窗口领取（电话：010-12345601）');
    expect(zh).toContain(`href="/applications/${number}/documents/${acceptance.id}"`);
    expect(zh).toContain(`href="/applications/${number}/documents/${completion.id}"`);
    expect(zh).toContain('<th scope="col">文书编号</th>');
    // The receipt's heading and "what happens next" of the handling mode no longer apply.
    expect(text(zh)).not.toContain('请携带下列材料原件到办理机构窗口办理');
    expect(zh).not.toContain('<h2 id="receipt-facts">受理回执</h2>');
    expect(zh).toContain('<h2 id="receipt-facts">申请信息</h2>');
    // The receipt itself stays an issued document: its signed PDF is still offered (decision 0038).
    expect(zh).toContain(`href="/applications/${number}/receipt/pdf"`);

    const en = await renderPage(route.default, await load('en'), 'en');
    expect(en).toContain('<h1>Completed</h1>');
    expect(text(en)).toContain('Certificate or document number: L110101202611230001');
    expect(missingKeys.splice(0)).toEqual([]);
  });

  it('not accepted: the reason, the office to apply to instead and the remedies', async () => {
    const route = await import('../../app/routes/applications.$number._index.js');
    const { number, cookie } = await decided('notAccept');
    const data = await (await run(route.loader, get(`/applications/${number}`, { cookie }), appContext(h.db, clock, config), { number })).json();
    const zh = text(await renderPage(route.default, data, 'zh-CN'));
    expect(zh).toContain('不予受理');
    expect(zh).toContain('理由：不属于本单位管辖');
    expect(zh).toContain('请向北京市公安局朝阳分局综合服务窗口提出申请（电话：010-12345602）');
    expect(zh).toContain('六十日内申请行政复议');
    expect(missingKeys.splice(0)).toEqual([]);
  });
});

describe('the printable document', () => {
  it('shows the stored text under a heading, facts as a table with row headers, and marks the language when it differs', async () => {
    const appRoute = await import('../../app/routes/applications.$number._index.js');
    const route = await import('../../app/routes/applications.$number.documents.$id.js');
    const { number, cookie } = await decided('notAccept');
    const app = (await (await run(appRoute.loader, get(`/applications/${number}`, { cookie }), appContext(h.db, clock, config), { number })).json()) as {
      application: { documents: { id: string; number: string }[] };
    };
    const [doc] = app.application.documents;
    const load = async (lng: 'zh-CN' | 'en') =>
      (await run(route.loader, get(`/applications/${number}/documents/${doc.id}`, { cookie, lng }), appContext(h.db, clock, config), { number, id: doc.id })).json();

    const zh = await renderPage(route.default, await load('zh-CN'), 'zh-CN');
    expect(zh).toContain('<h1 id="document-title">不予受理决定书</h1>');
    expect(zh).toContain('<th scope="row">文书编号</th><td>' + doc.number + '</td>');
    expect(text(zh)).toContain('《中华人民共和国行政复议法》第二十条');
    expect(zh).not.toContain('lang="');

    const en = await renderPage(route.default, await load('en'), 'en');
    expect(en).toContain('Decision not to accept');
    expect(text(en)).toContain('The Chinese text of this document is authoritative.');
    expect(missingKeys.splice(0)).toEqual([]);
  });
});
