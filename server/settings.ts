import { randomBytes } from 'node:crypto';
import { connectionFailure, isDatabaseUnavailable, loggable } from '../db/failures.js';
import type { KeyRing } from '../services/auth/secret-box.js';
import { dataKeysFromEnv, generatedSecret, publicUrlFromEnv, signingKeysFromEnv } from './secrets.js';
import type { SigningKeyRing } from '../services/documents/signing-keys.js';
import { SettingError } from '../services/setting-error.js';

/**
 * How the environment decides the server's behaviour, in one place (server/index.ts and the
 * worker read it; tests read it with a given environment).
 *
 * Production behaviour is the default: Remix's production mode (error pages and `?_data`
 * answers say nothing about the code, the SQL or the server's paths), Secure session cookies,
 * HSTS. Only NODE_ENV=development, which `npm run dev` sets, turns them off. Whether the demo
 * runs (demo accounts, simulated external systems) is a separate question, answered by
 * SEED_DEMO and MOCKS.
 */
export type TrustProxy = false | number | string[];

/** process.env, or any environment a test makes up. */
export type Env = Record<string, string | undefined>;

export type ServerSettings = {
  production: boolean;
  /** Simulate the external systems in-process (msw, tests/mocks). */
  mocks: boolean;
  sessionSecret: string;
  /** Seal secrets at rest (TOTP); see server/secrets.ts. */
  dataKeys: KeyRing;
  /** Sign the issued PDFs (decision 0034); see server/secrets.ts. */
  signingKeys: SigningKeyRing;
  publicUrl: string;
  trustProxy: TrustProxy;
};

export const isProduction = (env: Env) => env.NODE_ENV !== 'development';

/**
 * The embedded database is the try-it-out setup, so the external systems are simulated there
 * unless MOCKS=false; with DATABASE_URL the portal is being deployed and must be pointed at the
 * real systems (their *_URL variables) or told MOCKS=true explicitly.
 */
export const mocksEnabled = (env: Env) => (env.MOCKS ? env.MOCKS === 'true' : !env.DATABASE_URL);

/**
 * SESSION_SECRET, or for the embedded database one generated into <root>/.data: that database
 * lives in the same directory and belongs to this one process, so the secret cannot be out of
 * step with another replica's. With DATABASE_URL every replica must sign with the same secret,
 * so it has to be given.
 */
export function sessionSecret(env: Env, root: string): string {
  if (env.SESSION_SECRET) return env.SESSION_SECRET;
  if (env.DATABASE_URL) throw new SettingError('SESSION_SECRET must be set when DATABASE_URL is set: every process signs session cookies with it');
  return generatedSecret(root, 'session-secret', () => randomBytes(32).toString('hex'));
}

/**
 * TRUST_PROXY: which proxies may tell us the client's address (X-Forwarded-For) and scheme.
 * Unset: none; the address is the connection's, so a client cannot pick its own and escape the
 * per-address sign-in limit. A number trusts that many hops in front of the app (compose: 1,
 * nginx); otherwise a comma-separated list of addresses or subnets of the proxies, or Express's
 * names `loopback`, `linklocal`, `uniquelocal`. `true` (trust everyone) is refused: it would
 * let any client name its own address.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const v = (value ?? '').trim();
  if (v === '' || v === 'false' || v === '0') return false;
  if (/^\d+$/.test(v)) return Number(v);
  if (v === 'true') throw new SettingError('TRUST_PROXY=true would believe any client about its own address; give the number of proxy hops (e.g. 1) or the proxies\' addresses');
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  const named = new Set(['loopback', 'linklocal', 'uniquelocal']);
  for (const entry of list) {
    if (!named.has(entry) && !/^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(entry)) throw new SettingError(`TRUST_PROXY: "${entry}" is not an address, a subnet or one of ${[...named].join(', ')}`);
  }
  return list;
}

/** PORT, checked before anything is migrated: a port number, 3000 when unset. */
export function portFromEnv(env: Env): number {
  const v = (env.PORT ?? '').trim();
  if (v === '') return 3000;
  const port = Number(v);
  if (!/^\d+$/.test(v) || port < 1 || port > 65535) throw new SettingError(`PORT must be a port number from 1 to 65535, not "${v}"`);
  return port;
}

export function serverSettings(env: Env, root: string): ServerSettings {
  return {
    production: isProduction(env),
    mocks: mocksEnabled(env),
    sessionSecret: sessionSecret(env, root),
    dataKeys: dataKeysFromEnv(env, root),
    signingKeys: signingKeysFromEnv(env, root),
    publicUrl: publicUrlFromEnv(env),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
  };
}

/**
 * What a process that could not start prints: one sentence an operator can act on when the
 * database is out of reach (which setting, which host), otherwise the error as a log may carry it.
 */
export function startupFailure(error: unknown, env: Env): string {
  if (isDatabaseUnavailable(error)) {
    let where = 'the embedded database';
    if (env.DATABASE_URL) {
      try {
        const u = new URL(env.DATABASE_URL);
        where = `PostgreSQL at ${u.hostname}:${u.port || '5432'}${u.pathname} (DATABASE_URL)`;
      } catch {
        where = 'the PostgreSQL server DATABASE_URL names';
      }
    }
    return `onewindow: cannot reach ${where} (${connectionFailure(error) ?? (error instanceof Error ? error.message : String(error))}). Is the server running, and is the URL right?`;
  }
  // The operator's setting, said in one sentence; a stack would point at our parser, not at it.
  if (error instanceof SettingError) return `onewindow: could not start: ${error.message}`;
  return `onewindow: could not start: ${loggable(error)}`;
}
