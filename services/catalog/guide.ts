import { servicesByDepartment } from './index.js';
import type { Department, HandlingMode, Jurisdiction, ServiceDefinition, TimeLimit } from './types.js';
import type { ItemFacts, LocalText } from './item-facts.js';

/**
 * Serialisable views of the catalog for the public pages: data and full i18n keys
 * (namespace:key), no functions, so loaders can return them as they are.
 */

export type MaterialGuide = {
  code: string;
  nameKey: string;
  requirementKey: string;
  /** null when always required; otherwise the key that says when. */
  conditionKey: string | null;
  /** The requirement and an example as the published list words them (per language); null: the catalog's text. */
  requirementText: LocalText | null;
  exampleText: LocalText | null;
};

/** Which version of the list of items (事项清单) the guide shows, and since when (docs/decisions/0036). */
export type GuideListing = { version: number; effectiveFrom: string; facts: ItemFacts };

export type FeeSummary = { kind: 'free' } | { kind: 'fixed'; amount: number } | { kind: 'from'; amount: number };

export type ServiceGuide = {
  code: string;
  department: Department;
  nameKey: string;
  summaryKey: string;
  eligibilityKey: string;
  placeKey: string;
  materials: MaterialGuide[];
  timeLimits: {
    /** basisKey is a full i18n key here. */
    statutory: TimeLimit | null;
    committedWorkingDays: number;
    /**
     * Where the committed limit and visits depend on the answers, every case with its label and
     * basis (full keys); [] when the one limit above holds for everyone.
     */
    cases: { labelKey: string; days: number; unit: 'working' | 'calendar'; visits: 0 | 1; basisKey: string }[];
  };
  fee: {
    lines: { key: string; amount: number }[];
    basisKey: string | null;
    /** Whether what one pays depends on the answers (some lines apply only in some cases). */
    varies: boolean;
    summary: FeeSummary;
  };
  handling: { mode: HandlingMode; modeKey: string; visits: 0 | 1 };
  crossProvince: boolean;
  /** 全国通办 for exit-entry documents, 跨省通办 otherwise. */
  crossProvinceKey: string;
  jurisdiction: { kind: Jurisdiction['kind']; key: string };
  legalBasisKeys: string[];
  /** Who may file for whom (常见问题): for oneself only, a guardian for a child under 16, or an agent. */
  forOthersKey: string;
  applyHref: string;
  /** The version in force and its date; null where no version is published (the code's facts). */
  version: { number: number; effectiveFrom: string } | null;
  /** Whether the item is currently offered (a withdrawn one shows its guide without the apply link). */
  offered: boolean;
  /** What the published list adds in its own words, per language; null: nothing beyond the catalog. */
  texts: { notes: LocalText | null; place: LocalText | null; hours: LocalText | null };
};

export type CatalogEntry = Pick<
  ServiceGuide,
  'code' | 'nameKey' | 'summaryKey' | 'crossProvince' | 'crossProvinceKey' | 'applyHref'
> & {
  committedWorkingDays: number;
  fee: FeeSummary;
  visits: 0 | 1;
  mode: HandlingMode;
  guideHref: string;
};

const c = (key: string) => `catalog:${key}`;

export function feeSummary(def: ServiceDefinition): FeeSummary {
  const lines = def.fee.guideLines;
  if (lines.length === 0) return { kind: 'free' };
  if (def.fee.fromAmount !== undefined) return { kind: 'from', amount: def.fee.fromAmount };
  return { kind: 'fixed', amount: lines.reduce((sum, l) => sum + l.amount, 0) };
}

/** `def` is the definition as `listing` states it (item-facts.ts withFacts) when a listing is given. */
export function guideOf(def: ServiceDefinition, listing: GuideListing | null = null): ServiceGuide {
  const facts = listing?.facts;
  const s = `services.${def.code}`;
  const statutory = def.timeLimits.statutory;
  const summary = feeSummary(def);
  return {
    code: def.code,
    department: def.department,
    nameKey: c(`${s}.name`),
    summaryKey: c(`${s}.summary`),
    eligibilityKey: c(`${s}.eligibility`),
    placeKey: c(`${s}.place`),
    materials: def.materials.map((m) => ({
      code: m.code,
      nameKey: c(`materials.${m.code}.name`),
      requirementKey: c(m.requirementKey ?? `materials.${m.code}.requirement`),
      conditionKey: m.required === 'always' ? null : c(`conditions.${m.required.conditionKey}`),
      requirementText: facts?.materials[m.code]?.requirement ?? null,
      exampleText: facts?.materials[m.code]?.example ?? null,
    })),
    timeLimits: {
      statutory: statutory ? { days: statutory.days, unit: statutory.unit, basisKey: c(`basis.${statutory.basisKey}`) } : null,
      committedWorkingDays: def.timeLimits.committedWorkingDays,
      cases: (def.commitments?.cases ?? []).map((k) => ({
        labelKey: c(`${s}.commitments.${k.key}`),
        days: k.days,
        unit: k.unit,
        visits: k.visits,
        basisKey: c(`basis.${k.basisKey}`),
      })),
    },
    fee: {
      lines: def.fee.guideLines.map((l) => ({ key: c(`${s}.fees.${l.key}`), amount: l.amount })),
      basisKey: def.fee.basisKey ? c(`basis.${def.fee.basisKey}`) : null,
      varies: summary.kind === 'from',
      summary,
    },
    handling: { mode: def.handling.mode, modeKey: c(`guide.handlingMode.${def.handling.mode}`), visits: def.handling.visits },
    crossProvince: def.crossProvince,
    crossProvinceKey: c(def.department === 'exit_entry' ? 'guide.nationwide' : 'guide.crossProvince'),
    jurisdiction: {
      kind: def.jurisdiction.kind,
      key: c(`guide.jurisdiction.${def.jurisdiction.kind === 'vehicle' && def.jurisdiction.alternative ? 'vehicleOrResidence' : def.jurisdiction.kind}`),
    },
    legalBasisKeys: def.legalBasisKeys.map((k) => c(`basis.${k}`)),
    forOthersKey: c(`guide.faq.forOthers.${def.subject?.kind === 'typed' ? 'guardian' : def.fields.some((f) => f.name === 'filingAs') ? 'agent' : 'self'}`),
    applyHref: `/services/${def.code}/apply`,
    version: listing ? { number: listing.version, effectiveFrom: listing.effectiveFrom } : null,
    offered: facts?.offered ?? true,
    texts: { notes: facts?.notes ?? null, place: facts?.place ?? null, hours: facts?.hours ?? null },
  };
}

export function catalogEntryOf(def: ServiceDefinition): CatalogEntry {
  const g = guideOf(def);
  return {
    code: g.code,
    nameKey: g.nameKey,
    summaryKey: g.summaryKey,
    crossProvince: g.crossProvince,
    crossProvinceKey: c(def.department === 'exit_entry' ? 'catalogPage.nationwide' : 'catalogPage.crossProvince'),
    applyHref: g.applyHref,
    committedWorkingDays: def.timeLimits.committedWorkingDays,
    fee: g.fee.summary,
    visits: def.handling.visits,
    mode: def.handling.mode,
    guideHref: `/services/${def.code}`,
  };
}

/** The catalog page: departments in their fixed order, items in registry order. */
export function catalogView(): { department: Department; departmentKey: string; services: CatalogEntry[] }[] {
  return servicesByDepartment().map(({ department, services }) => ({
    department,
    departmentKey: `common:departments.${department}`,
    services: services.map(catalogEntryOf),
  }));
}
