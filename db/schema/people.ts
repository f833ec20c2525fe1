import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import type { PostalAddress } from '../../services/validation/address.js';

/**
 * The public-security organs an office belongs to: province (省厅) → city (市局) → district or
 * county (分局). Offices hang off a unit; an administrator's scope is a unit and everything below
 * it (services/admin/scope.ts). Codes are GB/T 2260 prefixes where the organ follows an area.
 */
export const orgUnits = pgTable(
  'org_units',
  {
    code: text('code').primaryKey(),
    parentCode: text('parent_code').references((): AnyPgColumn => orgUnits.code),
    level: text('level').$type<'province' | 'city' | 'district'>().notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
  },
  (t) => [index('org_units_parent_idx').on(t.parentCode)],
);

/**
 * An office (window) that handles applications. The seed's offices are named by i18n keys
 * `offices:<code>`; offices an administrator creates carry their names in name_zh/name_en.
 */
export const offices = pgTable('offices', {
  code: text('code').primaryKey(),
  /** The org unit (usually a district 分局) the office belongs to. */
  orgUnitCode: text('org_unit_code').references(() => orgUnits.code),
  nameZh: text('name_zh'),
  nameEn: text('name_en'),
  address: text('address'),
  hours: text('hours'),
  /** Set when an administrator closed the office (its open queue moved elsewhere). */
  closedAt: timestamp('closed_at', { withTimezone: true }),
  /** City-level administrative code (4 digits) the office belongs to, for city managers. */
  cityCode: text('city_code').notNull(),
  /** Household-registration region prefixes (GB/T 2260) this office has jurisdiction over. */
  regionPrefixes: text('region_prefixes').array().notNull().default(sql`'{}'::text[]`),
  /** Plate prefixes (e.g. 京, 沪A) whose vehicles are registered here. */
  platePrefixes: text('plate_prefixes').array().notNull().default(sql`'{}'::text[]`),
  /** Departments this office accepts: hukou, traffic, exit_entry. */
  departments: text('departments').array().notNull(),
  phone: text('phone').notNull(),
  /**
   * What this office's application numbers start with (2–6 upper-case letters and digits, a letter
   * first and last; services/applications/numbers.ts); null: the shared default 'GA'. Unique, and
   * its shape checked, by hand-written SQL in migration office_number_prefix.
   */
  numberPrefix: text('number_prefix'),
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
    /** Manager scope: 'office' sees their office, 'city' every office of the city, 'province' every city of the province (decision 0040). */
    managerScope: text('manager_scope').$type<'office' | 'city' | 'province'>(),
    /** Administrators: the org unit they administer; null for the national root administrator. */
    orgUnitCode: text('org_unit_code').references(() => orgUnits.code),
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

/**
 * One-time activation codes for staff (first sign-in, password or second-factor reset). Only the
 * SHA-256 of the code is kept; a code works once, until `expiresAt`, for `MAX_ATTEMPTS` wrong
 * tries. While the staff member enrols, the chosen password's hash and the new TOTP secret
 * (sealed, services/auth/secret-box.ts) wait here until one code from the authenticator confirms.
 */
export const activationCodes = pgTable(
  'activation_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    codeHash: text('code_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    usedAt: timestamp('used_at', { withTimezone: true }),
    pendingPasswordHash: text('pending_password_hash'),
    pendingSecret: text('pending_secret'),
    pendingKeyId: text('pending_key_id'),
  },
  (t) => [index('activation_codes_user_idx').on(t.userId)],
);
