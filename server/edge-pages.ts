import type { Request as ExpressRequest, Response as ExpressResponse } from 'express';
import { getFixedT, getLocale } from '~/i18next.server';

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
  res.type('html').send(
    `<!DOCTYPE html><html lang="${escape(lng)}" dir="ltr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<title>${escape(`${title} - ${t('common:siteName')}`)}</title></head><body><main>` +
      `<h1>${escape(title)}</h1><p role="alert">${escape(t(`errors:${code}`))}</p><p><a href="/">${escape(t('common:errorPage.home'))}</a></p>` +
      `</main></body></html>`,
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
