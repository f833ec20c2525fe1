import { eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queueItems } from '../../db/schema/index.js';
import { recordAudit } from '../audit.js';
import type { ServiceContext, UserActor } from '../context.js';
import { conflict, forbidden } from '../errors.js';
import { authorize } from '../permissions.js';
import { applicationInScope, lockApplication, type ApplicationRow } from '../review/access.js';
import { changeStatus, STATUS_ACTIONS } from '../applications/transition.js';
import { rowsOf } from '../sql.js';
import { URGENCY_ORDER } from './urgency.js';
import { leaseLive, leaseUntil, WORKABLE_STATUSES, type QueueItem } from './lease.js';

export type Claim = { applicationId: string; number: string; leaseVersion: number; leaseExpiresAt: Date };

/**
 * Hands the item to the actor: a fresh lease under a new version, an audit row, and the start of
 * review for an application not yet under review. Runs inside the caller's transaction, with the
 * queue item already locked.
 */
async function take(tx: Db, ctx: ServiceContext, actor: UserActor, item: QueueItem, app: ApplicationRow): Promise<Claim> {
  const now = ctx.clock.now();
  if (item.state === 'claimed' && item.claimedBy && item.claimedBy !== actor.id && !leaseLive(item, now)) {
    await recordAudit(tx, ctx, {
      applicationId: app.id,
      action: 'queue.leaseExpired',
      officeCode: item.officeCode,
      data: { previousHolder: item.claimedBy, expiredAt: item.leaseExpiresAt?.toISOString() ?? null },
    });
  }
  const [claimed] = await tx
    .update(queueItems)
    .set({
      state: 'claimed',
      claimedBy: actor.id,
      leaseExpiresAt: leaseUntil(ctx),
      heldSince: now,
      leaseVersion: sql`${queueItems.leaseVersion} + 1`,
      frontOfQueue: 0,
      preferredClerkId: null,
    })
    .where(eq(queueItems.id, item.id))
    .returning();
  await recordAudit(tx, ctx, {
    applicationId: app.id,
    action: 'queue.claimed',
    officeCode: item.officeCode,
    data: { leaseVersion: claimed.leaseVersion },
  });
  if (app.status === 'submitted' || app.status === 'supplemented') {
    await changeStatus(tx, ctx, app, 'under_review', 'clerk');
  }
  return { applicationId: app.id, number: app.number ?? '', leaseVersion: claimed.leaseVersion, leaseExpiresAt: claimed.leaseExpiresAt! };
}

function clerkOf(ctx: ServiceContext): UserActor {
  const { actor } = authorize(ctx.actor, 'queue:claim');
  if (!actor.officeCode || actor.skills.length === 0) throw forbidden();
  return actor;
}

/** The queue's one order (services/queue/urgency.ts), over queue_items or rows of it named so. */
const URGENCY_SQL = sql.join([...URGENCY_ORDER], sql`, `);
const WORKABLE_SQL = WORKABLE_STATUSES.map((s) => `'${s}'`).join(', ');
/** Date.toISOString's format, as a parameter (a pgbench replay of this text reads a colon in it as a variable). */
const ISO_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"';
/** Statuses the take moves to under_review (as changeStatus would: the audit row is application.reviewStarted). */
const STARTS_REVIEW_SQL = "'submitted', 'supplemented'";

/**
 * The most urgent free item of the office within the skills, among the rows `free` selects: the
 * office's expired leases or its waiting items, each down its own partial index in the order
 * served (queue_items_leased_idx, queue_items_waiting_idx), skipping rows another clerk is taking.
 */
const candidate = (free: SQL, office: string, skills: readonly string[]) => sql`
  select queue_items.* from queue_items join applications on applications.id = queue_items.application_id
  where queue_items.office_code = ${office} and ${free}
    and queue_items.department in ${skills} and applications.status in (${sql.raw(WORKABLE_SQL)})
  order by ${URGENCY_SQL}
  limit 1 for update of queue_items skip locked`;

/**
 * "Take next": the most urgent item of the clerk's office within their skills, in the queue's
 * one order (services/queue/urgency.ts: returned supplements, completeness deadline, due date,
 * priority, time received) — the order the desk lists.
 * Expired leases count as free. SKIP LOCKED lets concurrent clerks pass over rows another
 * transaction is taking, so no two clerks get the same item. Null when nothing is left.
 *
 * One statement, so one round trip and no transaction of its own (a single statement is one):
 * waiting items and expired leases are each looked up down their own partial index (one lookup
 * over both states would sort the whole office's queue on every take, or walk past every item
 * clerks still hold), the more urgent of the two taken; then the application is locked (item
 * first, as every clerk action locks), the item leased under a new version, review started for an
 * application not yet under review, and the audit rows appended in one insert, in the order the
 * separate statements wrote them: the expired lease taken over from another clerk, the claim,
 * the start of review (STATUS_ACTIONS.under_review, as changeStatus writes it; that change
 * issues no document, counts in no report and ends nothing, so it needs none of changeStatus's
 * other steps). docs/decisions/0045.
 */
export async function claimNext(ctx: ServiceContext): Promise<Claim | null> {
  const actor = clerkOf(ctx);
  const now = ctx.clock.now();
  const until = leaseUntil(ctx);
  const at = sql`${now.toISOString()}::timestamptz`;
  const office = actor.officeCode!;
  const statement = sql`
    with expired as (${candidate(sql`queue_items.state = 'claimed' and queue_items.lease_expires_at <= ${at}`, office, actor.skills)}),
    waiting as (${candidate(sql`queue_items.state = 'waiting'`, office, actor.skills)}),
    pick as (select * from (select * from expired union all select * from waiting) queue_items order by ${URGENCY_SQL} limit 1),
    app as (select applications.id, applications.number, applications.status, applications.office_code
            from applications join pick on applications.id = pick.application_id for update of applications),
    claimed as (
      update queue_items set state = 'claimed', claimed_by = ${actor.id}, lease_expires_at = ${until.toISOString()}::timestamptz,
             held_since = ${at}, lease_version = queue_items.lease_version + 1, front_of_queue = 0, preferred_clerk_id = null
      from pick where queue_items.id = pick.id
      returning queue_items.lease_version),
    reviewed as (
      update applications set status = 'under_review', updated_at = ${at}, version = applications.version + 1
      from app where applications.id = app.id and app.status in (${sql.raw(STARTS_REVIEW_SQL)}) and applications.status = app.status
      returning applications.id),
    audit as (
      insert into audit_events (at, actor_id, actor_role, office_code, application_id, action, from_status, to_status, data)
      select ${at}, ${actor.id}::uuid, ${actor.role}, e.office_code, app.id, e.action, e.from_status, e.to_status, e.data
      from app, (
        select 1 as ord, 'queue.leaseExpired' as action, pick.office_code, null::text as from_status, null::text as to_status,
               jsonb_build_object('previousHolder', pick.claimed_by,
                 'expiredAt', to_char(pick.lease_expires_at at time zone 'UTC', ${ISO_FORMAT})) as data
        from pick where pick.state = 'claimed' and pick.claimed_by is not null and pick.claimed_by <> ${actor.id}::uuid
        union all
        select 2, 'queue.claimed', pick.office_code, null, null, jsonb_build_object('leaseVersion', claimed.lease_version) from pick, claimed
        union all
        select 3, ${STATUS_ACTIONS.under_review}, app.office_code, app.status, 'under_review', null from app, reviewed
      ) e
      order by e.ord)
    select app.id, app.number, claimed.lease_version as "leaseVersion" from app, claimed`;
  const [row] = rowsOf<{ id: string; number: string | null; leaseVersion: number }>(await ctx.db.execute(statement));
  if (!row) return null;
  return { applicationId: row.id, number: row.number ?? '', leaseVersion: Number(row.leaseVersion), leaseExpiresAt: until };
}

/**
 * Claims one application from the list or the review page: free items, expired leases and the
 * actor's own item (renewed). An item another clerk holds is 409.
 */
export async function claimApplication(ctx: ServiceContext, number: string): Promise<Claim> {
  const actor = clerkOf(ctx);
  return ctx.db.transaction(async (tx) => {
    const { app } = await applicationInScope(tx, ctx, number, 'queue:claim');
    const [item] = await tx.select().from(queueItems).where(eq(queueItems.applicationId, app.id)).for('update');
    const now = ctx.clock.now();
    if (!item || item.state === 'done' || item.state === 'parked') throw conflict('review.notClaimable');
    if (item.officeCode !== actor.officeCode) throw conflict('review.notClaimable');
    if (item.state === 'claimed' && leaseLive(item, now) && item.claimedBy !== actor.id) throw conflict('review.heldByOther');
    const locked = await lockApplication(tx, app.id);
    if (!(WORKABLE_STATUSES as readonly string[]).includes(locked.status)) throw conflict('review.notClaimable');
    if (item.state === 'claimed' && item.claimedBy === actor.id && leaseLive(item, now)) {
      const [renewed] = await tx.update(queueItems).set({ leaseExpiresAt: leaseUntil(ctx) }).where(eq(queueItems.id, item.id)).returning();
      return { applicationId: app.id, number, leaseVersion: renewed.leaseVersion, leaseExpiresAt: renewed.leaseExpiresAt! };
    }
    return take(tx, ctx, actor, item, locked);
  });
}
