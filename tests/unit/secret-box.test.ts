import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newKeyRingSpec, open, parseKeyRing, seal, SecretBoxError } from '../../services/auth/secret-box.js';
import { dataKeysFromEnv } from '../../server/secrets.js';

const key = () => randomBytes(32).toString('base64');

describe('key ring', () => {
  it('takes id:base64 entries, the first one sealing', () => {
    const ring = parseKeyRing(` new:${key()} , old:${key()}`);
    expect(ring.currentId).toBe('new');
    expect([...ring.keys.keys()]).toEqual(['new', 'old']);
  });

  it('refuses malformed entries with a message that names the entry and never the key material', () => {
    const material = randomBytes(16).toString('base64');
    const cases = ['', ' , ', `no-colon${key()}`, `:${key()}`, `bad id:${key()}`, `short:${material}`, `notbase64:${'!'.repeat(44)}`, `twice:${key()},twice:${key()}`];
    for (const spec of cases) {
      let message = '';
      try {
        parseKeyRing(spec);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, spec).toMatch(/data encryption key/);
      expect(message).not.toContain(material);
    }
  });
});

describe('seal and open (AES-256-GCM)', () => {
  const ring = parseKeyRing(newKeyRingSpec('k1'));

  it('round-trips any text, and never repeats a ciphertext (fast-check)', () => {
    fc.assert(
      fc.property(fc.fullUnicodeString({ maxLength: 200 }), fc.string(), (text, context) => {
        const a = seal(ring, text, context);
        const b = seal(ring, text, context);
        return a.keyId === 'k1' && a.sealed !== b.sealed && open(ring, a, context) === text;
      }),
    );
  });

  it('refuses an altered value, another context, a wrong key under the same id and an unknown id', () => {
    const value = seal(ring, 'JBSWY3DPEHPK3PXP', 'row-1');
    const raw = Buffer.from(value.sealed, 'base64url');
    raw[14] ^= 1;
    expect(() => open(ring, { ...value, sealed: raw.toString('base64url') }, 'row-1')).toThrow(SecretBoxError);
    expect(() => open(ring, value, 'row-2')).toThrow(SecretBoxError);
    expect(() => open(parseKeyRing(newKeyRingSpec('k1')), value, 'row-1')).toThrow(SecretBoxError);
    expect(() => open(parseKeyRing(newKeyRingSpec('k2')), value, 'row-1')).toThrow(/"k1" is not among the configured keys/);
    expect(() => open(ring, { keyId: 'k1', sealed: 'AAAA' }, 'row-1')).toThrow(/truncated/);
  });

  it('opens with an older key listed after the current one', () => {
    const old = newKeyRingSpec('old');
    const value = seal(parseKeyRing(old), 'secret', 'ctx');
    const rotated = parseKeyRing(`${newKeyRingSpec('new')},${old}`);
    expect(open(rotated, value, 'ctx')).toBe('secret');
    expect(seal(rotated, 'secret', 'ctx').keyId).toBe('new');
  });
});

describe('DATA_ENCRYPTION_KEYS', () => {
  const tmpRoot = () => fs.mkdtempSync(path.join(os.tmpdir(), 'onewindow-keys-'));

  it('is required with DATABASE_URL, where several processes share the rows', () => {
    expect(() => dataKeysFromEnv({ DATABASE_URL: 'postgres://db/onewindow' }, tmpRoot())).toThrow(/DATA_ENCRYPTION_KEYS must be set when DATABASE_URL is set/);
  });

  it('is read from the environment when set', () => {
    const spec = newKeyRingSpec('prod-1');
    const ring = dataKeysFromEnv({ DATA_ENCRYPTION_KEYS: spec, DATABASE_URL: 'postgres://db/onewindow' }, tmpRoot());
    expect(ring.currentId).toBe('prod-1');
  });

  it('is generated once into .data/ for the embedded demo, private to its owner, and the same on the next start', () => {
    const root = tmpRoot();
    const first = dataKeysFromEnv({}, root);
    const second = dataKeysFromEnv({}, root);
    expect(first.currentId).toBe('local');
    expect(second.keys.get('local')!.equals(first.keys.get('local')!)).toBe(true);
    const file = path.join(root, '.data', 'data-encryption-keys');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['data-encryption-keys']);
  });
});
