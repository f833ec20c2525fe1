import { and, eq, inArray, lt, notExists } from 'drizzle-orm';
import { applications, decisions, notices, queueItems } from '../../db/schema/index.js';
import { chinaDate } from '../calendar/working-days.js';
import type { ServiceContext } from '../context.js';
import { enqueueMessage } from '../notifications/outbox.js';
import { lockApplication } from '../review/access.js';
import { changeStatus } from '../applications/transition.js';

/** The clock acts as the system, whoever's request happened to run the sweep. */
export const systemContext = (ctx: ServiceContext): ServiceContext => ({ ...ctx, actor: { kind: 'anonymous' } });

/**
 * Art. 32(4): an application neither notified nor accepted by its completeness deadline (five
 * working days from receipt) counts as accepted from the day the materials arrived. Runs as a
 * sweep and lazily whenever the desk loads; each application in its own transaction, rechecked
 * under lock, so concurrent sweeps accept it once. Returns the numbers it accepted.
 */
export async function applyDeemedAcceptance(ctx: ServiceContext, officeCode?: string): Promise<string[]> {
  const sys = systemContext(ctx);
  const today = chinaDate(ctx.clock.now());
  const due = await ctx.db
    .select({ id: applications.id })
    .from(applications)
    .where(
      and(
        inArray(applications.status, ['submitted', 'under_review']),
        lt(applications.completenessDeadline, today),
        notExists(ctx.db.select({ id: notices.id }).from(notices).where(eq(notices.applicationId, applications.id))),
        officeCode ? eq(applications.officeCode, officeCode) : undefined,
      ),
    );
  const accepted: string[] = [];
  for (const { id } of due) {
    const done = await ctx.db.transaction(async (tx) => {
      // Lock order: queue item, then application (as every clerk action does).
      await tx.select({ id: queueItems.id }).from(queueItems).where(eq(queueItems.applicationId, id)).for('update');
      const app = await lockApplication(tx, id);
      if (app.status !== 'submitted' && app.status !== 'under_review') return null;
      if (!app.completenessDeadline || app.completenessDeadline >= today) return null;
      const [notice] = await tx.select({ id: notices.id }).from(notices).where(eq(notices.applicationId, id)).limit(1);
      if (notice) return null;
      const [decision] = await tx
        .insert(decisions)
        .values({ applicationId: id, kind: 'accepted', clerkId: null, at: sys.clock.now(), reasonCode: 'deemed', legalBasisKey: 'notice:basis.licensingLaw32_4' })
        .returning();
      await changeStatus(tx, sys, app, 'accepted', 'system', {
        action: 'application.deemedAccepted',
        reason: 'art32',
        data: { decisionId: decision.id, completenessDeadline: app.completenessDeadline },
        // Accepted as of receipt, by law.
        set: { deemedAccepted: 1, acceptedAt: app.submittedAt ?? sys.clock.now() },
      });
      // Same event and key as a clerk's acceptance: the citizen hears of acceptance once.
      await enqueueMessage(tx, {
        applicationId: id,
        userId: app.applicantId,
        channel: 'sms',
        template: 'acceptance',
        params: { applicationNumber: app.number, deemed: true, dueDate: app.dueDate },
        idempotencyKey: `acceptance:${id}`,
        createdAt: sys.clock.now(),
      });
      return app.number;
    });
    if (done) accepted.push(done);
  }
  return accepted;
}
