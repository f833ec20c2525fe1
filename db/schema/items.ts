import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { offices, users } from './people.js';

/**
 * The list of items (事项清单, docs/decisions/0036): the published facts of each catalog item
 * (limits, fees and their basis, material texts, notes, place and hours, whether it is offered),
 * one row per version. A draft is edited in place; publishing gives it an effective date, and from
 * then a trigger refuses any UPDATE or DELETE of the row: a published version is only superseded.
 * The facts are validated against the item's typed definition (services/catalog/item-facts.ts).
 */
export const itemVersions = pgTable(
  'item_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    serviceCode: text('service_code').notNull(),
    version: integer('version').notNull(),
    status: text('status').$type<'draft' | 'published'>().notNull(),
    /** China date from which a published version is in force; null for a draft. */
    effectiveFrom: date('effective_from', { mode: 'string' }),
    facts: jsonb('facts').$type<Record<string, unknown>>().notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    publishedBy: uuid('published_by').references(() => users.id),
    publishedAt: timestamp('published_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('item_versions_code_version_idx').on(t.serviceCode, t.version),
    // At most one draft per item.
    uniqueIndex('item_versions_one_draft_idx').on(t.serviceCode).where(sql`status = 'draft'`),
  ],
);

/**
 * Whether an office offers an item. No row: it does when it handles the item's department (so a
 * new office offers its departments' items). Changed at once by an administrator of the office's
 * tree, audited; not versioned (where an office works, like its departments, decision 0027).
 */
export const itemOfferings = pgTable(
  'item_offerings',
  {
    serviceCode: text('service_code').notNull(),
    officeCode: text('office_code')
      .notNull()
      .references(() => offices.code),
    offered: boolean('offered').notNull(),
    changedBy: uuid('changed_by').references(() => users.id),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.serviceCode, t.officeCode] }), index('item_offerings_office_idx').on(t.officeCode)],
);
