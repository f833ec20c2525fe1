import { createHash } from 'node:crypto';
import { eq, or } from 'drizzle-orm';
import { users } from '../../db/schema/index.js';
import type { Actor, Role, ServiceContext } from '../context.js';
import { DomainError } from '../errors.js';
import { recordAudit } from '../audit.js';
import { identityAtSignup } from '../integrations/identity.js';
import { normalizeIdNumber, normalizeMobile } from '../validation/identifiers.js';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './password.js';
import type { LoginInput, SignupInput } from './schemas.js';
import { hitRateLimit, LOGIN_PER_ACCOUNT, LOGIN_PER_IP } from '../security/rate-limit.js';
import { staffNeedsSecondFactor, startPendingLogin } from './two-factor.js';
import { hasTotp } from './totp.js';

/**
 * Creates a citizen account. The input has passed signupSchema; `locale` is the language the
 * person signed up in, used later for notifications. The population registry checks the name
 * against the ID number first: a mismatch is refused; a registry that cannot be reached leaves
 * the account unverified, to be re-checked by the worker (services/integrations/identity.ts).
 */
export async function signUp(ctx: ServiceContext, input: SignupInput, opts: { locale?: string } = {}): Promise<{ userId: string }> {
  const taken = await ctx.db
    .select({ idNumber: users.idNumber, mobile: users.mobile })
    .from(users)
    .where(or(eq(users.idNumber, input.idNumber), eq(users.mobile, input.mobile)));
  if (taken.length > 0) {
    const fieldErrors: Record<string, string[]> = {};
    if (taken.some((t) => t.idNumber === input.idNumber)) fieldErrors.idNumber = ['account.idNumberTaken'];
    if (taken.some((t) => t.mobile === input.mobile)) fieldErrors.mobile = ['account.mobileTaken'];
    throw new DomainError('account.exists', 409, { fieldErrors });
  }
  // Outside the transaction: a slow registry must not hold a database connection.
  const identity = await identityAtSignup(ctx, { name: input.realName, idNumber: input.idNumber });
  const passwordHash = await hashPassword(input.password);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({
        role: 'citizen',
        realName: input.realName,
        idNumber: input.idNumber,
        mobile: input.mobile,
        passwordHash,
        locale: opts.locale ?? 'zh-CN',
        ...identity,
      })
      .onConflictDoNothing()
      .returning({ id: users.id });
    // A concurrent sign-up with the same ID or mobile won the race.
    if (!row) throw new DomainError('account.exists', 409);
    await recordAudit(tx, { ...ctx, actor: { kind: 'anonymous' } }, {
      action: 'account.created',
      data: { userId: row.id, identityVerified: identity.identityVerified },
    });
    return { userId: row.id };
  });
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
  const unlimited = { allowed: true, count: 0, retryAfterSeconds: 0 };
  const [perIp, perAccount] = [
    ip ? await hitRateLimit(ctx.db, ctx.clock, `login:ip:${ip}`, LOGIN_PER_IP) : unlimited,
    await hitRateLimit(ctx.db, ctx.clock, user ? `login:account:${user.id}` : `login:unknown:${createHash('sha256').update(id.toLowerCase()).digest('base64url')}`, LOGIN_PER_ACCOUNT),
  ];
  if (!perIp.allowed || !perAccount.allowed) {
    // One audit row when a window first overflows, not one per refused request.
    if (perIp.count === LOGIN_PER_IP.limit + 1 || perAccount.count === LOGIN_PER_ACCOUNT.limit + 1) {
      await recordAudit(ctx.db, { ...ctx, actor: anonymous }, { action: 'auth.login.rateLimited', data: { ...who, ip } });
    }
    const seconds = Math.max(perIp.allowed ? 0 : perIp.retryAfterSeconds, perAccount.allowed ? 0 : perAccount.retryAfterSeconds);
    throw new DomainError('auth.tooManyAttempts', 429, { params: { seconds } });
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
  const actor: Actor = { kind: 'user', id: user.id, role: user.role, officeCode: user.officeCode, skills: [], managerScope: null, cityCode: null };
  await recordAudit(ctx.db, { ...ctx, actor }, { action: 'auth.login.succeeded', data: { factor: 'password', ip } });
  return { kind: 'signedIn', userId: user.id, role: user.role };
}

/** What an audit row may say about an identifier that matched no account: its shape, not its value. */
function maskIdentifier(raw: string): string {
  // By characters, not UTF-16 units: half a surrogate pair is not storable (the audit row failed).
  const id = [...raw];
  return id.length <= 4 ? '*'.repeat(id.length) : `${id.slice(0, 2).join('')}${'*'.repeat(Math.min(id.length - 4, 16))}${id.slice(-2).join('')}`;
}
