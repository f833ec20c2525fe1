import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { PostalAddress } from '../../services/validation/address.js';

/** An office (window) that handles applications. Names are i18n keys `offices:<code>`. */
export const offices = pgTable('offices', {
  code: text('code').primaryKey(),
  /** City-level administrative code (4 digits) the office belongs to, for city managers. */
  cityCode: text('city_code').notNull(),
  /** Household-registration region prefixes (GB/T 2260) this office has jurisdiction over. */
  regionPrefixes: text('region_prefixes').array().notNull().default(sql`'{}'::text[]`),
  /** Plate prefixes (e.g. 京, 沪A) whose vehicles are registered here. */
  platePrefixes: text('plate_prefixes').array().notNull().default(sql`'{}'::text[]`),
  /** Departments this office accepts: hukou, traffic, exit_entry. */
  departments: text('departments').array().notNull(),
  phone: text('phone').notNull(),
});

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    role: text('role').$type<'citizen' | 'clerk' | 'manager' | 'admin'>().notNull(),
    realName: text('real_name').notNull(),
    /** Resident ID number, upper-case X. Null for staff. */
    idNumber: text('id_number'),
    mobile: text('mobile'),
    email: text('email'),
    /** Staff login (警号 / 工号). Null for citizens. */
    staffNo: text('staff_no'),
    passwordHash: text('password_hash').notNull(),
    officeCode: text('office_code').references(() => offices.code),
    /** Departments a clerk may handle. */
    skills: text('skills').array().notNull().default(sql`'{}'::text[]`),
    /** Manager scope: 'office' sees their office, 'city' sees every office of the city. */
    managerScope: text('manager_scope').$type<'office' | 'city'>(),
    /** Whether the population registry confirmed name + ID (issue: adapters). */
    identityVerified: boolean('identity_verified').notNull().default(false),
    /** Set when the registry could not be asked: when the worker asks again. Null once it answered. */
    identityRecheckAt: timestamp('identity_recheck_at', { withTimezone: true }),
    identityCheckAttempts: integer('identity_check_attempts').notNull().default(0),
    locale: text('locale').notNull().default('zh-CN'),
    /** The citizen's postal address from their profile (validation/address.ts PostalAddress), offered on forms that post a result. */
    postalAddress: jsonb('postal_address').$type<PostalAddress>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    failedLogins: integer('failed_logins').notNull().default(0),
  },
  (t) => [
    uniqueIndex('users_id_number_uq').on(t.idNumber),
    uniqueIndex('users_mobile_uq').on(t.mobile),
    uniqueIndex('users_staff_no_uq').on(t.staffNo),
    index('users_office_idx').on(t.officeCode),
    // The desk's search by name (services/queue/desk.ts): a prefix, LIKE 'x%', in any collation.
    index('users_real_name_prefix_idx').on(t.realName.op('text_pattern_ops')),
  ],
);

/** Server-side sessions: the cookie carries only the signed id. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);
