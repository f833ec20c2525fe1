import { and, eq } from 'drizzle-orm';
import { shipments } from '../../db/schema/index.js';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import { conflict, invalid } from '../errors.js';
import { applicationInScope } from '../review/access.js';
import { fieldErrorsOf } from '../review/verdicts.js';
import { manualWaybillSchema, type ManualWaybillInput } from './schemas.js';
import { TRACKING_POLL_MS } from './shipments.js';


async function refusedShipmentOf(ctx: ServiceContext, number: string) {
  const { app } = await applicationInScope(ctx.db, ctx, number, 'shipment:manage');
  const [s] = await ctx.db.select().from(shipments).where(eq(shipments.applicationId, app.id)).limit(1);
  // Only a parcel the courier refused (or we gave up on) needs the clerk; anything else is moving.
  if (!s || s.status !== 'refused') throw conflict('shipments.notRefused');
  return { app, shipment: s };
}

/** Books the parcel again: due now, with fresh attempts (audited). */
export async function retryShipment(ctx: ServiceContext, number: string): Promise<void> {
  const { app, shipment } = await refusedShipmentOf(ctx, number);
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const done = await tx
      .update(shipments)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: now, lastError: null })
      .where(and(eq(shipments.id, shipment.id), eq(shipments.status, 'refused')))
      .returning({ id: shipments.id });
    if (done.length === 0) throw conflict('shipments.notRefused');
    await recordAudit(tx, ctx, { applicationId: app.id, action: 'shipment.retried', officeCode: app.officeCode, data: { shipmentId: shipment.id, lastError: shipment.lastError } });
  });
}

/**
 * The manual path: the clerk posted the result another way and names the carrier and waybill,
 * which the citizen's page then shows (audited). The courier is asked about it like any parcel;
 * if it does not know the waybill, nobody asks again.
 */
export async function enterWaybillByHand(ctx: ServiceContext, number: string, raw: ManualWaybillInput): Promise<void> {
  const r = manualWaybillSchema.safeParse(raw);
  if (!r.success) throw invalid('form.invalid', fieldErrorsOf(r.error));
  const { app, shipment } = await refusedShipmentOf(ctx, number);
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const clash = await tx
      .select({ id: shipments.id })
      .from(shipments)
      .where(and(eq(shipments.carrier, r.data.carrier), eq(shipments.waybill, r.data.waybill)))
      .limit(1);
    if (clash.length > 0) throw invalid('form.invalid', { waybill: ['shipments.waybillTaken'] });
    const done = await tx
      .update(shipments)
      .set({ status: 'manual', carrier: r.data.carrier, waybill: r.data.waybill, lastError: null, nextPollAt: new Date(now.getTime() + TRACKING_POLL_MS) })
      .where(and(eq(shipments.id, shipment.id), eq(shipments.status, 'refused')))
      .returning({ id: shipments.id });
    if (done.length === 0) throw conflict('shipments.notRefused');
    await recordAudit(tx, ctx, {
      applicationId: app.id,
      action: 'shipment.manual',
      officeCode: app.officeCode,
      data: { shipmentId: shipment.id, carrier: r.data.carrier, waybill: r.data.waybill, lastError: shipment.lastError },
    });
  });
}
