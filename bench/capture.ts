/**
 * The pgbench reference for submissions is the SQL the filing route sends, taken from the code
 * rather than copied by hand: one filing is made through the same functions the route calls
 * (resolveSession for the cookie, then submitApplication) on a drizzle instance that logs every
 * statement with its parameters, and the log becomes a pgbench script. So the reference follows
 * every change to the service (another statement, one fewer, a different rollup upsert) in the
 * very run that measures it; bench/pgbench/submit.sql keeps the latest script.
 *
 * In the script the values that make one filing different from the next become expressions:
 * the application id (md5 of the client and a random number, the same within a transaction),
 * the application number (from the nextval the service selects, \gset), anything containing
 * them (idempotency keys, JSON), and timestamps (now(), or now() plus the captured offset). The
 * session and the citizen are the pgbench variables :sid and :uid. Everything else is the
 * literal the route sent, untyped as node-postgres sends its parameters.
 */
import { randomUUID } from 'node:crypto';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Db } from '../db/client.js';
import type { RawAnswers } from '../services/applications/apply-input.js';
import { submitApplication } from '../services/applications/submit.js';
import { resolveSession } from '../services/auth/sessions.js';
import { defaultConfig, systemClock } from '../services/context.js';

export type Statement = { sql: string; params: unknown[] };

export type Filing = {
  serviceCode: string;
  answers: RawAnswers;
  files: { materialCode: string; originalName: string; bytes: Uint8Array }[];
};

/** Files one application as the route would, logging every statement sent. */
export async function captureFiling(
  databaseUrl: string,
  sessionId: string,
  uploadDir: string,
  filing: Filing,
): Promise<{ statements: Statement[]; applicationId: string; number: string; userId: string; startedAt: number }> {
  const statements: Statement[] = [];
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  let logging = false;
  try {
    const db = drizzle(pool, { logger: { logQuery: (sql, params) => void (logging && statements.push({ sql, params })) } }) as unknown as Db;
    const file = async () => {
      const actor = await resolveSession(db, systemClock, sessionId);
      if (actor.kind !== 'user') throw new Error('capture: the session does not resolve to a user');
      const applicationId = randomUUID();
      const { number } = await submitApplication(
        { db, actor, clock: systemClock, config: defaultConfig({ uploadDir }) },
        { applicationId, serviceCode: filing.serviceCode, rawAnswers: filing.answers, files: filing.files },
      );
      return { applicationId, number, userId: actor.id };
    };
    // The first filing fills the reference cache (services/reference-cache.ts) as a running
    // server's has long been; the second is what every later filing sends.
    await file();
    logging = true;
    const startedAt = Date.now();
    return { statements, ...(await file()), startedAt };
  } finally {
    await pool.end();
  }
}

export const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)$/;

/**
 * A string literal pgbench leaves alone: it reads `:name` anywhere in a command as a variable,
 * so colons are written as \x3a in an E'' string.
 */
export function literal(s: string): string {
  const body = s
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/:/g, '\\x3a')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r');
  return `E'${body}'`;
}

export function pgbenchScript(
  captured: { statements: Statement[]; applicationId: string; number: string; userId: string; startedAt: number },
  sessionId: string,
  header: string,
): string {
  const { applicationId, number, userId, startedAt } = captured;
  // The number comes from the sequence, drawn either by a select of its own or inside the
  // statement that stores it (returning it); either way that statement's result is \gset.
  const seqStatement = captured.statements.findIndex((s) => /nextval\(/i.test(s.sql));
  if (seqStatement < 0) throw new Error('capture: no statement draws nextval(…): how the number is made changed; teach bench/capture.ts');
  const seqSql = captured.statements[seqStatement].sql;
  let numberExpr: string;
  if (/^\s*select nextval\(.*\bas seq\s*$/is.test(seqSql)) {
    // services/applications/numbers.ts: 'GA', the China day, the sequence value padded to at least 6.
    const m = /^(GA\d{8})\d{6,}$/.exec(number);
    if (!m) throw new Error(`capture: application number ${number} is not GA<day><sequence>; teach bench/capture.ts`);
    numberExpr = `(${literal(m[1])} || lpad((:seq)::text, greatest(6, length((:seq)::text)), '0'))`;
  } else if (/returning "number"(,|\s*$)/i.test(seqSql)) {
    numberExpr = ':number';
  } else {
    throw new Error(`capture: cannot tell how this statement yields the number: ${seqSql}`);
  }
  const appExpr = `(md5((:client_id)::text || '-' || (:r)::text)::uuid)`;

  const value = (v: unknown): string => {
    if (v === null || v === undefined) return 'null';
    if (v instanceof Date) return value(v.toISOString());
    if (typeof v === 'number' || typeof v === 'bigint') return literal(String(v));
    if (typeof v === 'boolean') return literal(v ? 'true' : 'false');
    if (typeof v !== 'string') return value(JSON.stringify(v));
    if (v === sessionId) return ':sid';
    if (v === userId) return ':uid';
    if (v === applicationId) return appExpr;
    if (v === number) return numberExpr;
    if (ISO_TIME.test(v)) {
      const offset = Math.round((Date.parse(v) - startedAt) / 1000);
      return Math.abs(offset) <= 60 ? 'now()' : `(now() + interval '${offset} seconds')`;
    }
    if (v.includes(applicationId) || v.includes(number)) {
      let e = literal(v);
      if (v.includes(applicationId)) e = `replace(${e}, ${literal(applicationId)}, ${appExpr}::text)`;
      if (v.includes(number)) e = `replace(${e}, ${literal(number)}, ${numberExpr})`;
      return /^[[{]/.test(v) ? `${e}::jsonb` : e;
    }
    return literal(v);
  };

  const lines = captured.statements.map((s, i) => {
    const text = s.sql.replace(/\$(\d+)/g, (_, n: string) => value(s.params[Number(n) - 1]));
    if (/(^|[^:]):[a-z_]/i.test(text.replace(/E'(\\.|[^'\\])*'/g, '').replace(/:(sid|uid|seq|number|client_id|r)\b/g, ''))) {
      throw new Error(`capture: statement ${i + 1} still has a ':' pgbench would read as a variable: ${text}`);
    }
    return i === seqStatement ? `${text} \\gset` : `${text};`;
  });
  return `${header}
\\set r random(1, 1000000000000000)
${lines.join('\n')}
`;
}
