import type { IncomingMessage } from 'node:http';
import { Readable, Transform } from 'node:stream';
import type { Config } from '../services/context.js';
import { VERIFY_FILE_LIMIT } from '../services/documents/verify-limits.js';

/**
 * The outer limit on every request body, enforced on the stream as it arrives (chunked or not),
 * before any route buffers it: request.formData() reads a urlencoded body whole, so without
 * this an anonymous POST /login of 130 MB became 130 MB (and more) of memory.
 *
 * Ordinary forms get FORM_BODY_LIMIT. The largest of them, the rectification form, carries two
 * notes of at most 1,000 characters; Chinese text percent-encoded costs 9 bytes a character, so
 * it stays under 20 KB. 64 KiB leaves three times that, and is little enough that many
 * concurrent requests cannot add up to much memory.
 *
 * The two routes that take files get the configured request limit plus MULTIPART_OVERHEAD for
 * the boundaries and part headers around the files and text fields (a few hundred bytes a part).
 * Below this outer limit the upload receiver keeps its own per-file and per-request limits, which
 * answer beside the field with the form's values kept (decision 0006); beyond it the request is
 * cut off with a page-level 413. nginx's client_max_body_size (deploy/nginx.conf) matches it.
 */
export const FORM_BODY_LIMIT = 64 * 1024;
export const MULTIPART_OVERHEAD = 1024 * 1024;

/** services.$code.apply and applications.$number.supplement, as URL paths. */
const UPLOAD_PATHS = [/^\/services\/[^/]+\/apply\/?$/, /^\/applications\/[^/]+\/supplement\/?$/];

/** The public verify page takes one PDF to compare with the signed one (decision 0034). */
const VERIFY_PATH = /^\/verify\/[A-Za-z0-9_-]{43}\/?$/;

export function bodyLimitFor(pathname: string, config: Pick<Config, 'maxRequestBytes'>): number {
  if (VERIFY_PATH.test(pathname)) return VERIFY_FILE_LIMIT + 64 * 1024;
  return UPLOAD_PATHS.some((p) => p.test(pathname)) ? config.maxRequestBytes + MULTIPART_OVERHEAD : FORM_BODY_LIMIT;
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
  }
}

/** A request's body as the app reads it, and whether it went over the limit. */
export type BodyGuard = { readonly limit: number; readonly exceeded: boolean; readonly stream: Readable };

/**
 * The body stream handed to Remix. A declared Content-Length over the limit is refused without
 * reading a byte; otherwise bytes are counted as the app pulls them, and the first chunk past the
 * limit ends the stream with an error and stops reading from the socket. Nothing is buffered
 * here beyond the stream's usual high-water marks.
 */
export function guardBody(req: IncomingMessage, limit: number): BodyGuard {
  const declared = req.headers['content-length'] === undefined ? null : Number(req.headers['content-length']);
  let exceeded = declared !== null && declared > limit;
  let stream: Readable;
  if (exceeded) {
    stream = new Readable({
      read() {
        this.destroy(new BodyTooLargeError(limit));
      },
    });
  } else {
    let received = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        received += chunk.byteLength;
        if (received <= limit) return done(null, chunk);
        exceeded = true;
        req.unpipe(counter);
        req.pause();
        done(new BodyTooLargeError(limit));
      },
    });
    // A client that goes away mid-body must not leave the reader waiting.
    req.on('error', (e) => counter.destroy(e));
    req.once('close', () => {
      if (!req.complete && !counter.destroyed) counter.destroy(new Error('request body aborted'));
    });
    req.pipe(counter);
    stream = counter;
  }
  // The reader (Remix's stream pump) listens for errors only while it reads; one arriving after it
  // let go must not become an uncaught exception.
  stream.on('error', () => undefined);
  return {
    limit,
    get exceeded() {
      return exceeded;
    },
    stream,
  };
}

/**
 * After the answer has gone out, whatever the app did not read of the body is read and thrown
 * away, so the client sees the answer rather than a reset. A body within its limit (the app
 * answered without needing it, e.g. a redirect to sign in) is drained to its end, but no further
 * than the limit; one already over it gets LINGER_MS, then the connection is dropped: closing at
 * once would make a browser still uploading show a reset instead of our 413 page, draining without
 * end would let one client keep us busy.
 */
export const LINGER_MS = 5_000;

export function discardUnreadBody(req: IncomingMessage, guard: BodyGuard | undefined) {
  if (req.complete || req.destroyed) return;
  req.unpipe();
  req.removeAllListeners('data');
  const drop = () => req.socket?.destroy();
  const budget = guard && !guard.exceeded ? guard.limit : 0;
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.byteLength;
    if (budget > 0 && drained > budget) drop();
  });
  req.resume();
  if (budget > 0) return;
  const timer = setTimeout(drop, LINGER_MS);
  timer.unref();
  const stop = () => clearTimeout(timer);
  req.once('end', stop);
  req.once('close', stop);
}

/** The guard of the request a load context was made for (server/guarded-build.ts reads it). */
const guards = new WeakMap<object, BodyGuard>();
export const attachBodyGuard = (context: object, guard: BodyGuard) => guards.set(context, guard);
export const bodyGuardOf = (context: object): BodyGuard | undefined => guards.get(context);
