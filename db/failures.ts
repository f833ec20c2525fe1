/**
 * Which errors a loader or action can throw that are not the code's fault and not a 500:
 *
 * - the database cannot be reached right now (a restart, a failover, the pool exhausted, the
 *   server refusing connections): the request may well succeed in a moment, so 503;
 * - the database refused a value as data (SQLSTATE class 22: a NUL byte, a number out of range,
 *   a date that does not exist): the request carried it, so 400. The routes' own input checks
 *   are meant to stop such values first; this only guarantees they never become a 500.
 *
 * drizzle wraps the driver's error (DrizzleQueryError, whose message holds the SQL and its
 * parameters), so the whole `cause` chain is examined; Node's connect errors may be an
 * AggregateError over every address tried.
 */

/** node-postgres socket errors (net's `code`): nothing reached the server, or it went away. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/**
 * SQLSTATEs meaning "not now" rather than "not this": class 08 (connection exception),
 * 57P01-57P03 (the server shutting down, crashed, or not yet accepting connections) and 53300
 * (too many connections); and what a new connection is refused with when the database itself is
 * out of service or its settings changed underneath — 3D000 (the database is gone or renamed),
 * class 28 (the role or its password no longer accepted). None of these is the request's fault.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '3D000']);

/** Driver messages without a code: pg-pool's connect timeout and a connection dropped mid-query. */
const UNAVAILABLE_MESSAGES = [
  /^timeout exceeded when trying to connect/,
  /^Connection terminated/,
  /^Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
  // The pool or the embedded engine closed while requests were still arriving (shutdown).
  /^Cannot use a pool after calling end on the pool/,
  /^PGlite is clos(ed|ing)/,
  // SQLSTATE 55000 is broad; with this text it is ALTER DATABASE … ALLOW_CONNECTIONS false.
  /is not currently accepting connections/,
];

function* causes(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  const queue = [error];
  while (queue.length > 0) {
    const e = queue.shift();
    if (e === null || e === undefined || seen.has(e)) continue;
    seen.add(e);
    yield e;
    if (typeof e === 'object') {
      queue.push((e as { cause?: unknown }).cause);
      const inner = (e as { errors?: unknown }).errors;
      if (Array.isArray(inner)) queue.push(...inner);
    }
  }
}

const codeOf = (e: unknown) => (typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : '');
const messageOf = (e: unknown) => (e instanceof Error ? e.message : '');

export function isDatabaseUnavailable(error: unknown): boolean {
  for (const e of causes(error)) {
    const code = codeOf(e);
    if (SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^(08|28)[0-9A-Z]{3}$/.test(code)) return true;
    const message = messageOf(e);
    if (UNAVAILABLE_MESSAGES.some((m) => m.test(message))) return true;
  }
  return false;
}

/** The SQLSTATE of a class-22 (data exception) error in the chain, or null. */
export function dataExceptionCode(error: unknown): string | null {
  for (const e of causes(error)) {
    const code = codeOf(e);
    if (/^22[0-9A-Z]{3}$/.test(code)) return code;
  }
  return null;
}

/**
 * An error as a log line may carry it: drizzle's DrizzleQueryError puts the statement's bound
 * parameters in its message and stack (what people typed, session ids), so a failed query is
 * logged as its SQL text and the driver's own error, never its parameters. Other errors keep
 * their stack: they are bugs, and the stack is how they get fixed.
 */
export function loggable(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (isFailedQuery(error)) {
    const { query } = error;
    const cause = error.cause instanceof Error ? (error.cause.stack ?? error.cause.message) : String(error.cause ?? '');
    const code = codeOf(error.cause);
    return `Failed query (parameters not logged): ${query}\n${code ? `SQLSTATE ${code}: ` : ''}${cause}`;
  }
  const cause = error.cause === undefined ? '' : `\ncaused by: ${loggable(error.cause)}`;
  return `${error.stack ?? error.message}${cause}`;
}

/**
 * What a startup failure says of a refused connection: the socket code (ECONNREFUSED), or the
 * server's SQLSTATE with its own words (3D000: database "x" does not exist), which name no
 * statement or parameter since nothing was queried yet.
 */
export function connectionFailure(error: unknown): string | null {
  for (const e of causes(error)) {
    const code = codeOf(e);
    if (/^[0-9A-Z]{5}$/.test(code)) return `${code}: ${messageOf(e)}`;
    if (code) return code;
  }
  return null;
}

/** drizzle's DrizzleQueryError (its message and stack hold the bound parameters). */
export function isFailedQuery(error: unknown): error is Error & { query: string; params: unknown } {
  return error instanceof Error && typeof (error as { query?: unknown }).query === 'string' && 'params' in error;
}
