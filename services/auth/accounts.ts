import { createHash } from 'node:crypto';
import { and, eq, ne, or } from 'drizzle-orm';
import { users } from '../../db/schema/index.js';
import type { Actor, Role, ServiceContext } from '../context.js';
import { DomainError } from '../errors.js';
import { recordAudit } from '../audit.js';
import { identityAtSignup } from '../integrations/identity.js';
import { normalizeIdNumber, normalizeMobile } from '../validation/identifiers.js';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './password.js';
import { assertAcceptablePassword } from './password-policy.js';
import type { LoginInput, SignupInput } from './schemas.js';
import { hitRateLimits, LOGIN_PER_ACCOUNT, LOGIN_PER_IP, SIGNUP_PER_IDENTITY, SIGNUP_PER_IP } from '../security/rate-limit.js';
import { staffNeedsSecondFactor, startPendingLogin } from './two-factor.js';
import { hasTotp } from './totp.js';

/**
 * Creates a citizen account. The input has passed signupSchema; `locale` is the language the
 * person signed up in, used later for notifications; `ip` is the client address.
 *
 * The order is what keeps sign-up from telling more than sign-in does (decision 0016): the
 * password is judged first (it says nothing about anyone); then the attempt is counted per
 * address, per ID number and per mobile; then the population registry checks the name against
 * the ID number (a mismatch is refused; a registry that cannot be reached leaves the account
 * unverified, to be re-checked by the worker, services/integrations/identity.ts); only then is
 * the account inserted, and an ID number or mobile that already has one gets one neutral
 * answer that does not say which of the two it was, after the same work as a success.
 */
export async function signUp(ctx: ServiceContext, input: SignupInput, opts: { locale?: string; ip?: string } = {}): Promise<{ userId: string }> {
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

  // Outside the transaction: a slow registry must not hold a database connection.
  const identity = await identityAtSignup(ctx, { name: input.realName, idNumber: input.idNumber });
  const passwordHash = await hashPassword(input.password);
  const created = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({
        role: 'citizen',
        realName: input.realName,
        idNumber: input.idNumber,
        mobile: input.mobile,
        email: input.email ?? null,
        passwordHash,
        locale: opts.locale ?? 'zh-CN',
        ...identity,
      })
      // The unique ID number and mobile: the one place a collision is found, so an existing
      // account costs the same registry call and hash as a new one and is answered alike.
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (row) {
      await recordAudit(tx, { ...ctx, actor: anonymous }, {
        action: 'account.created',
        data: { userId: row.id, identityVerified: identity.identityVerified },
      });
    }
    return row ?? null;
  });
  if (!created) {
    await recordAudit(ctx.db, { ...ctx, actor: anonymous }, { action: 'auth.signup.refused', data: { reason: 'accountExists', ip } });
    throw new DomainError('account.exists', 409);
  }
  return { userId: created.id };
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
  const limit = await hitRateLimits(ctx.db, ctx.clock, [
    ...(ip ? [{ key: `login:ip:${ip}`, rule: LOGIN_PER_IP }] : []),
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
