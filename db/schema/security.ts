import { bigint, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
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
