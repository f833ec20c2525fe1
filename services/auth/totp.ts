import { createHmac, timingSafeEqual } from 'node:crypto';
import { generateTOTP, getTOTPAuthUri } from '@epic-web/totp';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { totpCredentials } from '../../db/schema/index.js';
import { SettingError } from '../setting-error.js';
import type { Clock } from '../context.js';
import { open, seal, SecretBoxError, type KeyRing } from './secret-box.js';

/** RFC 6238 defaults every authenticator app understands: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** One step either side, for clocks that drift (and people who type slowly). */
const WINDOW = 1;

export function totpStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/**
 * The code for one time step (RFC 4226 HOTP over the step counter). @epic-web/totp reads the
 * wall clock; computing it here from ctx.clock keeps services testable at a fixed time and tells
 * us which step a code belongs to, which replay protection needs. A unit test checks that both
 * give the same code for the same moment.
 */
export function totpCodeAt(secret: string, step: number): string {
  const key = base32ToBytes(secret);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 10 ** TOTP_DIGITS).padStart(TOTP_DIGITS, '0');
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (padding and case ignored); the secrets are ours, so bad input is a bug. */
function base32ToBytes(secret: string): Buffer {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of secret.toUpperCase().replace(/=+$/, '')) {
    const i = BASE32.indexOf(ch);
    if (i < 0) throw new Error('TOTP secret is not base32');
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function currentTotpCode(secret: string, clock: Clock): string {
  return totpCodeAt(secret, totpStep(clock.now()));
}

/** The step whose code matches, within the window, or null. Compared in constant time. */
export function matchingStep(secret: string, code: string, now: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const given = Buffer.from(code);
  const current = totpStep(now);
  let found: number | null = null;
  for (let d = -WINDOW; d <= WINDOW; d++) {
    if (timingSafeEqual(Buffer.from(totpCodeAt(secret, current + d)), given)) found ??= current + d;
  }
  return found;
}

/** A fresh random secret (80 bits, base32), as the library makes it. */
export async function newTotpSecret(): Promise<string> {
  return (await generateTOTP()).secret;
}

/** The otpauth:// URI an authenticator app can import (by QR code or typed in). */
export function totpAuthUri(secret: string, accountName: string): string {
  return getTOTPAuthUri({
    secret,
    accountName,
    issuer: 'onewindow',
    period: TOTP_PERIOD_SECONDS,
    digits: TOTP_DIGITS,
    algorithm: 'SHA-1',
  });
}

/** The additional data a sealed secret is bound to: it opens only on its own user's row. */
const sealContext = (userId: string) => `totp_credentials:${userId}`;

/** Gives a staff account its TOTP secret (provisioning by the unit, or the demo seed), sealed under the current key. */
export async function enrollTotp(db: Db, keys: KeyRing, userId: string, secret: string): Promise<void> {
  const { keyId, sealed } = seal(keys, secret, sealContext(userId));
  await db
    .insert(totpCredentials)
    .values({ userId, secret: sealed, keyId })
    .onConflictDoUpdate({ target: totpCredentials.userId, set: { secret: sealed, keyId, lastUsedStep: null } });
}

/**
 * The secret of a stored row. A row without a key id predates encryption and is read as it is
 * until startup seals it. A key the ring lacks, or a wrong one, throws SecretBoxError: a
 * misconfigured server, not a wrong code (startup refuses to run with rows it cannot open).
 */
function openSecret(keys: KeyRing, row: { userId: string; secret: string; keyId: string | null }): string {
  return row.keyId === null ? row.secret : open(keys, { keyId: row.keyId, sealed: row.secret }, sealContext(row.userId));
}

export async function hasTotp(db: Db, userId: string): Promise<boolean> {
  const rows = await db.select({ userId: totpCredentials.userId }).from(totpCredentials).where(eq(totpCredentials.userId, userId));
  return rows.length > 0;
}

export type TotpCheck = 'ok' | 'wrong' | 'replayed' | 'notEnrolled';

/**
 * Checks a code and, when it is right, records its step in the same UPDATE that refuses an
 * equal or older step: a code read over someone's shoulder cannot be used a second time.
 */
export async function checkTotp(db: Db, keys: KeyRing, clock: Clock, userId: string, code: string): Promise<TotpCheck> {
  const [cred] = await db.select().from(totpCredentials).where(eq(totpCredentials.userId, userId));
  if (!cred) return 'notEnrolled';
  const step = matchingStep(openSecret(keys, cred), code, clock.now());
  if (step === null) return 'wrong';
  const updated = await db
    .update(totpCredentials)
    .set({ lastUsedStep: step })
    .where(and(eq(totpCredentials.userId, userId), or(isNull(totpCredentials.lastUsedStep), lt(totpCredentials.lastUsedStep, step))))
    .returning({ userId: totpCredentials.userId });
  return updated.length > 0 ? 'ok' : 'replayed';
}

/**
 * Seals every secret that is not yet under the current key: rows an older version stored in
 * clear, and rows under a key being rotated out. Run at startup (under the startup lock), and
 * safe without it: each row is replaced only if it still holds what was read, so two processes
 * doing this at once seal each row once and neither overwrites a secret enrolled meanwhile.
 * Every row is opened, those under the current key too (one row per staff member: cheap), and
 * when some do not open — a key id not listed, or other key bytes under a listed id — this
 * throws, naming the key ids and nothing secret: the server must not start and lock those staff
 * out at their next sign-in instead.
 */
export async function resealTotpSecrets(db: Db, keys: KeyRing): Promise<{ sealed: number }> {
  const rows = await db
    .select({ userId: totpCredentials.userId, secret: totpCredentials.secret, keyId: totpCredentials.keyId })
    .from(totpCredentials);
  const unopened = new Map<string, number>();
  let sealed = 0;
  for (const row of rows) {
    let secret: string;
    try {
      secret = openSecret(keys, row);
    } catch (e) {
      if (!(e instanceof SecretBoxError)) throw e;
      unopened.set(e.keyId, (unopened.get(e.keyId) ?? 0) + 1);
      continue;
    }
    if (row.keyId === keys.currentId) continue;
    const next = seal(keys, secret, sealContext(row.userId));
    const done = await db
      .update(totpCredentials)
      .set({ secret: next.sealed, keyId: next.keyId })
      .where(
        and(
          eq(totpCredentials.userId, row.userId),
          eq(totpCredentials.secret, row.secret),
          row.keyId === null ? isNull(totpCredentials.keyId) : eq(totpCredentials.keyId, row.keyId),
        ),
      )
      .returning({ userId: totpCredentials.userId });
    sealed += done.length;
  }
  if (unopened.size > 0) {
    const which = [...unopened].map(([id, n]) => `${n} under key "${id}"`).join(', ');
    throw new SettingError(
      `TOTP secrets that the configured data encryption keys cannot open: ${which}. ` +
        'List the key they were sealed with after the current one in DATA_ENCRYPTION_KEYS (the embedded demo keeps its key in .data/data-encryption-keys).',
    );
  }
  return { sealed };
}
