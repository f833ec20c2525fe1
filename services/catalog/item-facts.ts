import { z } from 'zod';
import { SERVICES } from './index.js';
import type { FeeLine, ServiceDefinition } from './types.js';
import { FORBIDDEN_CHARACTERS_MESSAGE, forbiddenCharacter } from '../validation/text.js';

/**
 * The published facts of a catalog item (事项清单, docs/decisions/0036): what an administrator edits
 * and publishes as a version, beside the typed definition that stays in code (the form, its
 * conditional logic, which fee lines and materials exist). Pure: no database.
 *
 * Free text an administrator types (a material's requirement and example, the guide's notes, the
 * handling place and hours) is per language; null keeps the catalog's own text (locales/catalog).
 */

export const FACT_LANGUAGES = ['zh', 'en'] as const;
export type LocalText = { zh: string; en: string };

export type MaterialFacts = { requirement: LocalText | null; example: LocalText | null };

export type ItemFacts = {
  /** Days of the statutory limit; null where the definition has none (no national statutory limit). */
  statutoryDays: number | null;
  /** The committed limit in working days (0 = on the spot). */
  committedWorkingDays: number;
  /** The committed days of each case, where the definition has cases (passport, HK/Macao, transfer). */
  cases: Record<string, number>;
  /** Yuan per fee line the definition knows. */
  fees: Record<string, number>;
  /** basis.<key> of the fees' legal basis; null for none. */
  feeBasisKey: string | null;
  materials: Record<string, MaterialFacts>;
  notes: LocalText | null;
  place: LocalText | null;
  hours: LocalText | null;
  /** Whether the item is currently offered at all (a withdrawn item is listed but not filed). */
  offered: boolean;
};

/** Bounds an administrator cannot leave: a limit beyond a year or a fee beyond 10,000 yuan is a typo. */
export const LIMIT_MAX_DAYS = 365;
export const FEE_MAX_YUAN = 10_000;
export const TEXT_MAX = 500;

/** Every basis.<key> the definitions cite: what a fee basis may be. */
export const BASIS_KEYS: readonly string[] = [
  ...new Set(
    SERVICES.flatMap((d) => [
      ...(d.fee.basisKey ? [d.fee.basisKey] : []),
      ...(d.timeLimits.statutory ? [d.timeLimits.statutory.basisKey] : []),
      ...(d.commitments?.cases.map((c) => c.basisKey) ?? []),
      ...d.legalBasisKeys,
    ]),
  ),
].sort();

/** The fee lines a definition knows: the guide's lines (every line any answers can charge). */
export function knownFeeLines(def: ServiceDefinition): string[] {
  return def.fee.guideLines.map((l) => l.key);
}

/** The facts the code has: version 1 of every item, so nothing changes until someone publishes. */
export function factsOfDefinition(def: ServiceDefinition): ItemFacts {
  return {
    statutoryDays: def.timeLimits.statutory?.days ?? null,
    committedWorkingDays: def.timeLimits.committedWorkingDays,
    cases: Object.fromEntries((def.commitments?.cases ?? []).map((c) => [c.key, c.days])),
    fees: Object.fromEntries(def.fee.guideLines.map((l) => [l.key, l.amount])),
    feeBasisKey: def.fee.basisKey,
    materials: Object.fromEntries(def.materials.map((m) => [m.code, { requirement: null, example: null }])),
    notes: null,
    place: null,
    hours: null,
    offered: true,
  };
}

const freeText = z
  .string()
  .max(TEXT_MAX, 'tooLong')
  .superRefine((v, ctx) => {
    if (forbiddenCharacter(v, { multiline: true }) !== null) ctx.addIssue({ code: z.ZodIssueCode.custom, message: FORBIDDEN_CHARACTERS_MESSAGE });
  })
  .transform((v) => v.trim().normalize('NFC'));
/** Both languages or neither: a text in one language only would show the catalog's in the other. */
const localText = z
  .object({ zh: freeText, en: freeText })
  .strict()
  .nullable()
  .superRefine((v, ctx) => {
    if (!v) return;
    if (!v.zh !== !v.en) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'admin.items.bothLanguages', path: [v.zh ? 'en' : 'zh'] });
  })
  .transform((v) => (v && v.zh && v.en ? v : null));

const days = z.number().int('number.invalid').min(0, 'admin.items.limitRange').max(LIMIT_MAX_DAYS, 'admin.items.limitRange');

/**
 * The facts a definition can accept, as a zod schema: its own fee lines, materials and cases and
 * no others (an unknown fee line is refused by name: 'admin.items.unknownFeeLine'), limits within
 * a year, fees within FEE_MAX_YUAN, texts under the free-text rule.
 */
export function factsSchema(def: ServiceDefinition) {
  const feeLines = knownFeeLines(def);
  const caseKeys = (def.commitments?.cases ?? []).map((c) => c.key);
  const materialCodes = def.materials.map((m) => m.code);
  const keysOf = (known: readonly string[], unknownMessage: string, every = true) => (v: Record<string, unknown>, ctx: z.RefinementCtx) => {
    for (const k of Object.keys(v)) if (!known.includes(k)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: unknownMessage, path: [k], params: { key: k } });
    if (every) for (const k of known) if (!(k in v)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'required', path: [k] });
  };
  return z
    .object({
      statutoryDays: def.timeLimits.statutory ? days.min(1, 'admin.items.limitRange') : z.null({ invalid_type_error: 'admin.items.noStatutoryLimit' }),
      committedWorkingDays: days,
      cases: z.record(days).superRefine(keysOf(caseKeys, 'admin.items.unknownCase')),
      fees: z
        .record(z.number().min(0, 'admin.items.feeRange').max(FEE_MAX_YUAN, 'admin.items.feeRange').multipleOf(0.01, 'admin.items.feeRange'))
        .superRefine(keysOf(feeLines, 'admin.items.unknownFeeLine')),
      feeBasisKey: z
        .string()
        .nullable()
        .refine((k) => k === null || BASIS_KEYS.includes(k), 'choice'),
      materials: z
        .record(z.object({ requirement: localText, example: localText }).strict())
        .superRefine(keysOf(materialCodes, 'admin.items.unknownMaterial', false))
        // A material without texts keeps the catalog's: every known code is present in what is stored.
        .transform((v) => Object.fromEntries(materialCodes.map((c) => [c, v[c] ?? { requirement: null, example: null }]))),
      notes: localText,
      place: localText,
      hours: localText,
      offered: z.boolean(),
    })
    .strict();
}

export type FactsProblem = { path: string; message: string; key?: string };

/** Validates facts for a definition; the problems carry dotted paths ('fees.bogus'). */
export function checkFacts(def: ServiceDefinition, raw: unknown): { ok: true; facts: ItemFacts } | { ok: false; problems: FactsProblem[] } {
  const r = factsSchema(def).safeParse(raw);
  if (r.success) return { ok: true, facts: r.data as ItemFacts };
  return {
    ok: false,
    problems: r.error.issues.map((i) => ({
      path: i.path.join('.'),
      message: i.message,
      ...(i.code === z.ZodIssueCode.custom && typeof i.params?.key === 'string' ? { key: i.params.key } : {}),
    })),
  };
}

/**
 * The definition as a published version states its facts: the limits, the committed days of each
 * case, the fee amounts and basis replaced; the form, materials, conditions and every function of
 * the answers stay the definition's. Version 1's facts give back the definition's own figures.
 */
export function withFacts(def: ServiceDefinition, facts: ItemFacts): ServiceDefinition {
  const amount = (l: FeeLine): FeeLine => ({ key: l.key, amount: facts.fees[l.key] ?? l.amount });
  const guideLines = def.fee.guideLines.map(amount);
  // "From …": the line that was the lowest total, at its new amount (both items that vary start from one line).
  const fromLine = def.fee.fromAmount === undefined ? undefined : def.fee.guideLines.find((l) => l.amount === def.fee.fromAmount);
  const fromAmount =
    def.fee.fromAmount === undefined ? undefined : fromLine ? (facts.fees[fromLine.key] ?? fromLine.amount) : Math.min(...guideLines.map((l) => l.amount));
  return {
    ...def,
    timeLimits: {
      statutory: def.timeLimits.statutory && facts.statutoryDays !== null ? { ...def.timeLimits.statutory, days: facts.statutoryDays } : def.timeLimits.statutory,
      committedWorkingDays: facts.committedWorkingDays,
    },
    commitments: def.commitments
      ? { ...def.commitments, cases: def.commitments.cases.map((c) => ({ ...c, days: facts.cases[c.key] ?? c.days })) }
      : undefined,
    fee: {
      ...def.fee,
      basisKey: facts.feeBasisKey,
      lines: (answers) => def.fee.lines(answers).map(amount),
      guideLines,
      ...(fromAmount === undefined ? {} : { fromAmount }),
    },
  };
}

/** Admin-typed text in the reader's language ('zh-CN' → zh), or null to keep the catalog's. */
export function localTextOf(text: LocalText | null | undefined, locale: string): string | null {
  if (!text) return null;
  return locale === 'en' ? text.en : text.zh;
}
