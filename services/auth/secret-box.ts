import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { newKeySpec, parseKeySpec } from '../security/key-ring-spec.js';

/**
 * Encryption at rest for the few secrets the portal must be able to read back (TOTP secrets;
 * passwords are hashed, not encrypted). AES-256-GCM from node:crypto: authenticated, so a
 * ciphertext that was altered, or opened with the wrong key, is refused rather than read as
 * garbage. Each sealed value is stored beside the id of the key that sealed it, so keys can
 * rotate: the ring's first key seals, every key in it opens (decision 0016).
 */
export type KeyRing = {
  /** The key new values are sealed with. */
  readonly currentId: string;
  readonly keys: ReadonlyMap<string, Buffer>;
};

export type Sealed = { keyId: string; sealed: string };

/** A key the ring does not hold, or a value that does not open under its key. */
export class SecretBoxError extends Error {
  constructor(
    message: string,
    readonly keyId: string,
  ) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Reads DATA_ENCRYPTION_KEYS: `id:base64key[,id:base64key…]`, the first key seals (services/security/key-ring-spec.ts). */
export function parseKeyRing(spec: string): KeyRing {
  return parseKeySpec(spec, 'data encryption key');
}

/** A ring spec with one fresh random key (the embedded demo's generated key, tests). */
export const newKeyRingSpec = newKeySpec;

/**
 * Seals `plaintext` under the current key. `context` is authenticated but not stored (GCM's
 * additional data): a value sealed for one row does not open as another's. The 96-bit IV is
 * random, safe for far more values than one key will ever seal here.
 */
export function seal(ring: KeyRing, plaintext: string, context: string): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyOf(ring, ring.currentId), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { keyId: ring.currentId, sealed: Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url') };
}

/** Opens a sealed value with the key it names; throws SecretBoxError for a missing or wrong key. */
export function open(ring: KeyRing, value: Sealed, context: string): string {
  const key = keyOf(ring, value.keyId);
  const raw = Buffer.from(value.sealed, 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError(`a value sealed under key "${value.keyId}" is truncated`, value.keyId);
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretBoxError(`a value sealed under key "${value.keyId}" does not open with that key (a different key under the same id, or the value was altered)`, value.keyId);
  }
}

function keyOf(ring: KeyRing, id: string): Buffer {
  const key = ring.keys.get(id);
  if (!key) throw new SecretBoxError(`data encryption key "${id}" is not among the configured keys`, id);
  return key;
}
