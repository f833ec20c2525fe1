import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { applications, appointmentDayCapacity, appointments, appointmentSettings, appointmentSlots, offices, type AppointmentStatus } from '../../db/schema/index.js';
import { recordAudit } from '../audit.js';
import { findService } from '../catalog/index.js';
import { commitmentOf } from '../catalog/types.js';
import { addDays, chinaDate, isWorkingDay, loadCalendar, orUnknown, isUnknown, type Calendar } from '../calendar/working-days.js';
import type { ServiceContext } from '../context.js';
import { conflict, DomainError, invalid, notFound } from '../errors.js';
import { notifyApplicant } from '../notifications/notify.js';
import { authorize, inScope } from '../permissions.js';
import { isApplicationNumber, isUuid } from '../validation/ids.js';
import { isRealIsoDate } from '../validation/zod.js';
import { ENDED_STATUSES } from '../payments/apply.js';
import { MAX_RESCHEDULES, SLOT_TIMES, type BookInput, type MarkInput } from './schemas.js';

/**
 * Booking the one visit (issue 20, docs/decisions/0033). The citizen who filed an application
 * whose item needs a visit books a slot at the handling office once the office has accepted it;
 * may move it twice and cancel it until the day before; the office's clerks see the day's visits
 * and record whether each was kept. Capacity is the database's: a slot's `booked` only grows by a
 * conditional UPDATE, so no slot ever holds more visits than seats, however many book at once.
 */

export type Visit = { id: string; day: string; time: string; status: AppointmentStatus; reschedules: number };

export type AppointmentPage = {
  number: string;
  serviceCode: string;
  officeCode: string | null;
  /** Why nothing can be booked now, or null when it can. */
  blocked: 'notNeeded' | 'notYetAccepted' | 'closed' | 'noBookings' | null;
  current: (Visit & { canChange: boolean; canCancel: boolean; reschedulesLeft: number }) | null;
  /** Days offered, each with its free seats; empty past what the calendar knows. */
  days: { day: string; free: number }[];
  /** Set when the calendar stops the list before the office's horizon: the year not yet published. */
  calendarPendingYear: number | null;
  chosenDay: string | null;
  times: { time: string; free: number }[];
};

const OWN_NOT_FOUND = 'application.notFound';

/** Whether this application's item, for its answers, needs one visit. */
function needsVisit(app: typeof applications.$inferSelect, officeCity: string | null): boolean {
  const def = findService(app.serviceCode);
  if (!def) return false;
  return commitmentOf(def, app.answers, { officeProvince: officeCity ? officeCity.slice(0, 2) : null }).visits === 1;
}

/** The applicant's own application (the filer's: the subject reads, the filer books), or 404. */
async function ownApplication(db: Db, ctx: ServiceContext, number: string) {
  const { actor, scope } = authorize(ctx.actor, 'appointment:book');
  if (!isApplicationNumber(number)) throw notFound(OWN_NOT_FOUND);
  const [row] = await db
    .select({ app: applications, city: offices.cityCode })
    .from(applications)
    .leftJoin(offices, eq(offices.code, applications.officeCode))
    .where(eq(applications.number, number))
    .limit(1);
  if (!row || row.app.status === 'draft' || !inScope(actor, scope, { ownerId: row.app.applicantId })) throw notFound(OWN_NOT_FOUND);
  return { app: row.app, city: row.city, actor };
}

/**
 * The days an office offers from `today`: the next working day and the working days after it, up
 * to `ahead` of them. A day of a year whose calendar is not published is not known to be worked:
 * the list stops there (pendingYear says which year), never guessing a weekday.
 */
export function offeredDays(today: string, ahead: number, cal: Calendar): { days: string[]; pendingYear: number | null } {
  const days: string[] = [];
  let day = today;
  // Enough calendar days for `ahead` working days across the longest holiday (Spring Festival).
  for (let i = 0; i < ahead * 3 + 14 && days.length < ahead; i++) {
    day = addDays(day, 1);
    const working = orUnknown(() => isWorkingDay(day, cal));
    if (isUnknown(working)) return { days, pendingYear: working.unknownYear };
    if (working) days.push(day);
  }
  return { days, pendingYear: null };
}

async function settingsOf(db: Db, officeCode: string | null, lock = false) {
  if (!officeCode) return null;
  const q = db.select().from(appointmentSettings).where(eq(appointmentSettings.officeCode, officeCode)).limit(1);
  // Booking shares the setting's row lock; an administrator's change (office-wide or of a day)
  // takes it exclusively, so a slot is never made from a figure being changed at that moment.
  const [s] = lock ? await q.for('share') : await q;
  return s ?? null;
}

/**
 * Visits per slot for each day asked: the day's own figure (docs/decisions/0039) where an
 * administrator set one, else the office's. A day whose figure is 0 takes no booked visits.
 */
async function figuresOf(db: Db, officeCode: string, office: number, days: string[]): Promise<(day: string) => number> {
  const rows =
    days.length === 0
      ? []
      : await db
          .select({ day: appointmentDayCapacity.day, seats: appointmentDayCapacity.seatsPerSlot })
          .from(appointmentDayCapacity)
          .where(and(eq(appointmentDayCapacity.officeCode, officeCode), inArray(appointmentDayCapacity.day, days)));
  const own = new Map(rows.map((r) => [r.day, r.seats]));
  return (day) => own.get(day) ?? office;
}

async function bookedVisit(db: Db, applicationId: string) {
  const [row] = await db
    .select()
    .from(appointments)
    .where(and(eq(appointments.applicationId, applicationId), eq(appointments.status, 'booked')))
    .limit(1);
  return row ?? null;
}

/** The seats taken per day and time at an office, for the days asked. */
async function takenSeats(db: Db, officeCode: string, days: string[]): Promise<Map<string, { capacity: number; booked: number }>> {
  if (days.length === 0) return new Map();
  const rows = await db
    .select({ day: appointmentSlots.day, time: appointmentSlots.startTime, capacity: appointmentSlots.capacity, booked: appointmentSlots.booked })
    .from(appointmentSlots)
    .where(and(eq(appointmentSlots.officeCode, officeCode), inArray(appointmentSlots.day, days)));
  return new Map(rows.map((r) => [`${r.day} ${r.time}`, { capacity: r.capacity, booked: r.booked }]));
}

const freeOf = (taken: Map<string, { capacity: number; booked: number }>, seats: number, day: string, time: string) => {
  const t = taken.get(`${day} ${time}`);
  return t ? Math.max(0, t.capacity - t.booked) : seats;
};

/** The citizen's appointment page: the visit booked, and the days (then the times of the chosen day) offered. */
export async function getAppointmentPage(ctx: ServiceContext, number: string, chosen: string | null = null): Promise<AppointmentPage> {
  const { app, city } = await ownApplication(ctx.db, ctx, number);
  const today = chinaDate(ctx.clock.now());
  const settings = await settingsOf(ctx.db, app.officeCode);
  const visit = await bookedVisit(ctx.db, app.id);
  const blocked = blockedReason(app, city, settings !== null);
  const page: AppointmentPage = {
    number,
    serviceCode: app.serviceCode,
    officeCode: app.officeCode,
    blocked,
    current: visit
      ? {
          id: visit.id,
          day: visit.day,
          time: visit.startTime,
          status: visit.status,
          reschedules: visit.reschedules,
          canCancel: visit.day > today,
          canChange: visit.day > today && visit.reschedules < MAX_RESCHEDULES && blocked === null,
          reschedulesLeft: Math.max(0, MAX_RESCHEDULES - visit.reschedules),
        }
      : null,
    days: [],
    calendarPendingYear: null,
    chosenDay: null,
    times: [],
  };
  const mayChoose = blocked === null && (!page.current || page.current.canChange);
  if (!mayChoose || !settings || !app.officeCode) return page;
  const cal = await loadCalendar(ctx.db, today);
  const { days: working, pendingYear } = offeredDays(today, settings.daysAhead, cal);
  const figure = await figuresOf(ctx.db, app.officeCode, settings.seatsPerSlot, working);
  // A day an administrator gave no visits (0) is not offered.
  const days = working.filter((day) => figure(day) > 0);
  const taken = await takenSeats(ctx.db, app.officeCode, days);
  page.days = days.map((day) => ({ day, free: SLOT_TIMES.reduce((n, time) => n + freeOf(taken, figure(day), day, time), 0) }));
  page.calendarPendingYear = pendingYear;
  if (chosen && days.includes(chosen)) {
    page.chosenDay = chosen;
    page.times = SLOT_TIMES.map((time) => ({ time, free: freeOf(taken, figure(chosen), chosen, time) }));
  }
  return page;
}

/**
 * Booking waits for acceptance (docs/decisions/0033): the visit takes the photo and fingerprints,
 * or shows the vehicle, for materials the office has found complete; before that the filing may
 * still need a supplement or not be accepted at all, and the seat would be wasted.
 */
function blockedReason(app: typeof applications.$inferSelect, city: string | null, officeBooks: boolean): AppointmentPage['blocked'] {
  if (!needsVisit(app, city)) return 'notNeeded';
  if (['not_accepted', 'completed', 'refused', 'withdrawn'].includes(app.status)) return 'closed';
  if (app.status !== 'accepted') return 'notYetAccepted';
  if (!officeBooks) return 'noBookings';
  return null;
}

const BLOCKED_ERRORS = {
  notNeeded: 'appointment.notNeeded',
  notYetAccepted: 'appointment.notYetAccepted',
  closed: 'appointment.closed',
  noBookings: 'appointment.noBookings',
} as const;

/**
 * Books a visit, or moves the one booked to another slot (at most MAX_RESCHEDULES times, until
 * the day before it). One transaction: the application's row lock serializes this applicant's own
 * requests; the seat is taken by `UPDATE … SET booked = booked + 1 WHERE booked < capacity`,
 * which PostgreSQL re-checks on the row after any concurrent booking commits, so of many people
 * taking the last seat at once exactly one gets it and the others a 409.
 */
export async function bookAppointment(ctx: ServiceContext, number: string, input: BookInput): Promise<Visit> {
  const { app: seen } = await ownApplication(ctx.db, ctx, number);
  const now = ctx.clock.now();
  const today = chinaDate(now);
  const notOffered = () => invalid('appointment.slotNotOffered', { day: ['appointment.slotNotOffered'] });
  if (!(SLOT_TIMES as readonly string[]).includes(input.time) || !/^\d{4}-\d{2}-\d{2}$/.test(input.day)) throw notOffered();
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ app: applications, city: offices.cityCode })
      .from(applications)
      .leftJoin(offices, eq(offices.code, applications.officeCode))
      .where(eq(applications.id, seen.id))
      .for('update', { of: applications });
    const app = row.app;
    const settings = await settingsOf(tx, app.officeCode, true);
    const blocked = blockedReason(app, row.city, settings !== null);
    if (blocked) throw conflict(BLOCKED_ERRORS[blocked]);
    const officeCode = app.officeCode!;
    const cal = await loadCalendar(ctx.db, today, tx);
    if (!offeredDays(today, settings!.daysAhead, cal).days.includes(input.day)) throw notOffered();
    const seats = (await figuresOf(tx, officeCode, settings!.seatsPerSlot, [input.day]))(input.day);
    if (seats === 0) throw notOffered();
    const current = await bookedVisit(tx, app.id);
    if (current) {
      if (current.day <= today) throw conflict('appointment.tooLate');
      if (current.reschedules >= MAX_RESCHEDULES) throw conflict('appointment.rescheduleLimit', { max: MAX_RESCHEDULES });
      if (current.day === input.day && current.startTime === input.time) throw conflict('appointment.sameSlot');
    }
    await tx
      .insert(appointmentSlots)
      .values({ officeCode, day: input.day, startTime: input.time, capacity: seats, booked: 0 })
      .onConflictDoNothing();
    const [slot] = await tx
      .select({ id: appointmentSlots.id })
      .from(appointmentSlots)
      .where(and(eq(appointmentSlots.officeCode, officeCode), eq(appointmentSlots.day, input.day), eq(appointmentSlots.startTime, input.time)));
    // Both slots of a reschedule are locked in id order, so two people swapping never deadlock.
    const ids = current ? [...new Set([slot.id, current.slotId])].sort((a, b) => a - b) : [slot.id];
    await tx.select({ id: appointmentSlots.id }).from(appointmentSlots).where(inArray(appointmentSlots.id, ids)).orderBy(asc(appointmentSlots.id)).for('update');
    const [taken] = await tx
      .update(appointmentSlots)
      .set({ booked: sql`${appointmentSlots.booked} + 1` })
      .where(and(eq(appointmentSlots.id, slot.id), lt(appointmentSlots.booked, appointmentSlots.capacity)))
      .returning({ id: appointmentSlots.id });
    if (!taken) throw conflict('appointment.slotFull');
    let visit: typeof appointments.$inferSelect;
    if (current) {
      await tx
        .update(appointmentSlots)
        .set({ booked: sql`${appointmentSlots.booked} - 1` })
        .where(eq(appointmentSlots.id, current.slotId));
      [visit] = await tx
        .update(appointments)
        .set({ slotId: slot.id, day: input.day, startTime: input.time, reschedules: current.reschedules + 1, updatedAt: now })
        .where(eq(appointments.id, current.id))
        .returning();
    } else {
      [visit] = await tx
        .insert(appointments)
        .values({ applicationId: app.id, officeCode, slotId: slot.id, day: input.day, startTime: input.time, status: 'booked', bookedBy: app.applicantId, createdAt: now, updatedAt: now })
        .returning();
    }
    const event = current ? 'rescheduled' : 'booked';
    await recordAudit(tx, ctx, {
      applicationId: app.id,
      action: `appointment.${event}`,
      officeCode,
      data: { appointmentId: visit.id, day: visit.day, time: visit.startTime, ...(current ? { before: { day: current.day, time: current.startTime } } : {}) },
      at: now,
    });
    await notifyApplicant(tx, {
      applicationId: app.id,
      applicantId: app.applicantId,
      template: current ? 'appointmentRescheduled' : 'appointmentBooked',
      params: { applicationNumber: app.number, serviceCode: app.serviceCode, officeCode, day: visit.day, time: visit.startTime },
      eventKey: current ? `appointment:${visit.id}:rescheduled:${visit.reschedules}` : `appointment:${visit.id}:booked`,
      createdAt: now,
    });
    return { id: visit.id, day: visit.day, time: visit.startTime, status: visit.status, reschedules: visit.reschedules };
  });
}

/** Cancels the booked visit, until the day before it; the seat is free again at once. */
export async function cancelAppointment(ctx: ServiceContext, number: string): Promise<void> {
  const { app: seen } = await ownApplication(ctx.db, ctx, number);
  const now = ctx.clock.now();
  const today = chinaDate(now);
  await ctx.db.transaction(async (tx) => {
    const [app] = await tx.select().from(applications).where(eq(applications.id, seen.id)).for('update');
    const current = await bookedVisit(tx, app.id);
    if (!current) throw conflict('appointment.none');
    if (current.day <= today) throw conflict('appointment.tooLate');
    await cancelVisit(tx, ctx, app.id, current, {});
    await notifyApplicant(tx, {
      applicationId: app.id,
      applicantId: app.applicantId,
      template: 'appointmentCancelled',
      params: { applicationNumber: app.number, serviceCode: app.serviceCode, officeCode: current.officeCode, day: current.day, time: current.startTime },
      eventKey: `appointment:${current.id}:cancelled`,
      createdAt: now,
    });
  });
}

/**
 * An application that ended without a result (not accepted, refused, withdrawn) needs no visit:
 * its booked one is cancelled in the same transaction and the seat is free again at once, so the
 * office's day list and the citizen's page never show a visit for nothing. The decision's own
 * message tells the citizen; the audit row says why the visit went.
 */
export async function releaseVisitOfEndedApplication(tx: Db, ctx: Pick<ServiceContext, 'actor' | 'clock'>, applicationId: string, to: string): Promise<void> {
  if (!(ENDED_STATUSES as readonly string[]).includes(to)) return;
  const current = await bookedVisit(tx, applicationId);
  if (!current) return;
  await cancelVisit(tx, ctx, applicationId, current, { reason: `application.${to}` });
}

/** Cancels a booked visit inside the caller's transaction: the seat is free again at once, and the audit row says so. */
async function cancelVisit(
  tx: Db,
  ctx: Pick<ServiceContext, 'actor' | 'clock'>,
  applicationId: string,
  visit: NonNullable<Awaited<ReturnType<typeof bookedVisit>>>,
  extra: Record<string, string>,
): Promise<void> {
  const now = ctx.clock.now();
  await tx.update(appointments).set({ status: 'cancelled', updatedAt: now }).where(eq(appointments.id, visit.id));
  await tx
    .update(appointmentSlots)
    .set({ booked: sql`${appointmentSlots.booked} - 1` })
    .where(eq(appointmentSlots.id, visit.slotId));
  await recordAudit(tx, ctx, {
    applicationId,
    action: 'appointment.cancelled',
    officeCode: visit.officeCode,
    data: { appointmentId: visit.id, day: visit.day, time: visit.startTime, ...extra },
    at: now,
  });
}

/**
 * The latest visit of an application that is not cancelled (booked, kept or missed), for the
 * receipt and the desk's review page; null when there is none. Callers have checked access.
 */
export async function visitOf(db: Db, applicationId: string): Promise<Visit | null> {
  const [row] = await db
    .select()
    .from(appointments)
    .where(and(eq(appointments.applicationId, applicationId), inArray(appointments.status, ['booked', 'kept', 'missed'])))
    .orderBy(sql`${appointments.createdAt} desc`)
    .limit(1);
  return row ? { id: row.id, day: row.day, time: row.startTime, status: row.status, reschedules: row.reschedules } : null;
}

export type OfficeDayList = {
  officeCode: string;
  day: string;
  today: string;
  /** Marking is for visits on or before today. */
  canMark: boolean;
  visits: { id: string; time: string; status: AppointmentStatus; number: string; serviceCode: string; applicationStatus: string }[];
};

/**
 * The day's visits at the actor's office (today unless another day is asked), earliest first;
 * a clerk sees the departments of their skills. Each links to its application's review page.
 */
export async function listOfficeAppointments(ctx: ServiceContext, day: string | null = null): Promise<OfficeDayList> {
  const { actor } = authorize(ctx.actor, 'appointment:desk');
  if (!actor.officeCode) throw notFound();
  const today = chinaDate(ctx.clock.now());
  // Any other value (an impossible date, a year PostgreSQL has no day of) reads as today.
  const on = day && isRealIsoDate(day) && day >= '2000-01-01' && day <= '2999-12-31' ? day : today;
  const rows = await ctx.db
    .select({
      id: appointments.id,
      time: appointments.startTime,
      status: appointments.status,
      number: applications.number,
      serviceCode: applications.serviceCode,
      department: applications.department,
      applicationStatus: applications.status,
    })
    .from(appointments)
    .innerJoin(applications, eq(applications.id, appointments.applicationId))
    .where(and(eq(appointments.officeCode, actor.officeCode), eq(appointments.day, on), inArray(appointments.status, ['booked', 'kept', 'missed'])))
    .orderBy(asc(appointments.startTime), asc(applications.number));
  const visible = actor.role === 'clerk' ? rows.filter((r) => (actor.skills as string[]).includes(r.department)) : rows;
  return {
    officeCode: actor.officeCode,
    day: on,
    today,
    canMark: actor.role === 'clerk' && on <= today,
    visits: visible.map((r) => ({ id: r.id, time: r.time, status: r.status, number: r.number ?? '', serviceCode: r.serviceCode, applicationStatus: r.applicationStatus })),
  };
}

/**
 * The clerk records that the citizen came (kept) or did not (missed), on or after the day, once:
 * the visit figures of the reports count it (zero-visit and one-visit shares), so it is audited.
 */
export async function markAppointment(ctx: ServiceContext, input: MarkInput): Promise<{ day: string }> {
  const { actor, scope } = authorize(ctx.actor, 'appointment:mark');
  if (!isUuid(input.id)) throw notFound('appointment.notFound');
  const now = ctx.clock.now();
  const today = chinaDate(now);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ visit: appointments, department: applications.department })
      .from(appointments)
      .innerJoin(applications, eq(applications.id, appointments.applicationId))
      .where(eq(appointments.id, input.id))
      .for('update', { of: appointments });
    if (!row || !inScope(actor, scope, { officeCode: row.visit.officeCode, department: row.department })) throw notFound('appointment.notFound');
    const { visit } = row;
    if (visit.status !== 'booked') throw conflict('appointment.alreadyMarked');
    if (visit.day > today) throw new DomainError('appointment.notYetDue', 409);
    await tx.update(appointments).set({ status: input.outcome, markedBy: actor.id, updatedAt: now }).where(eq(appointments.id, visit.id));
    await recordAudit(tx, ctx, {
      applicationId: visit.applicationId,
      action: `appointment.${input.outcome}`,
      officeCode: visit.officeCode,
      data: { appointmentId: visit.id, day: visit.day, time: visit.startTime },
      at: now,
    });
    return { day: visit.day };
  });
}
