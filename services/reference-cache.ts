import type { Db } from '../db/client.js';

/**
 * How long a process keeps a reference table it has read (docs/decisions/0014). Offices and the
 * working-day calendar change a few times a year, by an operator; every filing reads both. A
 * correction reaches every process within this time without any signal between processes.
 */
export const REFERENCE_TTL_MS = 60_000;

type Entry = { expires: number; value: Promise<unknown> };

/** Per database (the handle's root `db`, never a transaction), so test databases never share. */
const caches = new WeakMap<Db, Map<string, Entry>>();

/**
 * `read()` once per `key`, owner database and TTL. The read runs through whatever the caller
 * passes it (inside a transaction: that transaction, since PGlite has a single connection); a
 * failed read is not kept.
 */
export function referenceRead<T>(owner: Db, key: string, read: () => Promise<T>, now = Date.now()): Promise<T> {
  let cache = caches.get(owner);
  if (!cache) caches.set(owner, (cache = new Map()));
  const hit = cache.get(key);
  if (hit && hit.expires > now) return hit.value as Promise<T>;
  // A real promise: a drizzle query is a thenable that runs again on every then().
  const value = Promise.resolve().then(read);
  const entry = { expires: now + REFERENCE_TTL_MS, value };
  cache.set(key, entry);
  value.catch(() => {
    if (cache.get(key) === entry) cache.delete(key);
  });
  return value;
}

/** Drops what this process holds for `owner`: after a change it made itself to reference data. */
export function forgetReference(owner: Db): void {
  caches.delete(owner);
}
