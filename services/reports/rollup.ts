import { count, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { notices, offices, reportDaily, users } from '../../db/schema/index.js';
import { chinaDate } from '../calendar/working-days.js';
import { countersFor, isCrossProvince, isOnTime, type ReportEvent } from './counters.js';

export type RollupKey = { officeCode: string | null; serviceCode: string; department: string };

/** Adds one event's counters to its day's row, inside the caller's transaction. */
async function bump(tx: Db, at: Date, key: RollupKey, event: ReportEvent): Promise<void> {
  if (!key.officeCode) return;
  const deltas = Object.entries(countersFor(event)).filter(([, v]) => v);
  if (deltas.length === 0) return;
  const values: Record<string, unknown> = { day: chinaDate(at), officeCode: key.officeCode, serviceCode: key.serviceCode, department: key.department };
  const set: Record<string, unknown> = {};
  for (const [k, v] of deltas) {
    values[k] = v;
    const col = reportDaily[k as keyof typeof reportDaily.$inferSelect];
    set[k] = sql`${col} + ${v}`;
  }
  await tx
    .insert(reportDaily)
    .values(values as typeof reportDaily.$inferInsert)
    .onConflictDoUpdate({ target: [reportDaily.day, reportDaily.officeCode, reportDaily.serviceCode, reportDaily.department], set });
}

/**
 * The one hook the state changes call (submit, changeStatus, ratings): gathers the facts an
 * event's counters need and bumps the rollup in the same transaction, so a rolled-back change
 * is never counted.
 */
export async function countStatusChange(
  tx: Db,
  at: Date,
  app: RollupKey & { id: string; applicantId: string; dueDate: string | null },
  to: string,
  opts: { deemed?: boolean; override?: boolean } = {},
): Promise<void> {
  switch (to) {
    case 'submitted': {
      const [who] = await tx.select({ idNumber: users.idNumber }).from(users).where(eq(users.id, app.applicantId));
      const [office] = app.officeCode ? await tx.select({ cityCode: offices.cityCode }).from(offices).where(eq(offices.code, app.officeCode)) : [];
      return bump(tx, at, app, { kind: 'submitted', crossProvince: isCrossProvince(who?.idNumber ?? null, office?.cityCode ?? null) });
    }
    case 'accepted':
      return bump(tx, at, app, { kind: 'accepted', deemed: !!opts.deemed });
    case 'needs_supplement':
      return bump(tx, at, app, { kind: 'notice', override: !!opts.override });
    case 'completed': {
      const [n] = await tx.select({ n: count() }).from(notices).where(eq(notices.applicationId, app.id));
      return bump(tx, at, app, { kind: 'completed', onTime: isOnTime(chinaDate(at), app.dueDate), oneVisit: Number(n.n) === 0 });
    }
    case 'not_accepted':
    case 'refused':
    case 'withdrawn':
      return bump(tx, at, app, { kind: to });
    default:
      return;
  }
}

export async function countRating(tx: Db, at: Date, key: RollupKey, score: number): Promise<void> {
  await bump(tx, at, key, { kind: 'rated', score });
}
