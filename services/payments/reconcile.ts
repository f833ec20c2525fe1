import { and, eq, inArray, or } from 'drizzle-orm';
import { paymentMismatches, paymentOrders, paymentReconciliations, type MismatchKind } from '../../db/schema/index.js';
import { recordAudit } from '../audit.js';
import { chinaDate } from '../calendar/working-days.js';
import type { ServiceContext } from '../context.js';
import { isIntegrationError } from '../integrations/http.js';
import { platformStatement } from '../integrations/payment-platform.js';

type WorkerContext = Pick<ServiceContext, 'db' | 'clock' | 'config'>;

const DAY_MS = 86_400_000;

/** The China day before today: the latest whose statement is complete. */
export const lastClosedDay = (now: Date) => chinaDate(new Date(now.getTime() - DAY_MS));

export type ReconcileResult = { day: string; entries: number; mismatches: number };

/**
 * Compares one China day's statement from the platform with our orders paid and refunded that
 * day, once per day (payment_reconciliations): each payment or refund on one side only, or with
 * another amount, is stored as a mismatch, flagged on its order and audited. A manager reads
 * them at /reports/payments. Returns null when the day was already reconciled or the platform
 * did not answer (the next round tries again).
 */
export async function reconcilePayments(ctx: WorkerContext, day = lastClosedDay(ctx.clock.now())): Promise<ReconcileResult | null> {
  const [done] = await ctx.db.select().from(paymentReconciliations).where(eq(paymentReconciliations.statementDay, day));
  if (done) return null;
  let statement;
  try {
    statement = await platformStatement(ctx.config.integrations, day);
  } catch (e) {
    if (!isIntegrationError(e)) throw e;
    console.warn(`payments: the statement of ${day} could not be fetched (${e.failure}); next round tries again`);
    return null;
  }
  const ours = await ctx.db
    .select()
    .from(paymentOrders)
    .where(or(eq(paymentOrders.paidDay, day), eq(paymentOrders.refundedDay, day)));
  const key = (entry: string, orderNo: string) => `${entry}:${orderNo}`;
  const mine = new Map<string, { orderNo: string; entry: string; amountFen: number; officeCode: string }>();
  for (const o of ours) {
    if (o.paidDay === day) mine.set(key('payment', o.orderNo), { orderNo: o.orderNo, entry: 'payment', amountFen: o.amountFen, officeCode: o.officeCode });
    if (o.refundedDay === day) mine.set(key('refund', o.orderNo), { orderNo: o.orderNo, entry: 'refund', amountFen: o.amountFen, officeCode: o.officeCode });
  }
  const theirs = new Map<string, number>();
  for (const e of statement.entries) theirs.set(key(e.entry, e.orderNo), (theirs.get(key(e.entry, e.orderNo)) ?? 0) + e.amountFen);

  type Found = { orderNo: string; entry: string; kind: MismatchKind; oursFen: number | null; theirsFen: number | null };
  const found: Found[] = [];
  for (const [k, m] of mine) {
    const t = theirs.get(k);
    if (t === undefined) found.push({ orderNo: m.orderNo, entry: m.entry, kind: 'missingThere', oursFen: m.amountFen, theirsFen: null });
    else if (t !== m.amountFen) found.push({ orderNo: m.orderNo, entry: m.entry, kind: 'amount', oursFen: m.amountFen, theirsFen: t });
  }
  for (const [k, t] of theirs) {
    if (mine.has(k)) continue;
    const [entry, ...rest] = k.split(':');
    found.push({ orderNo: rest.join(':'), entry, kind: 'missingHere', oursFen: null, theirsFen: t });
  }

  const now = ctx.clock.now();
  const system = { actor: { kind: 'anonymous' } as const, clock: ctx.clock };
  await ctx.db.transaction(async (tx) => {
    const inserted = await tx.insert(paymentReconciliations).values({ statementDay: day, ranAt: now, entries: statement.entries.length, mismatches: found.length }).onConflictDoNothing().returning();
    // Another worker reconciled this day meanwhile.
    if (inserted.length === 0) return;
    const orders = found.length ? await tx.select().from(paymentOrders).where(inArray(paymentOrders.orderNo, found.map((f) => f.orderNo))) : [];
    const byNo = new Map(orders.map((o) => [o.orderNo, o]));
    for (const f of found) {
      const order = byNo.get(f.orderNo);
      await tx
        .insert(paymentMismatches)
        .values({ statementDay: day, orderNo: f.orderNo, entry: f.entry, kind: f.kind, oursFen: f.oursFen, theirsFen: f.theirsFen, officeCode: order?.officeCode ?? null, detectedAt: now })
        .onConflictDoNothing();
      if (order) {
        await tx.update(paymentOrders).set({ mismatch: `${f.entry}.${f.kind}`, updatedAt: now }).where(and(eq(paymentOrders.id, order.id)));
      }
      await recordAudit(tx, system, {
        applicationId: order?.applicationId ?? null,
        action: 'payment.mismatch',
        officeCode: order?.officeCode ?? null,
        data: { statementDay: day, orderNo: f.orderNo, entry: f.entry, kind: f.kind, oursFen: f.oursFen, theirsFen: f.theirsFen },
      });
    }
  });
  return { day, entries: statement.entries.length, mismatches: found.length };
}
