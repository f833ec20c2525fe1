import { and, asc, eq, inArray, max } from 'drizzle-orm';
import { z } from 'zod';
import { itemOfferings, itemVersions, offices } from '../../db/schema/index.js';
import { isRootAdmin, officesInAdminScope } from '../admin/scope.js';
import { recordAudit } from '../audit.js';
import { chinaDate } from '../calendar/working-days.js';
import type { ServiceContext, UserActor } from '../context.js';
import { conflict, DomainError, forbidden, invalid, notFound } from '../errors.js';
import { authorize } from '../permissions.js';
import { forgetReference } from '../reference-cache.js';
import { isoDate, listCode } from '../validation/zod.js';
import { getService, SERVICES } from './index.js';
import { BASIS_KEYS, checkFacts, FACT_LANGUAGES, knownFeeLines, type ItemFacts } from './item-facts.js';
import { itemReference, officeOffers, versionInForce } from './item-versions.js';
import type { Department } from './types.js';

/**
 * The list of items (事项清单) as administrators keep it (docs/decisions/0036). The national root
 * administrator edits an item's facts as a draft and publishes it with an effective date (today or
 * later); a published version is never edited (a trigger refuses it), only superseded. Every
 * administrator sees the list and sets which offices of their own tree offer each item; an office
 * outside their tree is not found (404). Every change is audited with what it was before.
 */

export type VersionLine = {
  version: number;
  status: 'draft' | 'published';
  effectiveFrom: string | null;
  publishedAt: string | null;
  createdAt: string;
};

export type ItemSummary = {
  code: string;
  department: Department;
  inForce: { version: number; effectiveFrom: string } | null;
  /** Published versions that take effect later. */
  scheduled: { version: number; effectiveFrom: string }[];
  draft: number | null;
  offered: boolean;
};

export type OfferingLine = { officeCode: string; nameZh: string | null; nameEn: string | null; offered: boolean; handlesDepartment: boolean };

export type ItemDetail = {
  code: string;
  department: Department;
  /** Only the root administrator edits facts; everyone may set their offices' offerings. */
  canEdit: boolean;
  feeLines: string[];
  caseKeys: string[];
  materialCodes: string[];
  hasStatutory: boolean;
  basisKeys: readonly string[];
  inForce: { version: number; effectiveFrom: string; facts: ItemFacts } | null;
  draft: { version: number; facts: ItemFacts } | null;
  history: VersionLine[];
  offerings: OfferingLine[];
  today: string;
};

function requireAdmin(ctx: ServiceContext): UserActor {
  return authorize(ctx.actor, 'catalog:manage').actor;
}

function requireRoot(ctx: ServiceContext): UserActor {
  const actor = requireAdmin(ctx);
  // The facts of the list are national: only the root administrator edits and publishes them.
  if (!isRootAdmin(actor)) throw forbidden();
  return actor;
}

/** A code from the path or a form: unknown is the localized 404, before any query. */
function serviceOf(code: string) {
  return getService(code);
}

export async function listItems(ctx: ServiceContext): Promise<{ items: ItemSummary[]; canEdit: boolean }> {
  const actor = requireAdmin(ctx);
  const today = chinaDate(ctx.clock.now());
  const rows = await ctx.db
    .select({ serviceCode: itemVersions.serviceCode, version: itemVersions.version, status: itemVersions.status, effectiveFrom: itemVersions.effectiveFrom, facts: itemVersions.facts })
    .from(itemVersions)
    .orderBy(asc(itemVersions.serviceCode), asc(itemVersions.version));
  const ref = await itemReference(ctx.db);
  return {
    canEdit: isRootAdmin(actor),
    items: SERVICES.map((def) => {
      const mine = rows.filter((r) => r.serviceCode === def.code);
      const v = versionInForce(ref, def.code, today);
      return {
        code: def.code,
        department: def.department,
        inForce: v ? { version: v.version, effectiveFrom: v.effectiveFrom } : null,
        scheduled: mine
          .filter((r) => r.status === 'published' && r.effectiveFrom !== null && r.effectiveFrom > today)
          .map((r) => ({ version: r.version, effectiveFrom: r.effectiveFrom! })),
        draft: mine.find((r) => r.status === 'draft')?.version ?? null,
        offered: v ? v.facts.offered : true,
      };
    }),
  };
}

export async function getItem(ctx: ServiceContext, code: string): Promise<ItemDetail> {
  const actor = requireAdmin(ctx);
  const def = serviceOf(code);
  const today = chinaDate(ctx.clock.now());
  const rows = await ctx.db.select().from(itemVersions).where(eq(itemVersions.serviceCode, def.code)).orderBy(asc(itemVersions.version));
  const ref = await itemReference(ctx.db);
  const v = versionInForce(ref, def.code, today);
  const draft = rows.find((r) => r.status === 'draft');
  return {
    code: def.code,
    department: def.department,
    canEdit: isRootAdmin(actor),
    feeLines: knownFeeLines(def),
    caseKeys: (def.commitments?.cases ?? []).map((c) => c.key),
    materialCodes: def.materials.map((m) => m.code),
    hasStatutory: def.timeLimits.statutory !== null,
    basisKeys: BASIS_KEYS,
    inForce: v ? { version: v.version, effectiveFrom: v.effectiveFrom, facts: v.facts } : null,
    draft: draft ? { version: draft.version, facts: draft.facts as ItemFacts } : null,
    history: rows.map((r) => ({
      version: r.version,
      status: r.status,
      effectiveFrom: r.effectiveFrom,
      publishedAt: r.publishedAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
    })),
    offerings: await offeringsInScope(ctx, actor, def),
    today,
  };
}

async function offeringsInScope(ctx: ServiceContext, actor: UserActor, def: ReturnType<typeof getService>): Promise<OfferingLine[]> {
  const codes = await officesInAdminScope(ctx, actor);
  if (codes.length === 0) return [];
  const rows = await ctx.db.select().from(offices).where(inArray(offices.code, codes)).orderBy(asc(offices.code));
  const set = await ctx.db.select().from(itemOfferings).where(and(eq(itemOfferings.serviceCode, def.code), inArray(itemOfferings.officeCode, codes)));
  const ref = { versions: new Map(), byId: new Map(), offerings: new Map(set.map((o) => [`${o.serviceCode} ${o.officeCode}`, o.offered])) };
  return rows
    .filter((o) => o.closedAt === null)
    .map((o) => ({
      officeCode: o.code,
      nameZh: o.nameZh,
      nameEn: o.nameEn,
      offered: officeOffers(ref, def, o),
      handlesDepartment: o.departments.includes(def.department),
    }));
}

// ---- The draft's form -------------------------------------------------------------------------

/**
 * The draft form's fields are the facts' own paths: `statutoryDays`, `cases.<key>`,
 * `fees.<line>`, `feeBasisKey`, `materials.<code>.requirement.zh`, `notes.en`, `offered`, …
 * Whatever is posted goes to the facts' schema (item-facts.ts), so a fee line the definition does
 * not know is refused by name, whatever the page offered.
 */
export function factsFromForm(entries: readonly [string, string][]): Record<string, unknown> {
  // Maps without a prototype: a posted key is only ever an own key (`materials.__proto__…` once wrote to Object.prototype).
  const dict = () => Object.create(null) as Record<string, unknown>;
  const raw: Record<string, unknown> = { cases: dict(), fees: dict(), materials: dict(), notes: null, place: null, hours: null, offered: false, feeBasisKey: null };
  const number = (v: string) => {
    const s = v.trim();
    if (s === '') return undefined;
    return /^\d{1,7}(\.\d{1,2})?$/.test(s) ? Number(s) : Number.NaN;
  };
  const text = (obj: Record<string, unknown>, key: string, lang: string, value: string) => {
    const cur = (obj[key] as Record<string, string> | null) ?? { zh: '', en: '' };
    obj[key] = { ...cur, [lang]: value };
  };
  for (const [name, value] of entries) {
    const parts = name.split('.');
    if (name === 'statutoryDays' || name === 'committedWorkingDays') raw[name] = value.trim() === '' ? null : number(value);
    else if (name === 'feeBasisKey') raw.feeBasisKey = value.trim() === '' ? null : value.trim();
    else if (name === 'offered') raw.offered = value === 'on' || value === 'true' || value === 'yes';
    else if ((parts[0] === 'cases' || parts[0] === 'fees') && parts.length === 2) (raw[parts[0]] as Record<string, unknown>)[parts[1]] = number(value);
    else if ((parts[0] === 'notes' || parts[0] === 'place' || parts[0] === 'hours') && parts.length === 2 && (FACT_LANGUAGES as readonly string[]).includes(parts[1]))
      text(raw, parts[0], parts[1], value);
    else if (parts[0] === 'materials' && parts.length === 4 && (parts[2] === 'requirement' || parts[2] === 'example') && (FACT_LANGUAGES as readonly string[]).includes(parts[3])) {
      const materials = raw.materials as Record<string, Record<string, unknown>>;
      const m = (materials[parts[1]] ??= { requirement: null, example: null });
      text(m, parts[2], parts[3], value);
    }
    // Anything else (intent, the form's own fields) is not a fact.
  }
  return raw;
}

/** Problems as form field errors (the fields are the facts' paths); an unknown line or material, by name. */
function refusal(def: ReturnType<typeof getService>, problems: { path: string; message: string; key?: string }[]): DomainError {
  const fieldErrors: Record<string, string[]> = {};
  for (const p of problems) (fieldErrors[p.path || 'facts'] ??= []).push(p.message);
  const unknownLine = problems.find((p) => p.message === 'admin.items.unknownFeeLine');
  if (unknownLine) {
    return new DomainError('admin.items.unknownFeeLine', 400, {
      params: { line: unknownLine.key ?? unknownLine.path.split('.').pop() ?? '', known: knownFeeLines(def).join(', ') || '—' },
      fieldErrors,
    });
  }
  const unknownOther = problems.find((p) => p.message === 'admin.items.unknownMaterial' || p.message === 'admin.items.unknownCase');
  if (unknownOther) return new DomainError(unknownOther.message, 400, { params: { key: unknownOther.key ?? '' }, fieldErrors });
  return invalid('form.invalid', fieldErrors);
}

/**
 * Saves the draft of an item's next version (creating it when there is none): the posted facts,
 * validated against the item's definition. Returns the draft's version number.
 */
export async function saveItemDraft(ctx: ServiceContext, code: string, raw: unknown): Promise<number> {
  requireRoot(ctx);
  const def = serviceOf(code);
  const checked = checkFacts(def, raw);
  if (!checked.ok) throw refusal(def, checked.problems);
  const facts = checked.facts;
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const [draft] = await tx
      .select()
      .from(itemVersions)
      .where(and(eq(itemVersions.serviceCode, def.code), eq(itemVersions.status, 'draft')))
      .for('update');
    if (draft) {
      await tx.update(itemVersions).set({ facts: facts as unknown as Record<string, unknown>, updatedAt: now }).where(eq(itemVersions.id, draft.id));
      await recordAudit(tx, ctx, { action: 'admin.item.draftSaved', data: { serviceCode: def.code, version: draft.version, before: draft.facts, after: facts } });
      return draft.version;
    }
    const [last] = await tx.select({ version: max(itemVersions.version) }).from(itemVersions).where(eq(itemVersions.serviceCode, def.code));
    const version = (last?.version ?? 0) + 1;
    const [created] = await tx
      .insert(itemVersions)
      .values({ serviceCode: def.code, version, status: 'draft', facts: facts as unknown as Record<string, unknown>, createdBy: ctx.actor.kind === 'user' ? ctx.actor.id : null, createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning({ version: itemVersions.version });
    // Another administrator opened the draft at the same moment: theirs stands, save again.
    if (!created) throw conflict('admin.items.draftChanged');
    await recordAudit(tx, ctx, { action: 'admin.item.draftSaved', data: { serviceCode: def.code, version, before: null, after: facts } });
    return version;
  });
}

export const publishSchema = (today: string) => z.object({ effectiveFrom: isoDate({ notBefore: today }) });

/**
 * Publishes the item's draft, in force from `effectiveFrom` (today or later, China date). From now
 * on the row is immutable; applications filed from that day on carry its id.
 */
export async function publishItemDraft(ctx: ServiceContext, code: string, input: { effectiveFrom: string }): Promise<number> {
  const actor = requireRoot(ctx);
  const def = serviceOf(code);
  const today = chinaDate(ctx.clock.now());
  const parsed = publishSchema(today).safeParse(input);
  if (!parsed.success) throw invalid('form.invalid', { effectiveFrom: [parsed.error.issues[0]?.message ?? 'date.format'] });
  const now = ctx.clock.now();
  const version = await ctx.db.transaction(async (tx) => {
    const [draft] = await tx
      .select()
      .from(itemVersions)
      .where(and(eq(itemVersions.serviceCode, def.code), eq(itemVersions.status, 'draft')))
      .for('update');
    if (!draft) throw notFound('admin.items.noDraft');
    // The draft was saved under the schema of its day: checked again against the definition as it is now.
    const checked = checkFacts(def, draft.facts);
    if (!checked.ok) throw refusal(def, checked.problems);
    await tx
      .update(itemVersions)
      .set({ status: 'published', effectiveFrom: parsed.data.effectiveFrom, publishedAt: now, publishedBy: actor.id, updatedAt: now })
      .where(eq(itemVersions.id, draft.id));
    await recordAudit(tx, ctx, {
      action: 'admin.item.published',
      data: { serviceCode: def.code, version: draft.version, effectiveFrom: parsed.data.effectiveFrom, facts: checked.facts },
    });
    return draft.version;
  });
  // Filings in this process use it at once; other processes within the reference TTL (decision 0014).
  forgetReference(ctx.db);
  return version;
}

export async function discardItemDraft(ctx: ServiceContext, code: string): Promise<void> {
  requireRoot(ctx);
  const def = serviceOf(code);
  await ctx.db.transaction(async (tx) => {
    const [draft] = await tx
      .delete(itemVersions)
      .where(and(eq(itemVersions.serviceCode, def.code), eq(itemVersions.status, 'draft')))
      .returning();
    if (!draft) throw notFound('admin.items.noDraft');
    await recordAudit(tx, ctx, { action: 'admin.item.draftDiscarded', data: { serviceCode: def.code, version: draft.version, before: draft.facts } });
  });
}

export const offeringsSchema = z.object({
  /** The offices the page listed (the administrator's tree), and of those the ones ticked. */
  offices: z.array(listCode(40)).max(500).default([]),
  offered: z.array(listCode(40)).max(500).default([]),
});
export type OfferingsInput = z.infer<typeof offeringsSchema>;

/**
 * Sets which of the listed offices offer the item. Every listed office must be in the
 * administrator's tree: another's is not found (404), and nothing changes.
 */
export async function setItemOfferings(ctx: ServiceContext, code: string, raw: unknown): Promise<void> {
  const actor = requireAdmin(ctx);
  const def = serviceOf(code);
  // An unticked list posts nothing, a hand-made one may post empty values: neither names an office.
  const lists = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const nonEmpty = (v: unknown) => (Array.isArray(v) ? v.filter((x) => x !== '') : v);
  const parsed = offeringsSchema.safeParse({ offices: nonEmpty(lists.offices), offered: nonEmpty(lists.offered) });
  if (!parsed.success) throw invalid('form.invalid', { offices: ['choice'] });
  const listed = [...new Set(parsed.data.offices)];
  const ticked = new Set(parsed.data.offered);
  const mine = new Set(await officesInAdminScope(ctx, actor));
  if ([...listed, ...ticked].some((o) => !mine.has(o))) throw notFound('admin.office.notFound');
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const before = listed.length
      ? await tx.select().from(itemOfferings).where(and(eq(itemOfferings.serviceCode, def.code), inArray(itemOfferings.officeCode, listed)))
      : [];
    const rows = listed.length ? await tx.select().from(offices).where(inArray(offices.code, listed)) : [];
    const ref = { versions: new Map(), byId: new Map(), offerings: new Map(before.map((o) => [`${o.serviceCode} ${o.officeCode}`, o.offered])) };
    for (const office of rows) {
      const was = officeOffers(ref, def, { ...office, closedAt: null });
      const now_ = ticked.has(office.code);
      if (was === now_) continue;
      await tx
        .insert(itemOfferings)
        .values({ serviceCode: def.code, officeCode: office.code, offered: now_, changedBy: actor.id, changedAt: now })
        .onConflictDoUpdate({ target: [itemOfferings.serviceCode, itemOfferings.officeCode], set: { offered: now_, changedBy: actor.id, changedAt: now } });
      await recordAudit(tx, ctx, { action: 'admin.item.offeringChanged', officeCode: office.code, data: { serviceCode: def.code, before: was, after: now_ } });
    }
  });
  forgetReference(ctx.db);
}
