import { createHash, createHmac, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { oneTimeCodes, type OneTimeCodePurpose } from '../../db/schema/index.js';

export type { OneTimeCodePurpose };
import type { Clock, ServiceContext } from '../context.js';
import { DomainError } from '../errors.js';
import { CODE_CHECK_PER_IP, CODE_ISSUE_PER_IP, CODE_ISSUE_PER_TARGET, CODE_SMS_PER_RECIPIENT, hitRateLimit, hitRateLimits } from '../security/rate-limit.js';
import { checkMobile, normalizeIdNumber, normalizeMobile } from '../validation/identifiers.js';
import { open, seal, type KeyRing, type Sealed } from './secret-box.js';

/**
 * One-time codes sent by SMS (decision 0024): six digits, valid ten minutes, used once, dead
 * after five wrong tries, bound to one purpose and one flow. The browser holds a random token
 * (signed cookie, app/utils/code-flow.server.ts); the row is found by the token's hash. The code
 * is stored only as an HMAC under the data key, and travels to the SMS gateway sealed in the
 * outbox row, opened by the worker at delivery (services/notifications/worker.ts).
 */
export const CODE_TTL_MS = 10 * 60 * 1000;
export const CODE_MAX_WRONG = 5;
export const CODE_DIGITS = 6;

export type CodeRow = typeof oneTimeCodes.$inferSelect;

export type NewCode = { id: string; token: string; code: string };

/** The token the browser holds is found by its SHA-256: the table alone does not give a flow away. */
export const tokenHashOf = (token: string) => createHash('sha256').update(token).digest('base64url');

/** SHA-256 of an identifier for rate-limit keys, so the counters hold no typed ID, mobile or number. */
export const digestOf = (value: string) => createHash('sha256').update(value.toLowerCase()).digest('base64url');

function codeHash(ring: KeyRing, keyId: string, id: string, purpose: OneTimeCodePurpose, code: string): Buffer | null {
  const key = ring.keys.get(keyId);
  if (!key) return null;
  // The row id and purpose are in the MAC: a hash copied to another row or flow does not match.
  return createHmac('sha256', key).update(`one-time-code:${id}:${purpose}:${code}`).digest();
}

/**
 * Counts one code sent for `target` (the mobile, ID number or application number typed, never
 * the account's: what is counted must not depend on whether an account exists) and from `ip`;
 * over either limit, 429 before anything else is done.
 */
export async function countCodeIssue(ctx: Pick<ServiceContext, 'db' | 'clock'>, purpose: OneTimeCodePurpose, target: string, ip: string | null): Promise<void> {
  const limit = await hitRateLimits(ctx.db, ctx.clock, [
    ...(ip ? [{ key: `code:ip:${ip}`, rule: CODE_ISSUE_PER_IP }] : []),
    { key: `code:${purpose}:${digestOf(target)}`, rule: CODE_ISSUE_PER_TARGET },
  ]);
  if (!limit.allowed) throw new DomainError('code.tooMany', 429, { params: { minutes: Math.ceil(limit.retryAfterSeconds / 60) } });
}

/**
 * The one spelling of an identifier a person types (mobile or ID number) for counting: +86, 0086,
 * spaces and dashes do not make a mobile a new target, nor case an ID number.
 */
export function countedIdentifier(raw: string): string {
  const id = raw.trim();
  return checkMobile(id) === null ? normalizeMobile(id) : normalizeIdNumber(id);
}

/**
 * Counts one SMS to a person's mobile (the recipient, after the account is resolved), across all
 * purposes; false when that mobile has had CODE_SMS_PER_RECIPIENT this hour. The caller then sends
 * nothing and answers exactly as if it had (a refusal here would say that an account exists).
 */
export async function mayTextRecipient(tx: Db, clock: Clock, mobile: string): Promise<boolean> {
  const r = await hitRateLimit(tx, clock, `sms:to:${digestOf(normalizeMobile(mobile))}`, CODE_SMS_PER_RECIPIENT);
  return r.allowed;
}

/**
 * A new code and its flow. `sent` says whether the caller sends the code; when it does not, the
 * flow still exists and looks the same, and no code entered will ever be accepted.
 */
export async function createCode(
  tx: Db,
  ctx: Pick<ServiceContext, 'clock' | 'config'>,
  row: { purpose: OneTimeCodePurpose; sent: boolean; userId?: string | null; applicationId?: string | null; payload?: Record<string, unknown> | null },
): Promise<NewCode> {
  const id = randomUUID();
  const token = randomBytes(32).toString('base64url');
  const code = String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
  const ring = ctx.config.dataKeys;
  const now = ctx.clock.now();
  await tx.insert(oneTimeCodes).values({
    id,
    tokenHash: tokenHashOf(token),
    purpose: row.purpose,
    userId: row.userId ?? null,
    applicationId: row.applicationId ?? null,
    payload: row.payload ?? null,
    codeHash: codeHash(ring, ring.currentId, id, row.purpose, code)!.toString('base64url'),
    keyId: ring.currentId,
    sent: row.sent,
    createdAt: now,
    expiresAt: new Date(now.getTime() + CODE_TTL_MS),
  });
  return { id, token, code };
}

/** What an outbox row carries for a code message: the code sealed to that code's row, and its lifetime. */
export function codeMessageParams(ring: KeyRing, c: Pick<NewCode, 'id' | 'code'>): Record<string, unknown> {
  return { codeId: c.id, sealedCode: seal(ring, c.code, `one-time-code:${c.id}`), minutes: CODE_TTL_MS / 60_000 };
}

/**
 * The worker's side of codeMessageParams: the params without the sealed code, plus the code in
 * clear for the text only. Params without a code come back as they are.
 */
export function openCodeMessageParams(ring: KeyRing, params: Record<string, unknown>): { params: Record<string, unknown>; code: string | null } {
  const { sealedCode, ...rest } = params;
  if (!sealedCode || typeof rest.codeId !== 'string') return { params: rest, code: null };
  return { params: rest, code: open(ring, sealedCode as Sealed, `one-time-code:${rest.codeId}`) };
}

/** The live flow behind a token: right purpose, not used, not expired, not exhausted. */
export async function findFlow(ctx: { db: Db; clock: Clock }, purpose: OneTimeCodePurpose, token: string | null | undefined): Promise<CodeRow | null> {
  if (!token) return null;
  const [row] = await ctx.db
    .select()
    .from(oneTimeCodes)
    .where(
      and(
        eq(oneTimeCodes.tokenHash, tokenHashOf(token)),
        eq(oneTimeCodes.purpose, purpose),
        isNull(oneTimeCodes.consumedAt),
        gt(oneTimeCodes.expiresAt, ctx.clock.now()),
        lt(oneTimeCodes.attempts, CODE_MAX_WRONG),
      ),
    )
    .limit(1);
  return row ?? null;
}

/**
 * Checks a code against the flow behind `token` and returns the row if it is right (not yet
 * consumed: the caller consumes it with consumeCode in the transaction that acts on it). A wrong
 * code uses up one of CODE_MAX_WRONG; a flow that is gone (expired, used, exhausted, unknown) is
 * one answer, `code.expired`. Checks are also counted per client address.
 */
export async function proveCode(
  ctx: Pick<ServiceContext, 'db' | 'clock' | 'config'>,
  purpose: OneTimeCodePurpose,
  token: string | null | undefined,
  code: string,
  ip: string | null,
): Promise<CodeRow> {
  if (ip) {
    const limit = await hitRateLimits(ctx.db, ctx.clock, [{ key: `code-check:ip:${ip}`, rule: CODE_CHECK_PER_IP }]);
    // Too many codes ENTERED, not requested: the person is told what they did.
    if (!limit.allowed) throw new DomainError('code.tooManyChecks', 429, { params: { minutes: Math.ceil(limit.retryAfterSeconds / 60) } });
  }
  const row = await findFlow(ctx, purpose, token);
  if (!row) throw new DomainError('code.expired', 400);
  const expected = Buffer.from(row.codeHash, 'base64url');
  const given = codeHash(ctx.config.dataKeys, row.keyId, row.id, purpose, code) ?? Buffer.alloc(expected.length);
  // Constant time; `sent` is checked after the compare, so an unsent code costs the same.
  const right = given.length === expected.length && timingSafeEqual(given, expected) && row.sent;
  if (!right) {
    const [after] = await ctx.db
      .update(oneTimeCodes)
      .set({ attempts: sql`${oneTimeCodes.attempts} + 1` })
      .where(eq(oneTimeCodes.id, row.id))
      .returning({ attempts: oneTimeCodes.attempts });
    const left = Math.max(0, CODE_MAX_WRONG - (after?.attempts ?? CODE_MAX_WRONG));
    if (left === 0) throw new DomainError('code.expired', 400);
    throw new DomainError('code.invalid', 400, { fieldErrors: { code: ['code.invalid'] }, params: { left } });
  }
  return row;
}

/**
 * Marks a proven code used, once: false when another request already did (the same form posted
 * twice at once), and the caller then stops. `grantMs` keeps the flow open for reading (track).
 */
export async function consumeCode(tx: Db, clock: Clock, id: string, grantMs?: number): Promise<boolean> {
  const now = clock.now();
  const used = await tx
    .update(oneTimeCodes)
    .set({ consumedAt: now, grantExpiresAt: grantMs ? new Date(now.getTime() + grantMs) : null })
    .where(and(eq(oneTimeCodes.id, id), isNull(oneTimeCodes.consumedAt)))
    .returning({ id: oneTimeCodes.id });
  return used.length === 1;
}

/** The consumed flow whose read grant is still running (track), or null. */
export async function findGrant(ctx: { db: Db; clock: Clock }, purpose: OneTimeCodePurpose, token: string | null | undefined): Promise<CodeRow | null> {
  if (!token) return null;
  const [row] = await ctx.db
    .select()
    .from(oneTimeCodes)
    .where(and(eq(oneTimeCodes.tokenHash, tokenHashOf(token)), eq(oneTimeCodes.purpose, purpose), gt(oneTimeCodes.grantExpiresAt, ctx.clock.now())))
    .limit(1);
  return row ?? null;
}

/** Removes flows that ended a day ago (codes, pending sign-ups and their password hashes, grants). */
export async function pruneOneTimeCodes(db: Db, clock: Clock, olderThanMs = 24 * 60 * 60 * 1000): Promise<void> {
  const before = new Date(clock.now().getTime() - olderThanMs);
  await db.delete(oneTimeCodes).where(lt(oneTimeCodes.expiresAt, before));
}
