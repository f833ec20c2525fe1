import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import * as documentPdf from '../../app/routes/applications.$number.documents.$id_.pdf.js';
import * as noticePdf from '../../app/routes/applications.$number.notice_.pdf.js';
import * as receiptPdf from '../../app/routes/applications.$number.receipt_.pdf.js';
import * as reportsCsv from '../../app/routes/reports.csv.js';
import * as callback from '../../app/routes/payments.callback.js';
import { appContext, createCitizen, createStaff, fixedClock, sessionCookieFor, testConfig } from '../support/factories.js';
import { get, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';

/**
 * A person who follows a download link that is stale, mistyped or not theirs gets the refusal as a
 * page in their language with the same status; a script (no text/html in Accept) still gets the JSON.
 */
let h: DbHandle;
const clock = fixedClock();
const config = testConfig();
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const HTML = { Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const UUID = '00000000-0000-4000-8000-000000000000';

describe('download links followed in a browser', () => {
  it('answer a refusal as a localized page with the same status, and keep JSON for anything else', async () => {
    const citizen = await sessionCookieFor(h.db, clock, (await createCitizen(h.db)).id);
    const manager = await sessionCookieFor(h.db, clock, (await createStaff(h.db, { role: 'manager', managerScope: 'city' })).id);
    const cases: { loader: unknown; path: string; params: Record<string, string>; cookie: string | undefined; status: number }[] = [
      { loader: documentPdf.loader, path: `/applications/GA20261123000001/documents/${UUID}/pdf`, params: { number: 'GA20261123000001', id: UUID }, cookie: citizen, status: 404 },
      { loader: noticePdf.loader, path: '/applications/GA20261123000001/notice/pdf?sequence=99999', params: { number: 'GA20261123000001' }, cookie: citizen, status: 404 },
      { loader: receiptPdf.loader, path: '/applications/GA20261123000001/receipt/pdf', params: { number: 'GA20261123000001' }, cookie: citizen, status: 404 },
      { loader: reportsCsv.loader, path: '/reports/csv?table=counts&from=2026-02-30', params: {}, cookie: manager, status: 400 },
      { loader: callback.loader, path: '/payments/callback', params: {}, cookie: undefined, status: 405 },
    ];
    for (const c of cases) {
      for (const lng of ['zh-CN', 'en'] as const) {
        const page = await run(c.loader as never, get(c.path, { cookie: c.cookie, lng, headers: HTML }), appContext(h.db, clock, config), c.params);
        expect(page.status, c.path).toBe(c.status);
        expect(page.headers.get('Content-Type'), c.path).toMatch(/^text\/html/);
        const html = await page.text();
        expect(html, c.path).toContain(`<html lang="${lng}">`);
        expect(html, c.path).toMatch(/<h1>[^<]+<\/h1><p role="alert">[^<]+<\/p>/);
        // A message, never a key or a code.
        expect(html, c.path).not.toMatch(/"code"|[a-z]+\.[a-z]+[A-Z]\w*|errors:/);
        if (lng === 'zh-CN') expect(html, c.path).toMatch(/[\u4e00-\u9fff]/);
      }
      const json = await run(c.loader as never, get(c.path, { cookie: c.cookie }), appContext(h.db, clock, config), c.params);
      expect(json.status).toBe(c.status);
      expect(await json.json()).toHaveProperty('code');
    }
  });
});
