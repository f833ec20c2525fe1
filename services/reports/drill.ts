import { inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { offices } from '../../db/schema/index.js';
import { allOrgUnits, subtree, type OrgUnit } from '../admin/scope.js';
import type { UserActor } from '../context.js';
import { notFound } from '../errors.js';
import type { Scope } from '../permissions.js';

/**
 * Where /reports stands in the hierarchy (issue 18, decision 0037): province → city → district →
 * office → clerk. A manager's view starts at the top of their scope — an office manager at their
 * office, a city manager at their city's unit, a province manager at their province's (decision
 * 0040) — and goes down, never up: a unit or office outside
 * that is "not found". The figures of a view are those of the offices below it; its breakdown
 * groups them by the children of the unit in view (the units one level down and the offices hung
 * directly on it), and an office's breakdown is its clerks (services/reports/metrics.ts).
 */

/** One step of the breadcrumbs: an org unit (named by its own names) or an office (named as offices are). */
export type Crumb = { kind: 'unit'; code: string; nameZh: string; nameEn: string } | { kind: 'office'; code: string };

/** A group of the breakdown before its figures: a child unit and the in-scope offices below it, or one office. */
export type DrillGroup = { kind: 'unit'; code: string; nameZh: string; nameEn: string; offices: string[] } | { kind: 'office'; code: string; offices: string[] };

export type ReportView = {
  /** The offices whose figures the view shows. */
  codes: string[];
  trail: Crumb[];
  /** The office in view (its breakdown is its clerks), or null for a unit. */
  office: string | null;
  /** The unit in view, or null (an office, or a city manager whose city has no unit). */
  unit: string | null;
  groups: DrillGroup[];
};

const unitCrumb = (u: OrgUnit): Crumb => ({ kind: 'unit', code: u.code, nameZh: u.nameZh, nameEn: u.nameEn });

/**
 * The view for `filters` (unit, officeCode) within the offices the manager may see (`inScope`,
 * officesInScope). Throws 404 for a unit or office outside it.
 */
export async function reportView(
  db: Db,
  actor: UserActor,
  scope: Scope,
  inScope: readonly string[],
  filters: { unit?: string; officeCode?: string },
): Promise<ReportView> {
  if (filters.officeCode && !inScope.includes(filters.officeCode)) throw notFound('reports.officeNotFound');
  if (scope !== 'city' && scope !== 'province') {
    // An office manager: their office is the top, and nothing lies between it and its clerks.
    if (filters.unit) throw notFound('reports.unitNotFound');
    const office = filters.officeCode ?? inScope[0] ?? null;
    return { codes: office ? [office] : [], trail: office ? [{ kind: 'office', code: office }] : [], office, unit: null, groups: [] };
  }
  const [units, rows] = await Promise.all([
    allOrgUnits({ db }),
    inScope.length ? db.select({ code: offices.code, orgUnitCode: offices.orgUnitCode }).from(offices).where(inArray(offices.code, [...inScope])) : Promise.resolve([]),
  ]);
  const byCode = new Map(units.map((u) => [u.code, u]));
  // The top of the area: the province's unit for a province manager (decision 0040), else the city's.
  const topCode = scope === 'province' ? actor.provinceCode : actor.cityCode;
  const top = topCode ? byCode.get(topCode) : undefined;
  const topTree = top ? subtree(units, top.code) : new Set<string>();
  const unitOf = new Map(rows.map((r) => [r.code, r.orgUnitCode]));
  // An office of the area hung outside its unit still belongs to it: it shows under the top.
  const placed = (code: string) => {
    const u = unitOf.get(code) ?? null;
    return u && topTree.has(u) ? u : (top?.code ?? null);
  };
  /** The units from the top down to `code` (inclusive). */
  const chain = (code: string | null): Crumb[] => {
    const out: Crumb[] = [];
    for (let u = code ? byCode.get(code) : undefined; u && topTree.has(u.code); u = u.parentCode ? byCode.get(u.parentCode) : undefined) {
      out.unshift(unitCrumb(u));
      if (u.code === top?.code) break;
    }
    return out;
  };

  if (filters.officeCode) {
    const office = filters.officeCode;
    return { codes: [office], trail: [...chain(placed(office)), { kind: 'office', code: office }], office, unit: null, groups: [] };
  }
  if (filters.unit && !topTree.has(filters.unit)) throw notFound('reports.unitNotFound');
  const unit = filters.unit ?? top?.code ?? null;
  const below = unit ? subtree(units, unit) : null;
  const codes = [...inScope].filter((c) => below === null || below.has(placed(c)!));
  const groups: DrillGroup[] = [];
  for (const child of units.filter((u) => unit !== null && u.parentCode === unit)) {
    const tree = subtree(units, child.code);
    const mine = codes.filter((c) => tree.has(placed(c)!));
    if (mine.length) groups.push({ kind: 'unit', code: child.code, nameZh: child.nameZh, nameEn: child.nameEn, offices: mine });
  }
  for (const c of codes) if (placed(c) === unit) groups.push({ kind: 'office', code: c, offices: [c] });
  return { codes, trail: chain(unit), office: null, unit, groups };
}
