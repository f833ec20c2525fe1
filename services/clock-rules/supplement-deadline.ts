import { and, desc, eq, isNull } from 'drizzle-orm';
import { applications, notices, queueItems, waitingIntervals } from '../../db/schema/index.js';
import { chinaDate } from '../calendar/working-days.js';
import type { ServiceContext } from '../context.js';
import { settleItem } from '../queue/lease.js';
import { lockApplication } from '../review/access.js';
import { changeStatus } from '../applications/transition.js';
import { systemContext } from './deemed-acceptance.js';

/**
 * A citizen who has not supplemented by the notice's deadline is taken to have withdrawn the
 * application (the notice says so). Same shape as the deemed-acceptance sweep.
 */
export async function applySupplementDeadlines(ctx: ServiceContext, officeCode?: string): Promise<string[]> {
  const sys = systemContext(ctx);
  const now = ctx.clock.now();
  const today = chinaDate(now);
  const waiting = await ctx.db
    .select({ id: applications.id })
    .from(applications)
    .where(and(eq(applications.status, 'needs_supplement'), officeCode ? eq(applications.officeCode, officeCode) : undefined));
  const withdrawn: string[] = [];
  for (const { id } of waiting) {
    const done = await ctx.db.transaction(async (tx) => {
      const [item] = await tx.select().from(queueItems).where(eq(queueItems.applicationId, id)).for('update');
      const app = await lockApplication(tx, id);
      if (app.status !== 'needs_supplement') return null;
      const [notice] = await tx.select().from(notices).where(eq(notices.applicationId, id)).orderBy(desc(notices.sequence)).limit(1);
      if (!notice || notice.supplementDeadline >= today) return null;
      await changeStatus(tx, sys, app, 'withdrawn', 'system', {
        action: 'application.supplementExpired',
        reason: 'supplementDeadline',
        data: { noticeId: notice.id, deadline: notice.supplementDeadline },
        set: { decidedAt: now },
      });
      await tx
        .update(waitingIntervals)
        .set({ endedAt: now, endedBy: 'withdrawn' })
        .where(and(eq(waitingIntervals.noticeId, notice.id), isNull(waitingIntervals.endedAt)));
      if (item) await settleItem(tx, item.id, 'done');
      return app.number;
    });
    if (done) withdrawn.push(done);
  }
  return withdrawn;
}
