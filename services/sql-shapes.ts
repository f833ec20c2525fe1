import { is, Param, Placeholder, sql, SQL, StringChunk, type SQLWrapper } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.js';

/**
 * Statements drizzle builds once per shape and then only fills in.
 *
 * Building a statement with drizzle's query builder costs far more CPU than running it: the
 * filing's two big writes took ~0.45 ms of the server's ~4.5 ms a filing (bench/README.md,
 * decision 0015), every time with the same text. drizzle's own `.prepare()` would build once,
 * but a prepared query belongs to the session it was made on and cannot run inside another
 * transaction of the pool. So the statement is built here once with a placeholder for every
 * value, compiled to its text, and each call only puts the values in their places and hands
 * drizzle a flat SQL (text pieces and parameters) to run on the caller's own transaction.
 *
 * `build` receives the values object with every field replaced by a placeholder of that name
 * (typed as the values, so the builder code is the one that runs without shapes too). It must
 * only place those fields, never compute with them: everything that changes the statement's
 * text goes into `key`. drizzle encodes a placeholder it places in a column (insert, set), but
 * passes one in a condition (eq, gt, …) on as it is given: wrap a value that needs its column's
 * encoder (a Date) as `sql.param(v.x, column)` there, as drizzle does for a value given directly.
 * tests/unit/sql-shapes.test.ts checks, for random values, that the shaped statement is exactly
 * the one `build` makes from the values themselves.
 */
export type Shaped<K extends ShapeKey, V extends Record<string, unknown>> = (db: Db, key: K, values: V) => SQL;

/** What changes the statement's text (a number of rows, a branch taken), as JSON: one compiled shape each. */
export type ShapeKey = object;

type Slot = { kind: 'fixed'; value: unknown } | { kind: 'raw'; name: string } | { kind: 'encoded'; name: string; param: Param };
type Compiled = { pieces: StringChunk[]; slots: Slot[]; names: string };

const dialect = new PgDialect();

export function shaped<K extends ShapeKey, V extends Record<string, unknown>>(build: (db: Db, values: V, key: K) => SQLWrapper): Shaped<K, V> {
  const compiled = new Map<string, Compiled>();
  return (db, key, values) => {
    const id = JSON.stringify(key);
    let shape = compiled.get(id);
    const names = Object.keys(values).sort().join(',');
    if (!shape) {
      shape = compile(build(db, placeholdersFor(values), key), names);
      compiled.set(id, shape);
    } else if (shape.names !== names) {
      // A field that appears or disappears changes what build reads: it belongs in the key.
      throw new Error(`shaped: the fields for ${id} changed (${shape.names} → ${names})`);
    }
    return fill(shape, values);
  };
}

function placeholdersFor<V extends Record<string, unknown>>(values: V): V {
  return Object.fromEntries(Object.keys(values).map((k) => [k, sql.placeholder(k)])) as unknown as V;
}

function compile(statement: SQLWrapper, names: string): Compiled {
  const query = dialect.sqlToQuery(statement.getSQL());
  // Parameters are numbered in the order they appear: the text splits into one more piece than there are.
  const pieces: StringChunk[] = [];
  let at = 0;
  query.params.forEach((_, i) => {
    const marker = `$${i + 1}`;
    const found = indexOfMarker(query.sql, marker, at);
    if (found < 0) throw new Error(`shaped: parameter ${marker} not found in order in ${query.sql}`);
    pieces.push(new StringChunk(query.sql.slice(at, found)));
    at = found + marker.length;
  });
  pieces.push(new StringChunk(query.sql.slice(at)));
  const slots = query.params.map((p): Slot => {
    if (is(p, Placeholder)) return { kind: 'raw', name: p.name };
    if (is(p, Param) && is(p.value, Placeholder)) return { kind: 'encoded', name: p.value.name, param: p };
    return { kind: 'fixed', value: p };
  });
  return { pieces, slots, names };
}

/** `$1` but not the start of `$10`. */
function indexOfMarker(text: string, marker: string, from: number): number {
  for (let i = text.indexOf(marker, from); i >= 0; i = text.indexOf(marker, i + 1)) {
    const next = text.charCodeAt(i + marker.length);
    if (!(next >= 48 && next <= 57)) return i;
  }
  return -1;
}

function fill(shape: Compiled, values: Record<string, unknown>): SQL {
  const chunks: unknown[] = [shape.pieces[0]];
  shape.slots.forEach((slot, i) => {
    let v: unknown;
    if (slot.kind === 'fixed') v = slot.value;
    else {
      v = values[slot.name];
      if (v === undefined) throw new Error(`shaped: no value for ${slot.name}`);
      // As drizzle maps a value it is given directly: null stays NULL, anything else goes through the column's encoder.
      if (slot.kind === 'encoded' && v !== null) v = slot.param.encoder.mapToDriverValue(v);
    }
    // A bare object or array among the chunks would be read as SQL or as a list; a Param is a value.
    chunks.push(typeof v === 'object' && v !== null ? new Param(v) : v, shape.pieces[i + 1]);
  });
  return new SQL(chunks as SQL['queryChunks']);
}
