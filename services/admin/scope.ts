/**
 * STAND-IN (h-calitems). The real module comes with the org hierarchy (h-staff) and replaces this
 * one at merge; the exports and their meaning are the shared interface (briefs/admin-interface.md).
 * Until the hierarchy exists, an admin's org unit is read as a city code or an office code: the
 * root administrator (orgUnitCode null) holds every office, a city's administrator the offices of
 * that city, an office's administrator that office.
 */
import type { ServiceContext, UserActor } from '../context.js';
import { allOffices } from '../offices/offices.js';

/** The national root administrator, created by the bootstrap command. */
export function isRootAdmin(actor: UserActor): boolean {
  return actor.role === 'admin' && actor.orgUnitCode === null;
}

/** Office codes an administrator manages; [] for anyone who is not an administrator. */
export async function officesInAdminScope(ctx: ServiceContext, actor: UserActor): Promise<string[]> {
  if (actor.role !== 'admin') return [];
  const every = await allOffices(ctx.db);
  const unit = actor.orgUnitCode;
  return every.filter((o) => unit === null || o.cityCode === unit || o.code === unit).map((o) => o.code);
}

export async function officeInAdminScope(ctx: ServiceContext, actor: UserActor, officeCode: string): Promise<boolean> {
  return (await officesInAdminScope(ctx, actor)).includes(officeCode);
}
