import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { newKeySpec, parseKeySpec } from '../security/key-ring-spec.js';

/**
 * The Ed25519 keys that sign the PDFs the portal issues (decision 0034), from
 * DOCUMENT_SIGNING_KEYS: `id:base64 of a 32-byte seed[,id:seed…]`. The first signs; every key in
 * the ring verifies, and the public half of each is published at /verify/keys, so a key can be
 * rotated without a document signed under the old one failing. Any 32 random bytes are an
 * Ed25519 seed: `openssl rand -base64 32`. Parsed by the same reader as DATA_ENCRYPTION_KEYS (services/security/key-ring-spec.ts).
 */
export type SigningKeyRing = {
  readonly currentId: string;
  readonly keys: ReadonlyMap<string, { privateKey: KeyObject; publicKey: KeyObject }>;
};

/** PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): node:crypto imports keys in this form. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Errors name the entry, never its key material. */
export function parseSigningKeys(spec: string): SigningKeyRing {
  const raw = parseKeySpec(spec, 'document signing key');
  const keys = new Map<string, { privateKey: KeyObject; publicKey: KeyObject }>();
  for (const [id, seed] of raw.keys) {
    const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    keys.set(id, { privateKey, publicKey: createPublicKey(privateKey) });
  }
  return { currentId: raw.currentId, keys };
}

/** A ring spec with one fresh random key (the embedded demo's generated key, tests). */
export const newSigningKeySpec = newKeySpec;

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
