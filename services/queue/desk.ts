import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import { applications, queueItems, users, type ManualCheck } from '../../db/schema/index.js';
import { chinaDate } from '../calendar/working-days.js';
import type { Department } from '../catalog/types.js';
import { applyDeemedAcceptance } from '../clock-rules/deemed-acceptance.js';
import { applySupplementDeadlines } from '../clock-rules/supplement-deadline.js';
import type { ServiceContext } from '../context.js';
import { forbidden } from '../errors.js';
import { authorize } from '../permissions.js';
import { maskIdNumber, maskName } from '../validation/identifiers.js';
import type { ApplicationStatus } from '../applications/status-machine.js';
import { leaseLive } from './lease.js';

export type DeskFilters = {
  department?: string;
  service?: string;
  status?: string;
  overdue?: boolean;
  mine?: boolean;
};

export type DeskRow = {
  number: string;
  serviceCode: string;
  department: string;
  status: ApplicationStatus;
  applicantName: string;
  applicantIdNumber: string;
  receivedAt: string;
  completenessDeadline: string;
  dueDate: string;
  queueState: 'waiting' | 'claimed' | 'parked' | 'done';
  holder: { id: string; staffNo: string | null; name: string } | null;
  mine: boolean;
  deemedAccepted: boolean;
  /** Exit-entry controls answered a hit or could not be asked at submission: check by hand before deciding. */
  manualCheck: ManualCheck | null;
  overdue: boolean;
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
  /** Numbers the clock accepted (art. 32) or withdrew while loading this page. */
  swept: { deemedAccepted: string[]; withdrawn: string[] };
};

const bump = (m: Record<string, number>, k: string) => {
  m[k] = (m[k] ?? 0) + 1;
};

/**
 * The office's single queue across all departments, in the order "take next" would serve it,
 * with personal data masked. Runs the clock rules for the office first, so what the desk shows
 * is already deemed accepted / withdrawn where the law says so. Counts are over the whole
 * queue; rows are filtered.
 */
export async function loadDesk(ctx: ServiceContext, filters: DeskFilters = {}): Promise<Desk> {
  const { actor } = authorize(ctx.actor, 'queue:read');
  if (!actor.officeCode) throw forbidden();
  const officeCode = actor.officeCode;
  const swept = {
    deemedAccepted: await applyDeemedAcceptance(ctx, officeCode),
    withdrawn: await applySupplementDeadlines(ctx, officeCode),
  };
  const now = ctx.clock.now();
  const today = chinaDate(now);
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
      overdue: item.dueDate < today,
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
  return { officeCode, rows: shown, total: all.length, counts, swept };
}
