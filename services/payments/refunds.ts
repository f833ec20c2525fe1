import { and, asc, eq, sql } from 'drizzle-orm';
import { paymentOrders } from '../../db/schema/index.js';
import type { ServiceContext } from '../context.js';
import { isIntegrationError } from '../integrations/http.js';
import { refundPlatformOrder } from '../integrations/payment-platform.js';
import { applyPaymentEvent } from './apply.js';

type WorkerContext = Pick<ServiceContext, 'db' | 'clock' | 'config'>;

const BATCH = 20;

/**
 * The worker's step for refunds: every order whose refund was asked for is sent to the platform
 * under its one refund id until the platform says it is done; then the order is refunded. The
 * platform refunds once per refund id, so a retry after a timeout, two workers at once, or a
 * worker that died between the call and the write all end in one refund.
 */
export async function trackRefunds(ctx: WorkerContext): Promise<{ refunded: string[]; pending: string[] }> {
  const due = await ctx.db
    .select()
    .from(paymentOrders)
    .where(eq(paymentOrders.status, 'refund_requested'))
    .orderBy(asc(paymentOrders.refundRequestedAt))
    .limit(BATCH);
  const out = { refunded: [] as string[], pending: [] as string[] };
  const system = { ...ctx, actor: { kind: 'anonymous' } as const };
  for (const order of due) {
    let status: 'processing' | 'succeeded' | 'failed';
    try {
      const answer = await refundPlatformOrder(ctx.config.integrations, {
        refundId: order.refundId!,
        orderNo: order.orderNo,
        amountFen: order.amountFen,
        reason: order.refundReason ?? 'refund',
      });
      status = answer.status;
    } catch (e) {
      if (!isIntegrationError(e)) throw e;
      console.warn(`payments: refund ${order.refundId} not sent (${e.failure}); next round tries again`);
      status = 'failed';
    }
    if (status === 'succeeded') {
      const applied = await ctx.db.transaction((tx) =>
        applyPaymentEvent(tx, system, { orderNo: order.orderNo }, { kind: 'refunded', refundId: order.refundId!, amountFen: order.amountFen, at: ctx.clock.now() }),
      );
      if (applied.outcome.kind === 'change') out.refunded.push(order.orderNo);
      continue;
    }
    await ctx.db
      .update(paymentOrders)
      .set({ refundAttempts: sql`${paymentOrders.refundAttempts} + 1` })
      .where(and(eq(paymentOrders.id, order.id), eq(paymentOrders.status, 'refund_requested')));
    out.pending.push(order.orderNo);
  }
  return out;
}
