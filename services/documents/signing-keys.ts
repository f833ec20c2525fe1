import { createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';

/**
 * The Ed25519 keys that sign the PDFs the portal issues (decision 0034), from
 * DOCUMENT_SIGNING_KEYS: `id:base64 of a 32-byte seed[,id:seed…]`. The first signs; every key in
 * the ring verifies, and the public half of each is published at /verify/keys, so a key can be
 * rotated without a document signed under the old one failing. Any 32 random bytes are an
 * Ed25519 seed: `openssl rand -base64 32`. Parsed like DATA_ENCRYPTION_KEYS (services/auth/secret-box.ts).
 */
export type SigningKeyRing = {
  readonly currentId: string;
  readonly keys: ReadonlyMap<string, { privateKey: KeyObject; publicKey: KeyObject }>;
};

const KEY_ID = /^[A-Za-z0-9._-]{1,40}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
/** PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): node:crypto imports keys in this form. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Errors name the entry, never its key material. */
export function parseSigningKeys(spec: string): SigningKeyRing {
  const entries = spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error('no document signing key given: expected <id>:<base64 of 32 bytes>[,<id>:<key>…]');
  const keys = new Map<string, { privateKey: KeyObject; publicKey: KeyObject }>();
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon);
    const material = entry.slice(colon + 1);
    if (!KEY_ID.test(id)) {
      throw new Error(`document signing key ${i + 1}: expected <id>:<base64 of 32 bytes>, the id made of letters, digits, ".", "_" or "-"`);
    }
    const seed = BASE64.test(material) ? Buffer.from(material, 'base64') : Buffer.alloc(0);
    if (seed.length !== 32) throw new Error(`document signing key "${id}": must be 32 random bytes in base64 (openssl rand -base64 32)`);
    if (keys.has(id)) throw new Error(`document signing key "${id}" is listed twice`);
    const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    keys.set(id, { privateKey, publicKey: createPublicKey(privateKey) });
  });
  return { currentId: entries[0].slice(0, entries[0].indexOf(':')), keys };
}

/** A ring spec with one fresh random key (the embedded demo's generated key, tests). */
export function newSigningKeySpec(id: string): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

/** Signs with the ring's current key. */
export function signBytes(ring: SigningKeyRing, bytes: Buffer): { keyId: string; signature: string } {
  const key = ring.keys.get(ring.currentId)!;
  return { keyId: ring.currentId, signature: sign(null, bytes, key.privateKey).toString('base64') };
}

/** Whether `signature` is the named key's signature over exactly these bytes; false for a key the ring does not hold. */
export function verifyBytes(ring: SigningKeyRing, keyId: string, bytes: Buffer, signature: string): boolean {
  const key = ring.keys.get(keyId);
  if (!key) return false;
  try {
    return verify(null, bytes, key.publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

export type PublishedKey = { id: string; current: boolean; pem: string };

/** The public halves, current first: what /verify/keys publishes. */
export function publishedKeys(ring: SigningKeyRing): PublishedKey[] {
  return [...ring.keys.entries()].map(([id, k]) => ({
    id,
    current: id === ring.currentId,
    pem: k.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  }));
}
