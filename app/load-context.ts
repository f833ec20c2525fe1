import type { Db } from '#db/client';
import type { Actor, Clock, Config } from '#services/context';

/** What the server hands every loader and action: the database is created once, in server/. */
export type OneWindowContext = {
  db: Db;
  /**
   * What reports read through: a read replica when REPORTS_DATABASE_URL is set (seconds stale),
   * otherwise absent and reports read the primary. Never written through.
   */
  reportsDb?: Db;
  clock: Clock;
  config: Config;
  sessionSecret: string;
  production: boolean;
  /** Per-request Content-Security-Policy nonce for the inline scripts Remix emits. */
  cspNonce?: string;
  /**
   * What one request works out once for all its loaders, made afresh by the server for every
   * GET (server/app.ts; an action may change who is signed in before the loaders run). Remix
   * hands each loader its own copy of the Request (it strips `?index` and `?_data` into a new
   * one), so a memo keyed by the Request is not shared between the root loader and the page's: a
   * signed-in page looked its session up twice. Absent where a loader is called directly (tests):
   * then each Request is its own.
   */
  perRequest?: { actor?: Promise<Actor> };
  /**
   * The URLs of the pages' own small scripts, content-hashed under /build/enhance/ by
   * scripts/build-enhancements.ts (decision 0046). Absent where none were built (tests that
   * assemble the build from sources): those pages then work without, as without JavaScript.
   */
  enhancements?: Enhancements;
  /** The client's address (express req.ip, one proxy hop trusted), for per-address rate limits. */
  clientIp?: string;
};

/** Script name → its URL (see scripts/build-enhancements.ts for the names). */
export type Enhancements = { applyForm?: string };

declare module '@remix-run/node' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends OneWindowContext {}
}
