import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { itemOfferings, itemVersions } from '../../db/schema/index.js';
import { referenceRead } from '../reference-cache.js';
import { findService, getService, SERVICES } from './index.js';
import { factsOfDefinition, withFacts, type ItemFacts } from './item-facts.js';
import type { ServiceDefinition } from './types.js';

/**
 * The published versions of the list of items and the offices' offerings, as every reader sees
 * them (docs/decisions/0036): read once a minute per process like the offices and the calendar
 * (services/reference-cache.ts, decision 0014), so a filing resolves the version in force without a
 * query. A published version never changes (a trigger refuses it), so a version found by id is
 * exact however old the cached copy; a new publication reaches other processes within the TTL.
 */

export type PublishedVersion = {
  id: string;
  serviceCode: string;
  version: number;
  effectiveFrom: string;
  facts: ItemFacts;
};

export type ItemReference = {
  /** Per service code, by version number ascending. */
  versions: Map<string, PublishedVersion[]>;
  byId: Map<string, PublishedVersion>;
  /** `${serviceCode} ${officeCode}` → offered, where an administrator said so. */
  offerings: Map<string, boolean>;
};

/** The list as this process holds it; `via` is the caller's transaction when inside one. */
export function itemReference(owner: Db, via: Db = owner): Promise<ItemReference> {
  return referenceRead(
    owner,
    'items',
    async (on) => {
      const rows = await on
        .select({ id: itemVersions.id, serviceCode: itemVersions.serviceCode, version: itemVersions.version, effectiveFrom: itemVersions.effectiveFrom, facts: itemVersions.facts })
        .from(itemVersions)
        .where(eq(itemVersions.status, 'published'))
        .orderBy(asc(itemVersions.serviceCode), asc(itemVersions.version));
      const offers = await on.select({ serviceCode: itemOfferings.serviceCode, officeCode: itemOfferings.officeCode, offered: itemOfferings.offered }).from(itemOfferings);
      const versions = new Map<string, PublishedVersion[]>();
      const byId = new Map<string, PublishedVersion>();
      for (const r of rows) {
        const v = { ...r, effectiveFrom: r.effectiveFrom ?? '0000-01-01', facts: r.facts as ItemFacts };
        versions.set(r.serviceCode, [...(versions.get(r.serviceCode) ?? []), v]);
        byId.set(r.id, v);
      }
      return { versions, byId, offerings: new Map(offers.map((o) => [`${o.serviceCode} ${o.officeCode}`, o.offered])) };
    },
    { via },
  );
}

/** The version in force on `day` (China date): the latest effective on or before it; ties go to the higher number. */
export function versionInForce(ref: ItemReference, serviceCode: string, day: string): PublishedVersion | null {
  let best: PublishedVersion | null = null;
  for (const v of ref.versions.get(serviceCode) ?? []) {
    if (v.effectiveFrom <= day && (!best || v.effectiveFrom > best.effectiveFrom || (v.effectiveFrom === best.effectiveFrom && v.version > best.version))) best = v;
  }
  return best;
}

/** The version an application was filed under; one filed before versions existed reads version 1. */
export function versionOfApplication(ref: ItemReference, serviceCode: string, itemVersionId: string | null): PublishedVersion | null {
  if (itemVersionId) {
    const v = ref.byId.get(itemVersionId);
    if (v) return v;
  }
  return ref.versions.get(serviceCode)?.[0] ?? null;
}

/** Whether an office offers an item: as an administrator set it, else whether it handles the item's department. */
export function officeOffers(ref: ItemReference, def: ServiceDefinition, office: { code: string; departments: readonly string[]; closedAt?: Date | null }): boolean {
  if (office.closedAt) return false;
  return ref.offerings.get(`${def.code} ${office.code}`) ?? office.departments.includes(def.department);
}

export type VersionedDefinition = { def: ServiceDefinition; version: PublishedVersion | null; facts: ItemFacts };

function versioned(def: ServiceDefinition, version: PublishedVersion | null): VersionedDefinition {
  // No published row at all (a database the reference seed has not reached): the code's own facts.
  return version ? { def: withFacts(def, version.facts), version, facts: version.facts } : { def, version: null, facts: factsOfDefinition(def) };
}

/** The item as the version in force on `day` states it (the guide, a new filing). Unknown code: the localized 404. */
export async function definitionInForce(owner: Db, serviceCode: string, day: string, via: Db = owner): Promise<VersionedDefinition> {
  const def = getService(serviceCode);
  return versioned(def, versionInForce(await itemReference(owner, via), def.code, day));
}

/** The item as the version an application was filed under states it; undefined for a code no longer in the catalog. */
export async function definitionOfApplication(
  owner: Db,
  app: { serviceCode: string; itemVersionId: string | null },
  via: Db = owner,
): Promise<VersionedDefinition | undefined> {
  const def = findService(app.serviceCode);
  if (!def) return undefined;
  return versioned(def, versionOfApplication(await itemReference(owner, via), def.code, app.itemVersionId));
}

/** Version 1 of every item: the facts the code has, in force from before any filing. Idempotent (db/seed.ts). */
export function firstVersions(effectiveFrom: string, at: Date) {
  return SERVICES.map((def) => ({
    serviceCode: def.code,
    version: 1,
    status: 'published' as const,
    effectiveFrom,
    facts: factsOfDefinition(def) as unknown as Record<string, unknown>,
    createdAt: at,
    updatedAt: at,
    publishedAt: at,
  }));
}
