import { createHmac, timingSafeEqual } from 'node:crypto';
import { generateTOTP, getTOTPAuthUri } from '@epic-web/totp';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { totpCredentials } from '../../db/schema/index.js';
import type { Clock } from '../context.js';

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

/** Gives a staff account its TOTP secret (provisioning by the unit, or the demo seed). */
export async function enrollTotp(db: Db, userId: string, secret: string): Promise<void> {
  await db
    .insert(totpCredentials)
    .values({ userId, secret })
    .onConflictDoUpdate({ target: totpCredentials.userId, set: { secret, lastUsedStep: null } });
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
export async function checkTotp(db: Db, clock: Clock, userId: string, code: string): Promise<TotpCheck> {
  const [cred] = await db.select().from(totpCredentials).where(eq(totpCredentials.userId, userId));
  if (!cred) return 'notEnrolled';
  const step = matchingStep(cred.secret, code, clock.now());
  if (step === null) return 'wrong';
  const updated = await db
    .update(totpCredentials)
    .set({ lastUsedStep: step })
    .where(and(eq(totpCredentials.userId, userId), or(isNull(totpCredentials.lastUsedStep), lt(totpCredentials.lastUsedStep, step))))
    .returning({ userId: totpCredentials.userId });
  return updated.length > 0 ? 'ok' : 'replayed';
}
