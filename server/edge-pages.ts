import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Request as ExpressRequest, Response as ExpressResponse } from 'express';
import { getFixedT, getLocale, i18nFor } from '~/i18next.server';

/**
 * Answers for requests refused before Remix can take them (a method no page serves, a request
 * whose URL cannot be read, a failure in the edge itself): a short page in the reader's language,
 * chosen as the app chooses it (?lng, the lng cookie, Accept-Language; app/i18next.server.ts),
 * or the error code as JSON for a `?_data` request. Never anything about the server.
 */
export async function sendEdgeError(req: ExpressRequest, res: ExpressResponse, status: number, code: string) {
  const probe = languageProbe(req);
  const [lng, t] = await Promise.all([getLocale(probe), getFixedT(probe, ['errors', 'common'])]);
  if (res.headersSent) return;
  res.status(status).set('Cache-Control', 'no-store');
  if (new URL(probe.url).searchParams.has('_data')) {
    res.json({ code, params: {} });
    return;
  }
  const title = t('common:errorPage.title');
  res
    .type('html')
    .send(
      edgeDocument(
        lng,
        `${title} - ${t('common:siteName')}`,
        `<h1>${escape(title)}</h1><p role="alert">${escape(t(`errors:${code}`))}</p><p><a href="/">${escape(t('common:errorPage.home'))}</a></p>`,
      ),
    );
}

/** The one short page the edge answers with: no script, no stylesheet, `main` already escaped. */
function edgeDocument(lng: string, title: string, main: string): string {
  return (
    `<!DOCTYPE html><html lang="${escape(lng)}" dir="ltr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escape(title)}</title></head><body><main>${main}</main></body></html>`
  );
}

/**
 * The answer to a request Node could not parse (the http server's 'clientError'): a URL or headers
 * over the 16 KiB limit (431), or bytes that are not HTTP (400). Node's own answer is a status line
 * and nothing else, a blank page. With no headers to read the language from, the page says it in
 * both. A socket already closing (the client reset it) gets nothing.
 */
export function answerUnparsedRequest(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, code] = error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'headersTooLarge'] : [400, 'badRequest'];
  void Promise.all([i18nFor('zh-CN'), i18nFor('en')]).then(
    ([zh, en]) => {
      const say = (i: typeof zh, lng: string) => `<p lang="${lng}" role="alert">${escape(i.t(`errors:${code}`))}</p>`;
      const body = edgeDocument(
        'zh-CN',
        `${zh.t('common:errorPage.title')} - ${zh.t('common:siteName')}`,
        `<h1>${escape(zh.t('common:errorPage.title'))} <span lang="en">${escape(en.t('common:errorPage.title'))}</span></h1>` +
          `${say(zh, 'zh-CN')}${say(en, 'en')}<p><a href="/">${escape(zh.t('common:errorPage.home'))}</a> · <a href="/?lng=en" lang="en">${escape(en.t('common:errorPage.home'))}</a></p>`,
      );
      const bytes = Buffer.byteLength(body);
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ${bytes}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nContent-Security-Policy: default-src 'none'\r\nConnection: close\r\n\r\n${body}`);
    },
    () => socket.destroy(),
  );
}

/** A GET to the same URL with the same headers: all language detection needs, for any method. */
function languageProbe(req: ExpressRequest): Request {
  let url: URL;
  try {
    url = new URL(req.originalUrl, 'http://localhost');
  } catch {
    url = new URL('http://localhost/');
  }
  const headers = new Headers();
  for (const name of ['accept-language', 'cookie']) {
    const value = req.headers[name];
    try {
      if (typeof value === 'string') headers.set(name, value);
    } catch {
      // A header value fetch's Headers will not hold: detect without it.
    }
  }
  return new Request(url, { headers });
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
