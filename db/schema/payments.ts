import { sql } from 'drizzle-orm';
import { check, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { applications } from './applications.js';
import { offices } from './people.js';

/**
 * A payment order's states (services/payments/state.ts is the one machine): created → paid;
 * created → cancelled (the application ended unpaid); paid → refund_requested → refunded. A
 * payment the platform reports for a cancelled order goes straight to refund_requested.
 */
export const PAYMENT_STATUSES = ['created', 'paid', 'cancelled', 'refund_requested', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** One fee line as charged, in fen (integers: no yuan fractions are ever added as floats). */
export type PaymentLine = { key: string; amountFen: number };

/**
 * A payment order for one application (统一公共支付平台). At most one order per application
 * that is not cancelled (partial unique index), so a double click, two tabs or a retry cannot
 * charge twice. The order number is also the idempotency key the platform de-duplicates on.
 */
export const paymentOrders = pgTable(
  'payment_orders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderNo: text('order_no').notNull(),
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id),
    /** Copied from the application, so the reports group without a join. */
    officeCode: text('office_code')
      .notNull()
      .references(() => offices.code),
    serviceCode: text('service_code').notNull(),
    status: text('status').$type<PaymentStatus>().notNull(),
    amountFen: integer('amount_fen').notNull(),
    lines: jsonb('lines').$type<PaymentLine[]>().notNull(),
    platformOrderId: text('platform_order_id'),
    cashierUrl: text('cashier_url'),
    invoiceUrl: text('invoice_url'),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    /** China day of payment: the statement day it appears on. */
    paidDay: date('paid_day', { mode: 'string' }),
    /** Our refund id, the platform's idempotency key for the refund: one per order, so one refund. */
    refundId: text('refund_id'),
    refundReason: text('refund_reason'),
    refundRequestedAt: timestamp('refund_requested_at', { withTimezone: true }),
    refundedAt: timestamp('refunded_at', { withTimezone: true }),
    refundedDay: date('refunded_day', { mode: 'string' }),
    /** Refund calls made (the worker tracks a refund until the platform says it is done). */
    refundAttempts: integer('refund_attempts').notNull().default(0),
    /** Set by reconciliation when the platform's statement disagrees with this order. */
    mismatch: text('mismatch'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('payment_orders_order_no_uq').on(t.orderNo),
    uniqueIndex('payment_orders_refund_id_uq').on(t.refundId),
    uniqueIndex('payment_orders_one_open_uq').on(t.applicationId).where(sql`${t.status} <> 'cancelled'`),
    index('payment_orders_refund_due_idx').on(t.refundRequestedAt).where(sql`${t.status} = 'refund_requested'`),
    index('payment_orders_paid_day_idx').on(t.paidDay),
    index('payment_orders_refunded_day_idx').on(t.refundedDay),
    check('payment_orders_amount_positive', sql`${t.amountFen} > 0`),
    check('payment_orders_status', sql`${t.status} in ('created', 'paid', 'cancelled', 'refund_requested', 'refunded')`),
  ],
);

export const MISMATCH_KINDS = ['missingThere', 'missingHere', 'amount'] as const;
export type MismatchKind = (typeof MISMATCH_KINDS)[number];

/**
 * What a day's reconciliation found: a payment or refund the platform's statement lists that we
 * do not (missingHere), one we recorded that it does not list (missingThere), or the two
 * amounts differ. One row per day, order, entry kind and mismatch kind: a rerun adds nothing.
 */
export const paymentMismatches = pgTable(
  'payment_mismatches',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    statementDay: date('statement_day', { mode: 'string' }).notNull(),
    orderNo: text('order_no').notNull(),
    /** payment or refund */
    entry: text('entry').notNull(),
    kind: text('kind').$type<MismatchKind>().notNull(),
    oursFen: integer('ours_fen'),
    theirsFen: integer('theirs_fen'),
    officeCode: text('office_code'),
    detectedAt: timestamp('detected_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('payment_mismatches_uq').on(t.statementDay, t.orderNo, t.entry, t.kind), index('payment_mismatches_day_idx').on(t.statementDay)],
);

/** The China days already reconciled: the worker runs each day's statement once. */
export const paymentReconciliations = pgTable('payment_reconciliations', {
  statementDay: date('statement_day', { mode: 'string' }).primaryKey(),
  ranAt: timestamp('ran_at', { withTimezone: true }).notNull(),
  entries: integer('entries').notNull(),
  mismatches: integer('mismatches').notNull(),
});
