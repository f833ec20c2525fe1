import type { Db } from '#db/client';
import type { Clock, Config } from '#services/context';

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
  /** The client's address (express req.ip, one proxy hop trusted), for per-address rate limits. */
  clientIp?: string;
};

declare module '@remix-run/node' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends OneWindowContext {}
}
