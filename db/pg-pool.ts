import pg from 'pg';

/**
 * node-postgres connections that survive the database going away: a PostgreSQL restart, a
 * failover, `pg_terminate_backend`, a network cut. Without what is here, each of those kills the
 * process — a connection that breaks while checked out of the pool emits `error` on its client,
 * nobody listens, and Node exits — or slowly starves it of connections.
 */

/**
 * How long a query waits for a connection — a new one, or its turn at a full pool — before it
 * fails. pg waits forever by default: while the server is unreachable (a failover whose packets
 * vanish) every request would hang until the client gave up. A restart refuses connections at
 * once, so this matters only when nothing answers; five seconds is far above a healthy pool's
 * wait and far below a browser's or nginx's patience.
 */
export const CONNECT_TIMEOUT_MS = 5_000;

/**
 * TCP keepalive on every connection, first probe after this much silence: a connection whose
 * server vanished without a word (a failover, a cut cable) is found dead by the kernel instead of
 * waiting forever for an answer. Node sets only this delay; how many probes, how far apart, is
 * the host's setting (README: When the database goes away).
 */
export const KEEPALIVE_DELAY_MS = 10_000;

/** The settings every connection of ours gets, pooled or not. */
export function connectionConfig(url: string, applicationName: string): pg.ClientConfig {
  return {
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
    // Shown in pg_stat_activity: an operator (and the fault tests) can tell our connections apart.
    application_name: applicationName,
  };
}

/**
 * Logs a client's lost connection, once per client. Listening at all is the point: an `error`
 * event nobody hears is an uncaught exception. The message is the server's or the socket's
 * (e.g. "57P01 terminating connection due to administrator command"), never the URL.
 */
export function watchConnection(client: pg.ClientBase, what: string): void {
  let told = false;
  client.on('error', (err: Error & { code?: string }) => {
    if (told) return;
    told = true;
    console.warn(`pg: ${what} lost its connection (${[err.code, err.message].filter(Boolean).join(' ')})`);
  });
}

type PoolClient = pg.PoolClient;

/**
 * A pg Pool whose clients cannot take the process down and are never leaked or reused broken.
 *
 * - Every client gets an `error` listener for its whole life (watchConnection), checked out or
 *   idle. pg-pool listens only while a client is idle.
 * - A client checked out with `connect()` — drizzle's transactions — goes back to the pool with
 *   its error when its connection broke, so the pool destroys it (checkedOut). `pool.query()`
 *   (drizzle's statements outside a transaction) already releases with the error.
 */
export class ResilientPool extends pg.Pool {
  constructor(url: string, opts: { max: number; applicationName: string }) {
    super({ ...connectionConfig(url, opts.applicationName), max: opts.max });
    this.on('connect', (client) => watchConnection(client, 'a pooled client'));
    // pg-pool also emits an idle client's error on the pool, after discarding the client; the
    // client's own listener has logged it. Unheard, this event too would end the process.
    this.on('error', () => undefined);
  }

  override connect(): Promise<PoolClient>;
  override connect(callback: (err: Error | undefined, client: PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(
    callback?: (err: Error | undefined, client: PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): Promise<PoolClient> | void {
    // pool.query() checks out with a callback and handles errors itself; only the promise form
    // hands a client to code outside pg.
    if (callback) return super.connect(callback);
    return super.connect().then(checkedOut);
  }
}

/** What pg resolves a statement with; drizzle ignores the result of a ROLLBACK. */
const ROLLED_BACK = { command: 'ROLLBACK', rowCount: null, oid: 0, rows: [], fields: [] } satisfies pg.QueryResult;

const statementText = (config: unknown): string =>
  (typeof config === 'string' ? config : typeof config === 'object' && config && 'text' in config ? String(config.text) : '').trim().toLowerCase();

/**
 * A checked-out client as drizzle's node-postgres session uses it for a transaction (BEGIN, the
 * body, COMMIT or ROLLBACK, then release()), mended where a dead connection would hurt:
 *
 * - A failed BEGIN: drizzle sends it before its try/finally, so it never releases that client.
 *   Each one would hold a pool slot forever until the pool is full of dead clients and every
 *   request waits. We release it, with the error, ourselves.
 * - A failed ROLLBACK: the connection is gone and the server has rolled the transaction back
 *   already. drizzle would throw the ROLLBACK's error ("Client has encountered a connection
 *   error…") in place of the one that broke the transaction; we swallow it so the caller sees the
 *   real cause, and remember it so release() makes the pool destroy the client.
 * - release() passes the first failure along, so a client whose state we no longer know is
 *   destroyed rather than handed to the next request.
 */
function checkedOut(client: PoolClient): PoolClient {
  let broken: Error | undefined;
  let released = false;
  const release = (err?: Error | boolean) => {
    if (released) return;
    released = true;
    client.release(err || broken);
  };
  const query = async (config: unknown, values?: unknown) => {
    const text = statementText(config);
    try {
      return await (client.query as (c: unknown, v?: unknown) => Promise<pg.QueryResult>)(config, values);
    } catch (e) {
      if (text.startsWith('begin')) {
        release(e as Error);
      } else if (text === 'rollback') {
        broken = e as Error;
        return ROLLED_BACK;
      }
      throw e;
    }
  };
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'query') return query;
      if (prop === 'release') return release;
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}
