import { eq, or } from 'drizzle-orm';
import { users } from '../../db/schema/index.js';
import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors.js';
import { recordAudit } from '../audit.js';
import { normalizeIdNumber, normalizeMobile } from '../validation/identifiers.js';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './password.js';
import type { LoginInput, SignupInput } from './schemas.js';

/**
 * Creates a citizen account. The input has passed signupSchema; `locale` is the language the
 * person signed up in, used later for notifications. Identity is unverified until the registry says so.
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
      })
      .onConflictDoNothing()
      .returning({ id: users.id });
    // A concurrent sign-up with the same ID or mobile won the race.
    if (!row) throw new DomainError('account.exists', 409);
    await recordAudit(tx, { ...ctx, actor: { kind: 'anonymous' } }, { action: 'account.created', data: { userId: row.id } });
    return { userId: row.id };
  });
}

/**
 * Checks credentials. Citizens sign in with mobile or ID number, staff with their staff
 * number. Unknown accounts and wrong passwords get the same error and take the same time.
 */
export async function authenticate(ctx: ServiceContext, input: LoginInput): Promise<{ userId: string; role: string }> {
  const id = input.identifier.trim();
  const [user] = await ctx.db
    .select({ id: users.id, role: users.role, passwordHash: users.passwordHash, disabledAt: users.disabledAt })
    .from(users)
    .where(or(eq(users.mobile, normalizeMobile(id)), eq(users.idNumber, normalizeIdNumber(id)), eq(users.staffNo, id)))
    .limit(1);
  const ok = await verifyPassword(user?.passwordHash ?? (await DUMMY_HASH_PROMISE), input.password);
  if (!user || !ok || user.disabledAt) throw new DomainError('auth.invalidCredentials', 401);
  return { userId: user.id, role: user.role };
}
