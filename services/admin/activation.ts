import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import QRCode from 'qrcode';
import type { Db } from '../../db/client.js';
import { activationCodes, totpCredentials, users } from '../../db/schema/index.js';
import type { Actor, Role, ServiceContext } from '../context.js';
import { DomainError } from '../errors.js';
import { recordAudit } from '../audit.js';
import { hashPassword } from '../auth/password.js';
import { assertAcceptablePassword } from '../auth/password-policy.js';
import { open, seal } from '../auth/secret-box.js';
import { enrollTotp, matchingStep, newTotpSecret, totpAuthUri } from '../auth/totp.js';
import { hitRateLimits, LOGIN_PER_ACCOUNT, LOGIN_PER_IP } from '../security/rate-limit.js';

/**
 * One-time activation codes (decision 0027). An administrator never sees or sets a password or a
 * TOTP secret: creating or resetting a staff account yields a code, shown once, that lets its
 * owner choose a password and enrol an authenticator at /activate. Only the code's SHA-256 is
 * stored; it expires, works once and dies after MAX_ATTEMPTS wrong tries.
 */
export const ACTIVATION_TTL_MS = 72 * 60 * 60 * 1000;
export const MAX_ACTIVATION_ATTEMPTS = 5;
/** No 0/O, 1/I/L: the code is read aloud or copied from a screen. 12 of 31 symbols ≈ 59 bits. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 12;

/** A password hash no password matches: the account cannot sign in until activated. */
export const NO_PASSWORD = '!activation-pending';

const hashCode = (code: string) => createHash('sha256').update(code).digest('base64url');

/** Upper-case, without the spaces and dashes people type between the groups. */
export function normalizeActivationCode(raw: string): string {
  return raw.toUpperCase().replace(/[\s-]/g, '');
}

/** Shown in groups of four, as it is typed back. */
export function formatActivationCode(code: string): string {
  return code.match(/.{1,4}/g)!.join('-');
}

/**
 * A fresh code for `userId`, inside the caller's transaction; any earlier unused code of the
 * account stops working. Returns the code in clear, the one time it exists outside a hash.
 */
export async function issueActivationCode(tx: Db, ctx: Pick<ServiceContext, 'clock'>, userId: string): Promise<string> {
  const now = ctx.clock.now();
  await tx
    .update(activationCodes)
    .set({ expiresAt: now })
    .where(and(eq(activationCodes.userId, userId), isNull(activationCodes.usedAt), gt(activationCodes.expiresAt, now)));
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  await tx.insert(activationCodes).values({ userId, codeHash: hashCode(code), createdAt: now, expiresAt: new Date(now.getTime() + ACTIVATION_TTL_MS) });
  return formatActivationCode(code);
}

export type ActivationInput = { staffNo: string; code: string };

type LiveActivation = {
  id: string;
  userId: string;
  role: Role;
  staffNo: string;
  pendingPasswordHash: string | null;
  pendingSecret: string | null;
  pendingKeyId: string | null;
};

const anonymous: Actor = { kind: 'anonymous' };
const sealContext = (activationId: string) => `activation_codes:${activationId}`;
const refused = () => new DomainError('activation.invalid', 401, { fieldErrors: { code: ['activation.invalid'] } });

/**
 * The live activation the staff number and code name, or a 401 that does not say which of the
 * two was wrong. Tries are counted like sign-in attempts (per account and per address), and each
 * wrong code uses up one of the account's MAX_ACTIVATION_ATTEMPTS.
 */
async function liveActivation(ctx: ServiceContext, input: ActivationInput, ip: string | null): Promise<LiveActivation> {
  const staffNo = input.staffNo.trim();
  const code = normalizeActivationCode(input.code);
  const now = ctx.clock.now();
  const [user] = await ctx.db
    .select({ id: users.id, staffNo: users.staffNo, role: users.role })
    .from(users)
    .where(and(eq(users.staffNo, staffNo), isNull(users.disabledAt)))
    .limit(1);
  const limit = await hitRateLimits(ctx.db, ctx.clock, [
    ...(ip ? [{ key: `activate:ip:${ip}`, rule: LOGIN_PER_IP }] : []),
    { key: `activate:account:${user?.id ?? createHash('sha256').update(staffNo).digest('base64url')}`, rule: LOGIN_PER_ACCOUNT },
  ]);
  if (!limit.allowed) throw new DomainError('auth.tooManyAttempts', 429, { params: { seconds: limit.retryAfterSeconds } });
  const [row] = user
    ? await ctx.db
        .select()
        .from(activationCodes)
        .where(
          and(
            eq(activationCodes.userId, user.id),
            isNull(activationCodes.usedAt),
            gt(activationCodes.expiresAt, now),
            lt(activationCodes.attempts, MAX_ACTIVATION_ATTEMPTS),
          ),
        )
        .orderBy(desc(activationCodes.createdAt))
        .limit(1)
    : [];
  const given = Buffer.from(hashCode(code));
  const ok = !!row && timingSafeEqual(Buffer.from(row.codeHash), given);
  if (!user || !row || !ok) {
    if (row) await ctx.db.update(activationCodes).set({ attempts: sql`${activationCodes.attempts} + 1` }).where(eq(activationCodes.id, row.id));
    await recordAudit(ctx.db, { ...ctx, actor: anonymous }, { action: 'staff.activation.failed', data: { userId: user?.id ?? null, ip } });
    throw refused();
  }
  return { id: row.id, userId: user.id, role: user.role, staffNo: user.staffNo!, pendingPasswordHash: row.pendingPasswordHash, pendingSecret: row.pendingSecret, pendingKeyId: row.pendingKeyId };
}

export type Enrolment = { staffNo: string; secret: string; otpauthUri: string; qrSvg: string };

async function enrolmentOf(ctx: ServiceContext, live: LiveActivation): Promise<Enrolment | null> {
  if (!live.pendingSecret || !live.pendingKeyId) return null;
  const secret = open(ctx.config.dataKeys, { keyId: live.pendingKeyId, sealed: live.pendingSecret }, sealContext(live.id));
  const otpauthUri = totpAuthUri(secret, live.staffNo);
  // Drawn on the server, as SVG: no script, and the secret never goes to a third-party service.
  const qrSvg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { staffNo: live.staffNo, secret, otpauthUri, qrSvg };
}

/**
 * Step one: the right staff number and code, and an acceptable new password. The password's hash
 * and a fresh TOTP secret (sealed) wait on the activation row; the answer is what the
 * authenticator needs (QR code and the secret for typing in).
 */
export async function beginActivation(ctx: ServiceContext, input: ActivationInput & { password: string }, opts: { ip?: string } = {}): Promise<Enrolment> {
  const live = await liveActivation(ctx, input, opts.ip ?? null);
  assertAcceptablePassword(input.password, {});
  const passwordHash = await hashPassword(input.password);
  const { keyId, sealed } = seal(ctx.config.dataKeys, await newTotpSecret(), sealContext(live.id));
  await ctx.db.update(activationCodes).set({ pendingPasswordHash: passwordHash, pendingSecret: sealed, pendingKeyId: keyId }).where(eq(activationCodes.id, live.id));
  return (await enrolmentOf(ctx, { ...live, pendingPasswordHash: passwordHash, pendingSecret: sealed, pendingKeyId: keyId }))!;
}

/** The enrolment step again (a wrong authenticator code re-shows it); null before step one. */
export async function pendingEnrolment(ctx: ServiceContext, input: ActivationInput, opts: { ip?: string } = {}): Promise<Enrolment | null> {
  return enrolmentOf(ctx, await liveActivation(ctx, input, opts.ip ?? null));
}

/**
 * Step two: one code from the newly enrolled authenticator proves it holds the secret. Then, in
 * one transaction, the password and the secret become the account's and the code is used up.
 * Returns the user id a session may be started for.
 */
export async function completeActivation(ctx: ServiceContext, input: ActivationInput & { totp: string }, opts: { ip?: string } = {}): Promise<{ userId: string; role: Role }> {
  const ip = opts.ip ?? null;
  const live = await liveActivation(ctx, input, ip);
  const enrolment = await enrolmentOf(ctx, live);
  if (!enrolment || !live.pendingPasswordHash) throw new DomainError('activation.passwordFirst', 409);
  const step = matchingStep(enrolment.secret, input.totp.trim(), ctx.clock.now());
  if (step === null) {
    await ctx.db.update(activationCodes).set({ attempts: sql`${activationCodes.attempts} + 1` }).where(eq(activationCodes.id, live.id));
    await recordAudit(ctx.db, { ...ctx, actor: anonymous }, { action: 'staff.activation.failed', data: { userId: live.userId, factor: 'totp', ip } });
    throw new DomainError('auth.invalidCode', 401, { fieldErrors: { totp: ['totp.invalid'] } });
  }
  await ctx.db.transaction(async (tx) => {
    const used = await tx
      .update(activationCodes)
      .set({ usedAt: ctx.clock.now(), pendingSecret: null, pendingKeyId: null, pendingPasswordHash: null })
      .where(and(eq(activationCodes.id, live.id), isNull(activationCodes.usedAt)))
      .returning({ id: activationCodes.id });
    if (used.length === 0) throw refused();
    await tx.update(users).set({ passwordHash: live.pendingPasswordHash!, failedLogins: 0 }).where(eq(users.id, live.userId));
    await enrollTotp(tx, ctx.config.dataKeys, live.userId, enrolment.secret);
    // The confirming code is spent: it cannot also sign in.
    await tx.update(totpCredentials).set({ lastUsedStep: step }).where(eq(totpCredentials.userId, live.userId));
    await recordAudit(tx, { ...ctx, actor: anonymous }, { action: 'staff.activated', data: { userId: live.userId, ip } });
  });
  return { userId: live.userId, role: live.role };
}
