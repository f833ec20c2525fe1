import type { IncomingHttpHeaders } from 'node:http';
import { createReadableStreamFromReadable, createRequestHandler, writeReadableStreamToWritable, type AppLoadContext, type ServerBuild } from '@remix-run/node';
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from 'express';
import { attachBodyGuard, discardUnreadBody, guardBody, type BodyGuard } from './body-limit.js';
import { buildsBySegment } from './builds-by-segment.js';
import { sendEdgeError } from './edge-pages.js';

/**
 * Express to Remix, as @remix-run/express does it, with what it leaves out: the request body is
 * the edge's guarded stream (server/body-limit.ts), sized for the route, instead of the raw
 * socket; a URL that cannot be parsed is a 400, not a thrown TypeError; every 503 says when to
 * come back; and whatever the app did not read of a body is drained (within its limit) or given a
 * few seconds (over it), never read into memory.
 */

/** Seconds a client is asked to wait on a 503: enough for a restart or a failover to finish. */
export const RETRY_AFTER_SECONDS = 30;

type Options = {
  build: ServerBuild;
  mode: 'production' | 'development';
  loadContext: (req: ExpressRequest, res: ExpressResponse) => AppLoadContext;
  bodyLimit: (pathname: string) => number;
};

export function remixHandler({ build, mode, loadContext, bodyLimit }: Options) {
  // One Remix handler per route table it may match against (server/builds-by-segment.ts): made
  // once each, as Remix derives its routes and static handler once per handler.
  const buildFor = buildsBySegment(build);
  const handlers = new Map<ServerBuild, ReturnType<typeof createRequestHandler>>();
  const handlerFor = (pathname: string) => {
    const b = buildFor(pathname);
    let h = handlers.get(b);
    if (!h) handlers.set(b, (h = createRequestHandler(b, mode)));
    return h;
  };
  return async (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    try {
      const url = requestUrl(req);
      if (!url) return await sendEdgeError(req, res, 400, 'badRequest');
      const context = loadContext(req, res);
      const controller = new AbortController();
      const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers: remixHeaders(req.headers), signal: controller.signal };
      let guard: BodyGuard | undefined;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        guard = guardBody(req, bodyLimit(url.pathname));
        attachBodyGuard(context, guard);
        init.body = createReadableStreamFromReadable(guard.stream);
        init.duplex = 'half';
      }
      // The client went away before the answer was complete: let loaders and actions stop.
      res.on('close', () => {
        if (!res.writableFinished) controller.abort();
      });
      res.once('finish', () => discardUnreadBody(req, guard));
      const response = await handlerFor(url.pathname)(new Request(url.href, init), context);
      if (response.status === 503 && !response.headers.has('Retry-After')) response.headers.set('Retry-After', String(RETRY_AFTER_SECONDS));
      await send(res, response);
    } catch (e) {
      next(e);
    }
  };
}

/**
 * The URL Remix sees: scheme as the trusted proxy says (req.protocol follows `trust proxy`),
 * host and port from Host, which nginx passes on as the browser sent it. null when it is not a URL.
 */
function requestUrl(req: ExpressRequest): URL | null {
  const host = req.get('host');
  // Only a name or address and a port: "Host: a/b" or "Host: x@y" would move the path or the host.
  if (!host || !req.originalUrl.startsWith('/') || !/^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)) return null;
  try {
    return new URL(`${req.protocol}://${host}${req.originalUrl}`);
  } catch {
    return null;
  }
}

/**
 * The request's headers for Remix, less X-Forwarded-Host. The URL is built from Host (above) and
 * the same-origin check compares Origin with Host (server/app.ts); Remix's own check of an action
 * prefers X-Forwarded-Host, and on a mismatch answers a bare 500 with a stack in the log. Anyone
 * can send that header, so it would be a 500 on demand; no route reads it.
 */
function remixHeaders(from: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(from)) {
    if (value === undefined || name === 'x-forwarded-host') continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

/**
 * Writes Remix's answer. A header the route set replaces the edge's default of the same name
 * (securityHeaders in server/app.ts) instead of being added beside it: two Content-Security-Policy
 * headers are both enforced, so a route could only ever tighten the site's policy, never give one
 * response its own (the file route's inline PDF, decision 0041, must be framable by our own pages).
 */
export async function send(res: ExpressResponse, response: Response) {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const name of new Set(response.headers.keys())) res.removeHeader(name);
  for (const [name, value] of response.headers.entries()) res.append(name, value);
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}
