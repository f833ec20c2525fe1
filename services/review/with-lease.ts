import type { Db } from '../../db/client.js';
import type { ServiceContext, UserActor } from '../context.js';
import { authorize } from '../permissions.js';
import { leaseLost, leaseRenewal, type QueueItem } from '../queue/lease.js';
import { applicationInScope, holdAndLockInScope, lockApplication, type ApplicationRow } from './access.js';
import { changeStatus } from '../applications/transition.js';

export type LeaseWork = { tx: Db; actor: UserActor; app: ApplicationRow; item: QueueItem };

/**
 * The frame of every clerk action on an application: in one transaction, check scope (404),
 * hold the lease at the form's version (409 otherwise; renews it), lock the application, and
 * start review of an item handed back after a supplement. Anything thrown rolls it all back.
 *
 * The lease is held, by the application's number, and the application locked in one statement,
 * scope checked on the locked row: one round trip where reading the application, locking the item
 * and re-reading the application took three or four, and the item is still locked before the
 * application (the claim's order; docs/decisions/0047). When no lease is held, scope decides
 * between 404 and 409, so a number out of scope still reads as not found.
 */
export async function withLease<T>(
  ctx: ServiceContext,
  number: string,
  leaseVersion: number,
  work: (w: LeaseWork) => Promise<T>,
): Promise<T> {
  authorize(ctx.actor, 'application:review');
  return ctx.db.transaction(async (tx) => {
    const held = await holdAndLockInScope(tx, ctx, leaseRenewal(tx, ctx, { number }, leaseVersion), 'application:review');
    if (!held) {
      await applicationInScope(tx, ctx, number, 'application:review');
      throw leaseLost(ctx);
    }
    let app = held.app;
    if (app.status === 'supplemented' || app.status === 'submitted') {
      await changeStatus(tx, ctx, app, 'under_review', 'clerk');
      app = await lockApplication(tx, app.id);
    }
    return work({ tx, actor: held.actor, app, item: held.item });
  });
}
