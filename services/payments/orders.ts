import { and, desc, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { applications, paymentOrders, type PaymentLine, type PaymentStatus } from '../../db/schema/index.js';
import type { ApplicationStatus } from '../applications/status-machine.js';
import { recordAudit } from '../audit.js';
import { findService } from '../catalog/index.js';
import type { ServiceDefinition } from '../catalog/types.js';
import type { ServiceContext } from '../context.js';
import { conflict, DomainError, notFound } from '../errors.js';
import { isIntegrationError } from '../integrations/http.js';
import { createPlatformOrder, queryPlatformOrder, verifyPaymentCallback } from '../integrations/payment-platform.js';
import { authorize } from '../permissions.js';
import { isApplicationNumber } from '../validation/ids.js';
import { languageOf, lookup } from '../locale-text.js';
import { applyPaymentEvent } from './apply.js';
import { toFen } from './state.js';

type Order = typeof paymentOrders.$inferSelect;

/** What the receipt, the desk and the pay page show of an application's payment. */
export type PaymentSummary = {
  orderNo: string;
  status: PaymentStatus;
  amountFen: number;
  paidAt: string | null;
  invoiceUrl: string | null;
  refundedAt: string | null;
  mismatch: string | null;
};

const summaryOf = (o: Order): PaymentSummary => ({
  orderNo: o.orderNo,
  status: o.status,
  amountFen: o.amountFen,
  paidAt: o.paidAt?.toISOString() ?? null,
  invoiceUrl: o.invoiceUrl,
  refundedAt: o.refundedAt?.toISOString() ?? null,
  mismatch: o.mismatch,
});

/** The application's current order: the one not cancelled, else the latest cancelled one. */
async function currentOrder(db: Db, applicationId: string): Promise<Order | null> {
  const rows = await db
    .select()
    .from(paymentOrders)
    .where(eq(paymentOrders.applicationId, applicationId))
    .orderBy(sql`${paymentOrders.status} = 'cancelled'`, desc(paymentOrders.createdAt))
    .limit(1);
  return rows[0] ?? null;
}

/** For a caller that has already decided who may read the application (receipt, desk). */
export async function paymentSummaryOf(db: Db, applicationId: string): Promise<PaymentSummary | null> {
  const o = await currentOrder(db, applicationId);
  return o ? summaryOf(o) : null;
}

const PAYABLE_AT: Record<'acceptance' | 'filing', ReadonlySet<ApplicationStatus>> = {
  // Accepted, and still after completion: the fee is owed for the document, online or at the window.
  acceptance: new Set(['accepted', 'completed']),
  filing: new Set(['submitted', 'under_review', 'needs_supplement', 'supplemented', 'accepted', 'completed']),
};

/** The fee lines these answers are charged, in fen. */
export function orderLinesOf(def: ServiceDefinition | undefined, answers: Record<string, unknown>): PaymentLine[] {
  if (!def) return [];
  return def.fee.lines(answers as never).map((l) => ({ key: l.key, amountFen: toFen(l.amount) })).filter((l) => l.amountFen > 0);
}

export function payableNow(def: ServiceDefinition | undefined, status: ApplicationStatus): boolean {
  return !!def && PAYABLE_AT[def.fee.payAt ?? 'acceptance'].has(status);
}

type AppRow = typeof applications.$inferSelect;

/** The filer's own application by number; anyone else's (the subject's too: paying stays with the filer) is 404. */
async function myApplication(ctx: ServiceContext, number: string): Promise<AppRow> {
  const { actor } = authorize(ctx.actor, 'payment:pay');
  if (!isApplicationNumber(number)) throw notFound('application.notFound');
  const [app] = await ctx.db
    .select()
    .from(applications)
    .where(and(eq(applications.number, number), eq(applications.applicantId, actor.id)))
    .limit(1);
  if (!app) throw notFound('application.notFound');
  return app;
}

export type PaymentPage = {
  number: string;
  serviceCode: string;
  applicationStatus: ApplicationStatus;
  lines: PaymentLine[];
  totalFen: number;
  /** Whether the pay button is offered now. */
  payable: boolean;
  order: PaymentSummary | null;
  /** Back from the cashier but the platform could not be asked: the page says the state may lag. */
  checkFailed: boolean;
};

/**
 * The pay page: the lines and total, and the order's state. Back from the cashier (`returned`)
 * with the order still unpaid here, the platform is asked: a callback that is late (or lost)
 * does not leave the citizen looking at "unpaid" after paying. The query's answer is judged by
 * the same state machine as a callback.
 */
export async function getPaymentPage(ctx: ServiceContext, number: string, opts: { returned?: boolean } = {}): Promise<PaymentPage> {
  const app = await myApplication(ctx, number);
  const def = findService(app.serviceCode);
  const lines = orderLinesOf(def, app.answers);
  let order = await currentOrder(ctx.db, app.id);
  let checkFailed = false;
  if (opts.returned && order?.status === 'created') {
    try {
      order = (await syncOrder(ctx, order)) ?? order;
    } catch (e) {
      if (!isIntegrationError(e)) throw e;
      checkFailed = true;
    }
  }
  const open = order && order.status !== 'cancelled';
  return {
    number,
    serviceCode: app.serviceCode,
    applicationStatus: app.status,
    lines: open ? order!.lines : lines,
    totalFen: open ? order!.amountFen : lines.reduce((s, l) => s + l.amountFen, 0),
    payable: lines.length > 0 && payableNow(def, app.status) && (!order || order.status === 'created' || order.status === 'cancelled'),
    order: order ? summaryOf(order) : null,
    checkFailed,
  };
}

/** Asks the platform about an unpaid order and applies what it says. */
async function syncOrder(ctx: ServiceContext, order: Order): Promise<Order | null> {
  const theirs = await queryPlatformOrder(ctx.config.integrations, order.orderNo);
  if (!theirs || theirs.status !== 'paid') return null;
  return ctx.db.transaction(async (tx) => {
    const applied = await applyPaymentEvent(tx, ctx, { orderNo: order.orderNo }, {
      kind: 'paid',
      amountFen: theirs.amountFen,
      at: theirs.paidAt ? new Date(theirs.paidAt) : ctx.clock.now(),
      platformOrderId: theirs.platformOrderId,
      invoiceUrl: theirs.invoiceUrl,
    });
    if (applied.outcome.kind === 'reject') console.warn(`payments: the platform reports ${order.orderNo} paid with ${theirs.amountFen} fen, ordered ${order.amountFen}`);
    return applied.order;
  });
}

/**
 * Opens (or reopens) the application's payment order and returns the platform's cashier URL.
 * One order per application at a time: a second click, a second tab or a retry finds the same
 * order (the partial unique index decides a race), and the platform is called with the order
 * number as its idempotency key, so it creates one order however often it is asked. The order's
 * subject, which the platform's cashier shows, names the service in `locale` (the payer's page).
 */
export async function startPayment(ctx: ServiceContext, number: string, returnUrl: string, locale?: string): Promise<{ cashierUrl: string }> {
  const app = await myApplication(ctx, number);
  const def = findService(app.serviceCode);
  const lines = orderLinesOf(def, app.answers);
  if (lines.length === 0) throw conflict('payment.nothingToPay');
  if (!payableNow(def, app.status)) throw conflict('payment.notPayable');
  let order = await currentOrder(ctx.db, app.id);
  if (order && order.status !== 'created' && order.status !== 'cancelled') throw conflict('payment.alreadyPaid');
  if (!order || order.status === 'cancelled') order = await openOrder(ctx, app, lines);
  const created = await createPlatformOrder(ctx.config.integrations, {
    orderNo: order.orderNo,
    amountFen: order.amountFen,
    subject: `${app.number} ${lookup(languageOf(locale), `catalog:services.${app.serviceCode}.name`) ?? app.serviceCode}`,
    lines: order.lines,
    returnUrl,
  });
  if (order.platformOrderId !== created.platformOrderId || order.cashierUrl !== created.cashierUrl) {
    await ctx.db
      .update(paymentOrders)
      .set({ platformOrderId: created.platformOrderId, cashierUrl: created.cashierUrl, updatedAt: ctx.clock.now() })
      .where(and(eq(paymentOrders.id, order.id), eq(paymentOrders.status, 'created')));
  }
  return { cashierUrl: created.cashierUrl };
}

async function openOrder(ctx: ServiceContext, app: AppRow, lines: PaymentLine[]): Promise<Order> {
  return ctx.db.transaction(async (tx) => {
    const [{ n }] = await tx.select({ n: sql<number>`count(*)::int` }).from(paymentOrders).where(eq(paymentOrders.applicationId, app.id));
    const now = ctx.clock.now();
    const [inserted] = await tx
      .insert(paymentOrders)
      .values({
        orderNo: `${app.number}-P${n + 1}`,
        applicationId: app.id,
        officeCode: app.officeCode!,
        serviceCode: app.serviceCode,
        status: 'created',
        amountFen: lines.reduce((s, l) => s + l.amountFen, 0),
        lines,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (!inserted) {
      // Another request opened it first: that order is the one.
      const [other] = await tx
        .select()
        .from(paymentOrders)
        .where(and(eq(paymentOrders.applicationId, app.id), ne(paymentOrders.status, 'cancelled')));
      if (!other) throw conflict('payment.changedMeanwhile');
      if (other.status !== 'created') throw conflict('payment.alreadyPaid');
      return other;
    }
    await recordAudit(tx, ctx, {
      applicationId: app.id,
      action: 'payment.orderCreated',
      officeCode: app.officeCode,
      data: { orderNo: inserted.orderNo, to: 'created', amountFen: inserted.amountFen },
    });
    return inserted;
  });
}

export type CallbackResult = 'applied' | 'ignored';

/**
 * The platform's server-to-server callback, as it arrived (raw body and the two signature
 * headers). Forged, malformed, for another merchant, for an order we do not have, or with an
 * amount that is not the order's: refused (4xx) and nothing changes. A duplicate or stale
 * callback is acknowledged and changes nothing, so the platform stops repeating it.
 */
export async function handlePaymentCallback(
  ctx: ServiceContext,
  raw: { body: string; timestamp: string | null; signature: string | null },
): Promise<CallbackResult> {
  const verdict = verifyPaymentCallback(ctx.config.integrations.payment, raw.body, { timestamp: raw.timestamp, signature: raw.signature });
  if (!verdict.ok) {
    console.warn(`payments: callback refused (${verdict.reason})`);
    throw new DomainError('payment.callbackRejected', verdict.reason === 'signature' ? 401 : 400);
  }
  const cb = verdict.callback;
  const at = new Date(cb.at);
  const applied = await ctx.db.transaction((tx) =>
    applyPaymentEvent(
      tx,
      ctx,
      { orderNo: cb.orderNo },
      cb.event === 'paid'
        ? { kind: 'paid', amountFen: cb.amountFen, at, platformOrderId: cb.platformOrderId, invoiceUrl: cb.invoiceUrl }
        : { kind: 'refunded', amountFen: cb.amountFen, refundId: cb.refundId ?? '', at },
    ),
  );
  if (!applied.order) {
    console.warn(`payments: callback for unknown order ${cb.orderNo}`);
    throw new DomainError('payment.callbackRejected', 400);
  }
  if (applied.outcome.kind === 'reject') {
    console.warn(`payments: callback for ${cb.orderNo} refused (${applied.outcome.why})`);
    throw new DomainError('payment.callbackRejected', 400);
  }
  return applied.outcome.kind === 'change' ? 'applied' : 'ignored';
}
