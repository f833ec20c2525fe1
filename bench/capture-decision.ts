/**
 * The pgbench reference for a clerk's whole decision (bench/queue.ts): the statements one decision
 * sends — take next, a verdict for each material, the acceptance, BEGIN and COMMIT included —
 * taken from the code as bench/capture.ts takes a filing's: one decision is made through the same
 * service functions on a pool whose client logs every statement with its parameters and its
 * result, and the log becomes a pgbench script. So the reference follows every change to those
 * paths in the very run that measures them; bench/pgbench/decision-*.sql keep the latest scripts.
 *
 * In the script, a value an earlier statement returned (the item take next picked, its number,
 * a decision's or document's id or number) becomes that statement's result (`\aset sN_`, the
 * last row of it: pgbench keeps the last) read back as a variable; the lease version the take
 * returned likewise. A uuid no earlier statement returned is one the code made (a new row's id):
 * it becomes a fresh one per transaction, md5 of the client and a random number. The clerk is
 * the pgbench variable :clerk; timestamps become now() (or now() plus the captured offset);
 * everything else is the literal the code sent, untyped as node-postgres sends its parameters.
 */
import pg from 'pg';
import { ISO_TIME, literal } from './capture.js';

type Captured = { text: string; values: unknown[]; fields: string[]; last: unknown[] | null };

/**
 * Runs `fn` while every statement any pg client of this process sends is logged with its result
 * (nothing else may run meanwhile). node-postgres's Client.query is called with a callback by
 * Pool.query and without one (a promise) inside transactions; both are followed.
 */
export async function captureStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: Captured[] }> {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const statements: Captured[] = [];
  const record = (config: unknown, values: unknown, res: unknown) => {
    const c = typeof config === 'string' ? { text: config, values } : (config as { text: string; values?: unknown[] });
    const r = res as { fields?: { name: string }[]; rows?: unknown[] } | undefined;
    const fields = (r?.fields ?? []).map((f) => f.name);
    const lastRow = r?.rows?.length ? r.rows[r.rows.length - 1] : null;
    const last = lastRow === null ? null : Array.isArray(lastRow) ? lastRow : fields.map((f) => (lastRow as Record<string, unknown>)[f]);
    statements.push({ text: c.text, values: (c.values ?? (Array.isArray(values) ? values : [])) as unknown[], fields, last });
  };
  proto.query = function (this: unknown, ...args: unknown[]) {
    const [config, values] = args;
    const cb = args[args.length - 1];
    if (typeof cb === 'function') {
      args[args.length - 1] = (err: unknown, res: unknown) => {
        if (!err) record(config, values, res);
        return (cb as (e: unknown, r: unknown) => unknown)(err, res);
      };
      return original.apply(this, args);
    }
    const out = original.apply(this, args) as Promise<unknown> | undefined;
    return out?.then?.((res) => (record(config, values, res), res));
  };
  try {
    return { result: await fn(), statements };
  } finally {
    proto.query = original;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A value worth following from one statement to the next: an id or a number, not a word every row has (a status, an office). */
const followed = (v: string) => UUID.test(v) || (/\d{4,}/.test(v) && !ISO_TIME.test(v));
/** A number the code builds from a counter another statement returned: prefix and zero-padded value. */
const COUNTED_NUMBER = /^(.*\D)(\d{6,})$/;

/** The pgbench script of the captured statements (see the top of this file). */
export function decisionScript(statements: Captured[], clerkId: string, startedAt: number, header: string): string {
  // What earlier statements returned, by value: the first statement and column that did.
  const returned = new Map<string, string>();
  /** Integers earlier statements returned (a document counter's value), for numbers built from them. */
  const counters = new Map<number, string>();
  const asetOf = new Set<number>();
  const fresh = new Map<string, string>();
  const seenVar = (v: string) => returned.get(v);
  const lines = statements.map((s, i) => {
    const leaseParams = new Set([...s.text.matchAll(/"lease_version" = \$(\d+)/g)].map((m) => Number(m[1]) - 1));
    const value = (v: unknown, at: number): string => {
      if (v === null || v === undefined) return 'null';
      if (v instanceof Date) return value(v.toISOString(), at);
      if (typeof v === 'number' || typeof v === 'bigint') {
        const lease = leaseParams.has(at) ? seenVar(`lease:${v}`) : undefined;
        return lease ?? literal(String(v));
      }
      if (typeof v === 'boolean') return literal(v ? 'true' : 'false');
      if (typeof v !== 'string') return value(JSON.stringify(v), at);
      if (v === clerkId) return ':clerk';
      const known = followed(v) ? seenVar(v) : undefined;
      if (known) return known;
      const counted = COUNTED_NUMBER.exec(v);
      const counter = counted ? counters.get(Number(counted[2])) : undefined;
      if (counted && counter) {
        const expr = `(${literal(counted[1])} || lpad((${counter})::text, ${counted[2].length}, '0'))`;
        returned.set(v, expr);
        return expr;
      }
      if (UUID.test(v)) {
        // A new row's id the code made: a fresh one in every transaction.
        if (!fresh.has(v)) fresh.set(v, `(md5((:client_id)::text || '-' || (:r)::text || '-${fresh.size}')::uuid)`);
        return fresh.get(v)!;
      }
      if (ISO_TIME.test(v)) {
        const offset = Math.round((Date.parse(v) - startedAt) / 1000);
        return Math.abs(offset) <= 60 ? 'now()' : `(now() + interval '${offset} seconds')`;
      }
      // Text or JSON that contains a value returned before (an id, a number): that part replaced.
      let e = literal(v);
      let changed = false;
      for (const [r, expr] of returned) {
        if (followed(r) && !r.startsWith('lease:') && v.includes(r)) {
          e = `replace(${e}, ${literal(r)}, (${expr})::text)`;
          changed = true;
        }
      }
      if (!changed) return e;
      return /^[[{]/.test(v) ? `${e}::jsonb` : e;
    };
    const text = s.text.replace(/\$(\d+)/g, (_, n: string) => value(s.values[Number(n) - 1], Number(n) - 1));
    // This statement's results, for the statements after it.
    s.fields.forEach((f, k) => {
      const v = s.last?.[k];
      const ambiguous = s.fields.filter((x) => x === f).length > 1 || !/^[a-z_][a-z0-9_]*$/i.test(f);
      if (ambiguous || v === null || v === undefined) return;
      const name = `:s${i}_${f}`;
      if (/lease_?version/i.test(f) && typeof v === 'number') {
        if (!returned.has(`lease:${v}`)) returned.set(`lease:${v}`, name);
        asetOf.add(i);
        return;
      }
      // A counter is what a write hands back (insert … on conflict do update … returning), or a
      // sequence's value read as a column (a document's serial, services/documents/numbers.ts): the latest such wins.
      const counter =
        (typeof v === 'number' && Number.isInteger(v) && v > 0 && /^\s*(insert|update)\b/i.test(s.text)) ||
        (/^(serial|nextval)$/.test(f) && typeof v === 'string' && /^\d+$/.test(v) && /nextval\(/i.test(s.text));
      if (counter) {
        counters.set(Number(v), name);
        asetOf.add(i);
        return;
      }
      const key = v instanceof Date ? '' : String(v);
      if (followed(key) && !returned.has(key) && key !== clerkId) {
        returned.set(key, name);
        asetOf.add(i);
      }
    });
    return { text, i };
  });
  const out = lines.map(({ text, i }) => {
    const stripped = text.replace(/E'(\\.|[^'\\])*'/g, '').replace(/:(clerk|client_id|r|s\d+_[a-z0-9_]+)\b/gi, '').replace(/::/g, '');
    if (/(^|[^:]):[a-z_]/i.test(stripped)) throw new Error(`capture: statement ${i + 1} still has a ':' pgbench would read as a variable: ${text}`);
    const oneLine = text.replace(/\s*\n\s*/g, ' ');
    return asetOf.has(i) ? `${oneLine} \\aset s${i}_` : `${oneLine};`;
  });
  return `${header}
\\set r random(1, 1000000000000000)
${out.join('\n')}
`;
}
