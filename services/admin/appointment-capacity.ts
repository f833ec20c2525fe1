import { and, eq, gt, sql } from 'drizzle-orm';
import { appointmentSettings, appointmentSlots } from '../../db/schema/index.js';
import { chinaDate } from '../calendar/working-days.js';
import type { ServiceContext } from '../context.js';
import { notFound } from '../errors.js';
import { authorize } from '../permissions.js';
import { recordAudit } from '../audit.js';
import { officesInAdminScope } from './scope.js';
import type { AppointmentCapacityInput } from './schemas.js';

/**
 * An office's capacity for booked visits, set by an administrator whose tree holds the office
 * (docs/decisions/0033, 0039). The setting is `appointment_settings`: visits per hour-long slot
 * and working days ahead. A slot row copies its capacity when first booked; a change here also
 * reaches the slots of days after today that already have rows, but never below what is booked
 * in them: nobody's visit is taken away, a slot held above the new figure simply takes no more.
 */

export type AppointmentCapacity = {
  officeCode: string;
  /** Null: the office takes no bookings online yet. */
  seatsPerSlot: number | null;
  daysAhead: number | null;
  /** Slots after today booked above the current setting (kept when it was lowered). */
  slotsAbove: number;
  /** The most visits booked in one slot after today. */
  mostBooked: number;
};

async function inScope(ctx: ServiceContext, code: string) {
  const { actor } = authorize(ctx.actor, 'office:manage');
  if (!(await officesInAdminScope(ctx, actor)).includes(code)) throw notFound('admin.office.notFound');
}

export async function getAppointmentCapacity(ctx: ServiceContext, code: string): Promise<AppointmentCapacity> {
  await inScope(ctx, code);
  const [s] = await ctx.db.select().from(appointmentSettings).where(eq(appointmentSettings.officeCode, code));
  const today = chinaDate(ctx.clock.now());
  const [slots] = await ctx.db
    .select({
      mostBooked: sql<number>`coalesce(max(${appointmentSlots.booked}), 0)::int`,
      slotsAbove: sql<number>`count(*) filter (where ${appointmentSlots.booked} > ${s?.seatsPerSlot ?? 2_147_483_647})::int`,
    })
    .from(appointmentSlots)
    .where(and(eq(appointmentSlots.officeCode, code), gt(appointmentSlots.day, today)));
  return {
    officeCode: code,
    seatsPerSlot: s?.seatsPerSlot ?? null,
    daysAhead: s?.daysAhead ?? null,
    slotsAbove: Number(slots?.slotsAbove ?? 0),
    mostBooked: Number(slots?.mostBooked ?? 0),
  };
}

/**
 * Sets the office's capacity (creating the setting opens online booking) and applies it to the
 * slots of later days already made, each kept at least at its booked count. Audited with before
 * and after and the number of slots held above the new figure.
 */
export async function setAppointmentCapacity(ctx: ServiceContext, code: string, input: AppointmentCapacityInput): Promise<{ slotsAbove: number }> {
  await inScope(ctx, code);
  const today = chinaDate(ctx.clock.now());
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(appointmentSettings).where(eq(appointmentSettings.officeCode, code)).for('update');
    const [after] = await tx
      .insert(appointmentSettings)
      .values({ officeCode: code, seatsPerSlot: input.seatsPerSlot, daysAhead: input.daysAhead })
      .onConflictDoUpdate({ target: appointmentSettings.officeCode, set: { seatsPerSlot: input.seatsPerSlot, daysAhead: input.daysAhead } })
      .returning();
    // Each slot row is locked by the UPDATE, so a booking running at the same time either counted
    // before (and the greatest() keeps its seat) or waits and sees the new capacity.
    const adjusted = await tx
      .update(appointmentSlots)
      .set({ capacity: sql`greatest(${appointmentSlots.booked}, ${input.seatsPerSlot})` })
      .where(and(eq(appointmentSlots.officeCode, code), gt(appointmentSlots.day, today)))
      .returning({ capacity: appointmentSlots.capacity, booked: appointmentSlots.booked });
    const slotsAbove = adjusted.filter((r) => r.booked > input.seatsPerSlot).length;
    await recordAudit(tx, ctx, {
      action: 'admin.office.appointmentCapacity',
      officeCode: code,
      data: {
        before: before ? { seatsPerSlot: before.seatsPerSlot, daysAhead: before.daysAhead } : null,
        after: { seatsPerSlot: after.seatsPerSlot, daysAhead: after.daysAhead },
        slotsAdjusted: adjusted.length,
        slotsAbove,
      },
    });
    return { slotsAbove };
  });
}
