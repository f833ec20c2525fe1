import fs from 'node:fs';
import path from 'node:path';
import { newKeyRingSpec, parseKeyRing, type KeyRing } from '../services/auth/secret-box.js';

/**
 * The keys that seal secrets stored in the database (TOTP secrets), from DATA_ENCRYPTION_KEYS:
 * `id:base64key[,id:base64key…]`, the first sealing, the others only opening (rotation, decision
 * 0016). Required in production; the embedded demo generates one key into `.data/`, as it does
 * its session secret, so a fresh `npm start` needs no setting. A malformed value stops the start
 * with a message that names the entry but never prints key material.
 */
export function dataKeysFromEnv(env: Partial<Record<string, string>>, opts: { root: string; production: boolean }): KeyRing {
  const spec = env.DATA_ENCRYPTION_KEYS?.trim();
  if (spec) return parseKeyRing(spec);
  if (opts.production) throw new Error('DATA_ENCRYPTION_KEYS must be set in production (see README: the data encryption key)');
  const file = path.join(opts.root, '.data', 'data-encryption-keys');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Written whole to a private name, then linked into place: of two processes starting together
  // only one link succeeds, and neither can read the file half-written.
  if (!fs.existsSync(file)) {
    const draft = `${file}.${process.pid}`;
    fs.writeFileSync(draft, newKeyRingSpec('local'), { mode: 0o600 });
    try {
      fs.linkSync(draft, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.unlinkSync(draft);
    }
  }
  return parseKeyRing(fs.readFileSync(file, 'utf8'));
}
