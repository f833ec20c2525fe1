import { and, eq, gt, inArray, like, lt, ne, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.js';
import { applications, auditEvents, queueItems, users, type ManualCheck } from '../../db/schema/index.js';
import type { ApplicationStatus } from '../applications/status-machine.js';
import { chinaDate, firstUnknownYear, isUnknown, loadCalendar, orUnknown, workingDaysLeft, type Calendar } from '../calendar/working-days.js';
import type { Department } from '../catalog/types.js';
import { completenessClockRuns } from '../clock-rules/deemed-acceptance.js';
import type { ServiceContext, UserActor } from '../context.js';
import { forbidden } from '../errors.js';
import { authorize } from '../permissions.js';
import { maskIdNumber, maskMobile, maskName } from '../validation/identifiers.js';
import { filingOf, type Filing } from '../applications/read.js';
import { officeTallies } from './desk-tallies.js';
import { isApplicationNumber } from '../validation/ids.js';
import { leaseLive } from './lease.js';
import { URGENCY_ORDER } from './urgency.js';

// The tab names live in a module without database imports: the desk page's browser code needs them.
import type { DeskTab } from './desk-tabs.js';
export { DESK_TABS, type DeskTab } from './desk-tabs.js';

/** Open statuses, each in exactly one of the two office tabs; the same list as desk_tally() (migration 0015). */
const OPEN_STATUSES = ['submitted', 'under_review', 'needs_supplement', 'supplemented', 'accepted'] as const;
const WAITING_STATUS = 'needs_supplement';

export const DESK_PAGE_SIZE = 50;

export type DeskFilters = {
  tab?: DeskTab;
  department?: string;
  service?: string;
  status?: string;
  overdue?: boolean;
  /** 1-based; past the last page reads as the last page. */
  page?: number;
};

/** What the search box found the clerk typed: an application number, a resident ID, a mobile, or the start of a name. */
export type DeskSearch = { kind: 'number' | 'idNumber' | 'mobile' | 'name'; term: string };

/** A deadline as the desk shows it: the China day and the working days left until it. */
export type DeadlineView = {
  day: string;
  /**
   * Working days after today up to the day (0: the day is today); negative: working days since it
   * passed; null when counting them needs a calendar year not entered yet (docs/decisions/0028).
   */
  workingDaysLeft: number | null;
};

export type DeskRow = {
  number: string;
  serviceCode: string;
  department: string;
  status: ApplicationStatus;
  applicantName: string;
  applicantIdNumber: string;
  applicantMobile: string;
  /** Who filed for whom (guardian, agent), masked; null for the applicant's own matter. */
  filing: Filing | null;
  receivedAt: string;
  /** Null while the calendar year they fall in is not entered: `calendarPendingYear` says which. */
  completenessDeadline: string | null;
  dueDate: string | null;
  /** The first year whose calendar is not entered, shown where a date is not yet known. */
  calendarPendingYear: number;
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

export type DeskCounts = {
  /** Items in each tab, whatever the filters. */
  tabs: Record<DeskTab, number>;
  /** Within the tab shown, items per option of each filter, the other filters applied (what choosing it would list). */
  department: Record<string, number>;
  service: Record<string, number>;
  status: Record<string, number>;
  overdue: number;
};

export type Desk = {
  officeCode: string;
  tab: DeskTab;
  rows: DeskRow[];
  /** Items in the tab matching the filters (all pages). */
  total: number;
  page: number;
  pages: number;
  pageSize: number;
  counts: DeskCounts;
  /** Set when the rows are a search's results instead of a page of the tab. */
  search: { kind: DeskSearch['kind']; more: boolean } | null;
};

const view = (day: string | null, today: string, cal: Calendar): DeadlineView | null => {
  if (!day) return null;
  const left = orUnknown(() => workingDaysLeft(today, day, cal));
  return { day, workingDaysLeft: isUnknown(left) ? null : left };
};

const holders = alias(users, 'holder');
const applicant = alias(users, 'applicant');

/** Only the columns the page shows, for a page of rows already chosen. */
const rowColumns = {
  receivedAt: queueItems.receivedAt,
  completenessDeadline: queueItems.completenessDeadline,
  dueDate: queueItems.dueDate,
  state: queueItems.state,
  claimedBy: queueItems.claimedBy,
  leaseExpiresAt: queueItems.leaseExpiresAt,
  frontOfQueue: queueItems.frontOfQueue,
  applicationId: queueItems.applicationId,
  number: applications.number,
  serviceCode: applications.serviceCode,
  department: applications.department,
  status: applications.status,
  deemedAccepted: applications.deemedAccepted,
  manualCheck: applications.manualCheck,
  supplementDeadline: applications.supplementDeadline,
  applicantName: applicant.realName,
  applicantIdNumber: applicant.idNumber,
  applicantMobile: applicant.mobile,
  subjectRelation: applications.subjectRelation,
  subjectName: applications.subjectName,
  subjectIdNumber: applications.subjectIdNumber,
  subjectUserId: applications.subjectUserId,
  holderId: holders.id,
  holderStaffNo: holders.staffNo,
  holderName: holders.realName,
};

/** The joined rows in the queue's order: queue item, application, applicant, and the holder if any. */
function selectRows(db: Db, where: SQL | undefined, limit: number) {
  return db
    .select(rowColumns)
    .from(queueItems)
    .innerJoin(applications, eq(applications.id, queueItems.applicationId))
    .innerJoin(applicant, eq(applicant.id, applications.applicantId))
    .leftJoin(holders, eq(holders.id, queueItems.claimedBy))
    .where(where)
    .orderBy(...URGENCY_ORDER)
    .limit(limit);
}

type RawRow = Awaited<ReturnType<typeof selectRows>>[number];

function toDeskRow(r: RawRow, actor: UserActor, now: Date, today: string, cal: Calendar): DeskRow {
  const live = leaseLive({ state: r.state, leaseExpiresAt: r.leaseExpiresAt }, now);
  const completenessRuns = completenessClockRuns(r);
  const waitingForCitizen = r.status === WAITING_STATUS;
  const skills = actor.role === 'clerk' ? (actor.skills as string[]) : [];
  return {
    number: r.number ?? '',
    serviceCode: r.serviceCode,
    department: r.department,
    status: r.status,
    applicantName: maskName(r.applicantName),
    applicantIdNumber: maskIdNumber(r.applicantIdNumber),
    applicantMobile: maskMobile(r.applicantMobile),
    filing: filingOf(r, r.applicantName, null),
    receivedAt: r.receivedAt.toISOString(),
    completenessDeadline: r.completenessDeadline,
    dueDate: r.dueDate,
    calendarPendingYear: firstUnknownYear(cal),
    queueState: r.state,
    holder: live && r.holderId ? { id: r.holderId, staffNo: r.holderStaffNo, name: r.holderName ?? '' } : null,
    mine: live && r.claimedBy === actor.id,
    deemedAccepted: r.deemedAccepted === 1,
    manualCheck: r.manualCheck ?? null,
    // The committed time stops while the citizen supplements (and restarts from the supplement).
    overdue: !waitingForCitizen && r.dueDate !== null && r.dueDate < today,
    deadlines: {
      completeness: completenessRuns ? view(r.completenessDeadline, today, cal) : null,
      supplement: waitingForCitizen ? view(r.supplementDeadline, today, cal) : null,
      due: waitingForCitizen ? null : view(r.dueDate, today, cal),
    },
    frontOfQueue: r.frontOfQueue < 0,
    canHandle: skills.includes(r.department as Department),
  };
}

/** One group of the office's open items: how many share a status, department, service and overdue flag. */
type Group = { status: string; department: string; serviceCode: string; overdue: boolean; n: number };

/**
 * Every count the desk shows, from the office's tallies (db/schema/desk.ts: one row per status,
 * department, service and due date) plus the changes appended since the worker last folded them
 * (services/queue/desk-tallies.ts), summed in one statement, so one snapshot: exact whether or
 * not the worker has run. A few hundred rows of one primary-key range and the office's recent
 * changes, however many thousand items the office holds.
 */
function officeGroups(db: Db, officeCode: string, today: string): Promise<Group[]> {
  const both = officeTallies(officeCode);
  return db
    .select({
      status: sql<string>`t.status`.as('status'),
      department: sql<string>`t.department`.as('department'),
      serviceCode: sql<string>`t.service_code`.as('service_code'),
      overdue: sql<boolean>`(t.status <> ${WAITING_STATUS} and t.due_date < ${today})`.as('overdue'),
      n: sql<number>`sum(t.n)::int`.as('n'),
    })
    .from(sql`${both} as t`)
    .groupBy(sql`1, 2, 3, 4`)
    .having(sql`sum(t.n) <> 0`);
}

/** The same groups over what the clerk holds now: a few rows, found through queue_items_leased_idx. */
function mineGroups(db: Db, actor: UserActor, now: Date, today: string): Promise<Group[]> {
  return db
    .select({
      status: applications.status,
      department: applications.department,
      serviceCode: applications.serviceCode,
      overdue: sql<boolean>`(${applications.status} <> ${WAITING_STATUS} and ${queueItems.dueDate} < ${today})`.as('overdue'),
      n: sql<number>`count(*)::int`.as('n'),
    })
    .from(queueItems)
    .innerJoin(applications, eq(applications.id, queueItems.applicationId))
    .where(mineWhere(actor, now))
    .groupBy(sql`1, 2, 3, 4`);
}

function mineWhere(actor: UserActor, now: Date): SQL | undefined {
  return and(
    eq(queueItems.officeCode, actor.officeCode!),
    eq(queueItems.state, 'claimed'),
    gt(queueItems.leaseExpiresAt, now),
    eq(queueItems.claimedBy, actor.id),
  );
}

const inTab = (tab: DeskTab, g: Group) => (tab === 'waiting' ? g.status === WAITING_STATUS : tab === 'work' ? g.status !== WAITING_STATUS : true);

function countsOf(tab: DeskTab, office: Group[], mine: Group[], f: DeskFilters): { counts: DeskCounts; total: number } {
  const sum = (gs: Group[]) => gs.reduce((s, g) => s + g.n, 0);
  const groups = (tab === 'mine' ? mine : office).filter((g) => inTab(tab, g));
  const matches = (g: Group, except?: 'department' | 'service' | 'status' | 'overdue') =>
    (except === 'department' || !f.department || g.department === f.department) &&
    (except === 'service' || !f.service || g.serviceCode === f.service) &&
    (except === 'status' || !f.status || g.status === f.status) &&
    (except === 'overdue' || !f.overdue || g.overdue);
  const facet = (dim: 'department' | 'service' | 'status', key: (g: Group) => string) => {
    const out: Record<string, number> = {};
    for (const g of groups) if (matches(g, dim)) out[key(g)] = (out[key(g)] ?? 0) + g.n;
    return out;
  };
  return {
    counts: {
      tabs: { work: sum(office.filter((g) => inTab('work', g))), waiting: sum(office.filter((g) => inTab('waiting', g))), mine: sum(mine) },
      department: facet('department', (g) => g.department),
      service: facet('service', (g) => g.serviceCode),
      status: facet('status', (g) => g.status),
      overdue: sum(groups.filter((g) => g.overdue && matches(g, 'overdue'))),
    },
    total: sum(groups.filter((g) => matches(g))),
  };
}

/** The tab's rows before paging, as conditions on the queue item (and the application for a status). */
function listWhere(tab: DeskTab, actor: UserActor, now: Date, today: string, f: DeskFilters): SQL | undefined {
  const officeCode = actor.officeCode!;
  return and(
    tab === 'mine'
      ? mineWhere(actor, now)
      : and(eq(queueItems.officeCode, officeCode), tab === 'waiting' ? eq(queueItems.state, 'parked') : inArray(queueItems.state, ['waiting', 'claimed'])),
    f.department ? eq(queueItems.department, f.department) : undefined,
    f.service ? eq(queueItems.serviceCode, f.service) : undefined,
    f.status ? eq(applications.status, f.status as ApplicationStatus) : undefined,
    // Overdue as the rows say it: the office's committed time, which stops while the citizen supplements.
    f.overdue ? and(lt(queueItems.dueDate, today), ne(queueItems.state, 'parked')) : undefined,
  );
}

/**
 * The office's queue as the desk shows it: one tab, filtered, one page of 50 in the order "take
 * next" serves (services/queue/urgency.ts), personal data masked, each running deadline with the
 * working days left. Everything is counted and filtered in PostgreSQL: the counts from the
 * office's tallies (plus the few items the clerk holds), the page from one walk down the tab's
 * partial index in the queue's order, joined to its applications and applicants only for the
 * rows shown. So the cost does not grow with the office's volume (bench/desk.ts).
 *
 * Paging is LIMIT/OFFSET: the counts already give the number of pages, links can name any page
 * without JS, and clerks work from the top (take next, or search for one item) — page 50 walks
 * 2,500 index entries, a few milliseconds. Keyset paging would keep deep pages constant too but
 * could not say "page 7 of 40" or jump there.
 *
 * It only reads: the clocks (deemed acceptance, supplement deadlines, overdue flags) are run by
 * the worker's sweep (services/clock-rules/sweep.ts) whether or not anyone opens this page.
 */
export async function loadDesk(ctx: ServiceContext, filters: DeskFilters = {}): Promise<Desk> {
  const actor = deskActor(ctx);
  const officeCode = actor.officeCode!;
  const tab = filters.tab ?? 'work';
  const now = ctx.clock.now();
  const today = chinaDate(now);
  const [cal, office, mine] = await Promise.all([
    loadCalendar(ctx.db, today),
    officeGroups(ctx.db, officeCode, today),
    mineGroups(ctx.db, actor, now, today),
  ]);
  const { counts, total } = countsOf(tab, office, mine, filters);
  const pages = Math.max(1, Math.ceil(total / DESK_PAGE_SIZE));
  const page = Math.min(Math.max(1, filters.page ?? 1), pages);
  // The page's ids alone first, walking the tab's index (joined to applications only for a
  // status filter); then the rows shown, joined, for those 50 ids.
  const raw =
    total === 0
      ? []
      : await selectRows(
          ctx.db,
          inArray(queueItems.id, pageIds(ctx.db, listWhere(tab, actor, now, today, filters), !!filters.status).limit(DESK_PAGE_SIZE).offset((page - 1) * DESK_PAGE_SIZE)),
          DESK_PAGE_SIZE,
        );
  return {
    officeCode,
    tab,
    rows: raw.map((r) => toDeskRow(r, actor, now, today, cal)),
    total,
    page,
    pages,
    pageSize: DESK_PAGE_SIZE,
    counts,
    search: null,
  };
}

/** The ids of the tab's rows in the queue's order; the application is joined only when a status filter needs it. */
function pageIds(db: Db, where: SQL | undefined, byStatus: boolean) {
  const items = db.select({ id: queueItems.id }).from(queueItems);
  return (byStatus ? items.innerJoin(applications, eq(applications.id, queueItems.applicationId)) : items)
    .where(where)
    .orderBy(...URGENCY_ORDER)
    .$dynamic();
}

function deskActor(ctx: ServiceContext): UserActor {
  const { actor } = authorize(ctx.actor, 'queue:read');
  if (!actor.officeCode) throw forbidden();
  return actor;
}

/** Escapes LIKE's wildcards so a name prefix matches literally. */
const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The office's open items (either tab) whose application number, applicant's resident ID or
 * mobile is the term exactly, or whose applicant's name starts with it, most urgent first, at
 * most one page. Each lookup goes down a unique index (applications_number_uq, users_id_number_uq,
 * users_mobile_uq) or the name's prefix index, then the applicant's few applications: no walk of
 * the office's queue. Results are masked, but a search still shows staff which items belong to a
 * person, so it is recorded in the audit trail (pii.searched: one row per item shown, or one
 * without an application when nothing matched), with the term masked as the page shows it.
 */
export async function searchDesk(ctx: ServiceContext, search: DeskSearch, filters: Pick<DeskFilters, 'tab'> = {}): Promise<Desk> {
  const actor = deskActor(ctx);
  const officeCode = actor.officeCode!;
  const now = ctx.clock.now();
  const today = chinaDate(now);
  const applicantIs = (col: SQL) =>
    inArray(applications.applicantId, ctx.db.select({ id: users.id }).from(users).where(col));
  const match =
    search.kind === 'number'
      ? // A number of the wrong shape names nothing; it never reaches the query (services/validation/ids.ts).
        isApplicationNumber(search.term)
        ? eq(applications.number, search.term)
        : sql`false`
      : search.kind === 'idNumber'
        ? applicantIs(eq(users.idNumber, search.term))
        : search.kind === 'mobile'
          ? applicantIs(eq(users.mobile, search.term))
          : applicantIs(like(users.realName, likePrefix(search.term)));
  const [cal, office, mine, raw] = await Promise.all([
    loadCalendar(ctx.db, today),
    officeGroups(ctx.db, officeCode, today),
    mineGroups(ctx.db, actor, now, today),
    selectRows(
      ctx.db,
      and(match, eq(applications.officeCode, officeCode), inArray(applications.status, [...OPEN_STATUSES]), ne(queueItems.state, 'done'), eq(queueItems.officeCode, officeCode)),
      DESK_PAGE_SIZE + 1,
    ),
  ]);
  const shown = raw.slice(0, DESK_PAGE_SIZE);
  const term = maskedTerm(search);
  // One multi-row append (recordAudit writes one row): the audit table refuses UPDATE and DELETE.
  const who = { actorId: actor.id, actorRole: actor.role, officeCode, at: now, action: 'pii.searched', data: { kind: search.kind, term, results: shown.length } };
  await ctx.db.insert(auditEvents).values(shown.length ? shown.map((r) => ({ ...who, applicationId: r.applicationId })) : [{ ...who, applicationId: null }]);
  const { counts } = countsOf(filters.tab ?? 'work', office, mine, {});
  return {
    officeCode,
    tab: filters.tab ?? 'work',
    rows: shown.map((r) => toDeskRow(r, actor, now, today, cal)),
    total: shown.length,
    page: 1,
    pages: 1,
    pageSize: DESK_PAGE_SIZE,
    counts,
    search: { kind: search.kind, more: raw.length > DESK_PAGE_SIZE },
  };
}

function maskedTerm(s: DeskSearch): string {
  switch (s.kind) {
    case 'number':
      return s.term;
    case 'idNumber':
      return maskIdNumber(s.term);
    case 'mobile':
      return maskMobile(s.term);
    case 'name':
      return maskName(s.term);
  }
}
