import { and, eq, sum } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { reportDaily } from '../../db/schema/index.js';
import { runProjections } from '../../services/reports/run-projections.js';
import { formatDay } from '../../app/components/application/format.js';
import { claimApplication } from '../../services/queue/claim.js';
import { issueNotice } from '../../services/review/notice.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { actorOf, appContext, createStaff, fixedClock, sessionCookieFor, testConfig, testContext } from '../support/factories.js';
import { createSubmittedApplication } from '../support/applications.js';
import { get, run } from '../support/requests.js';
import { missingKeys, renderPage } from '../support/render-page.js';
import { createTestDb } from '../setup/test-db.js';
import { resources } from '../../locales/index.js';

/**
 * Every date the portal computes or shows is a China Standard Time date, whatever the server's
 * zone. The server runs here under zones other than China's — TZ is set for this process (Node
 * re-reads it when process.env.TZ changes; the first test of each zone checks that it did) — and
 * filings land on either side of midnight Beijing time: 23:59:59 on Monday 23 November, and
 * 00:00 on Tuesday 24 November, which is still the 23rd in UTC and in Los Angeles, and already
 * the 24th on Kiritimati (UTC+14) a second earlier.
 */
vi.mock('@remix-run/react', async () => (await import('../support/render-page.js')).remixReactStub());

const ZONES = [
  // minutes getTimezoneOffset() gives on 23 November 2026
  { tz: 'UTC', offset: 0 },
  { tz: 'America/Los_Angeles', offset: 480 },
  { tz: 'Pacific/Kiritimati', offset: -840 },
];

/** Each filing instant, the China day it belongs to, and what follows from that day. */
const FILINGS = [
  { at: '2026-11-23T15:59:59.000Z', day: '2026-11-23', completeness: '2026-11-30', due: '2026-11-24', supplement: '2026-12-14' },
  { at: '2026-11-23T16:00:00.000Z', day: '2026-11-24', completeness: '2026-12-01', due: '2026-11-25', supplement: '2026-12-15' },
];

const receiptRoute = () => import('../../app/routes/applications.$number._index.js');
const noticeRoute = () => import('../../app/routes/applications.$number.notice.js');

let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const config = testConfig();
const originalTz = process.env.TZ;

/** The date a rendered page shows for a label (<dt>label</dt><dd><time …>). */
function dateAfter(html: string, label: string): { iso: string; text: string } {
  const at = html.indexOf(`>${label}</dt>`);
  if (at < 0) throw new Error(`no label ${label}`);
  const m = html.slice(at).match(/<time dateTime="([^"]+)">([^<]+)<\/time>/);
  if (!m) throw new Error(`no date after ${label}`);
  return { iso: m[1], text: m[2] };
}

for (const zone of ZONES) {
  describe(`with the server in ${zone.tz}`, () => {
    beforeAll(() => {
      process.env.TZ = zone.tz;
    });
    afterAll(() => {
      if (originalTz === undefined) delete process.env.TZ;
      else process.env.TZ = originalTz;
    });

    it('runs in that zone', () => {
      expect(new Date('2026-11-23T16:00:00.000Z').getTimezoneOffset()).toBe(zone.offset);
    });

    for (const filing of FILINGS) {
      it(`a filing at ${filing.at} is received, notified, dated and counted on ${filing.day} (China)`, async () => {
        const clock = fixedClock(filing.at);
        const sub = await createSubmittedApplication(h.db, { clock, config });
        const clerk = await createStaff(h.db);
        const ctx = testContext(h.db, actorOf(clerk), clock, config);
        const { leaseVersion } = await claimApplication(ctx, sub.number);
        for (const materialCode of ['hukouBook', 'idCollectionReceipt']) await recordVerdict(ctx, sub.number, { leaseVersion, materialCode, verdict: 'ok' });
        await recordVerdict(ctx, sub.number, { leaseVersion, materialCode: 'photo', verdict: 'missing' });
        await issueNotice(ctx, sub.number, leaseVersion);

        const context = appContext(h.db, clock, config);
        const cookie = await sessionCookieFor(h.db, clock, sub.citizen.id);
        const params = { number: sub.number };
        for (const lng of ['zh-CN', 'en'] as const) {
          const receipt = await (await run((await receiptRoute()).loader, get(`/applications/${sub.number}`, { cookie, lng }), context, params)).json();
          expect(receipt.application).toMatchObject({ receivedDay: filing.day, completenessDeadline: filing.completeness, dueDate: filing.due });
          const notice = await (await run((await noticeRoute()).loader, get(`/applications/${sub.number}/notice`, { cookie, lng }), context, params)).json();
          expect(notice.view.application.receivedDay).toBe(receipt.application.receivedDay);
          expect(notice.view.notice).toMatchObject({ issueDate: filing.day, supplementDeadline: filing.supplement });

          // As printed: the notice's 收件日期 is the day the receipt shows with its time of receipt.
          const receiptHtml = await renderPage((await receiptRoute()).default, receipt, lng);
          const noticeHtml = await renderPage((await noticeRoute()).default, notice, lng);
          expect(missingKeys.splice(0)).toEqual([]);
          const received = dateAfter(noticeHtml, resources[lng].notice.received);
          expect(received).toEqual({ iso: filing.day, text: formatDay(filing.day, lng) });
          const receiptReceived = dateAfter(receiptHtml, resources[lng].applications.receipt.receivedAt);
          expect(receiptReceived.iso).toBe(filing.at);
          expect(receiptReceived.text).toContain(received.text);
          expect(dateAfter(noticeHtml, resources[lng].notice.issued)).toEqual({ iso: filing.day, text: formatDay(filing.day, lng) });
        }

        // Reports count the filing and the notice on the same China day (once the worker's step ran).
        await runProjections(h.db);
        const [counted] = await h.db
          .select({ received: sum(reportDaily.received), notices: sum(reportDaily.notices) })
          .from(reportDaily)
          .where(and(eq(reportDaily.day, filing.day), eq(reportDaily.officeCode, 'bj-dongcheng')));
        expect(counted).toEqual({ received: '1', notices: '1' });
      });
    }
  });
}
