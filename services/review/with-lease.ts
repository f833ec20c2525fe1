import type { Db } from '../../db/client.js';
import type { ServiceContext, UserActor } from '../context.js';
import { holdLease, type QueueItem } from '../queue/lease.js';
import { applicationInScope, lockApplication, type ApplicationRow } from './access.js';
import { changeStatus } from '../applications/transition.js';

export type LeaseWork = { tx: Db; actor: UserActor; app: ApplicationRow; item: QueueItem };

/**
 * The frame of every clerk action on an application: in one transaction, check scope (404),
 * hold the lease at the form's version (409 otherwise; renews it), lock the application, and
 * start review of an item handed back after a supplement. Anything thrown rolls it all back.
 */
export async function withLease<T>(
  ctx: ServiceContext,
  number: string,
  leaseVersion: number,
  work: (w: LeaseWork) => Promise<T>,
): Promise<T> {
  return ctx.db.transaction(async (tx) => {
    const { app: seen, actor } = await applicationInScope(tx, ctx, number, 'application:review');
    const item = await holdLease(tx, ctx, seen.id, leaseVersion);
    let app = await lockApplication(tx, seen.id);
    if (app.status === 'supplemented' || app.status === 'submitted') {
      await changeStatus(tx, ctx, app, 'under_review', 'clerk');
      app = await lockApplication(tx, seen.id);
    }
    return work({ tx, actor, app, item });
  });
}
