import { and, eq, isNull, or } from 'drizzle-orm';
import { sessions, users } from '../../db/schema/index.js';
import type { Actor, ServiceContext } from '../context.js';
import { DomainError } from '../errors.js';
import { recordAudit } from '../audit.js';
import { enqueueMessage } from '../notifications/outbox.js';
import { normalizeIdNumber, normalizeMobile } from '../validation/identifiers.js';
import { codeMessageParams, consumeCode, countCodeIssue, countedIdentifier, createCode, findFlow, mayTextRecipient, proveCode } from './one-time-codes.js';
import { hashPassword } from './password.js';
import { assertAcceptablePassword } from './password-policy.js';

/**
 * Password reset by a code sent to the account's mobile (decision 0024). Citizens only: a staff
 * account's password is reset by its unit, and a code to a clerk's phone must not stand in for
 * the second factor (staff still enter their TOTP code at every sign-in).
 *
 * First step: the mobile or ID number typed. The answer is always "if an account exists, a code
 * was sent to its mobile" with a flow token; an unknown identifier gets a flow whose every code is
 * refused. The counters count the identifier typed (one spelling: countedIdentifier), never the
 * account, so they too say nothing; the account's own mobile is counted after it is found
 * (mayTextRecipient), and when it is over its cap nothing is sent and the answer is the same.
 */
export async function startPasswordReset(ctx: ServiceContext, identifier: string, opts: { ip?: string } = {}): Promise<{ token: string }> {
  const ip = opts.ip ?? null;
  const id = identifier.trim();
  await countCodeIssue(ctx, 'reset', countedIdentifier(id), ip);
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const [user] = await tx
      .select({ id: users.id, mobile: users.mobile })
      .from(users)
      .where(
        and(
          eq(users.role, 'citizen'),
          isNull(users.disabledAt),
          or(eq(users.mobile, normalizeMobile(id)), eq(users.idNumber, normalizeIdNumber(id))),
        ),
      )
      .limit(1);
    const send = !!user?.mobile && (await mayTextRecipient(tx, ctx.clock, user.mobile));
    const c = await createCode(tx, ctx, { purpose: 'reset', sent: send, userId: user?.id ?? null });
    if (user && send) {
      await enqueueMessage(tx, {
        applicationId: null,
        userId: user.id,
        channel: 'sms',
        template: 'resetCode',
        params: codeMessageParams(ctx.config.dataKeys, c),
        idempotencyKey: `code:${c.id}`,
        createdAt: now,
      });
    }
    await recordAudit(tx, { ...ctx, actor: { kind: 'anonymous' } }, { action: 'auth.reset.codeSent', data: { codeId: c.id, userId: user?.id ?? null, sent: send, ip } });
    return { token: c.token };
  });
}

/**
 * Second step: the right code and an acceptable new password (the same policy as sign-up) set the
 * password and end every session of the account, wherever it was signed in. A refused password
 * does not use the code up, so the person can choose another.
 */
export async function completePasswordReset(
  ctx: ServiceContext,
  token: string | null | undefined,
  input: { code: string; password: string },
  opts: { ip?: string } = {},
): Promise<{ userId: string }> {
  const ip = opts.ip ?? null;
  const row = await proveCode(ctx, 'reset', token, input.code, ip);
  const [user] = row.userId
    ? await ctx.db
        .select({ id: users.id, role: users.role, idNumber: users.idNumber, mobile: users.mobile, officeCode: users.officeCode })
        .from(users)
        .where(and(eq(users.id, row.userId), eq(users.role, 'citizen'), isNull(users.disabledAt)))
        .limit(1)
    : [];
  if (!user) throw new DomainError('code.expired', 400);
  assertAcceptablePassword(input.password, user);
  const passwordHash = await hashPassword(input.password);
  const done = await ctx.db.transaction(async (tx) => {
    if (!(await consumeCode(tx, ctx.clock, row.id))) return false;
    const now = ctx.clock.now();
    await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
    const ended = await tx
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.userId, user.id), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id });
    const actor: Actor = { kind: 'user', id: user.id, role: user.role, officeCode: user.officeCode, skills: [], managerScope: null, cityCode: null, orgUnitCode: null };
    await recordAudit(tx, { ...ctx, actor }, { action: 'auth.password.reset', data: { codeId: row.id, sessionsEnded: ended.length, ip } });
    return true;
  });
  if (!done) throw new DomainError('code.expired', 400);
  return { userId: user.id };
}

/** Whether a reset flow is still open (the code page shows only then); says nothing about an account. */
export async function resetPending(ctx: Pick<ServiceContext, 'db' | 'clock'>, token: string | null | undefined): Promise<boolean> {
  return (await findFlow(ctx, 'reset', token)) !== null;
}
