import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { applications, resultHandovers, shipmentEvents, shipments, type ResultChannel, type ShipmentStatus, type TrackingCode } from '../../db/schema/index.js';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import { createShipment, trackShipment, type CourierTracking } from '../integrations/courier.js';
import { isIntegrationError } from '../integrations/http.js';
import { retryDelayMs } from '../notifications/backoff.js';
import type { WorkerContext } from '../notifications/worker.js';
import { rowsOf } from '../sql.js';
import { postalAddressOf } from '../validation/address.js';

/** The courier's idempotency key of an application's parcel: one parcel per application, ever. */
export const shipmentKey = (applicationId: string) => `shipment:${applicationId}`;

/** How often the worker asks the courier about a parcel on its way (the webhook usually comes first). */
export const TRACKING_POLL_MS = 10 * 60_000;

/** The worker acts for the system: its audit rows say so. */
const systemCtx = (ctx: Pick<ServiceContext, 'clock'>) => ({ actor: { kind: 'anonymous' } as const, clock: ctx.clock });

/**
 * A completion by post books the courier: a job row in the completion's transaction (never a call
 * to the courier while the decision holds its locks). The worker creates the shipment.
 */
export async function enqueueShipment(tx: Db, ctx: Pick<ServiceContext, 'clock'>, applicationId: string): Promise<void> {
  const now = ctx.clock.now();
  await tx.insert(shipments).values({ applicationId, idempotencyKey: shipmentKey(applicationId), status: 'pending', createdAt: now, nextAttemptAt: now }).onConflictDoNothing();
}

/**
 * Records how the result of a completion reaches the citizen, for the reports' zero-visit figures:
 * electronic results are received at once, posted ones when the courier says delivered, collected
 * ones when the portal records a collection (not yet: receivedAt stays null).
 */
export async function recordHandover(tx: Db, input: { applicationId: string; channel: ResultChannel; at: Date }): Promise<void> {
  await tx
    .insert(resultHandovers)
    .values({ applicationId: input.applicationId, channel: input.channel, completedAt: input.at, receivedAt: input.channel === 'electronic' ? input.at : null })
    .onConflictDoNothing();
}

export type ShipmentBatch = { claimed: number; created: number; retrying: number; refused: number };

export type CreateShipmentsOptions = {
  /**
   * Called after the courier answered and before the row records it: the window in which a worker
   * dying leaves a booked parcel 'creating'. Fault-injection tests throw here; nothing else uses it.
   */
  afterCreate?: (shipmentId: string) => void | Promise<void>;
};

/**
 * Books the due parcels, one batch, as the outbox delivers messages (decision 0007): due 'pending'
 * rows and 'creating' rows whose claim expired are claimed with FOR UPDATE SKIP LOCKED; the courier
 * is called outside any transaction with the application's key, so a second run — a retry, or a
 * worker that died after the courier accepted — gets the same shipment, never a second parcel.
 * A refusal (4xx) is 'refused' at once; a courier that cannot be reached is retried with the
 * outbox's backoff and 'refused' after its last attempt. Either way the clerk sees it and retries
 * or enters a waybill by hand.
 */
export async function createDueShipments(ctx: WorkerContext, opts: CreateShipmentsOptions = {}): Promise<ShipmentBatch> {
  const cfg = ctx.config.integrations.outbox;
  const now = ctx.clock.now();
  const lockedUntil = new Date(now.getTime() + cfg.visibilityTimeoutMs);
  const claimed = rowsOf<{ id: string; attempts: number }>(
    await ctx.db.execute(sql`
      update shipments
         set status = 'creating', attempts = attempts + 1, locked_until = ${lockedUntil.toISOString()}::timestamptz
       where id in (
         select id from shipments
          where (status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz)
             or (status = 'creating' and locked_until <= ${now.toISOString()}::timestamptz)
          order by next_attempt_at
          limit ${cfg.batchSize}
          for update skip locked)
      returning id, attempts`),
  );
  const result: ShipmentBatch = { claimed: claimed.length, created: 0, retrying: 0, refused: 0 };
  for (const { id, attempts } of claimed) {
    const [row] = await ctx.db
      .select({ shipment: shipments, number: applications.number, answers: applications.answers, officeCode: applications.officeCode })
      .from(shipments)
      .innerJoin(applications, eq(applications.id, shipments.applicationId))
      .where(eq(shipments.id, id));
    const mine = and(eq(shipments.id, id), eq(shipments.status, 'creating'), eq(shipments.attempts, attempts));
    const address = postalAddressOf(row.answers);
    let outcome: { waybill: string; carrier: string } | { error: string; final: boolean };
    if (!address) {
      outcome = { error: 'shipments.noAddress', final: true };
    } else {
      try {
        const booked = await createShipment(ctx.config.integrations, ctx.clock.now(), {
          idempotencyKey: row.shipment.idempotencyKey,
          reference: row.number ?? row.shipment.applicationId,
          recipient: address,
        });
        outcome = booked;
      } catch (e) {
        if (!isIntegrationError(e)) console.warn(`shipments: booking ${id} failed`, e);
        const code = isIntegrationError(e) ? e.code : 'internal';
        outcome = { error: code, final: (isIntegrationError(e) && e.failure === 'rejected') || attempts >= cfg.maxAttempts };
      }
    }
    if ('waybill' in outcome) await opts.afterCreate?.(id);
    const at = ctx.clock.now();
    await ctx.db.transaction(async (tx) => {
      if ('waybill' in outcome) {
        const done = await tx
          .update(shipments)
          .set({ status: 'created', carrier: outcome.carrier, waybill: outcome.waybill, lastError: null, lockedUntil: null, nextPollAt: new Date(at.getTime() + TRACKING_POLL_MS) })
          .where(mine)
          .returning({ id: shipments.id });
        if (done.length === 0) return;
        result.created++;
        await recordAudit(tx, systemCtx(ctx), {
          applicationId: row.shipment.applicationId,
          action: 'shipment.created',
          officeCode: row.officeCode,
          data: { shipmentId: id, carrier: outcome.carrier, waybill: outcome.waybill },
        });
      } else if (outcome.final) {
        const done = await tx.update(shipments).set({ status: 'refused', lastError: outcome.error, lockedUntil: null }).where(mine).returning({ id: shipments.id });
        if (done.length === 0) return;
        result.refused++;
        await recordAudit(tx, systemCtx(ctx), {
          applicationId: row.shipment.applicationId,
          action: 'shipment.refused',
          officeCode: row.officeCode,
          data: { shipmentId: id, error: outcome.error, attempts },
        });
      } else {
        const done = await tx
          .update(shipments)
          .set({ status: 'pending', lastError: outcome.error, lockedUntil: null, nextAttemptAt: new Date(at.getTime() + retryDelayMs(cfg, attempts)) })
          .where(mine)
          .returning({ id: shipments.id });
        if (done.length > 0) result.retrying++;
      }
    });
  }
  return result;
}

export type TrackingOutcome = { known: boolean; added: number; delivered: boolean; implausible: number };

/** How far a courier's clock may be from ours, either way, before its event time is not believed. */
export const EVENT_TIME_SLACK_MS = 24 * 60 * 60_000;

/**
 * Stores a parcel's events, from the webhook or from polling alike. Each event once (its courier id
 * is unique per shipment, so a repeated push is a no-op); they are shown by the courier's time, so
 * the order they arrive in does not matter; the first 'delivered' records the delivery — on the
 * shipment, on the result's handover and in the audit trail — once, and nothing after undoes it.
 */
export async function recordTracking(
  ctx: Pick<WorkerContext, 'db' | 'clock'>,
  pushed: CourierTracking,
  opts: { refuseImplausible?: boolean } = {},
): Promise<TrackingOutcome> {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const [shipment] = await tx
      .select({ id: shipments.id, applicationId: shipments.applicationId, deliveredAt: shipments.deliveredAt, createdAt: shipments.createdAt, officeCode: applications.officeCode })
      .from(shipments)
      .innerJoin(applications, eq(applications.id, shipments.applicationId))
      .where(and(eq(shipments.waybill, pushed.waybill), sql`${shipments.status} in ('created','manual')`))
      .limit(1);
    if (!shipment) return { known: false, added: 0, delivered: false, implausible: 0 };
    // An event dated before the parcel was booked, or in the future, is a wrong clock: never the delivery time on record.
    const plausible = (at: Date) => at.getTime() >= shipment.createdAt.getTime() - EVENT_TIME_SLACK_MS && at.getTime() <= now.getTime() + EVENT_TIME_SLACK_MS;
    const implausible = pushed.events.filter((e) => !plausible(e.at)).length;
    if (implausible > 0 && opts.refuseImplausible) return { known: true, added: 0, delivered: false, implausible };
    const tracking = { ...pushed, events: pushed.events.filter((e) => plausible(e.at)) };
    const added =
      tracking.events.length === 0
        ? []
        : await tx
            .insert(shipmentEvents)
            .values(tracking.events.map((e) => ({ shipmentId: shipment.id, eventId: e.id, code: e.code, at: e.at, location: e.location, receivedAt: now })))
            .onConflictDoNothing()
            .returning({ id: shipmentEvents.id });
    const deliveredEvents = tracking.events.filter((e) => e.code === 'delivered').sort((a, b) => a.at.getTime() - b.at.getTime());
    let delivered = false;
    if (deliveredEvents.length > 0) {
      const at = deliveredEvents[0].at;
      const done = await tx
        .update(shipments)
        .set({ deliveredAt: at, nextPollAt: null })
        .where(and(eq(shipments.id, shipment.id), isNull(shipments.deliveredAt)))
        .returning({ id: shipments.id });
      if (done.length > 0) {
        delivered = true;
        await tx.update(resultHandovers).set({ receivedAt: at }).where(and(eq(resultHandovers.applicationId, shipment.applicationId), isNull(resultHandovers.receivedAt)));
        await recordAudit(tx, systemCtx(ctx), {
          applicationId: shipment.applicationId,
          action: 'shipment.delivered',
          officeCode: shipment.officeCode,
          data: { shipmentId: shipment.id, waybill: tracking.waybill, deliveredAt: at.toISOString() },
        });
      }
    }
    return { known: true, added: added.length, delivered, implausible };
  });
}

/**
 * Asks the courier about parcels on their way whose next look is due (claimed by moving the next
 * look forward, FOR UPDATE SKIP LOCKED, so two workers never ask about the same parcel at once). A
 * courier that does not know the waybill (one a clerk typed for another carrier) is not asked again.
 */
export async function pollShipments(ctx: WorkerContext): Promise<number> {
  const now = ctx.clock.now();
  const next = new Date(now.getTime() + TRACKING_POLL_MS);
  const due = rowsOf<{ id: string; waybill: string }>(
    await ctx.db.execute(sql`
      update shipments set next_poll_at = ${next.toISOString()}::timestamptz
       where id in (
         select id from shipments
          where next_poll_at <= ${now.toISOString()}::timestamptz and delivered_at is null and waybill is not null
          order by next_poll_at
          limit ${ctx.config.integrations.outbox.batchSize}
          for update skip locked)
      returning id, waybill`),
  );
  for (const { id, waybill } of due) {
    try {
      const tracking = await trackShipment(ctx.config.integrations, ctx.clock.now(), waybill);
      if (tracking === null) await ctx.db.update(shipments).set({ nextPollAt: null }).where(eq(shipments.id, id));
      else await recordTracking(ctx, tracking);
    } catch (e) {
      // Asked again at the next look.
      if (!isIntegrationError(e)) console.warn(`shipments: tracking ${id} failed`, e);
    }
  }
  return due.length;
}

export type ShipmentView = {
  status: ShipmentStatus;
  carrier: string | null;
  waybill: string | null;
  /** errors: code of the last failure; staff only (null on the citizen's page). */
  lastError: string | null;
  attempts: number;
  deliveredAt: string | null;
  /** Oldest first, by the courier's time. */
  events: { code: TrackingCode; at: string; location: string | null }[];
};

/** An application's parcel and its events, for a caller that has decided who may see it. */
export async function shipmentOf(db: Db, applicationId: string, opts: { staff: boolean }): Promise<ShipmentView | null> {
  const [s] = await db.select().from(shipments).where(eq(shipments.applicationId, applicationId)).limit(1);
  if (!s) return null;
  const events = await db
    .select({ code: shipmentEvents.code, at: shipmentEvents.at, location: shipmentEvents.location })
    .from(shipmentEvents)
    .where(eq(shipmentEvents.shipmentId, s.id))
    .orderBy(asc(shipmentEvents.at), asc(shipmentEvents.eventId));
  return {
    status: s.status,
    carrier: s.carrier,
    waybill: s.waybill,
    lastError: opts.staff ? s.lastError : null,
    attempts: s.attempts,
    deliveredAt: s.deliveredAt?.toISOString() ?? null,
    events: events.map((e) => ({ code: e.code, at: e.at.toISOString(), location: e.location })),
  };
}
