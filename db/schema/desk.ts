import { date, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/**
 * How many open applications each office holds per status, department, service and committed
 * due date: every count the desk shows (services/queue/desk.ts) is a sum over an office's few
 * hundred rows here, however many thousand items it holds. Kept by a trigger on applications
 * (migration 0015, desk_tally()) in the transaction of every filing, status change, transfer and
 * new due date, so it can never drift from the rows; a row is removed when its count reaches 0.
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
