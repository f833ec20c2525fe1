import type { z } from 'zod';
import { requirePostalAddress } from '../validation/address.js';

/**
 * The shape every catalog item conforms to. A definition is data plus a few pure functions of
 * the form's answers; it never touches the database, so the same module validates forms in
 * the browser and on the server.
 *
 * i18n keys (namespace `catalog`) follow from the code, so a definition cannot point at a
 * key that does not exist without the locale check noticing:
 *   services.<code>.name / .summary / .eligibility / .place
 *   services.<code>.fields.<field>.label / .hint / .options.<option>
 *   services.<code>.fees.<line>
 *   services.<code>.notes.<note>
 *   materials.<material>.name / .requirement
 *   requirements.<name>          (a material's requirement as one service words it; MaterialDef.requirementKey)
 *   conditions.<conditionKey>       (why a conditional material applies)
 *   deficiency.<reason>             (reason codes clerks pick)
 *   basis.<basisKey>                (legal basis citations)
 */
export const DEPARTMENTS = ['hukou', 'traffic', 'exit_entry'] as const;
export type Department = (typeof DEPARTMENTS)[number];

export type Answers = Record<string, unknown>;

/** What the pure functions of a definition may depend on besides the answers. */
export type DefinitionEnv = {
  /** Today in China Standard Time, 'YYYY-MM-DD'. */
  today: string;
};

export type FileKind = 'pdf' | 'jpeg' | 'png';

export type MaterialDef = {
  code: string;
  /**
   * 'always', or a predicate over the answers with the key that explains the condition in
   * the guide ("only if the father registers a child born outside marriage").
   */
  required: 'always' | { conditionKey: string; when: (answers: Answers, env: DefinitionEnv) => boolean };
  /** Reason codes a clerk may pick when marking this material deficient. */
  deficiencyReasons: readonly string[];
  /** Overrides materials.<code>.requirement for this service: a catalog key, by convention requirements.<name>. */
  requirementKey?: string;
  accept?: readonly FileKind[];
  /**
   * The fact this material proves, when the population registry can confirm it: once it has
   * for this applicant (recorded under SHARED_FACTS_KEY at submission), the material is not
   * required (国务院令第716号 art. 7; docs/decisions/0008).
   */
  sharedFact?: SharedFact;
};

/** Facts the population registry confirms for an applicant. */
export const SHARED_FACTS = ['householdRegister', 'residentIdCard'] as const;
export type SharedFact = (typeof SHARED_FACTS)[number];

/**
 * Where submission records the facts the registry confirmed, inside the stored answers (so every
 * reader of the checklist sees the same thing). No form has this field: the schemas strip it
 * from what a citizen posts, and only the submit service writes it.
 */
export const SHARED_FACTS_KEY = '_sharedFacts';

/**
 * Where submission records the region of the subject's household registration as the population
 * registry holds it (a passport's limit depends on whether the office is in that province).
 * Written only by the submit service, like SHARED_FACTS_KEY.
 */
export const REGISTERED_HUKOU_KEY = '_registeredHukouRegion';

export function sharedFactsOf(answers: Answers): SharedFact[] {
  const v = answers[SHARED_FACTS_KEY];
  return Array.isArray(v) ? v.filter((f): f is SharedFact => (SHARED_FACTS as readonly unknown[]).includes(f)) : [];
}

/** Whether the registry confirmed what this material would prove, for this application. */
export function verifiedBySharing(m: MaterialDef, answers: Answers): boolean {
  return !!m.sharedFact && sharedFactsOf(answers).includes(m.sharedFact);
}

export type FieldKind =
  | 'text'
  | 'textarea'
  | 'date'
  | 'idNumber'
  | 'mobile'
  | 'plate'
  | 'passportNumber'
  | 'hkMacaoPermitNumber'
  | 'select'
  | 'radio'
  | 'checkbox'
  /** A GB/T 2260 code chosen from `options` (default: the seeded household-registration regions). */
  | 'region'
  /** The office the citizen files at, for cross-province / nationwide items. */
  | 'office';

export type FieldDef = {
  name: string;
  kind: FieldKind;
  /** select / radio options; labels are services.<code>.fields.<name>.options.<option>. */
  options?: readonly string[];
  /** Shown only when another field has one of these values (progressive: all show without JS). */
  showWhen?: { field: string; in: readonly string[] };
  autoComplete?: string;
  /**
   * Fields several items share (the postal address): their keys are catalog:<group>.<name>.label /
   * .hint instead of the item's own, and the form sets them apart in a fieldset.
   */
  group?: FieldGroup;
};

export type FieldGroup = 'postalAddress';

/** The catalog key a field's label, hint and options hang from (namespace included). */
export function fieldKeyBase(serviceCode: string, f: { name: string; group?: FieldGroup | null }): string {
  return f.group ? `catalog:${f.group}.${f.name}` : `catalog:services.${serviceCode}.fields.${f.name}`;
}

export type TimeLimit = {
  days: number;
  unit: 'working' | 'calendar';
  /** basis.<key> */
  basisKey: string;
};

/**
 * A committed limit and visits that hold for some answers only (HK/Macao endorsement alone vs a new
 * permit; a passport at the hukou province vs elsewhere). The guide shows every case; the due date
 * of a filing uses the case its answers pick (commitmentOf).
 */
export type CommitmentCase = {
  /** services.<code>.commitments.<key> names the case in the guide. */
  key: string;
  days: number;
  unit: 'working' | 'calendar';
  visits: 0 | 1;
  /** basis.<key>: where the limit is written. */
  basisKey: string;
};

/** What picks a case besides the answers: where the filing goes. */
export type CommitmentEnv = {
  /** The province (first two GB/T 2260 digits) of the office the application is routed to; null before routing. */
  officeProvince: string | null;
};

/** The limit and visits that apply to one application. */
export type Commitment = { days: number; unit: 'working' | 'calendar'; visits: 0 | 1 };

export type FeeLine = {
  /** services.<code>.fees.<key> */
  key: string;
  /** Yuan. */
  amount: number;
};

export type HandlingMode = 'online' | 'online_then_visit' | 'window';

export type Jurisdiction =
  /** Household-registration region from the named field decides the office. */
  | { kind: 'hukou'; field: string }
  /**
   * The plate's prefix decides the vehicle office; where `alternative.when` holds, the region in
   * `alternative.field` does instead (机动车登记规定 art. 27 para. 3: a small car or motorcycle
   * traded where the buyer lives is registered by the buyer's office).
   */
  | { kind: 'vehicle'; field: string; alternative?: { field: string; when: (answers: Answers) => boolean } }
  /** Cross-province / nationwide items: the citizen chooses an office handling the department. */
  | { kind: 'chosen'; field: string };

// The registry holds definitions of different answer types; `any` there is deliberate.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ServiceDefinition<S extends z.ZodTypeAny = any> = {
  code: string;
  department: Department;
  /** The form's schema; `today` bounds dates. Used by conform in the browser and on the server. */
  schema: (env: DefinitionEnv) => S;
  /** How to render the schema's fields, in order. */
  fields: readonly FieldDef[];
  materials: readonly MaterialDef[];
  timeLimits: {
    /** null where no national statutory limit exists. */
    statutory: TimeLimit | null;
    /** Committed limit in working days; 0 = on the spot (即办件). */
    committedWorkingDays: number;
  };
  /**
   * Where the committed limit or the visits depend on the answers: every case, and which one
   * applies. Without it, timeLimits.committedWorkingDays and handling.visits hold for everyone.
   */
  commitments?: {
    cases: readonly CommitmentCase[];
    pick: (answers: Answers, env: CommitmentEnv) => string;
    /** Whether `pick` reads the subject's registered hukou region (REGISTERED_HUKOU_KEY), so submission asks the registry. */
    readsRegisteredHukou?: boolean;
  };
  /**
   * Whose matter it is, when the form names a person (docs/catalog-sources.md, "Whose records"):
   * - 'typed': the ID number typed in `idField` (a guardian applies for a child under 16; anyone
   *   older applies for themselves, so an adult's number must be the filer's own);
   * - 'filingAs': the filer, unless `filingAs` is 'agent': then the person named in `nameField`
   *   and `idField`, with a power of attorney signed by both.
   * Without it the subject is the filer. Every external check (exit-entry controls, registry) runs on the subject.
   */
  subject?: { kind: 'typed'; idField: string } | { kind: 'filingAs'; nameField: string; idField: string };
  fee: {
    basisKey: string | null;
    /** The lines charged for these answers; [] for a free item. */
    lines: (answers: z.infer<S>) => FeeLine[];
    /** Lines shown in the guide, before anyone has answered. */
    guideLines: readonly FeeLine[];
    /**
     * The lowest total any answers can give, where the lines depend on the answers (the catalog
     * shows "from …"); omitted when every application pays all guide lines.
     */
    fromAmount?: number;
    /**
     * When the citizen may pay online (services/payments): once the office accepted (default,
     * so nobody pays for what is not accepted), or already at filing where the item's rules
     * charge on application.
     */
    payAt?: 'acceptance' | 'filing';
  };
  handling: { mode: HandlingMode; visits: 0 | 1 };
  /** 跨省通办 (or 全国通办 for exit-entry documents). */
  crossProvince: boolean;
  jurisdiction: Jurisdiction;
  legalBasisKeys: readonly string[];
  /** Higher is more urgent; defaults from the committed limit. */
  priority?: number;
  /**
   * Every key `notes` can return (services.<code>.notes.<key>), so the locale check can see them
   * without guessing answers.
   */
  noteKeys?: readonly string[];
  /** Facts derived from the answers worth showing the citizen and the clerk. */
  notes?: (answers: z.infer<S>, env: DefinitionEnv) => { key: string; params?: Record<string, string | number> }[];
};

/**
 * Keeps each definition's answer type while collecting them in one registry. An item whose form
 * has the postal address (services/catalog/definitions/shared.ts deliveryFields) gets the one
 * rule that goes with it here, so no definition can offer the post and forget the address.
 */
export function defineService<S extends z.ZodTypeAny>(def: ServiceDefinition<S>): ServiceDefinition<S> {
  if (!def.fields.some((f) => f.group === 'postalAddress')) return def;
  // The transform keeps the answers' type (it checks the address parts or drops them), so the
  // definition's functions of the answers read the same type.
  const schema = (env: DefinitionEnv) => def.schema(env).transform((answers: Answers, ctx: z.RefinementCtx) => requirePostalAddress(answers, ctx)) as unknown as S;
  return { ...def, schema };
}

/** The committed limit and visits for these answers (the definition's defaults when nothing varies). */
export function commitmentOf(def: ServiceDefinition, answers: Answers, env: CommitmentEnv): Commitment {
  const fallback: Commitment = { days: def.timeLimits.committedWorkingDays, unit: 'working', visits: def.handling.visits };
  if (!def.commitments) return fallback;
  const key = def.commitments.pick(answers, env);
  const c = def.commitments.cases.find((x) => x.key === key);
  return c ? { days: c.days, unit: c.unit, visits: c.visits } : fallback;
}

/** Whether the answers call for this field (showWhen): the receipt's answer lines and the form's script ask it alike. */
export function fieldShown(f: Pick<FieldDef, 'showWhen'>, answers: Readonly<Record<string, unknown>>): boolean {
  return !f.showWhen || f.showWhen.in.includes(String(answers[f.showWhen.field] ?? ''));
}

export function materialRequired(m: MaterialDef, answers: Answers, env: DefinitionEnv): boolean {
  return m.required === 'always' || m.required.when(answers, env);
}

/** The checklist as it applies to one application: what the citizen must provide. */
export function applicableMaterials(def: ServiceDefinition, answers: Answers, env: DefinitionEnv): MaterialDef[] {
  return def.materials.filter((m) => materialRequired(m, answers, env) && !verifiedBySharing(m, answers));
}

/** Materials that would apply but were verified by data sharing instead: shown, not asked for. */
export function sharedMaterials(def: ServiceDefinition, answers: Answers, env: DefinitionEnv): MaterialDef[] {
  return def.materials.filter((m) => materialRequired(m, answers, env) && verifiedBySharing(m, answers));
}
