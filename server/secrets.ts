import fs from 'node:fs';
import path from 'node:path';
import { newKeyRingSpec, parseKeyRing, type KeyRing } from '../services/auth/secret-box.js';
import { newSigningKeySpec, parseSigningKeys, type SigningKeyRing } from '../services/documents/signing-keys.js';
import { SettingError } from '../services/setting-error.js';

/**
 * The keys that seal secrets stored in the database (TOTP secrets), from DATA_ENCRYPTION_KEYS:
 * `id:base64key[,id:base64key…]`, the first sealing, the others only opening (rotation, decision
 * 0016). Required with DATABASE_URL; the embedded setup generates one key into `.data/`, as it does
 * its session secret, so a fresh `npm start` needs no setting. A malformed value stops the start
 * with a message that names the entry but never prints key material.
 */
export function dataKeysFromEnv(env: Partial<Record<string, string>>, root: string): KeyRing {
  const spec = env.DATA_ENCRYPTION_KEYS?.trim();
  if (spec) return parseKeyRing(spec);
  // Like SESSION_SECRET: with DATABASE_URL several processes share the rows, so they must share the key.
  if (env.DATABASE_URL) throw new SettingError('DATA_ENCRYPTION_KEYS must be set when DATABASE_URL is set (see README: the data encryption key)');
  return parseKeyRing(generatedSecret(root, 'data-encryption-keys', () => newKeyRingSpec('local')));
}

/**
 * The Ed25519 keys that sign the PDFs the portal issues, from DOCUMENT_SIGNING_KEYS: the same
 * `id:base64[,id:base64…]` form and the same rule as DATA_ENCRYPTION_KEYS (decision 0034): required
 * with DATABASE_URL (a production start without it stops here), generated into `.data/` for the
 * embedded demo. The first key signs; the others still verify (rotation, README).
 */
export function signingKeysFromEnv(env: Partial<Record<string, string>>, root: string): SigningKeyRing {
  const spec = env.DOCUMENT_SIGNING_KEYS?.trim();
  if (spec) return parseSigningKeys(spec);
  if (env.DATABASE_URL) throw new SettingError('DOCUMENT_SIGNING_KEYS must be set when DATABASE_URL is set (see README: the document signing key)');
  return parseSigningKeys(generatedSecret(root, 'document-signing-keys', () => newSigningKeySpec('local')));
}

/** PUBLIC_URL without its trailing slash, else this machine on PORT: the address the PDFs' QR codes carry. */
export function publicUrlFromEnv(env: Partial<Record<string, string>>): string {
  const given = env.PUBLIC_URL?.trim();
  if (given) {
    const u = new URL(given); // a malformed PUBLIC_URL stops the start
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new SettingError('PUBLIC_URL must be an http(s) URL');
    return given.replace(/\/+$/, '');
  }
  return `http://localhost:${env.PORT || 3000}`;
}

/**
 * A secret of the embedded setup, made once into <root>/.data/<name>: that database lives in the
 * same directory and belongs to one process. Written whole to a private name, then linked into
 * place: of two processes starting together only one link succeeds, and neither can read the
 * file half-written.
 */
export function generatedSecret(root: string, name: string, make: () => string): string {
  const file = path.join(root, '.data', name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(file)) {
    const draft = `${file}.${process.pid}`;
    fs.writeFileSync(draft, make(), { mode: 0o600 });
    try {
      fs.linkSync(draft, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.unlinkSync(draft);
    }
  }
  return fs.readFileSync(file, 'utf8').trim();
}
