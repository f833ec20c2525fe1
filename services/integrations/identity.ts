import { and, asc, eq, isNotNull, lte } from 'drizzle-orm';
import { users } from '../../db/schema/index.js';
import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors.js';
import { retryDelayMs } from '../notifications/backoff.js';
import { isIntegrationError } from './http.js';
import { verifyIdentity } from './population-registry.js';

export type SignupIdentity = { identityVerified: boolean; identityRecheckAt: Date | null };

/**
 * Asks the registry whether the name belongs to the ID number, before the account exists. A
 * clear "no" refuses the sign-up beside both fields; a registry that cannot be reached does not
 * stop anyone: the account is created unverified and the worker asks again later.
 */
export async function identityAtSignup(ctx: Pick<ServiceContext, 'clock' | 'config'>, person: { name: string; idNumber: string }): Promise<SignupIdentity> {
  try {
    const check = await verifyIdentity(ctx.config.integrations, person);
    if (check.cancelled) throw new DomainError('identity.cancelled', 400, { fieldErrors: { idNumber: ['identity.cancelled'] } });
    if (!check.match) {
      throw new DomainError('identity.mismatch', 400, {
        fieldErrors: { realName: ['identity.mismatch'], idNumber: ['identity.mismatch'] },
      });
    }
    return { identityVerified: true, identityRecheckAt: null };
  } catch (e) {
    if (!isIntegrationError(e)) throw e;
    const delay = retryDelayMs(ctx.config.integrations.outbox, 1);
    return { identityVerified: false, identityRecheckAt: new Date(ctx.clock.now().getTime() + delay) };
  }
}

/**
 * Asks the registry again for accounts it could not confirm at sign-up, with the outbox's
 * backoff. A later "no" leaves the account unverified and stops asking: staff will see it
 * unverified, as a person would have been refused at sign-up.
 */
export async function recheckIdentities(ctx: Pick<ServiceContext, 'db' | 'clock' | 'config'>, limit = 20): Promise<{ verified: number; refused: number; deferred: number }> {
  const now = ctx.clock.now();
  const due = await ctx.db
    .select({ id: users.id, realName: users.realName, idNumber: users.idNumber, attempts: users.identityCheckAttempts })
    .from(users)
    .where(and(isNotNull(users.identityRecheckAt), lte(users.identityRecheckAt, now), eq(users.identityVerified, false)))
    .orderBy(asc(users.identityRecheckAt))
    .limit(limit);
  const out = { verified: 0, refused: 0, deferred: 0 };
  for (const u of due) {
    if (!u.idNumber) continue;
    const attempts = u.attempts + 1;
    try {
      const check = await verifyIdentity(ctx.config.integrations, { name: u.realName, idNumber: u.idNumber });
      const ok = check.match && !check.cancelled;
      await ctx.db
        .update(users)
        .set({ identityVerified: ok, identityRecheckAt: null, identityCheckAttempts: attempts })
        .where(eq(users.id, u.id));
      if (ok) out.verified++;
      else out.refused++;
    } catch (e) {
      if (!isIntegrationError(e)) throw e;
      const next = new Date(ctx.clock.now().getTime() + retryDelayMs(ctx.config.integrations.outbox, attempts + 1));
      await ctx.db.update(users).set({ identityRecheckAt: next, identityCheckAttempts: attempts }).where(eq(users.id, u.id));
      out.deferred++;
    }
  }
  return out;
}
