import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import type { ServerBuild } from '@remix-run/node';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { OneWindowContext } from '../app/load-context.js';
import type { Config } from '../services/context.js';
import { bodyLimitFor } from './body-limit.js';
import { answerUnparsedRequest, sendEdgeError } from './edge-pages.js';
import { guardBuild } from './guarded-build.js';
import { remixHandler } from './remix-handler.js';
import type { TrustProxy } from './settings.js';

/** Every page and form of the portal is GET, HEAD or POST; anything else is refused at the door. */
export const SERVED_METHODS = ['GET', 'HEAD', 'POST'] as const;

export function servedMethodsOnly(req: Request, res: Response, next: NextFunction) {
  if ((SERVED_METHODS as readonly string[]).includes(req.method)) return next();
  res.set('Allow', SERVED_METHODS.join(', '));
  sendEdgeError(req, res, 405, 'methodNotAllowed').catch(next);
}

/**
 * Refuses cross-site state-changing requests (CSRF). Browsers send Sec-Fetch-Site and Origin on
 * every POST, or at least a Referer; a request carrying none of them (a server's callback) did not
 * come from a page on another site.
 */
export function sameOriginOnly(req: Request, res: Response, next: NextFunction) {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
  if (crossSite(req)) return void sendEdgeError(req, res, 403, 'forbidden').catch(next);
  next();
}

function crossSite(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return true;
  const origin = req.get('origin');
  if (origin === 'null') return true;
  // Without Origin (older browsers, some privacy settings), a Referer from another site still says where the form was.
  const from = origin ?? req.get('referer');
  if (!from) return false;
  try {
    return new URL(from).host !== req.get('host');
  } catch {
    return true;
  }
}

/** The enforced policy: scripts only from us or carrying this response's nonce. */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    // React style attributes are inline; scripts are what CSP must stop.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

export function securityHeaders(production: boolean) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const nonce = randomBytes(16).toString('base64');
    res.locals.cspNonce = nonce;
    res.set('Content-Security-Policy', contentSecurityPolicy(nonce));
    res.set('X-Content-Type-Options', 'nosniff');
    res.set('X-Frame-Options', 'DENY');
    res.set('Referrer-Policy', 'same-origin');
    res.set('Cross-Origin-Opener-Policy', 'same-origin');
    if (production) res.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    next();
  };
}

export type EdgeOptions = {
  /** Which proxies may say who the client is (X-Forwarded-For); none unless configured (TRUST_PROXY). */
  trustProxy?: TrustProxy;
};

export function createApp(build: ServerBuild, context: OneWindowContext, root: string, edge: EdgeOptions = {}) {
  const app = express();
  app.disable('x-powered-by');
  // Express's own error pages print stacks unless its env says production; it must not go by NODE_ENV.
  app.set('env', context.production ? 'production' : 'development');
  app.set('trust proxy', edge.trustProxy ?? false);
  app.use(securityHeaders(context.production));
  app.use(servedMethodsOnly);
  // Fingerprinted assets can be cached forever. public/ holds nothing else, so no other request
  // pays for a file-system lookup (a stat per page) before reaching Remix.
  app.use('/build', express.static(path.join(root, 'public/build'), { immutable: true, maxAge: '1y' }));
  app.use(sameOriginOnly);
  app.all(
    '*',
    remixHandler({
      build: guardBuild(build),
      mode: context.production ? 'production' : 'development',
      loadContext: (req, res) => ({
        ...context,
        cspNonce: res.locals.cspNonce as string,
        clientIp: req.ip,
        // Only where nothing changes the session or the person between loaders: an action (POST)
        // may sign in or out, or rename the person, before the page's loaders run.
        perRequest: req.method === 'GET' || req.method === 'HEAD' ? {} : undefined,
      }),
      bodyLimit: (pathname) => bodyLimitFor(pathname, context.config),
    }),
  );
  // Last resort for a failure outside any loader or action: logged here, a plain page out there.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      console.error(error);
      res.destroy();
      return;
    }
    // Express marks what the client got wrong with a 4xx (a path whose percent-encoding is not
    // UTF-8, `%FF` or `%ED%A0%80`, is a URIError with status 400): the client's fault, no stack.
    const status = (error as { status?: unknown; statusCode?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      sendEdgeError(req, res, status, 'badRequest').catch(() => res.destroy());
      return;
    }
    console.error(error);
    sendEdgeError(req, res, 500, 'internal').catch(() => res.destroy());
  });
  return app;
}

/**
 * The HTTP server for the app. A client that asks before sending its body (`Expect: 100-continue`,
 * as curl does past 1 MiB) is invited to send it only when its declared length fits the route's
 * limit; otherwise it gets the 413 straight away and never sends the body at all.
 */
export function createHttpServer(app: Express, config: Pick<Config, 'maxRequestBytes'>): http.Server {
  const server = http.createServer(app);
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    const pathname = (req.url ?? '/').split('?')[0];
    if (!(declared > bodyLimitFor(pathname, config))) res.writeContinue();
    server.emit('request', req, res);
  });
  server.on('clientError', answerUnparsedRequest);
  return server;
}
