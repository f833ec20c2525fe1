import type { PaymentStatus } from '../../db/schema/index.js';

/**
 * The one payment-order state machine. Pure: it takes the order as locked in the database and
 * one event, and says what becomes of it. services/payments/apply.ts locks the row, asks here
 * and writes the answer with its audit row, so whatever order events arrive in, twice, late or
 * concurrently, each is judged against the state the previous one left.
 *
 *   created ─paid→ paid ─refundRequested→ refund_requested ─refunded→ refunded
 *   created ─refundRequested→ cancelled          (the application ended unpaid)
 *   cancelled ─paid→ refund_requested             (paid at the cashier after it ended: give it back)
 *   created ─paid, the application already ended→ refund_requested
 */
export const PAYMENT_TRANSITIONS: readonly { from: PaymentStatus; to: PaymentStatus; on: PaymentEvent['kind'] }[] = [
  { from: 'created', to: 'paid', on: 'paid' },
  { from: 'created', to: 'refund_requested', on: 'paid' },
  { from: 'cancelled', to: 'refund_requested', on: 'paid' },
  { from: 'created', to: 'cancelled', on: 'refundRequested' },
  { from: 'paid', to: 'refund_requested', on: 'refundRequested' },
  { from: 'refund_requested', to: 'refunded', on: 'refunded' },
];

export type PaymentEvent =
  /** The platform says the order was paid (a verified callback, or our own query). */
  | { kind: 'paid'; amountFen: number; at: Date; platformOrderId: string; invoiceUrl: string | null }
  /** The platform says our refund is done. */
  | { kind: 'refunded'; amountFen: number; refundId: string; at: Date }
  /** The application ended without a result: refund what was paid, cancel what was not. */
  | { kind: 'refundRequested'; reason: string };

export type OrderState = { status: PaymentStatus; amountFen: number; refundId: string | null };

export type Outcome =
  | { kind: 'change'; to: PaymentStatus }
  /** Nothing to do: a duplicate, or news older than what we know. Answered as success. */
  | { kind: 'ignore'; why: 'duplicate' | 'stale' }
  /** The event contradicts the order (amount, refund id): nothing changes and the sender is told. */
  | { kind: 'reject'; why: 'amount' | 'refundId' };

/** `ended`: the application reached not_accepted, refused or withdrawn (a result will not come). */
export function decide(order: OrderState, event: PaymentEvent, ended: boolean): Outcome {
  switch (event.kind) {
    case 'paid':
      if (event.amountFen !== order.amountFen) return { kind: 'reject', why: 'amount' };
      if (order.status === 'created') return { kind: 'change', to: ended ? 'refund_requested' : 'paid' };
      if (order.status === 'cancelled') return { kind: 'change', to: 'refund_requested' };
      return { kind: 'ignore', why: 'duplicate' };
    case 'refunded':
      if (order.status === 'refunded') return event.refundId === order.refundId ? { kind: 'ignore', why: 'duplicate' } : { kind: 'reject', why: 'refundId' };
      if (order.status !== 'refund_requested') return { kind: 'ignore', why: 'stale' };
      if (event.refundId !== order.refundId) return { kind: 'reject', why: 'refundId' };
      if (event.amountFen !== order.amountFen) return { kind: 'reject', why: 'amount' };
      return { kind: 'change', to: 'refunded' };
    case 'refundRequested':
      if (order.status === 'paid') return { kind: 'change', to: 'refund_requested' };
      if (order.status === 'created') return { kind: 'change', to: 'cancelled' };
      return { kind: 'ignore', why: 'duplicate' };
  }
}

/** The refund id of an order: one per order, so the platform (idempotent by it) refunds once. */
export const refundIdOf = (orderNo: string) => `${orderNo}-R`;

/** Yuan as the catalog writes fees, to fen: integers from here on. */
export const toFen = (yuan: number) => Math.round(yuan * 100);
