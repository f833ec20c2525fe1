import { randomBytes } from 'node:crypto';
import { SettingError } from '../setting-error.js';

/**
 * The one reader of key-ring settings such as DATA_ENCRYPTION_KEYS and DOCUMENT_SIGNING_KEYS:
 * `id:base64 of 32 bytes[,id:key…]`, the first key current. Each key is 32 random bytes, e.g.
 * `openssl rand -base64 32`. `what` names the setting's keys in errors ("data encryption key");
 * errors name the entry, never its key material.
 */
export type RawKeyRing = { currentId: string; keys: Map<string, Buffer> };

const KEY_ID = /^[A-Za-z0-9._-]{1,40}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

export function parseKeySpec(spec: string, what: string): RawKeyRing {
  const entries = spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new SettingError(`no ${what} given: expected <id>:<base64 of 32 bytes>[,<id>:<key>…]`);
  const keys = new Map<string, Buffer>();
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon);
    const material = entry.slice(colon + 1);
    if (!KEY_ID.test(id)) {
      throw new SettingError(`${what} ${i + 1}: expected <id>:<base64 of 32 bytes>, the id made of letters, digits, ".", "_" or "-"`);
    }
    const key = BASE64.test(material) ? Buffer.from(material, 'base64') : Buffer.alloc(0);
    if (key.length !== 32) throw new SettingError(`${what} "${id}": must be 32 random bytes in base64 (openssl rand -base64 32)`);
    if (keys.has(id)) throw new SettingError(`${what} "${id}" is listed twice`);
    keys.set(id, key);
  });
  return { currentId: entries[0].slice(0, entries[0].indexOf(':')), keys };
}

/** A ring spec with one fresh random key (the embedded demo's generated keys, tests). */
export function newKeySpec(id: string): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}
