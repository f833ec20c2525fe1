import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicUrlFromEnv, signingKeysFromEnv } from '../../server/secrets.js';
import { newSigningKeySpec, publishedKeys, signBytes, verifyBytes } from '../../services/documents/signing-keys.js';

const tmpRoot = () => fs.mkdtempSync(path.join(os.tmpdir(), 'onewindow-signing-'));

describe('DOCUMENT_SIGNING_KEYS (decision 0034)', () => {
  it('production (DATABASE_URL) refuses to start without it; the embedded demo generates one and keeps it', () => {
    expect(() => signingKeysFromEnv({ DATABASE_URL: 'postgres://db/onewindow' }, tmpRoot())).toThrow(/DOCUMENT_SIGNING_KEYS must be set when DATABASE_URL is set/);
    const root = tmpRoot();
    const first = signingKeysFromEnv({}, root);
    expect(first.currentId).toBe('local');
    expect(publishedKeys(signingKeysFromEnv({}, root))[0].pem).toBe(publishedKeys(first)[0].pem);
  });

  it('the first key signs, every listed key verifies, and only the public halves are published', () => {
    const a = newSigningKeySpec('a');
    const b = newSigningKeySpec('b');
    const ring = signingKeysFromEnv({ DOCUMENT_SIGNING_KEYS: `${b},${a}`, DATABASE_URL: 'postgres://db/x' }, tmpRoot());
    const bytes = Buffer.from('%PDF-1.7 test');
    const signed = signBytes(ring, bytes);
    expect(signed.keyId).toBe('b');
    expect(verifyBytes(ring, 'b', bytes, signed.signature)).toBe(true);
    const flipped = Buffer.from(bytes);
    flipped[3] ^= 1;
    expect(verifyBytes(ring, 'b', flipped, signed.signature)).toBe(false);
    expect(verifyBytes(ring, 'nope', bytes, signed.signature)).toBe(false);
    const keys = publishedKeys(ring);
    expect(keys.map((k) => [k.id, k.current])).toEqual([
      ['b', true],
      ['a', false],
    ]);
    for (const k of keys) {
      expect(k.pem).toContain('BEGIN PUBLIC KEY');
      expect(k.pem).not.toContain('PRIVATE');
    }
  });

  it('PUBLIC_URL: given without its trailing slash, else this machine on PORT; not http(s) is refused', () => {
    expect(publicUrlFromEnv({ PUBLIC_URL: 'https://gov.example.cn/' })).toBe('https://gov.example.cn');
    expect(publicUrlFromEnv({ PORT: '3103' })).toBe('http://localhost:3103');
    expect(() => publicUrlFromEnv({ PUBLIC_URL: 'ftp://x' })).toThrow(/PUBLIC_URL/);
  });
});
