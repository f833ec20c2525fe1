import { and, asc, between, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { applications, queueItems, users } from '../../db/schema/index.js';
import { officeTallies } from './desk-tallies.js';
import { recordAudit } from '../audit.js';
import { addWorkingDays, chinaDate, isUnknown, loadCalendar, orUnknown } from '../calendar/working-days.js';
import type { ServiceContext, UserActor } from '../context.js';
import { conflict, invalid, notFound } from '../errors.js';
import { authorize } from '../permissions.js';
import { fieldErrorsOf } from '../review/verdicts.js';
import { leaseUntil } from './lease.js';
import { reassignSchema, type ReassignInput } from './board-schema.js';
import { URGENCY_ORDER } from './urgency.js';

/** How many held items the board lists (most urgent first); the counts above it cover them all. */
export const BOARD_HELD_LIMIT = 200;
/** "At risk": a deadline today or in the next this-many working days. */
export const RISK_WORKING_DAYS = 2;

export type Board = {
  officeCode: string;
  today: string;
  open: { toWork: number; waitingForCitizen: number; overdue: number };
  /** Per day from today to the second working day after it: due dates and art. 32 completeness deadlines falling on it. */
  atRisk: { day: string; due: number; completeness: number }[];
  /** heldMinutes: since the longest-held of their items was taken (null: held from before the board kept the time). */
  clerks: { id: string; staffNo: string | null; name: string; held: number; heldSince: string | null; heldMinutes: number | null; skills: string[] }[];
  held: {
    number: string;
    serviceCode: string;
    department: string;
    holderId: string;
    heldSince: string | null;
    heldMinutes: number | null;
    /** Null while the calendar year they fall in is not entered (docs/decisions/0028). */
    dueDate: string | null;
    completenessDeadline: string | null;
    leaseVersion: number;
  }[];
  heldMore: boolean;
};

function boardActor(ctx: ServiceContext): UserActor & { officeCode: string } {
  const { actor } = authorize(ctx.actor, 'queue:manage');
  // A manager without an office has no board; reads as not found, as anything out of scope.
  if (!actor.officeCode) throw notFound();
  return actor as UserActor & { officeCode: string };
}

/**
 * The office manager's live board (decision 0026). Every figure is an aggregate in SQL over an
 * index that fits it, so the board costs the same at 1,000 or 100,000 open items:
 * open and overdue counts and due dates at risk from desk_tallies (decision 0023), art. 32
 * completeness deadlines at risk down applications_deemed_due_idx (a range of three days), what
 * each clerk holds down queue_items_leased_idx (live leases only), and at most BOARD_HELD_LIMIT
 * held items in the queue's one urgency order. "Overdue" and "at risk" use the desk's own
 * definitions: due date before today outside "waiting for the citizen", working days from the
 * calendar.
 */
export async function loadBoard(ctx: ServiceContext): Promise<Board> {
  const actor = boardActor(ctx);
  const office = actor.officeCode;
  const now = ctx.clock.now();
  const today = chinaDate(now);
  const cal = await loadCalendar(ctx.db, today);
  // Past the last entered calendar year days cannot be counted (decision 0028): the board looks as far as it can.
  const reach = orUnknown(() => addWorkingDays(today, RISK_WORKING_DAYS, cal));
  const horizon = isUnknown(reach) ? (cal.knownThrough ?? today) : reach;
  const live = and(eq(queueItems.officeCode, office), eq(queueItems.state, 'claimed'), gt(queueItems.leaseExpiresAt, now));
  const [tallies, dueRisk, completenessRisk, perClerk, heldRows, colleagues] = await Promise.all([
    // The office's tallies with the changes not yet folded (services/queue/desk-tallies.ts), as the desk counts them.
    ctx.db
      .select({
        waiting: sql<number>`coalesce(sum(t.n) filter (where t.status = 'needs_supplement'), 0)::int`,
        work: sql<number>`coalesce(sum(t.n) filter (where t.status <> 'needs_supplement'), 0)::int`,
        overdue: sql<number>`coalesce(sum(t.n) filter (where t.status <> 'needs_supplement' and t.due_date < ${today}), 0)::int`,
      })
      .from(sql`${officeTallies(office)} as t`),
    ctx.db
      .select({ day: sql<string>`t.due_date::text`.as('day'), n: sql<number>`sum(t.n)::int`.as('n') })
      .from(sql`${officeTallies(office)} as t`)
      .where(sql`t.status <> 'needs_supplement' and t.due_date between ${today} and ${horizon}`)
      .groupBy(sql`t.due_date`)
      .having(sql`sum(t.n) <> 0`),
    // The predicate of applications_deemed_due_idx word for word, so the planner uses it.
    ctx.db
      .select({ day: applications.completenessDeadline, n: sql<number>`count(*)::int` })
      .from(applications)
      .where(
        and(
          sql`${applications.status} in ('submitted','under_review') and ${applications.supplementDeadline} is null`,
          between(applications.completenessDeadline, today, horizon),
          eq(applications.officeCode, office),
        ),
      )
      .groupBy(applications.completenessDeadline),
    ctx.db
      .select({ clerkId: queueItems.claimedBy, held: sql<number>`count(*)::int`, since: sql<Date | string | null>`min(${queueItems.heldSince})` })
      .from(queueItems)
      .where(live)
      .groupBy(queueItems.claimedBy),
    ctx.db
      .select({
        number: applications.number,
        serviceCode: queueItems.serviceCode,
        department: queueItems.department,
        holderId: queueItems.claimedBy,
        heldSince: queueItems.heldSince,
        dueDate: queueItems.dueDate,
        completenessDeadline: queueItems.completenessDeadline,
        leaseVersion: queueItems.leaseVersion,
      })
      .from(queueItems)
      .innerJoin(applications, eq(applications.id, queueItems.applicationId))
      .where(live)
      .orderBy(...URGENCY_ORDER)
      .limit(BOARD_HELD_LIMIT + 1),
    ctx.db
      .select({ id: users.id, staffNo: users.staffNo, name: users.realName, skills: users.skills })
      .from(users)
      .where(and(eq(users.officeCode, office), eq(users.role, 'clerk'), isNull(users.disabledAt)))
      .orderBy(asc(users.staffNo)),
  ]);
  const atRisk: Board['atRisk'] = [];
  for (let day = today; day <= horizon; ) {
    atRisk.push({ day, due: dueRisk.find((r) => r.day === day)?.n ?? 0, completeness: completenessRisk.find((r) => r.day === day)?.n ?? 0 });
    const next = orUnknown(() => addWorkingDays(day, 1, cal));
    if (isUnknown(next)) break;
    day = next;
  }
  // A deadline on a day off between today and the horizon (rare: a moved working day) still counts, on its own line.
  for (const r of [...dueRisk, ...completenessRisk]) {
    if (r.day === null) continue;
    if (!atRisk.some((a) => a.day === r.day)) atRisk.push({ day: r.day, due: dueRisk.find((x) => x.day === r.day)?.n ?? 0, completeness: completenessRisk.find((x) => x.day === r.day)?.n ?? 0 });
  }
  atRisk.sort((a, b) => (a.day < b.day ? -1 : 1));
  const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
  const minutes = (d: Date | string | null) => (d === null ? null : Math.max(0, Math.floor((now.getTime() - new Date(d).getTime()) / 60_000)));
  return {
    officeCode: office,
    today,
    open: { toWork: tallies[0]?.work ?? 0, waitingForCitizen: tallies[0]?.waiting ?? 0, overdue: tallies[0]?.overdue ?? 0 },
    atRisk,
    clerks: colleagues.map((c) => {
      const mine = perClerk.find((p) => p.clerkId === c.id);
      return { id: c.id, staffNo: c.staffNo, name: c.name, held: mine?.held ?? 0, heldSince: iso(mine?.since ?? null), heldMinutes: minutes(mine?.since ?? null), skills: c.skills };
    }),
    held: heldRows.slice(0, BOARD_HELD_LIMIT).map((r) => ({ ...r, number: r.number ?? '', holderId: r.holderId ?? '', heldSince: iso(r.heldSince), heldMinutes: minutes(r.heldSince) })),
    heldMore: heldRows.length > BOARD_HELD_LIMIT,
  };
}

/**
 * The manager releases (back to the office's queue) or reassigns (to a clerk of the office with
 * the department's skill) one or many held items at once, with a reason, each audited. All or
 * nothing: an item of another office reads as not found (404); one that changed hands since the
 * board was shown (its lease version moved) is a 409 and nothing is changed.
 */
export async function reassignItems(ctx: ServiceContext, raw: ReassignInput): Promise<{ count: number }> {
  const actor = boardActor(ctx);
  const parsed = reassignSchema.safeParse(raw);
  if (!parsed.success) throw invalid('form.invalid', fieldErrorsOf(parsed.error));
  const { items, toClerkId, reason } = parsed.data;
  return ctx.db.transaction(async (tx) => {
    const numbers = items.map((i) => i.number);
    // Locked in id order, as every other writer of queue items locks one at a time: no deadlock.
    const rows = await tx
      .select({ item: queueItems, number: applications.number })
      .from(queueItems)
      .innerJoin(applications, eq(applications.id, queueItems.applicationId))
      .where(inArray(applications.number, numbers))
      .orderBy(asc(queueItems.id))
      .for('update', { of: queueItems });
    if (rows.length !== new Set(numbers).size || rows.some((r) => r.item.officeCode !== actor.officeCode)) throw notFound('review.applicationNotFound');
    const now = ctx.clock.now();
    const [target] = toClerkId
      ? await tx
          .select()
          .from(users)
          .where(and(eq(users.id, toClerkId), eq(users.role, 'clerk'), eq(users.officeCode, actor.officeCode), isNull(users.disabledAt)))
          .limit(1)
      : [];
    if (toClerkId && !target) throw invalid('form.invalid', { toClerkId: ['review.transferClerkInvalid'] });
    const changed = rows.filter((r) => {
      const shown = items.find((i) => i.number === r.number)!;
      return r.item.state !== 'claimed' || !r.item.leaseExpiresAt || !(r.item.leaseExpiresAt > now) || r.item.leaseVersion !== shown.leaseVersion;
    });
    if (changed.length > 0) throw conflict('board.itemsChanged', { count: changed.length });
    const unfit = target ? rows.filter((r) => !target.skills.includes(r.item.department) || r.item.claimedBy === target.id) : [];
    if (unfit.length > 0) throw invalid('board.clerkCannotTake', { toClerkId: ['review.transferClerkInvalid'] }, { count: unfit.length });
    for (const { item } of rows) {
      await tx
        .update(queueItems)
        .set(
          target
            ? { claimedBy: target.id, leaseExpiresAt: leaseUntil(ctx), heldSince: now, leaseVersion: sql`${queueItems.leaseVersion} + 1` }
            : { state: 'waiting', claimedBy: null, leaseExpiresAt: null, heldSince: null, leaseVersion: sql`${queueItems.leaseVersion} + 1` },
        )
        .where(eq(queueItems.id, item.id));
      await recordAudit(tx, ctx, {
        applicationId: item.applicationId,
        action: target ? 'queue.reassigned' : 'queue.releasedByManager',
        officeCode: item.officeCode,
        reason,
        data: { from: item.claimedBy, to: target?.id ?? null },
      });
    }
    return { count: rows.length };
  });
}
