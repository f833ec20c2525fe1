import { delay, http, HttpResponse, type HttpHandler } from 'msw';

/**
 * The failures every system is tested against, as msw handlers that answer one route badly.
 * Install with `server.use(...)`; `server.resetHandlers()` (after each test) restores the
 * simulation.
 */
export type Route = { method: 'get' | 'post'; url: string };

export const failures = {
  /** 404: the record does not exist. */
  notFound: (r: Route): HttpHandler => http[r.method](r.url, () => HttpResponse.json({ error: 'not_found' }, { status: 404 })),
  /** Never answers: the caller's timeout must fire. */
  slow: (r: Route): HttpHandler =>
    http[r.method](r.url, async () => {
      await delay('infinite');
      return HttpResponse.json({});
    }),
  /** 500 every time. */
  serverError: (r: Route): HttpHandler => http[r.method](r.url, () => HttpResponse.json({ error: 'internal' }, { status: 500 })),
  /** 200 with a body that does not match the contract. */
  malformed: (r: Route): HttpHandler => http[r.method](r.url, () => HttpResponse.json({ unexpected: true, items: 'nope' })),
  /** 200 with something that is not JSON at all. */
  notJson: (r: Route): HttpHandler => http[r.method](r.url, () => new HttpResponse('<html>gateway error</html>', { headers: { 'content-type': 'text/html' } })),
};

export type Failure = keyof typeof failures;
