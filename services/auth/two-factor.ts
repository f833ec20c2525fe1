import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import { pendingLogins, users } from '../../db/schema/index.js';
import type { Actor, Role, ServiceContext } from '../context.js';
import { DomainError } from '../errors.js';
import { recordAudit } from '../audit.js';
import { hitRateLimit, LOGIN_PER_ACCOUNT } from '../security/rate-limit.js';
import { checkTotp } from './totp.js';

/** Long enough to open an authenticator app, short enough that a stolen pending cookie soon dies. */
export const PENDING_LOGIN_MS = 5 * 60 * 1000;
/** Wrong codes allowed per password entry; after that the password must be entered again. */
export const MAX_CODE_ATTEMPTS = 5;

export function staffNeedsSecondFactor(role: string): boolean {
  return role === 'clerk' || role === 'manager' || role === 'admin';
}

export async function startPendingLogin(ctx: Pick<ServiceContext, 'db' | 'clock'>, userId: string): Promise<string> {
  const id = randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  await ctx.db.insert(pendingLogins).values({ id, userId, createdAt: now, expiresAt: new Date(now.getTime() + PENDING_LOGIN_MS) });
  return id;
}

/** The account a live pending login belongs to, or null (unknown, used, expired, exhausted, disabled). */
export async function resolvePendingLogin(
  ctx: Pick<ServiceContext, 'db' | 'clock'>,
  id: string | null | undefined,
): Promise<{ userId: string; role: Role; officeCode: string | null; managerScope: 'office' | 'city' | 'province' | null } | null> {
  if (!id) return null;
  const [row] = await ctx.db
    .select({ userId: users.id, role: users.role, officeCode: users.officeCode, managerScope: users.managerScope })
    .from(pendingLogins)
    .innerJoin(users, eq(users.id, pendingLogins.userId))
    .where(
      and(
        eq(pendingLogins.id, id),
        isNull(pendingLogins.consumedAt),
        gt(pendingLogins.expiresAt, ctx.clock.now()),
        lt(pendingLogins.attempts, MAX_CODE_ATTEMPTS),
        isNull(users.disabledAt),
      ),
    )
    .limit(1);
  return row ?? null;
}

/**
 * Second step of a staff sign-in: a right, unused TOTP code turns the pending login into the
 * user id a session may be started for. Every outcome is audited; a wrong code uses up one of
 * MAX_CODE_ATTEMPTS, and codes are also rate-limited per account like passwords.
 */
export async function completeSecondFactor(
  ctx: ServiceContext,
  pendingId: string | null | undefined,
  code: string,
  opts: { ip?: string } = {},
): Promise<{ userId: string; role: Role; managerScope: 'office' | 'city' | 'province' | null }> {
  const pending = await resolvePendingLogin(ctx, pendingId);
  if (!pending || !pendingId) throw new DomainError('auth.secondFactorExpired', 401);
  const anonymous: Actor = { kind: 'anonymous' };
  const ip = opts.ip ?? null;

  const limit = await hitRateLimit(ctx.db, ctx.clock, `login:account:${pending.userId}`, LOGIN_PER_ACCOUNT);
  if (!limit.allowed) {
    throw new DomainError('auth.tooManyAttempts', 429, { params: { seconds: limit.retryAfterSeconds } });
  }

  const result = await checkTotp(ctx.db, ctx.config.dataKeys, ctx.clock, pending.userId, code);
  if (result !== 'ok') {
    await ctx.db
      .update(pendingLogins)
      .set({ attempts: sql`${pendingLogins.attempts} + 1` })
      .where(eq(pendingLogins.id, pendingId));
    await recordAudit(ctx.db, { ...ctx, actor: anonymous }, { action: 'auth.login.failed', data: { userId: pending.userId, factor: 'totp', reason: result, ip } });
    throw new DomainError('auth.invalidCode', 401, { fieldErrors: { code: ['totp.invalid'] } });
  }
  // Consumed exactly once, even if the same form is posted twice at the same moment.
  const used = await ctx.db
    .update(pendingLogins)
    .set({ consumedAt: ctx.clock.now() })
    .where(and(eq(pendingLogins.id, pendingId), isNull(pendingLogins.consumedAt)))
    .returning({ id: pendingLogins.id });
  if (used.length === 0) throw new DomainError('auth.secondFactorExpired', 401);
  await recordAudit(
    ctx.db,
    { ...ctx, actor: { kind: 'user', id: pending.userId, role: pending.role, officeCode: pending.officeCode, skills: [], managerScope: null, cityCode: null, orgUnitCode: null } },
    { action: 'auth.login.succeeded', data: { factor: 'totp', ip } },
  );
  return { userId: pending.userId, role: pending.role, managerScope: pending.managerScope ?? null };
}
