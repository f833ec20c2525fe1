import type { SQL } from 'drizzle-orm';
import type { PgInsertValue } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.js';
import { auditEvents } from '../db/schema/index.js';
import type { ServiceContext } from './context.js';
import type { ReportFacts } from './reports/mapping.js';

export type AuditEntry = {
  applicationId?: string | null;
  action: string;
  fromStatus?: string | null;
  toStatus?: string | null;
  reason?: string | null;
  officeCode?: string | null;
  /** Or SQL that makes it, for a statement that computes part of it (services/applications/submit-statements.ts). */
  data?: Record<string, unknown> | SQL;
  /** What the reports count this event by (services/reports/mapping.ts); only for counted events. */
  facts?: ReportFacts | SQL | null;
  /** When the change happened, if the caller already stamped it (defaults to now). */
  at?: Date;
};

/**
 * Appends to the audit trail inside the caller's transaction, so the record exists exactly
 * when the change it describes does. The table refuses UPDATE and DELETE.
 */
export async function recordAudit(tx: Db, ctx: Pick<ServiceContext, 'actor' | 'clock'>, entry: AuditEntry) {
  await auditInsert(tx, ctx, entry);
}

/** The same append as a statement not yet run, for a caller that sends it with its other writes (services/sql.ts). */
export function auditInsert(tx: Db, ctx: Pick<ServiceContext, 'actor' | 'clock'>, entry: AuditEntry) {
  return auditInsertAll(tx, ctx, [entry]);
}

/**
 * Several appends as one statement not yet run. One multi-row insert, not one statement per entry
 * inside a WITH: PostgreSQL runs a WITH's inserts in no promised order, and the trail is read in
 * (at, id) order, so the entries' ids must follow the order given.
 */
export function auditInsertAll(tx: Db, ctx: Pick<ServiceContext, 'actor' | 'clock'>, entries: readonly AuditEntry[]) {
  return tx.insert(auditEvents).values(entries.map((entry) => auditRow(ctx, entry)));
}

/** A row's values; data and facts may be SQL (PgInsertValue takes SQL for any column). */
function auditRow(ctx: Pick<ServiceContext, 'actor' | 'clock'>, entry: AuditEntry): PgInsertValue<typeof auditEvents> {
  const actor = ctx.actor;
  return {
    at: entry.at ?? ctx.clock.now(),
    actorId: actor.kind === 'user' ? actor.id : null,
    actorRole: actor.kind === 'user' ? actor.role : 'system',
    officeCode: entry.officeCode ?? (actor.kind === 'user' ? actor.officeCode : null),
    applicationId: entry.applicationId ?? null,
    action: entry.action,
    fromStatus: entry.fromStatus ?? null,
    toStatus: entry.toStatus ?? null,
    reason: entry.reason ?? null,
    data: entry.data ?? null,
    facts: entry.facts ?? null,
  };
}
