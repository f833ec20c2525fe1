import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bodyLimitFor, FORM_BODY_LIMIT, MULTIPART_OVERHEAD } from '../../server/body-limit.js';
import { dataExceptionCode, isDatabaseUnavailable } from '../../db/failures.js';
import { isProduction, mocksEnabled, parseTrustProxy, portFromEnv, sessionSecret, startupFailure } from '../../server/settings.js';
import { clockFromEnv } from '../../server/simulated-clock.js';
import { DEFAULT_STOP_TIMEOUT_SECONDS, stopTimeoutFromEnv } from '../../server/stop-within.js';
import { signingKeysFromEnv } from '../../server/secrets.js';
import { SettingError } from '../../services/setting-error.js';
import { defaultConfig } from '../../services/context.js';

describe('server settings from the environment', () => {
  it('is production unless NODE_ENV=development', () => {
    expect(isProduction({})).toBe(true);
    expect(isProduction({ NODE_ENV: 'production' })).toBe(true);
    expect(isProduction({ NODE_ENV: 'test' })).toBe(true);
    expect(isProduction({ NODE_ENV: 'development' })).toBe(false);
  });

  it('simulates the external systems for the embedded database, not for PostgreSQL, unless MOCKS says', () => {
    expect(mocksEnabled({})).toBe(true);
    expect(mocksEnabled({ DATABASE_URL: 'postgres://db/x' })).toBe(false);
    expect(mocksEnabled({ DATABASE_URL: 'postgres://db/x', MOCKS: 'true' })).toBe(true);
    expect(mocksEnabled({ MOCKS: 'false' })).toBe(false);
  });

  it('generates a session secret for the embedded database once, and requires one with DATABASE_URL', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'onewindow-secret-'));
    try {
      const first = sessionSecret({}, root);
      expect(first).toMatch(/^[0-9a-f]{64}$/);
      expect(sessionSecret({}, root)).toBe(first);
      expect(sessionSecret({ SESSION_SECRET: 'given' }, root)).toBe('given');
      expect(() => sessionSecret({ DATABASE_URL: 'postgres://db/x' }, root)).toThrow(/SESSION_SECRET must be set/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('trusts no proxy unless TRUST_PROXY names hops or addresses, and refuses to trust everyone', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('loopback')).toEqual(['loopback']);
    expect(parseTrustProxy('10.0.0.0/8, 192.168.1.5,::1')).toEqual(['10.0.0.0/8', '192.168.1.5', '::1']);
    expect(() => parseTrustProxy('true')).toThrow(/TRUST_PROXY/);
    expect(() => parseTrustProxy('nginx')).toThrow(/not an address/);
  });
});

describe('body limits', () => {
  it('gives the two upload routes the request limit plus the multipart framing, every other path a small form', () => {
    const config = defaultConfig();
    const upload = config.maxRequestBytes + MULTIPART_OVERHEAD;
    expect(bodyLimitFor('/services/hukou-migration/apply', config)).toBe(upload);
    expect(bodyLimitFor('/applications/BJ2026000001/supplement', config)).toBe(upload);
    for (const p of ['/login', '/signup', '/desk', '/services/x/apply/extra', '/applications/x/rate', '/services/apply']) {
      expect(bodyLimitFor(p, config), p).toBe(FORM_BODY_LIMIT);
    }
  });
});

describe('failures the edge recognises', () => {
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
  /** As drizzle reports a failed query: its own message (SQL and parameters) with the driver's error as cause. */
  const viaDrizzle = (cause: unknown) => Object.assign(new Error('Failed query: select 1\nparams: '), { cause });

  it('takes connection failures, shutdowns and a full server for "unavailable", through drizzle and AggregateError', () => {
    for (const e of [
      withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], 'connect failed'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      withCode('terminating connection due to administrator command', '57P01'),
      withCode('the database system is starting up', '57P03'),
      withCode('sorry, too many clients already', '53300'),
      withCode('connection failure', '08006'),
      // What a new connection is refused with while the database is out of service or its settings changed.
      withCode('database "onewindow" is not currently accepting connections', '55000'),
      withCode('database "onewindow" does not exist', '3D000'),
      withCode('password authentication failed for user "onewindow"', '28P01'),
      withCode('role "onewindow" does not exist', '28000'),
    ]) {
      expect(isDatabaseUnavailable(e), e.message).toBe(true);
      expect(isDatabaseUnavailable(viaDrizzle(e)), e.message).toBe(true);
    }
  });

  it('does not take query errors for unavailability', () => {
    expect(isDatabaseUnavailable(withCode('relation "x" does not exist', '42P01'))).toBe(false);
    expect(isDatabaseUnavailable(viaDrizzle(withCode('duplicate key', '23505')))).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(withCode('cannot change sequence "x"', '55000'))).toBe(false);
  });

  it('finds a class-22 SQLSTATE anywhere in the chain', () => {
    expect(dataExceptionCode(viaDrizzle(withCode('invalid byte sequence for encoding "UTF8": 0x00', '22021')))).toBe('22021');
    expect(dataExceptionCode(withCode('value out of range', '22003'))).toBe('22003');
    expect(dataExceptionCode(withCode('duplicate key', '23505'))).toBeNull();
    expect(dataExceptionCode('not even an error')).toBeNull();
  });
});

describe('what a process that cannot start says', () => {
  const env = { DATABASE_URL: 'postgres://onewindow@db.internal:5433/portal' };

  it("an operator's setting: one sentence, no stack", () => {
    let thrown: unknown;
    try {
      signingKeysFromEnv({ DATABASE_URL: env.DATABASE_URL }, '/nowhere');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(SettingError);
    const said = startupFailure(thrown, env);
    expect(said).toMatch(/^onewindow: could not start: DOCUMENT_SIGNING_KEYS must be set/);
    expect(said).not.toMatch(/\n\s+at /);
  });

  it("a refused connection: where, and the server's own words with its SQLSTATE", () => {
    const refused = Object.assign(new Error('database "portal" does not exist'), { code: '3D000' });
    expect(startupFailure(refused, env)).toBe(
      'onewindow: cannot reach PostgreSQL at db.internal:5433/portal (DATABASE_URL) (3D000: database "portal" does not exist). Is the server running, and is the URL right?',
    );
  });

  it('PORT must be a port number, checked before anything starts', () => {
    expect(portFromEnv({})).toBe(3000);
    expect(portFromEnv({ PORT: '4101' })).toBe(4101);
    for (const bad of ['abc', '0', '65536', '80x', '-1', '1e3']) expect(() => portFromEnv({ PORT: bad }), bad).toThrow(SettingError);
  });

  it('STOP_TIMEOUT_SECONDS: whole seconds from 1 to 3600, 20 when unset', () => {
    expect(stopTimeoutFromEnv({})).toBe(DEFAULT_STOP_TIMEOUT_SECONDS);
    expect(stopTimeoutFromEnv({ STOP_TIMEOUT_SECONDS: ' 45 ' })).toBe(45);
    for (const bad of ['0', '3601', '2.5', 'ten', '-3', '1e2']) expect(() => stopTimeoutFromEnv({ STOP_TIMEOUT_SECONDS: bad }), bad).toThrow(SettingError);
  });

  it('the simulated clock only with MOCKS, for the worker as for the server', () => {
    expect(() => clockFromEnv({ SIMULATED_CLOCK_FILE: '/tmp/x' }, false)).toThrow(SettingError);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'clock-')), 'offset');
    fs.writeFileSync(file, String(8 * 86_400_000));
    const ahead = clockFromEnv({ SIMULATED_CLOCK_FILE: file }, true).now().getTime() - Date.now();
    expect(ahead).toBeGreaterThan(7 * 86_400_000);
    expect(clockFromEnv({}, false).now().getTime() - Date.now()).toBeLessThan(86_400_000);
  });
});
