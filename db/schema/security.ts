import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './people.js';

/**
 * Fixed-window counters for rate limits, shared by every app process (they stay stateless).
 * `key` names what is counted, e.g. `login:ip:203.0.113.9` or `login:account:<user id>`.
 */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
  count: integer('count').notNull(),
});

/**
 * A staff member's TOTP secret (RFC 6238, base32), sealed with AES-256-GCM under the data key
 * named by `keyId` (services/auth/secret-box.ts). A null `keyId` is a secret an older version
 * stored in clear; startup seals it (resealTotpSecrets). `lastUsedStep` refuses a replayed code.
 */
export const totpCredentials = pgTable('totp_credentials', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id),
  secret: text('secret').notNull(),
  keyId: text('key_id'),
  lastUsedStep: bigint('last_used_step', { mode: 'number' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * "Password accepted, second factor still owed": a short-lived server-side state that is not a
 * session and grants nothing but the right to enter a code. The cookie carries only the signed id.
 */
export const pendingLogins = pgTable(
  'pending_logins',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
  },
  (t) => [index('pending_logins_user_idx').on(t.userId)],
);

export type OneTimeCodePurpose = 'signup' | 'reset' | 'track';

/**
 * A one-time code and the short flow it guards (services/auth/one-time-codes.ts, decision 0024):
 * proving a mobile at sign-up, resetting a password, following an application without signing in.
 * The browser holds only a random token (signed cookie); the row is found by the token's SHA-256.
 * The code itself is never stored: `codeHash` is an HMAC under the data key `keyId`, so a copy
 * of the database does not give the six digits away by trying all million of them.
 * `sent` is false when no code went out (an unknown account, a mobile that already has one): the
 * flow looks the same to the visitor, and every code entered is refused as wrong.
 */
export const oneTimeCodes = pgTable(
  'one_time_codes',
  {
    id: uuid('id').primaryKey(),
    tokenHash: text('token_hash').notNull(),
    purpose: text('purpose').$type<OneTimeCodePurpose>().notNull(),
    /** reset: the account; track: the applicant; signup: null. */
    userId: uuid('user_id').references(() => users.id),
    /** track: the application followed. */
    applicationId: uuid('application_id'),
    /** signup: the pending account (name, ID, mobile, e-mail, password hash, language, registry answer). */
    payload: jsonb('payload').$type<Record<string, unknown>>(),
    codeHash: text('code_hash').notNull(),
    keyId: text('key_id').notNull(),
    sent: boolean('sent').notNull(),
    attempts: integer('attempts').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
    /** track: after the right code, the application may be looked at until then. */
    grantExpiresAt: timestamp('grant_expires_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('one_time_codes_token_uq').on(t.tokenHash), index('one_time_codes_expires_idx').on(t.expiresAt)],
);
