import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, date, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { applications } from './applications.js';
import { offices, users } from './people.js';

/**
 * How many people an office receives for visits per hour-long slot of its office hours: its windows
 * that take booked visits × people per window and hour, both stored, and their product
 * `seats_per_slot` (a check keeps it so), which is what slots copy; and how many working days ahead
 * it books. An office without a row takes no bookings online (docs/decisions/0033, 0039).
 */
export const appointmentSettings = pgTable(
  'appointment_settings',
  {
    officeCode: text('office_code')
      .primaryKey()
      .references(() => offices.code),
    seatsPerSlot: integer('seats_per_slot').notNull(),
    daysAhead: integer('days_ahead').notNull().default(10),
    /** Windows that take booked visits; the migration read an older row's figure as that many windows of one person each. */
    windows: integer('windows').notNull().default(1),
    perWindow: integer('per_window').notNull().default(1),
  },
  // seats_per_slot = windows × per_window is a hand-written check of the migration (it backfills first).
  (t) => [check('appointment_settings_positive', sql`${t.seatsPerSlot} > 0 and ${t.daysAhead} between 1 and 60`)],
);

/**
 * A day on which an office receives a figure other than its usual one (fewer windows staffed, or
 * none: 0 takes no booked visits that day). Only working days after today get one
 * (services/admin/appointment-capacity.ts); slots of the day copy its `seats_per_slot` when made
 * and are adjusted when it is set or removed, never below what is booked (docs/decisions/0039).
 */
export const appointmentDayCapacity = pgTable(
  'appointment_day_capacity',
  {
    officeCode: text('office_code')
      .notNull()
      .references(() => offices.code),
    day: date('day', { mode: 'string' }).notNull(),
    windows: integer('windows').notNull(),
    perWindow: integer('per_window').notNull(),
    seatsPerSlot: integer('seats_per_slot').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.officeCode, t.day] }),
    check(
      'appointment_day_capacity_figures',
      sql`${t.windows} >= 0 and ${t.perWindow} >= 1 and ${t.seatsPerSlot} = ${t.windows} * ${t.perWindow} and ${t.seatsPerSlot} <= 500`,
    ),
  ],
);

/**
 * One row per office, China day and start time once anyone books it; its capacity is copied from
 * the settings when the row is made. `booked` only moves by a conditional UPDATE
 * (`booked < capacity`), and the check refuses anything past capacity, so no slot is ever
 * double-booked whatever the concurrency (services/appointments/appointments.ts).
 */
export const appointmentSlots = pgTable(
  'appointment_slots',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    officeCode: text('office_code')
      .notNull()
      .references(() => offices.code),
    day: date('day', { mode: 'string' }).notNull(),
    /** 'HH:MM', China time. */
    startTime: text('start_time').notNull(),
    capacity: integer('capacity').notNull(),
    booked: integer('booked').notNull().default(0),
  },
  (t) => [
    uniqueIndex('appointment_slots_office_day_time_uq').on(t.officeCode, t.day, t.startTime),
    check('appointment_slots_booked_range', sql`${t.booked} >= 0 and ${t.booked} <= ${t.capacity}`),
  ],
);

export type AppointmentStatus = 'booked' | 'cancelled' | 'kept' | 'missed';

/**
 * A citizen's booked visit for an application. At most one is 'booked' per application (partial
 * unique index); a reschedule moves the row to another slot and counts it; 'kept' and 'missed'
 * are the clerk's record of what happened, which the visit figures of the reports count.
 */
export const appointments = pgTable(
  'appointments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id),
    officeCode: text('office_code')
      .notNull()
      .references(() => offices.code),
    slotId: bigint('slot_id', { mode: 'number' })
      .notNull()
      .references(() => appointmentSlots.id),
    day: date('day', { mode: 'string' }).notNull(),
    startTime: text('start_time').notNull(),
    status: text('status').$type<AppointmentStatus>().notNull(),
    reschedules: integer('reschedules').notNull().default(0),
    bookedBy: uuid('booked_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    /** The clerk who marked it kept or missed. */
    markedBy: uuid('marked_by').references(() => users.id),
  },
  (t) => [
    uniqueIndex('appointments_one_booked_uq').on(t.applicationId).where(sql`status = 'booked'`),
    index('appointments_application_idx').on(t.applicationId),
    index('appointments_office_day_idx').on(t.officeCode, t.day, t.startTime),
  ],
);
