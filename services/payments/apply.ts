import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { applications, paymentOrders } from '../../db/schema/index.js';
import { recordAudit } from '../audit.js';
import { chinaDate } from '../calendar/working-days.js';
import type { ServiceContext } from '../context.js';
import { decide, refundIdOf, type Outcome, type PaymentEvent } from './state.js';

type Ctx = Pick<ServiceContext, 'actor' | 'clock'>;
type Order = typeof paymentOrders.$inferSelect;

/** Statuses after which no result will come: what was paid goes back. */
export const ENDED_STATUSES = ['not_accepted', 'refused', 'withdrawn'] as const;
const ENDED: ReadonlySet<string> = new Set(ENDED_STATUSES);

/** The audit action of each change, by the status it reaches. */
const AUDIT_ACTION = {
  paid: 'payment.paid',
  cancelled: 'payment.cancelled',
  refund_requested: 'payment.refundRequested',
  refunded: 'payment.refunded',
  created: 'payment.orderCreated',
} as const;

export type Applied = { outcome: Outcome; order: Order | null };

/**
 * Judges one event against the order as it is now, inside the caller's transaction: the order
 * row is locked (FOR UPDATE), so two callbacks, a callback and a decision, or two workers are
 * judged one after the other, each against what the other left. Writes the change and its
 * audit row, or nothing.
 */
export async function applyPaymentEvent(tx: Db, ctx: Ctx, where: { orderNo: string } | { order: Order }, event: PaymentEvent): Promise<Applied> {
  const order =
    'order' in where
      ? where.order
      : ((await tx.select().from(paymentOrders).where(eq(paymentOrders.orderNo, where.orderNo)).for('update'))[0] ?? null);
  if (!order) return { outcome: { kind: 'ignore', why: 'stale' }, order: null };
  const [app] = await tx.select({ status: applications.status }).from(applications).where(eq(applications.id, order.applicationId));
  const outcome = decide(order, event, ENDED.has(app.status));
  if (outcome.kind !== 'change') return { outcome, order };
  const now = ctx.clock.now();
  const set: Partial<typeof paymentOrders.$inferInsert> = { status: outcome.to, updatedAt: now, version: order.version + 1 };
  if (event.kind === 'paid') {
    Object.assign(set, { paidAt: event.at, paidDay: chinaDate(event.at), platformOrderId: event.platformOrderId, invoiceUrl: event.invoiceUrl ?? order.invoiceUrl });
  }
  if (outcome.to === 'refund_requested') {
    Object.assign(set, {
      refundId: refundIdOf(order.orderNo),
      refundRequestedAt: now,
      refundReason: event.kind === 'refundRequested' ? event.reason : `application.${app.status}`,
    });
  }
  if (event.kind === 'refunded') Object.assign(set, { refundedAt: event.at, refundedDay: chinaDate(event.at) });
  const [updated] = await tx
    .update(paymentOrders)
    .set(set)
    .where(and(eq(paymentOrders.id, order.id), eq(paymentOrders.version, order.version)))
    .returning();
  // The row is locked by this transaction; a changed version would be a bug, not a race.
  if (!updated) throw new Error(`payment order ${order.orderNo} changed under its lock`);
  // A payment that arrives for an ended application is recorded as paid, then its refund asked.
  if (event.kind === 'paid') await audit(tx, ctx, updated, 'payment.paid', order.status, 'paid', { amountFen: event.amountFen, platformOrderId: event.platformOrderId });
  if (outcome.to !== 'paid') {
    await audit(tx, ctx, updated, AUDIT_ACTION[outcome.to], event.kind === 'paid' ? 'paid' : order.status, outcome.to, {
      amountFen: order.amountFen,
      ...(updated.refundId ? { refundId: updated.refundId } : {}),
    });
  }
  return { outcome, order: updated };
}

async function audit(tx: Db, ctx: Ctx, order: Order, action: string, from: string, to: string, data: Record<string, unknown>) {
  await recordAudit(tx, ctx, {
    applicationId: order.applicationId,
    action,
    // The order's states ride in data: from/toStatus are the application's (the timelines read them).
    officeCode: order.officeCode,
    data: { orderNo: order.orderNo, from, to, ...data },
  });
}

/**
 * The application ended without a result (not accepted, refused, withdrawn): inside the status
 * change's transaction (services/applications/transition.ts), the paid order's refund is asked
 * for and an unpaid one cancelled. Once: the order row is locked and a second call finds
 * nothing left to do.
 */
export async function onApplicationEnded(tx: Db, ctx: Ctx, applicationId: string, to: string): Promise<void> {
  if (!ENDED.has(to)) return;
  const open = await tx
    .select()
    .from(paymentOrders)
    .where(and(eq(paymentOrders.applicationId, applicationId), inArray(paymentOrders.status, ['created', 'paid'])))
    .for('update');
  for (const order of open) await applyPaymentEvent(tx, ctx, { order }, { kind: 'refundRequested', reason: `application.${to}` });
}
