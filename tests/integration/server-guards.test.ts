import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sameOriginOnly, securityHeaders } from '../../server/app.js';

/** The server's own middleware in front of a handler that records whether it ran. */
let base: string;
let reached = 0;
let close: () => void;

beforeAll(async () => {
  const app = express();
  app.use(securityHeaders(true));
  app.use(sameOriginOnly);
  app.all('*', (_req, res) => {
    reached += 1;
    res.send('ok');
  });
  const server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

async function postWith(headers: Record<string, string>) {
  const before = reached;
  const res = await fetch(`${base}/login`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body: 'a=1' });
  return { status: res.status, ran: reached > before };
}

describe('same-origin check on state-changing requests', () => {
  it('refuses a cross-site POST with 403 before any handler runs', async () => {
    expect(await postWith({ Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' })).toEqual({ status: 403, ran: false });
    expect(await postWith({ Origin: 'https://evil.example' })).toEqual({ status: 403, ran: false });
    expect(await postWith({ 'Sec-Fetch-Site': 'same-site' })).toEqual({ status: 403, ran: false });
    expect(await postWith({ Origin: 'null' })).toEqual({ status: 403, ran: false });
    // No Origin, but a Referer from another site: still cross-site.
    expect(await postWith({ Referer: 'https://evil.example/form.html' })).toEqual({ status: 403, ran: false });
  });

  it('says so in the reader\'s language', async () => {
    const res = await fetch(`${base}/login`, { method: 'POST', headers: { Origin: 'https://evil.example', 'Accept-Language': 'en' }, body: 'a=1' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('You are not allowed to do this.');
    const zh = await fetch(`${base}/login`, { method: 'POST', headers: { Origin: 'https://evil.example' }, body: 'a=1' });
    expect(await zh.text()).toContain('您无权执行此操作');
  });

  it('lets same-origin POSTs through', async () => {
    const host = new URL(base).host;
    expect(await postWith({ Origin: `http://${host}`, 'Sec-Fetch-Site': 'same-origin' })).toEqual({ status: 200, ran: true });
    expect(await postWith({ Referer: `http://${host}/login` })).toEqual({ status: 200, ran: true });
    // A server's callback carries none of them.
    expect(await postWith({})).toEqual({ status: 200, ran: true });
  });

  it('leaves GET alone', async () => {
    const res = await fetch(`${base}/services`, { headers: { 'Sec-Fetch-Site': 'cross-site' } });
    expect(res.status).toBe(200);
  });
});

describe('security headers', () => {
  it('sends an enforced CSP with a fresh nonce per response, nosniff and HSTS in production', async () => {
    const a = await fetch(`${base}/`);
    const b = await fetch(`${base}/`);
    const csp = a.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    for (const d of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) expect(csp).toContain(d);
    expect(b.headers.get('content-security-policy')).not.toBe(csp);
    expect(a.headers.get('x-content-type-options')).toBe('nosniff');
    expect(a.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });
});
