/**
 * The desk's loadDesk as it was before issue 16 (commit 478ed12), kept only as the benchmark's
 * reference (bench/desk.ts): every open item of the office, full rows, filtered and counted in
 * JavaScript. Not used by the app.
 */
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import { applications, queueItems, users, type ManualCheck } from '../db/schema/index.js';
import { chinaDate, loadCalendar, workingDaysLeft, type Calendar } from '../services/calendar/working-days.js';
import type { Department } from '../services/catalog/types.js';
import type { ServiceContext } from '../services/context.js';
import { forbidden } from '../services/errors.js';
import { authorize } from '../services/permissions.js';
import { maskIdNumber, maskName } from '../services/validation/identifiers.js';
import type { ApplicationStatus } from '../services/applications/status-machine.js';
import { leaseLive } from '../services/queue/lease.js';

export type DeskFilters = {
  department?: string;
  service?: string;
  status?: string;
  overdue?: boolean;
  mine?: boolean;
};

/** A deadline as the desk shows it: the China day and the working days left until it. */
export type DeadlineView = {
  day: string;
  /** Working days after today up to the day (0: the day is today); negative: working days since it passed. */
  workingDaysLeft: number;
};

export type DeskRow = {
  number: string;
  serviceCode: string;
  department: string;
  status: ApplicationStatus;
  applicantName: string;
  applicantIdNumber: string;
  receivedAt: string;
  completenessDeadline: string | null;
  dueDate: string | null;
  queueState: 'waiting' | 'claimed' | 'parked' | 'done';
  holder: { id: string; staffNo: string | null; name: string } | null;
  mine: boolean;
  deemedAccepted: boolean;
  /** Exit-entry controls answered a hit or could not be asked at submission: check by hand before deciding. */
  manualCheck: ManualCheck | null;
  overdue: boolean;
  /**
   * The clocks running on this row, each while it runs: art. 32's completeness check (until a
   * notice or acceptance), the citizen's supplement deadline (while waiting for them), and the
   * committed due date (while the office holds the application).
   */
  deadlines: { completeness: DeadlineView | null; supplement: DeadlineView | null; due: DeadlineView | null };
  frontOfQueue: boolean;
  /** Within the actor's skills: they may take and act on it. */
  canHandle: boolean;
};

export type Desk = {
  officeCode: string;
  rows: DeskRow[];
  total: number;
  counts: {
    department: Record<string, number>;
    service: Record<string, number>;
    status: Record<string, number>;
    overdue: number;
    mine: number;
  };
};

const bump = (m: Record<string, number>, k: string) => {
  m[k] = (m[k] ?? 0) + 1;
};

const view = (day: string | null, today: string, cal: Calendar): DeadlineView | null =>
  day ? { day, workingDaysLeft: workingDaysLeft(today, day, cal) } : null;

/**
 * The office's single queue across all departments, in the order "take next" would serve it,
 * with personal data masked, and each running deadline with the working days left. It only
 * reads: the clocks (deemed acceptance, supplement deadlines, overdue flags) are run by the
 * worker's sweep (services/clock-rules/sweep.ts) whether or not anyone opens this page. Counts
 * are over the whole queue; rows are filtered.
 */
export async function loadDeskBefore(ctx: ServiceContext, filters: DeskFilters = {}): Promise<Desk> {
  const { actor } = authorize(ctx.actor, 'queue:read');
  if (!actor.officeCode) throw forbidden();
  const officeCode = actor.officeCode;
  const now = ctx.clock.now();
  const today = chinaDate(now);
  const cal = await loadCalendar(ctx.db, today);
  const rows = await ctx.db
    .select({ item: queueItems, app: applications, applicant: { realName: users.realName, idNumber: users.idNumber } })
    .from(queueItems)
    .innerJoin(applications, eq(applications.id, queueItems.applicationId))
    .innerJoin(users, eq(users.id, applications.applicantId))
    .where(and(eq(queueItems.officeCode, officeCode), ne(queueItems.state, 'done')))
    .orderBy(
      asc(queueItems.frontOfQueue),
      asc(queueItems.completenessDeadline),
      asc(queueItems.dueDate),
      asc(queueItems.receivedAt),
      asc(queueItems.id),
    );
  const holderIds = [...new Set(rows.map((r) => r.item.claimedBy).filter((x): x is string => !!x))];
  const holderRows =
    holderIds.length > 0
      ? await ctx.db.select({ id: users.id, staffNo: users.staffNo, name: users.realName }).from(users).where(inArray(users.id, holderIds))
      : [];
  const holders = new Map(holderRows.map((u) => [u.id, u]));
  const skills = actor.role === 'clerk' ? (actor.skills as string[]) : [];
  const all: DeskRow[] = rows.map(({ item, app, applicant }) => {
    const live = leaseLive(item, now);
    const completenessRuns = app.status === 'submitted' || app.status === 'under_review' || app.status === 'supplemented';
    const waitingForCitizen = app.status === 'needs_supplement';
    return {
      number: app.number ?? '',
      serviceCode: app.serviceCode,
      department: app.department,
      status: app.status,
      applicantName: maskName(applicant.realName),
      applicantIdNumber: maskIdNumber(applicant.idNumber),
      receivedAt: item.receivedAt.toISOString(),
      completenessDeadline: item.completenessDeadline,
      dueDate: item.dueDate,
      queueState: item.state,
      holder: live && item.claimedBy ? (holders.get(item.claimedBy) ?? null) : null,
      mine: live && item.claimedBy === actor.id,
      deemedAccepted: app.deemedAccepted === 1,
      manualCheck: app.manualCheck ?? null,
      // The committed time stops while the citizen supplements (and restarts from the supplement).
      overdue: !waitingForCitizen && item.dueDate !== null && item.dueDate < today,
      deadlines: {
        completeness: completenessRuns ? view(item.completenessDeadline, today, cal) : null,
        supplement: waitingForCitizen ? view(app.supplementDeadline, today, cal) : null,
        due: waitingForCitizen ? null : view(item.dueDate, today, cal),
      },
      frontOfQueue: item.frontOfQueue < 0,
      canHandle: skills.includes(app.department as Department),
    };
  });
  const counts: Desk['counts'] = { department: {}, service: {}, status: {}, overdue: 0, mine: 0 };
  for (const r of all) {
    bump(counts.department, r.department);
    bump(counts.service, r.serviceCode);
    bump(counts.status, r.status);
    if (r.overdue) counts.overdue += 1;
    if (r.mine) counts.mine += 1;
  }
  const shown = all.filter(
    (r) =>
      (!filters.department || r.department === filters.department) &&
      (!filters.service || r.serviceCode === filters.service) &&
      (!filters.status || r.status === filters.status) &&
      (!filters.overdue || r.overdue) &&
      (!filters.mine || r.mine),
  );
  return { officeCode, rows: shown, total: all.length, counts };
}
