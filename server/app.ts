import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { OneWindowContext } from '../app/load-context.js';

/**
 * Refuses cross-site state-changing requests (CSRF). Browsers send Sec-Fetch-Site and Origin on
 * every POST; a request carrying neither did not come from a page on another site.
 */
export function sameOriginOnly(req: Request, res: Response, next: NextFunction) {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
  const site = req.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return res.status(403).type('text/plain').send('cross-site request refused');
  const origin = req.get('origin');
  if (origin && origin !== 'null') {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      return res.status(403).type('text/plain').send('cross-site request refused');
    }
    if (host !== req.get('host')) return res.status(403).type('text/plain').send('cross-site request refused');
  } else if (origin === 'null') {
    return res.status(403).type('text/plain').send('cross-site request refused');
  }
  next();
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

export function createApp(build: ServerBuild, context: OneWindowContext, root: string) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 1);
  app.use(securityHeaders(context.production));
  // Fingerprinted assets can be cached forever. public/ holds nothing else, so no other request
  // pays for a file-system lookup (a stat per page) before reaching Remix.
  app.use('/build', express.static(path.join(root, 'public/build'), { immutable: true, maxAge: '1y' }));
  app.use(sameOriginOnly);
  app.all('*', createRequestHandler({ build, getLoadContext: (req, res) => ({ ...context, cspNonce: res.locals.cspNonce as string, clientIp: req.ip }), mode: context.production ? 'production' : 'development' }));
  return app;
}
