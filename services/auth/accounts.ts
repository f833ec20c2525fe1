import { createHash } from 'node:crypto';
import { and, eq, ne, or } from 'drizzle-orm';
import { users } from '../../db/schema/index.js';
import type { Actor, Role, ServiceContext } from '../context.js';
import { DomainError } from '../errors.js';
import { recordAudit } from '../audit.js';
import { identityAtSignup } from '../integrations/identity.js';
import { maskMobile, normalizeIdNumber, normalizeMobile } from '../validation/identifiers.js';
import { enqueueMessage } from '../notifications/outbox.js';
import { codeMessageParams, consumeCode, countCodeIssue, createCode, findFlow, mayTextRecipient, proveCode } from './one-time-codes.js';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './password.js';
import { assertAcceptablePassword } from './password-policy.js';
import type { LoginInput, SignupInput } from './schemas.js';
import { forgiveRateLimitHit, hitRateLimits, LOGIN_PER_ACCOUNT, LOGIN_PER_IP, SIGNUP_PER_IDENTITY, SIGNUP_PER_IP } from '../security/rate-limit.js';
import { staffNeedsSecondFactor, startPendingLogin } from './two-factor.js';
import { hasTotp } from './totp.js';

/**
 * Sign-up, first step (decision 0024, superseding the sign-up part of 0016): judges the form and
 * sends a code to the mobile typed; the account is created only when that code comes back
 * (completeSignUp). The answer is the same for every mobile and ID number: "we sent a code to
 * 138****8000" and a flow token. Behind it, after the same checks, registry call and password
 * hash in every case:
 * - a mobile that has no account gets the code;
 * - a mobile that already has an account gets "you already have an account; sign in or reset your
 *   password" instead, and no code: every code entered for that flow is refused as wrong.
 * Whether the ID number has an account is found only at the second step, by the insert itself.
 *
 * The order keeps what 0016 established: the password first (it says nothing about anyone), then
 * the counters per address, ID number and mobile, and the code counters, then the registry.
 */
export async function startSignUp(
  ctx: ServiceContext,
  input: SignupInput,
  opts: { locale?: string; ip?: string } = {},
): Promise<{ token: string; mobileHint: string }> {
  assertAcceptablePassword(input.password, input);
  const ip = opts.ip ?? null;
  const anonymous: Actor = { kind: 'anonymous' };

  // Without a known address (never behind express, which always sets req.ip) only the identity is counted.
  const limit = await hitRateLimits(ctx.db, ctx.clock, [
    ...(ip ? [{ key: `signup:ip:${ip}`, rule: SIGNUP_PER_IP }] : []),
    { key: `signup:id:${digest(input.idNumber)}`, rule: SIGNUP_PER_IDENTITY },
    { key: `signup:mobile:${digest(input.mobile)}`, rule: SIGNUP_PER_IDENTITY },
  ]);
  if (!limit.allowed) {
    if (limit.firstOverflow) await recordAudit(ctx.db, { ...ctx, actor: anonymous }, { action: 'auth.signup.rateLimited', data: { ip } });
    throw new DomainError('auth.tooManySignups', 429, { params: { minutes: Math.ceil(limit.retryAfterSeconds / 60) } });
  }
  await countCodeIssue(ctx, 'signup', input.mobile, ip);

  // Outside the transaction: a slow registry must not hold a database connection.
  const identity = await identityAtSignup(ctx, { name: input.realName, idNumber: input.idNumber });
  const passwordHash = await hashPassword(input.password);
  const locale = opts.locale ?? 'zh-CN';
  const now = ctx.clock.now();
  const token = await ctx.db.transaction(async (tx) => {
    const [holder] = await tx.select({ id: users.id }).from(users).where(eq(users.mobile, input.mobile)).limit(1);
    const pending: PendingSignup = {
      realName: input.realName,
      idNumber: input.idNumber,
      mobile: input.mobile,
      email: input.email ?? null,
      passwordHash,
      locale,
      identityVerified: identity.identityVerified,
      identityRecheckAt: identity.identityRecheckAt?.toISOString() ?? null,
    };
    // The mobile typed is the recipient either way; over its cap (shared with every purpose that
    // texts it) nothing is sent and the answer is the same, so the cap says nothing about accounts.
    const send = await mayTextRecipient(tx, ctx.clock, input.mobile);
    const c = await createCode(tx, ctx, { purpose: 'signup', sent: send && !holder, payload: pending });
    // One outbox row either way: the code to a new mobile, or the notice to the account holding it.
    if (send) await enqueueMessage(
      tx,
      holder
        ? { applicationId: null, userId: holder.id, channel: 'sms', template: 'signupAccountExists', params: {}, idempotencyKey: `code:${c.id}`, createdAt: now }
        : {
            applicationId: null,
            userId: null,
            toMobile: input.mobile,
            channel: 'sms',
            template: 'signupCode',
            params: { ...codeMessageParams(ctx.config.dataKeys, c), locale },
            idempotencyKey: `code:${c.id}`,
            createdAt: now,
          },
    );
    // The audit trail knows which it was; the visitor does not.
    await recordAudit(tx, { ...ctx, actor: anonymous }, { action: 'auth.signup.codeSent', data: { codeId: c.id, mobileHasAccount: !!holder, sent: send, ip } });
    return c.token;
  });
  return { token, mobileHint: maskMobile(input.mobile) };
}

/** What a pending sign-up keeps server-side between the two steps (one_time_codes.payload). */
type PendingSignup = {
  realName: string;
  idNumber: string;
  mobile: string;
  email: string | null;
  passwordHash: string;
  locale: string;
  identityVerified: boolean;
  identityRecheckAt: string | null;
};

/** The masked mobile of a live pending sign-up, for the code page; null when the flow is gone. */
export async function pendingSignUp(ctx: Pick<ServiceContext, 'db' | 'clock'>, token: string | null | undefined): Promise<{ mobileHint: string } | null> {
  const row = await findFlow(ctx, 'signup', token);
  const mobile = (row?.payload as PendingSignup | null)?.mobile;
  return mobile ? { mobileHint: maskMobile(mobile) } : null;
}

/**
 * Sign-up, second step: the code sent to the mobile proves it; the account is inserted with
 * `ON CONFLICT DO NOTHING`, the unique ID number and mobile being the only place a collision is
 * found. A collision (the ID number has an account under another mobile, or the mobile was taken
 * meanwhile) is the same neutral 409 as before, and the account holding that ID number is told by
 * SMS that someone tried to register with it (decision 0024).
 */
export async function completeSignUp(
  ctx: ServiceContext,
  token: string | null | undefined,
  code: string,
  opts: { ip?: string } = {},
): Promise<{ userId: string }> {
  const ip = opts.ip ?? null;
  const anonymous: Actor = { kind: 'anonymous' };
  const row = await proveCode(ctx, 'signup', token, code, ip);
  const p = row.payload as PendingSignup;
  const outcome = await ctx.db.transaction(async (tx) => {
    if (!(await consumeCode(tx, ctx.clock, row.id))) return { kind: 'gone' as const };
    const [created] = await tx
      .insert(users)
      .values({
        role: 'citizen',
        realName: p.realName,
        idNumber: p.idNumber,
        mobile: p.mobile,
        email: p.email,
        passwordHash: p.passwordHash,
        locale: p.locale,
        identityVerified: p.identityVerified,
        identityRecheckAt: p.identityRecheckAt ? new Date(p.identityRecheckAt) : null,
      })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (created) {
      await recordAudit(tx, { ...ctx, actor: anonymous }, {
        action: 'account.created',
        data: { userId: created.id, identityVerified: p.identityVerified, mobileVerified: true },
      });
      return { kind: 'created' as const, userId: created.id };
    }
    const [idHolder] = await tx.select({ id: users.id, mobile: users.mobile }).from(users).where(eq(users.idNumber, p.idNumber)).limit(1);
    if (idHolder?.mobile && (await mayTextRecipient(tx, ctx.clock, idHolder.mobile))) {
      await enqueueMessage(tx, {
        applicationId: null,
        userId: idHolder.id,
        channel: 'sms',
        template: 'signupIdTaken',
        params: {},
        idempotencyKey: `code:${row.id}:idTaken`,
        createdAt: ctx.clock.now(),
      });
    }
    await recordAudit(tx, { ...ctx, actor: anonymous }, { action: 'auth.signup.refused', data: { reason: 'accountExists', ip } });
    return { kind: 'exists' as const };
  });
  if (outcome.kind === 'gone') throw new DomainError('code.expired', 400);
  if (outcome.kind === 'exists') throw new DomainError('account.exists', 409);
  return { userId: outcome.userId };
}

/** Rate-limit keys for identifiers: their SHA-256, so the table holds no typed ID or mobile. */
function digest(value: string): string {
  return createHash('sha256').update(value.toLowerCase()).digest('base64url');
}

export type LoginOutcome =
  | { kind: 'signedIn'; userId: string; role: Role }
  /** Staff: the password was right; a TOTP code is still owed (see two-factor.ts). */
  | { kind: 'secondFactor'; pendingId: string; role: Role };

/**
 * Checks credentials. Citizens sign in with mobile or ID number, staff with their staff
 * number. Unknown accounts and wrong passwords get the same error and take the same time.
 * Attempts are counted per account and per address before the password is looked at, so a
 * guesser who hits the limit learns nothing more; every outcome is audited (never the password).
 */
export async function authenticate(ctx: ServiceContext, input: LoginInput, opts: { ip?: string } = {}): Promise<LoginOutcome> {
  const id = input.identifier.trim();
  const ip = opts.ip ?? null;
  const [user] = await ctx.db
    .select({ id: users.id, role: users.role, officeCode: users.officeCode, passwordHash: users.passwordHash, disabledAt: users.disabledAt })
    .from(users)
    .where(or(eq(users.mobile, normalizeMobile(id)), eq(users.idNumber, normalizeIdNumber(id)), eq(users.staffNo, id)))
    .limit(1);
  const anonymous: Actor = { kind: 'anonymous' };
  const who = user ? { userId: user.id } : { identifier: maskIdentifier(id) };

  // Both counters advance on every attempt. Without a known address (never behind express, which
  // always sets req.ip) only the account is counted.
  const ipKey = ip ? `login:ip:${ip}` : null;
  const limit = await hitRateLimits(ctx.db, ctx.clock, [
    ...(ipKey ? [{ key: ipKey, rule: LOGIN_PER_IP }] : []),
    { key: user ? `login:account:${user.id}` : `login:unknown:${digest(id)}`, rule: LOGIN_PER_ACCOUNT },
  ]);
  if (!limit.allowed) {
    // One audit row when a window first overflows, not one per refused request.
    if (limit.firstOverflow) await recordAudit(ctx.db, { ...ctx, actor: anonymous }, { action: 'auth.login.rateLimited', data: { ...who, ip } });
    throw new DomainError('auth.tooManyAttempts', 429, { params: { seconds: limit.retryAfterSeconds } });
  }

  const ok = await verifyPassword(user?.passwordHash ?? (await DUMMY_HASH_PROMISE), input.password);
  if (!user || !ok || user.disabledAt) {
    const reason = !user ? 'unknownAccount' : !ok ? 'wrongPassword' : 'disabled';
    await recordAudit(ctx.db, { ...ctx, actor: anonymous }, { action: 'auth.login.failed', data: { ...who, reason, ip } });
    throw new DomainError('auth.invalidCredentials', 401);
  }
  // The right password: not a guess, so the address gets its hit back (many people behind one
  // address sign in at the start of a shift). The account's own counter keeps it.
  if (ipKey) await forgiveRateLimitHit(ctx.db, ipKey);
  if (staffNeedsSecondFactor(user.role)) {
    // Staff cannot enrol themselves with a password alone: their unit provisions the secret.
    if (!(await hasTotp(ctx.db, user.id))) {
      await recordAudit(ctx.db, { ...ctx, actor: anonymous }, { action: 'auth.login.failed', data: { userId: user.id, reason: 'totpNotEnrolled', ip } });
      throw new DomainError('auth.secondFactorNotEnrolled', 403);
    }
    await recordAudit(ctx.db, { ...ctx, actor: anonymous }, { action: 'auth.login.passwordAccepted', data: { userId: user.id, ip } });
    return { kind: 'secondFactor', pendingId: await startPendingLogin(ctx, user.id), role: user.role };
  }
  const actor: Actor = { kind: 'user', id: user.id, role: user.role, officeCode: user.officeCode, skills: [], managerScope: null, cityCode: null, orgUnitCode: null };
  await recordAudit(ctx.db, { ...ctx, actor }, { action: 'auth.login.succeeded', data: { factor: 'password', ip } });
  return { kind: 'signedIn', userId: user.id, role: user.role };
}

/** What an audit row may say about an identifier that matched no account: its shape, not its value. */
function maskIdentifier(raw: string): string {
  // By characters, not UTF-16 units: half a surrogate pair is not storable (the audit row failed).
  const id = [...raw];
  return id.length <= 4 ? '*'.repeat(id.length) : `${id.slice(0, 2).join('')}${'*'.repeat(Math.min(id.length - 4, 16))}${id.slice(-2).join('')}`;
}

/**
 * Remembers the language a signed-in person chose (the ?lng switch), so their notifications are
 * written in the language they last used. One UPDATE, and only when it changed.
 */
export async function rememberLanguage(ctx: Pick<ServiceContext, 'db' | 'actor'>, locale: string): Promise<void> {
  if (ctx.actor.kind !== 'user') return;
  await ctx.db
    .update(users)
    .set({ locale })
    .where(and(eq(users.id, ctx.actor.id), ne(users.locale, locale)));
}
