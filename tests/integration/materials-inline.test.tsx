import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applicationFiles } from '../../db/schema/index.js';
import { ATTACHMENT_CSP, INLINE_PDF_CSP, loader as fileLoader } from '../../app/routes/files.$id.js';
import { securityHeaders } from '../../server/app.js';
import { send } from '../../server/remix-handler.js';
import { appContext, createStaff, fixedClock, sessionCookieFor, testConfig } from '../support/factories.js';
import { createSubmittedApplication } from '../support/applications.js';
import { get, post, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';
import { missingKeys, renderPage } from '../support/render-page.js';

/**
 * PDFs inline beside the checklist (decision 0041): the file route's inline answer has its own
 * policy and may be framed by our pages only; every other answer and every page keep theirs.
 */
vi.mock('@remix-run/react', async () => (await import('../support/render-page.js')).remixReactStub());

let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const config = testConfig();

async function setup() {
  const clock = fixedClock();
  const sub = await createSubmittedApplication(h.db, { clock, config });
  const rows = await h.db.select().from(applicationFiles).where(eq(applicationFiles.applicationId, sub.applicationId));
  const pdf = rows.find((r) => r.mimeType === 'application/pdf')!;
  const image = rows.find((r) => r.mimeType.startsWith('image/'))!;
  const clerk = await createStaff(h.db);
  const cookie = await sessionCookieFor(h.db, clock, clerk.id);
  return { clock, sub, pdf, image, clerk, cookie, context: appContext(h.db, clock, config) };
}

describe('the file route shows a PDF in place', () => {
  it('answers ?view=inline for a PDF inline, with its own policy, framable by our origin only', async () => {
    const { pdf, cookie, context } = await setup();
    const res = await run(fileLoader, get(`/files/${pdf.id}?view=inline`, { cookie }), context, { id: pdf.id });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/pdf');
    expect(res.headers.get('Content-Disposition')).toMatch(/^inline; filename="/);
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    expect(res.headers.get('Cross-Origin-Resource-Policy')).toBe('same-origin');
    expect(res.headers.get('X-Frame-Options')).toBe('SAMEORIGIN');
    const csp = res.headers.get('Content-Security-Policy')!;
    expect(csp).toBe(INLINE_PDF_CSP);
    for (const d of ["default-src 'none'", "object-src 'self'", "frame-ancestors 'self'", "form-action 'none'"]) expect(csp).toContain(d);
    // Chromium will not run its PDF viewer in a sandboxed document; nothing else may load.
    expect(csp).not.toContain('sandbox');
    expect(csp).not.toMatch(/script-src|connect-src|img-src/);
    expect(Buffer.from(new Uint8Array(await res.arrayBuffer()).slice(0, 5)).toString('latin1')).toBe('%PDF-');
  });

  it('keeps every other answer a sandboxed, unframable attachment', async () => {
    const { pdf, image, cookie, context } = await setup();
    for (const [f, url] of [
      [pdf, `/files/${pdf.id}`],
      [image, `/files/${image.id}?view=inline`],
      [pdf, `/files/${pdf.id}?view=other`],
    ] as const) {
      const res = await run(fileLoader, get(url, { cookie }), context, { id: f.id });
      expect(res.status).toBe(200);
      expect(res.headers.get('Content-Type')).toBe(f.mimeType);
      expect(res.headers.get('Content-Disposition')).toMatch(/^attachment; filename="/);
      expect(res.headers.get('Content-Security-Policy')).toBe(ATTACHMENT_CSP);
      expect(res.headers.get('X-Frame-Options')).toBe('DENY');
    }
  });

  it('keeps the file route’s authorization: a clerk of another office and a stranger get 404, signed out goes to login', async () => {
    const { pdf, clock, context } = await setup();
    const there = await createStaff(h.db, { officeCode: 'sh-huangpu' });
    const url = `/files/${pdf.id}?view=inline`;
    const other = await run(fileLoader, get(url, { cookie: await sessionCookieFor(h.db, clock, there.id) }), context, { id: pdf.id });
    expect(other.status).toBe(404);
    const stranger = await createSubmittedApplication(h.db, { clock, config });
    const theirs = await run(fileLoader, get(url, { cookie: await sessionCookieFor(h.db, clock, stranger.citizen.id) }), context, { id: pdf.id });
    expect(theirs.status).toBe(404);
    const anonymous = await run(fileLoader, get(url), context, { id: pdf.id });
    expect([302, 303]).toContain(anonymous.status);
  });
});

describe('the edge lets a route answer under its own policy', () => {
  it('sends the route’s CSP and X-Frame-Options instead of the site’s, and the site’s where the route sets none', async () => {
    const app = express();
    app.use(securityHeaders(true));
    app.get('/own', (_req, res) => void send(res, new Response('x', { headers: { 'Content-Security-Policy': INLINE_PDF_CSP, 'X-Frame-Options': 'SAMEORIGIN' } })));
    app.get('/page', (_req, res) => void send(res, new Response('<p>x</p>', { headers: { 'Content-Type': 'text/html' } })));
    const server = app.listen(0);
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const own = await fetch(`${base}/own`);
      expect(own.headers.get('content-security-policy')).toBe(INLINE_PDF_CSP);
      expect(own.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(own.headers.get('x-content-type-options')).toBe('nosniff');
      const page = await fetch(`${base}/page`);
      const csp = page.headers.get('content-security-policy')!;
      for (const d of ["object-src 'none'", "frame-ancestors 'none'"]) expect(csp).toContain(d);
      expect(page.headers.get('x-frame-options')).toBe('DENY');
    } finally {
      server.close();
    }
  });
});

describe('the review page shows the materials beside the checklist', () => {
  it('frames each PDF from its inline answer (no sandbox), shows images, and keeps the links', async () => {
    const reviewRoute = await import('../../app/routes/desk.applications.$number.js');
    const deskRoute = await import('../../app/routes/desk._index.js');
    const { sub, pdf, image, cookie, context } = await setup();
    await run(deskRoute.action, post('/desk', { intent: 'takeNext' }, { cookie }), context);
    const data = await (await run(reviewRoute.loader, get(`/desk/applications/${sub.number}`, { cookie }), context, { number: sub.number })).json();
    for (const lng of ['zh-CN', 'en'] as const) {
      const html = await renderPage(reviewRoute.default, data, lng);
      expect(missingKeys.splice(0)).toEqual([]);
      const frame = html.match(new RegExp(`<iframe[^>]*src="/files/${pdf.id}\\?view=inline"[^>]*>`))?.[0];
      expect(frame).toBeDefined();
      expect(frame).toMatch(/title="[^"]+"/);
      expect(frame).not.toContain('sandbox');
      expect(html).toContain(`href="/files/${pdf.id}?view=inline"`);
      expect(html).toContain(`href="/files/${pdf.id}"`);
      expect(html).toContain(lng === 'en' ? `Open ${pdf.originalName} in full` : `单独打开 ${pdf.originalName}`);
      expect(html).toMatch(new RegExp(`<img[^>]*src="/files/${image.id}"`));
      expect(html).not.toContain(`/files/${image.id}?view=inline`);
    }
  });
});
