import { eq } from 'drizzle-orm';
import { decisions, notices, queueItems } from '../../db/schema/index.js';
import { chinaDate } from '../calendar/working-days.js';
import { lockApplication, type ApplicationRow } from '../review/access.js';
import { changeStatus } from '../applications/transition.js';
import { DUE, forEachDue, systemContext, type ClockContext } from './due.js';

export { systemContext } from './due.js';

/**
 * Art. 32(4) in one place: an application neither notified nor accepted by its completeness
 * deadline (five working days from receipt) counts as accepted from the day the materials
 * arrived. True from the day after the deadline (China date). The sweep acts on it; a notice
 * that comes too late is refused by it (services/review/notice.ts).
 */
/** Art. 32's clock runs while the office has neither accepted nor given its one notice. */
export function completenessClockRuns(app: Pick<ApplicationRow, 'status' | 'supplementDeadline'>, opts: { notified?: boolean } = {}): boolean {
  return (app.status === 'submitted' || app.status === 'under_review') && !opts.notified && app.supplementDeadline === null;
}

export function deemedAcceptanceDue(
  app: Pick<ApplicationRow, 'status' | 'completenessDeadline' | 'supplementDeadline'>,
  today: string,
  opts: { notified?: boolean } = {},
): boolean {
  return completenessClockRuns(app, opts) && !!app.completenessDeadline && app.completenessDeadline < today;
}

/**
 * The deemed-acceptance sweep, for every office. Each application in its own transaction,
 * locked (queue item, then application: every clerk action's order) and rechecked, so concurrent
 * sweeps — two worker processes — accept it once: one decision, one audit row, one message.
 * Returns the numbers it accepted.
 */
export async function applyDeemedAcceptance(ctx: ClockContext): Promise<string[]> {
  const sys = systemContext(ctx);
  const today = chinaDate(ctx.clock.now());
  const due = await DUE.deemed(ctx.db, today);
  return forEachDue(due, (id) =>
    ctx.db.transaction(async (tx) => {
      await tx.select({ id: queueItems.id }).from(queueItems).where(eq(queueItems.applicationId, id)).for('update');
      const app = await lockApplication(tx, id);
      const [notice] = await tx.select({ id: notices.id }).from(notices).where(eq(notices.applicationId, id)).limit(1);
      if (!deemedAcceptanceDue(app, today, { notified: !!notice })) return null;
      const now = sys.clock.now();
      const [decision] = await tx
        .insert(decisions)
        .values({ applicationId: id, kind: 'accepted', clerkId: null, at: now, reasonCode: 'deemed', legalBasisKey: 'notice:basis.licensingLaw32_4' })
        .returning();
      await changeStatus(tx, sys, app, 'accepted', 'system', {
        action: 'application.deemedAccepted',
        reason: 'art32',
        data: { decisionId: decision.id, completenessDeadline: app.completenessDeadline },
        decision,
        // Accepted as of receipt, by law.
        set: { deemedAccepted: 1, acceptedAt: app.submittedAt ?? now },
      });
      // The document and the citizen's message come from changeStatus (services/documents).
      return app.number;
    }),
  );
}
