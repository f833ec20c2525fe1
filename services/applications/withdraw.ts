import { and, eq } from 'drizzle-orm';
import { applications, queueItems } from '../../db/schema/index.js';
import type { ServiceContext } from '../context.js';
import { DomainError, notFound } from '../errors.js';
import { authorize } from '../permissions.js';
import { isApplicationNumber } from '../validation/ids.js';
import { changeStatus } from './transition.js';
import { canTransition } from './status-machine.js';

/**
 * The citizen withdraws an application before it is accepted. The queue item leaves the queue
 * in the same transaction, so no clerk can take it afterwards.
 */
export async function withdrawApplication(ctx: ServiceContext, input: { number: string; confirmed: boolean }): Promise<void> {
  const { actor } = authorize(ctx.actor, 'application:withdraw');
  if (!input.confirmed) {
    throw new DomainError('application.withdrawNotConfirmed', 400, { fieldErrors: { confirm: ['application.withdrawConfirmRequired'] } });
  }
  if (!isApplicationNumber(input.number)) throw notFound('application.notFound');
  await ctx.db.transaction(async (tx) => {
    const [app] = await tx
      .select({ id: applications.id, status: applications.status, officeCode: applications.officeCode, applicantId: applications.applicantId })
      .from(applications)
      .where(eq(applications.number, input.number))
      .for('update');
    if (!app || app.applicantId !== actor.id) throw notFound('application.notFound');
    if (!canTransition(app.status, 'withdrawn', 'citizen')) {
      throw new DomainError('application.cannotWithdraw', 409, { params: { status: app.status } });
    }
    await changeStatus(tx, ctx, app, 'withdrawn', 'citizen');
    await tx
      .update(queueItems)
      .set({ state: 'done', claimedBy: null, leaseExpiresAt: null })
      .where(and(eq(queueItems.applicationId, app.id)));
  });
}
