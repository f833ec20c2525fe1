import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { appointmentDayCapacity, appointmentSettings, appointmentSlots } from '../../db/schema/index.js';
import { chinaDate, isUnknown, isWorkingDay, loadCalendar, orUnknown } from '../calendar/working-days.js';
import type { ServiceContext } from '../context.js';
import { conflict, invalid, notFound } from '../errors.js';
import { authorize } from '../permissions.js';
import { recordAudit } from '../audit.js';
import { officesInAdminScope } from './scope.js';
import type { AppointmentCapacityInput, DayCapacityInput } from './schemas.js';

/**
 * An office's capacity for booked visits, set by an administrator whose tree holds the office
 * (docs/decisions/0033, 0039). The setting is `appointment_settings`: windows that take booked
 * visits × people per window and hour (the slot's figure, `seats_per_slot`, is their product) and
 * working days ahead; `appointment_day_capacity` gives a working day after today a figure of its
 * own (fewer windows, or 0: no booked visits that day). A slot row copies its day's figure when
 * first booked; a change here also reaches the slots already made, but never below what is booked
 * in them: nobody's visit is taken away, a slot held above the new figure simply takes no more.
 */

export type DayException = {
  day: string;
  windows: number;
  perWindow: number;
  seatsPerSlot: number;
  /** The most visits booked in one slot of the day. */
  mostBooked: number;
};

export type AppointmentCapacity = {
  officeCode: string;
  /** Null: the office takes no bookings online yet. */
  seatsPerSlot: number | null;
  windows: number | null;
  perWindow: number | null;
  daysAhead: number | null;
  /** Slots after today booked above their day's current figure (kept when it was lowered). */
  slotsAbove: number;
  /** The most visits booked in one slot after today. */
  mostBooked: number;
  /** Days after today with a figure of their own, earliest first. */
  days: DayException[];
};

async function inScope(ctx: ServiceContext, code: string) {
  const { actor } = authorize(ctx.actor, 'office:manage');
  if (!(await officesInAdminScope(ctx, actor)).includes(code)) throw notFound('admin.office.notFound');
}

/**
 * The figure a slot of this office and day gets: the day's own when it has one, else the office's.
 * Correlated subqueries name their tables outright: drizzle leaves columns unqualified in a
 * one-table select, where "day" = "day" would compare the inner table with itself.
 */
const dayFigure = (office: number) =>
  sql<number>`coalesce((select d.seats_per_slot from appointment_day_capacity d
    where d.office_code = "appointment_slots"."office_code" and d.day = "appointment_slots"."day"), ${office})`;

export async function getAppointmentCapacity(ctx: ServiceContext, code: string): Promise<AppointmentCapacity> {
  await inScope(ctx, code);
  const [s] = await ctx.db.select().from(appointmentSettings).where(eq(appointmentSettings.officeCode, code));
  const today = chinaDate(ctx.clock.now());
  const [slots] = await ctx.db
    .select({
      mostBooked: sql<number>`coalesce(max(${appointmentSlots.booked}), 0)::int`,
      slotsAbove: sql<number>`count(*) filter (where ${appointmentSlots.booked} > ${dayFigure(s?.seatsPerSlot ?? 2_147_483_647)})::int`,
    })
    .from(appointmentSlots)
    .where(and(eq(appointmentSlots.officeCode, code), gt(appointmentSlots.day, today)));
  const days = await ctx.db
    .select({
      day: appointmentDayCapacity.day,
      windows: appointmentDayCapacity.windows,
      perWindow: appointmentDayCapacity.perWindow,
      seatsPerSlot: appointmentDayCapacity.seatsPerSlot,
      mostBooked: sql<number>`coalesce((select max(s.booked) from appointment_slots s
        where s.office_code = "appointment_day_capacity"."office_code" and s.day = "appointment_day_capacity"."day"), 0)::int`,
    })
    .from(appointmentDayCapacity)
    .where(and(eq(appointmentDayCapacity.officeCode, code), gt(appointmentDayCapacity.day, today)))
    .orderBy(asc(appointmentDayCapacity.day));
  return {
    officeCode: code,
    seatsPerSlot: s?.seatsPerSlot ?? null,
    windows: s?.windows ?? null,
    perWindow: s?.perWindow ?? null,
    daysAhead: s?.daysAhead ?? null,
    slotsAbove: Number(slots?.slotsAbove ?? 0),
    mostBooked: Number(slots?.mostBooked ?? 0),
    days: days.map((d) => ({ ...d, mostBooked: Number(d.mostBooked) })),
  };
}

/**
 * Sets the office's capacity (creating the setting opens online booking) and applies it to the
 * slots of later days already made that have no figure of their own, each kept at least at its
 * booked count. Audited with before and after and the number of slots held above the new figure.
 */
export async function setAppointmentCapacity(ctx: ServiceContext, code: string, input: AppointmentCapacityInput): Promise<{ slotsAbove: number }> {
  await inScope(ctx, code);
  const today = chinaDate(ctx.clock.now());
  const seats = input.windows * input.perWindow;
  const values = { seatsPerSlot: seats, windows: input.windows, perWindow: input.perWindow, daysAhead: input.daysAhead };
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(appointmentSettings).where(eq(appointmentSettings.officeCode, code)).for('update');
    const [after] = await tx
      .insert(appointmentSettings)
      .values({ officeCode: code, ...values })
      .onConflictDoUpdate({ target: appointmentSettings.officeCode, set: values })
      .returning();
    // Each slot row is locked by the UPDATE, so a booking running at the same time either counted
    // before (and the greatest() keeps its seat) or waits and sees the new capacity. A day with
    // its own figure keeps it.
    const adjusted = await tx
      .update(appointmentSlots)
      .set({ capacity: sql`greatest(${appointmentSlots.booked}, ${seats})` })
      .where(
        and(
          eq(appointmentSlots.officeCode, code),
          gt(appointmentSlots.day, today),
          sql`not exists (select 1 from appointment_day_capacity d where d.office_code = "appointment_slots"."office_code" and d.day = "appointment_slots"."day")`,
        ),
      )
      .returning({ capacity: appointmentSlots.capacity, booked: appointmentSlots.booked });
    const slotsAbove = adjusted.filter((r) => r.booked > seats).length;
    const figures = (r: typeof after) => ({ windows: r.windows, perWindow: r.perWindow, seatsPerSlot: r.seatsPerSlot, daysAhead: r.daysAhead });
    await recordAudit(tx, ctx, {
      action: 'admin.office.appointmentCapacity',
      officeCode: code,
      data: { before: before ? figures(before) : null, after: figures(after), slotsAdjusted: adjusted.length, slotsAbove },
    });
    return { slotsAbove };
  });
}

/**
 * Refuses a day that may not get a figure of its own: today or earlier, a day of a year whose
 * calendar is not entered, a day the calendar does not work. Each a 400 beside the day field.
 */
async function checkExceptionDay(ctx: ServiceContext, day: string, today: string) {
  if (day <= today) throw invalid('admin.capacityDay.notAfterToday', { day: ['capacity.dayNotAfterToday'] });
  const cal = await loadCalendar(ctx.db, day);
  const working = orUnknown(() => isWorkingDay(day, cal));
  if (isUnknown(working)) throw invalid('admin.capacityDay.unknownYear', { day: ['capacity.dayUnknownYear'] }, { year: working.unknownYear });
  if (!working) throw invalid('admin.capacityDay.notWorking', { day: ['capacity.dayNotWorking'] });
}

/** The office's setting, locked: day figures and the office's figure change one at a time. */
async function lockedSetting(tx: Db, code: string) {
  const [s] = await tx.select().from(appointmentSettings).where(eq(appointmentSettings.officeCode, code)).for('update');
  if (!s) throw conflict('admin.capacityDay.noSetting');
  return s;
}

const dayFigures = (r: { windows: number; perWindow: number; seatsPerSlot: number }) => ({ windows: r.windows, perWindow: r.perWindow, seatsPerSlot: r.seatsPerSlot });

/** Moves the existing slots of one day to a figure, never below what each has booked. */
async function adjustDay(tx: Db, code: string, day: string, seats: number) {
  const adjusted = await tx
    .update(appointmentSlots)
    .set({ capacity: sql`greatest(${appointmentSlots.booked}, ${seats})` })
    .where(and(eq(appointmentSlots.officeCode, code), eq(appointmentSlots.day, day)))
    .returning({ booked: appointmentSlots.booked });
  return { slotsAdjusted: adjusted.length, slotsAbove: adjusted.filter((r) => r.booked > seats).length };
}

/**
 * Gives a working day after today a figure of its own (windows × people per window; 0 windows: no
 * booked visits that day), or changes it. The day's slots already made get it the same way as an
 * office-wide change: never below what is booked. Audited with before and after.
 */
export async function setDayCapacity(ctx: ServiceContext, code: string, input: DayCapacityInput): Promise<{ slotsAbove: number }> {
  await inScope(ctx, code);
  const today = chinaDate(ctx.clock.now());
  await checkExceptionDay(ctx, input.day, today);
  const seats = input.windows * input.perWindow;
  return ctx.db.transaction(async (tx) => {
    await lockedSetting(tx, code);
    const key = and(eq(appointmentDayCapacity.officeCode, code), eq(appointmentDayCapacity.day, input.day));
    const [before] = await tx.select().from(appointmentDayCapacity).where(key);
    const values = { windows: input.windows, perWindow: input.perWindow, seatsPerSlot: seats };
    await tx
      .insert(appointmentDayCapacity)
      .values({ officeCode: code, day: input.day, ...values })
      .onConflictDoUpdate({ target: [appointmentDayCapacity.officeCode, appointmentDayCapacity.day], set: values });
    const counts = await adjustDay(tx, code, input.day, seats);
    await recordAudit(tx, ctx, {
      action: 'admin.office.appointmentDay',
      officeCode: code,
      data: { day: input.day, before: before ? dayFigures(before) : null, after: values, ...counts },
    });
    return { slotsAbove: counts.slotsAbove };
  });
}

/**
 * Removes a day's own figure (a day after today): the day returns to the office's figure, its
 * slots already made too, each kept at least at what it has booked. Audited with before.
 */
export async function removeDayCapacity(ctx: ServiceContext, code: string, day: string): Promise<{ slotsAbove: number }> {
  await inScope(ctx, code);
  const today = chinaDate(ctx.clock.now());
  return ctx.db.transaction(async (tx) => {
    const setting = await lockedSetting(tx, code);
    const [before] = await tx
      .delete(appointmentDayCapacity)
      .where(and(eq(appointmentDayCapacity.officeCode, code), eq(appointmentDayCapacity.day, day), gt(appointmentDayCapacity.day, today)))
      .returning();
    if (!before) throw conflict('admin.capacityDay.none');
    const counts = await adjustDay(tx, code, day, setting.seatsPerSlot);
    await recordAudit(tx, ctx, {
      action: 'admin.office.appointmentDay',
      officeCode: code,
      data: { day, before: dayFigures(before), after: null, ...counts },
    });
    return { slotsAbove: counts.slotsAbove };
  });
}
