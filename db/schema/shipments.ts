import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { applications } from './applications.js';

/**
 * pending: due at next_attempt_at; creating: claimed by a worker until locked_until; created: the
 * courier gave a waybill; refused: the courier said no (or we gave up retrying), the clerk retries
 * or enters a waybill by hand; manual: the clerk entered the waybill (decision 0035).
 */
export type ShipmentStatus = 'pending' | 'creating' | 'created' | 'refused' | 'manual';

/**
 * A completion by post, as a job and as its result: enqueued in the completion's transaction (one
 * row per application), created at the courier by the worker outside any transaction, keyed by
 * `shipment:<applicationId>` at the courier so a repeated creation is the same shipment.
 */
export const shipments = pgTable(
  'shipments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id),
    /** The courier's idempotency key: shipment:<applicationId>. */
    idempotencyKey: text('idempotency_key').notNull(),
    status: text('status').$type<ShipmentStatus>().notNull().default('pending'),
    /** documents:carriers.<code> once known (the courier's, or the one the clerk named). */
    carrier: text('carrier'),
    waybill: text('waybill'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    /** errors: code of the last failure (integration.rejected, integration.unavailable …), for the desk. */
    lastError: text('last_error'),
    /** When the courier's events first said delivered (the courier's time). */
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    /** The next time the worker asks the courier for events (null once delivered or without waybill). */
    nextPollAt: timestamp('next_poll_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('shipments_application_uq').on(t.applicationId),
    uniqueIndex('shipments_idempotency_uq').on(t.idempotencyKey),
    uniqueIndex('shipments_waybill_uq').on(t.carrier, t.waybill),
    index('shipments_due_idx').on(t.status, t.nextAttemptAt).where(sql`status in ('pending','creating')`),
    index('shipments_poll_idx').on(t.nextPollAt).where(sql`next_poll_at is not null`),
  ],
);

/** What the courier says happened to a parcel (tracking codes: documents:tracking.<code>). */
export const TRACKING_CODES = ['accepted', 'inTransit', 'outForDelivery', 'delivered', 'failedAttempt', 'returned'] as const;
export type TrackingCode = (typeof TRACKING_CODES)[number];

/**
 * The courier's tracking events, each stored once (its own id, unique per shipment): a webhook
 * delivered twice, or an event both pushed and polled, is one row. Shown in the courier's order
 * of `at`, whatever order they arrived in.
 */
export const shipmentEvents = pgTable(
  'shipment_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    shipmentId: uuid('shipment_id')
      .notNull()
      .references(() => shipments.id),
    /** The courier's id of the event. */
    eventId: text('event_id').notNull(),
    code: text('code').$type<TrackingCode>().notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** Where, as the courier wrote it (a city or depot name), if it said. */
    location: text('location'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('shipment_events_event_uq').on(t.shipmentId, t.eventId), index('shipment_events_at_idx').on(t.shipmentId, t.at)],
);

/**
 * How a completed matter's result reached the citizen, one row per completed application, for the
 * reports' zero-visit figures: 'pickup' (a visit to collect; receivedAt stays null until the portal
 * records collections), 'post' (receivedAt: the courier's delivered event) or 'electronic'
 * (receivedAt: the electronic result's issue). A result by post or electronically is received
 * without a visit.
 */
export type ResultChannel = 'pickup' | 'post' | 'electronic';

export const resultHandovers = pgTable(
  'result_handovers',
  {
    applicationId: uuid('application_id')
      .primaryKey()
      .references(() => applications.id),
    channel: text('channel').$type<ResultChannel>().notNull(),
    /** The completion that chose the channel. */
    completedAt: timestamp('completed_at', { withTimezone: true }).notNull(),
    /** When the citizen had the result in hand; null while it travels (or waits to be collected). */
    receivedAt: timestamp('received_at', { withTimezone: true }),
  },
  (t) => [index('result_handovers_channel_idx').on(t.channel, t.receivedAt)],
);
