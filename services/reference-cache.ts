import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.js';

/**
 * How long a process keeps a reference table it has read (docs/decisions/0014). Offices and the
 * working-day calendar change a few times a year, by an operator; every filing reads both. A
 * correction reaches every process within this time without any signal between processes.
 */
export const REFERENCE_TTL_MS = 60_000;

/**
 * What a process holds for one root database. Only settled values are shared between callers
 * on different executors (the root handle, each transaction): a read still in flight is shared
 * only with callers on the executor it runs on (docs/decisions/0014). On PGlite's single
 * connection a root read queues behind any open transaction, so a transaction that awaited it
 * would wait on itself; on a pool it would hold a connection while waiting for another one.
 */
type Holding = {
  settled: Map<string, { expires: number; value: unknown }>;
  inFlight: WeakMap<Db, Map<string, Promise<unknown>>>;
};

/** Per database (the handle's root `db`, never a transaction), so test databases never share. */
const caches = new WeakMap<Db, Holding>();

/**
 * `read(via)` once per `key`, owner database and TTL. `via` is what the read runs on: the root
 * handle, or the caller's transaction when it is inside one (the default is the owner). A miss
 * reads through `via` even when another executor is already reading the same key; a failed read
 * is not kept.
 */
export function referenceRead<T>(
  owner: Db,
  key: string,
  read: (via: Db) => PromiseLike<T>,
  opts: { via?: Db; now?: number } = {},
): Promise<T> {
  // A transaction as owner would give every transaction a cache of its own, kept for nothing.
  if (owner instanceof PgTransaction) throw new Error('referenceRead: the cache owner is the root database handle, not a transaction');
  const via = opts.via ?? owner;
  const now = opts.now ?? Date.now();
  let holding = caches.get(owner);
  if (!holding) caches.set(owner, (holding = { settled: new Map(), inFlight: new WeakMap() }));
  const hit = holding.settled.get(key);
  if (hit && hit.expires > now) return Promise.resolve(hit.value as T);
  let mine = holding.inFlight.get(via);
  if (!mine) holding.inFlight.set(via, (mine = new Map()));
  const pending = mine.get(key);
  if (pending) return pending as Promise<T>;
  // A real promise: a drizzle query is a thenable that runs again on every then().
  const value = Promise.resolve().then(() => read(via));
  mine.set(key, value);
  const kept = holding;
  const flight = mine;
  value.then(
    (v) => {
      flight.delete(key);
      // Not after forgetReference: what this read saw may be older than the correction.
      if (caches.get(owner) === kept) kept.settled.set(key, { expires: now + REFERENCE_TTL_MS, value: v });
    },
    () => flight.delete(key),
  );
  return value;
}

/** Drops what this process holds for `owner`: after a change it made itself to reference data. */
export function forgetReference(owner: Db): void {
  caches.delete(owner);
}
