import { eq, sql } from 'drizzle-orm';
import { users } from '../../db/schema/index.js';
import type { Actor, ServiceContext } from '../context.js';
import { DomainError } from '../errors.js';
import { recordAudit } from '../audit.js';
import { issueActivationCode, NO_PASSWORD } from './activation.js';
import { staffCreateSchema } from './schemas.js';

/**
 * The first administrator of a deployment (`npm run admin:bootstrap`): the national root
 * administrator, with no password, and a one-time activation code for /activate. Refused, and
 * nothing changed, once any administrator exists: later ones are created in the browser.
 */
export async function bootstrapRootAdmin(ctx: Omit<ServiceContext, 'actor'>, input: { realName: string; staffNo: string }): Promise<{ userId: string; activationCode: string }> {
  const parsed = staffCreateSchema.pick({ realName: true, staffNo: true }).safeParse(input);
  if (!parsed.success) throw new DomainError('admin.bootstrap.invalid', 400);
  const system: Actor = { kind: 'anonymous' };
  return ctx.db.transaction(async (tx) => {
    // Serializes two bootstraps started at once: the second sees the first's administrator.
    await tx.execute(sql`select pg_advisory_xact_lock(27027)`);
    const existing = await tx.select({ id: users.id }).from(users).where(eq(users.role, 'admin')).limit(1);
    if (existing.length > 0) throw new DomainError('admin.bootstrap.exists', 409);
    const [row] = await tx
      .insert(users)
      .values({ role: 'admin', realName: parsed.data.realName, staffNo: parsed.data.staffNo, passwordHash: NO_PASSWORD, orgUnitCode: null })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (!row) throw new DomainError('admin.staff.exists', 409);
    const activationCode = await issueActivationCode(tx, ctx, row.id);
    await recordAudit(tx, { ...ctx, actor: system }, { action: 'admin.bootstrap', data: { userId: row.id, after: { role: 'admin', staffNo: parsed.data.staffNo, orgUnitCode: null } } });
    return { userId: row.id, activationCode };
  });
}
