import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { reportDaily, ROLLUP_COUNTERS, type RollupCounter } from '../../db/schema/reports.js';
import { chinaDate } from '../calendar/working-days.js';
import { countersFor, isCrossProvince, isOnTime, type ReportEvent } from './counters.js';

export type RollupRow = { day: string; officeCode: string; serviceCode: string; department: string } & Record<RollupCounter, number>;

const rowsOf = <T>(res: unknown): T[] => (res as { rows: T[] }).rows;

/**
 * Every rollup counter recomputed from the raw tables (the audit trail of status changes and the
 * ratings), through the same definitions (counters.ts). The drift test and the repair script
 * compare this with report_daily; nothing on a request path calls it.
 */
export async function recountRollup(db: Db): Promise<RollupRow[]> {
  const changes = rowsOf<{
    at: Date | string;
    action: string;
    to_status: string;
    office_code: string | null;
    service_code: string;
    department: string;
    due_date: string | null;
    override_by: string | null;
    id_number: string | null;
    city_code: string | null;
    notices: number | string;
  }>(
    await db.execute(sql`
      select e.at, e.action, e.to_status, e.office_code, a.service_code, a.department, a.due_date::text as due_date,
             e.data->>'overrideBy' as override_by, u.id_number, o.city_code,
             (select count(*) from notices n where n.application_id = a.id) as notices
      from audit_events e
      join applications a on a.id = e.application_id
      join users u on u.id = a.applicant_id
      left join offices o on o.code = e.office_code
      where e.to_status is not null`),
  );
  const rated = rowsOf<{ day: string; office_code: string; service_code: string; department: string; score: number }>(
    await db.execute(sql`select day::text as day, office_code, service_code, department, score from ratings`),
  );

  const out = new Map<string, RollupRow>();
  const add = (day: string, officeCode: string | null, serviceCode: string, department: string, e: ReportEvent | null) => {
    if (!officeCode || !e) return;
    const k = `${day}|${officeCode}|${serviceCode}|${department}`;
    let row = out.get(k);
    if (!row) {
      row = { day, officeCode, serviceCode, department, ...(Object.fromEntries(ROLLUP_COUNTERS.map((c) => [c, 0])) as Record<RollupCounter, number>) };
      out.set(k, row);
    }
    for (const [c, v] of Object.entries(countersFor(e))) row[c as RollupCounter] += v ?? 0;
  };
  for (const r of changes) {
    const day = chinaDate(new Date(r.at));
    const e: ReportEvent | null =
      r.to_status === 'submitted'
        ? { kind: 'submitted', crossProvince: isCrossProvince(r.id_number, r.city_code) }
        : r.to_status === 'accepted'
          ? { kind: 'accepted', deemed: r.action === 'application.deemedAccepted' }
          : r.to_status === 'needs_supplement'
            ? { kind: 'notice', override: !!r.override_by }
            : r.to_status === 'completed'
              ? { kind: 'completed', onTime: isOnTime(day, r.due_date), oneVisit: Number(r.notices) === 0 }
              : r.to_status === 'not_accepted' || r.to_status === 'refused' || r.to_status === 'withdrawn'
                ? { kind: r.to_status }
                : null;
    add(day, r.office_code, r.service_code, r.department, e);
  }
  for (const r of rated) add(r.day, r.office_code, r.service_code, r.department, { kind: 'rated', score: Number(r.score) });
  return [...out.values()].filter((r) => ROLLUP_COUNTERS.some((c) => r[c] !== 0)).sort(byKey);
}

export async function readRollup(db: Db): Promise<RollupRow[]> {
  const rows = await db.select().from(reportDaily);
  return rows.filter((r) => ROLLUP_COUNTERS.some((c) => r[c] !== 0)).sort(byKey);
}

const byKey = (a: RollupRow, b: RollupRow) =>
  `${a.day}|${a.officeCode}|${a.serviceCode}|${a.department}`.localeCompare(`${b.day}|${b.officeCode}|${b.serviceCode}|${b.department}`);
