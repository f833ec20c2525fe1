import { bigserial, date, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/**
 * How many open applications each office holds per status, department, service and committed
 * due date: every count the desk shows (services/queue/desk.ts) is a sum over an office's few
 * hundred rows here plus the changes not yet folded in (deskTallyChanges), however many thousand
 * items it holds. A row is removed when its count reaches 0.
 */
export const deskTallies = pgTable(
  'desk_tallies',
  {
    officeCode: text('office_code').notNull(),
    status: text('status').notNull(),
    department: text('department').notNull(),
    serviceCode: text('service_code').notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.officeCode, t.status, t.department, t.serviceCode, t.dueDate] })],
);

/**
 * The changes to desk_tallies not yet folded in: a trigger on applications (desk_tally()) appends
 * one row of +1 or -1 per tally a filing, status change, transfer or new due date leaves or
 * enters, in that change's transaction. Appending locks no shared row, so filings and decisions
 * of one office never wait for each other here; the worker folds the changes into desk_tallies
 * (services/queue/desk-tallies.ts), and the desk reads both in one statement, so its counts are
 * exact whether or not the worker has run (docs/decisions/0025).
 */
export const deskTallyChanges = pgTable('desk_tally_changes', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  officeCode: text('office_code').notNull(),
  status: text('status').notNull(),
  department: text('department').notNull(),
  serviceCode: text('service_code').notNull(),
  dueDate: date('due_date', { mode: 'string' }).notNull(),
  n: integer('n').notNull(),
}, (t) => [index('desk_tally_changes_office_idx').on(t.officeCode)]);
