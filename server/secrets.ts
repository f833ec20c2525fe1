import fs from 'node:fs';
import path from 'node:path';
import { newKeyRingSpec, parseKeyRing, type KeyRing } from '../services/auth/secret-box.js';

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
  if (env.DATABASE_URL) throw new Error('DATA_ENCRYPTION_KEYS must be set when DATABASE_URL is set (see README: the data encryption key)');
  return parseKeyRing(generatedSecret(root, 'data-encryption-keys', () => newKeyRingSpec('local')));
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
