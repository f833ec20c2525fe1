import type { Db } from '../../db/client.js';
import type { ServiceContext, UserActor } from '../context.js';
import { isDomainError } from '../errors.js';
import { authorize } from '../permissions.js';
import { holdLease, type QueueItem } from '../queue/lease.js';
import { applicationInScope, lockApplication, lockApplicationInScope, type ApplicationRow } from './access.js';
import { changeStatus } from '../applications/transition.js';

export type LeaseWork = { tx: Db; actor: UserActor; app: ApplicationRow; item: QueueItem };

/**
 * The frame of every clerk action on an application: in one transaction, check scope (404),
 * hold the lease at the form's version (409 otherwise; renews it), lock the application, and
 * start review of an item handed back after a supplement. Anything thrown rolls it all back.
 *
 * The lease is held first, by the application's number, and scope is checked on the locked row:
 * two round trips where reading the application, locking the item and re-reading the application
 * took three or four, and the item is still locked before the application (the claim's order).
 * When no lease is held, scope decides between 404 and 409, so a number out of scope still reads
 * as not found.
 */
export async function withLease<T>(
  ctx: ServiceContext,
  number: string,
  leaseVersion: number,
  work: (w: LeaseWork) => Promise<T>,
): Promise<T> {
  authorize(ctx.actor, 'application:review');
  return ctx.db.transaction(async (tx) => {
    let item: QueueItem;
    try {
      item = await holdLease(tx, ctx, { number }, leaseVersion);
    } catch (e) {
      if (isDomainError(e) && e.status === 409) await applicationInScope(tx, ctx, number, 'application:review');
      throw e;
    }
    const locked = await lockApplicationInScope(tx, ctx, item.applicationId, 'application:review');
    let app = locked.app;
    if (app.status === 'supplemented' || app.status === 'submitted') {
      await changeStatus(tx, ctx, app, 'under_review', 'clerk');
      app = await lockApplication(tx, app.id);
    }
    return work({ tx, actor: locked.actor, app, item });
  });
}
