import { and, eq, sql } from 'drizzle-orm';
import { applications, offices, queueItems, users } from '../../db/schema/index.js';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import { invalid } from '../errors.js';
import { notifyApplicant } from '../notifications/notify.js';
import { applicationInScope } from '../review/access.js';
import { holdLease, leaseUntil, settleItem } from './lease.js';

/** Puts the item back in the office's queue for anyone to take. */
export async function releaseApplication(ctx: ServiceContext, number: string, leaseVersion: number): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const { app } = await applicationInScope(tx, ctx, number, 'queue:claim');
    const item = await holdLease(tx, ctx, { id: app.id }, leaseVersion);
    await settleItem(tx, item.id, 'waiting');
    await recordAudit(tx, ctx, { applicationId: app.id, action: 'queue.released', officeCode: item.officeCode });
  });
}

/** Exactly one of the two. */
export type TransferTarget = { toClerkId?: string; toOfficeCode?: string };

/**
 * Hands the item to a colleague of the same office who has the department's skill (they get a
 * fresh lease and the item shows as theirs), or to another office that handles the department
 * (it joins that office's queue). A reason is required and recorded.
 */
export async function transferApplication(
  ctx: ServiceContext,
  number: string,
  leaseVersion: number,
  target: TransferTarget,
  reason: string,
): Promise<void> {
  const why = reason.trim();
  if (!why) throw invalid('form.invalid', { reason: ['required'] });
  const { toClerkId, toOfficeCode } = target;
  if (!toClerkId === !toOfficeCode) throw invalid('form.invalid', { toClerkId: ['review.transferTarget'] });
  await ctx.db.transaction(async (tx) => {
    const { app } = await applicationInScope(tx, ctx, number, 'queue:claim');
    const item = await holdLease(tx, ctx, { id: app.id }, leaseVersion);
    if (toClerkId) {
      const [clerk] = await tx
        .select()
        .from(users)
        .where(and(eq(users.id, toClerkId), eq(users.role, 'clerk')))
        .limit(1);
      const fits = clerk && !clerk.disabledAt && clerk.officeCode === item.officeCode && clerk.skills.includes(item.department);
      if (!fits || clerk.id === item.claimedBy) throw invalid('form.invalid', { toClerkId: ['review.transferClerkInvalid'] });
      await tx
        .update(queueItems)
        .set({ claimedBy: clerk.id, leaseExpiresAt: leaseUntil(ctx), heldSince: ctx.clock.now(), leaseVersion: sql`${queueItems.leaseVersion} + 1` })
        .where(eq(queueItems.id, item.id));
    } else {
      const [office] = await tx.select().from(offices).where(eq(offices.code, toOfficeCode!)).limit(1);
      // A closed office (services/admin/offices.ts) receives nothing more.
      if (!office || office.closedAt || office.code === item.officeCode || !office.departments.includes(item.department)) {
        throw invalid('form.invalid', { toOfficeCode: ['review.transferOfficeInvalid'] });
      }
      await settleItem(tx, item.id, 'waiting', { officeCode: office.code });
      await tx.update(applications).set({ officeCode: office.code, updatedAt: ctx.clock.now() }).where(eq(applications.id, app.id));
      // Not a decision, so no document; but the citizen's office changed and they are told.
      // Each transfer is its own event (an application may move more than once). The global Web
      // Crypto, not node:crypto: the desk route's browser bundle resolves this module's imports.
      await notifyApplicant(tx, {
        applicationId: app.id,
        applicantId: app.applicantId,
        template: 'transfer',
        params: { applicationNumber: app.number, serviceCode: app.serviceCode, officeCode: item.officeCode, toOfficeCode: office.code, dueDate: app.dueDate },
        eventKey: `transfer:${app.id}:${crypto.randomUUID()}`,
        createdAt: ctx.clock.now(),
      });
    }
    await recordAudit(tx, ctx, {
      applicationId: app.id,
      action: 'queue.transferred',
      reason: why,
      officeCode: item.officeCode,
      data: { toClerkId: toClerkId ?? null, toOfficeCode: toOfficeCode ?? null },
    });
  });
}
