import { and, asc, between, eq, sql, type SQL } from 'drizzle-orm';
import { offices, paymentMismatches, paymentOrders } from '../../db/schema/index.js';
import type { ServiceContext } from '../context.js';
import { invalid } from '../errors.js';
import { authorize } from '../permissions.js';
import { isReportDay } from '../reports/metrics.js';
import { officesInScopeWhere } from '../offices/offices.js';

export type PaymentTotals = { officeCode: string; serviceCode: string; paidCount: number; paidFen: number; refundedCount: number; refundedFen: number };
export type MismatchRow = { statementDay: string; orderNo: string; entry: string; kind: string; oursFen: number | null; theirsFen: number | null; officeCode: string | null };
export type PaymentReport = { from: string; to: string; totals: PaymentTotals[]; mismatches: MismatchRow[] };

/**
 * Payment and refund totals per office and item for China days from..to (payments counted on
 * the day paid, refunds on the day refunded), and the reconciliation's mismatches in the range.
 * An office manager sees their office, a city manager every office of the city, a province
 * manager every office of the province (decision 0040).
 */
export async function paymentReport(ctx: ServiceContext, range: { from: string; to: string }): Promise<PaymentReport> {
  const { actor, scope } = authorize(ctx.actor, 'payment:report');
  // A real day of the reports' years: 2026-02-30 reached the database as a date and failed there.
  if (!isReportDay(range.from) || !isReportDay(range.to) || range.from > range.to) throw invalid('payment.badRange');
  const area = scope === 'city' || scope === 'province';
  const inScope = (officeCol: SQL | typeof paymentOrders.officeCode): SQL =>
    area ? sql`${officeCol} in (select ${offices.code} from ${offices} where ${officesInScopeWhere(actor, scope)})` : sql`${officeCol} = ${actor.officeCode ?? ''}`;
  const inRange = (col: typeof paymentOrders.paidDay | typeof paymentOrders.refundedDay) => sql`${col} between ${range.from} and ${range.to}`;
  const totals = await ctx.db
    .select({
      officeCode: paymentOrders.officeCode,
      serviceCode: paymentOrders.serviceCode,
      paidCount: sql<number>`count(*) filter (where ${inRange(paymentOrders.paidDay)})::int`,
      paidFen: sql<number>`coalesce(sum(${paymentOrders.amountFen}) filter (where ${inRange(paymentOrders.paidDay)}), 0)::int`,
      refundedCount: sql<number>`count(*) filter (where ${inRange(paymentOrders.refundedDay)})::int`,
      refundedFen: sql<number>`coalesce(sum(${paymentOrders.amountFen}) filter (where ${inRange(paymentOrders.refundedDay)}), 0)::int`,
    })
    .from(paymentOrders)
    .where(and(inScope(paymentOrders.officeCode), sql`(${inRange(paymentOrders.paidDay)} or ${inRange(paymentOrders.refundedDay)})`))
    .groupBy(paymentOrders.officeCode, paymentOrders.serviceCode)
    .orderBy(asc(paymentOrders.officeCode), asc(paymentOrders.serviceCode));
  const mismatches = await ctx.db
    .select({
      statementDay: paymentMismatches.statementDay,
      orderNo: paymentMismatches.orderNo,
      entry: paymentMismatches.entry,
      kind: paymentMismatches.kind,
      oursFen: paymentMismatches.oursFen,
      theirsFen: paymentMismatches.theirsFen,
      officeCode: paymentMismatches.officeCode,
    })
    .from(paymentMismatches)
    // A mismatch with no order of ours has no office: the city's and the province's managers see those.
    .where(
      and(
        between(paymentMismatches.statementDay, range.from, range.to),
        area ? sql`(${paymentMismatches.officeCode} is null or ${inScope(sql`${paymentMismatches.officeCode}`)})` : eq(paymentMismatches.officeCode, actor.officeCode ?? ''),
      ),
    )
    .orderBy(asc(paymentMismatches.statementDay), asc(paymentMismatches.orderNo))
    .limit(500);
  return { from: range.from, to: range.to, totals, mismatches };
}
