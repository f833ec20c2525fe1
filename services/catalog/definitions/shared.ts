import { z } from 'zod';
import { ageOn, birthDateFromId, normalizeIdNumber } from '../../validation/identifiers.js';
import { choice, idNumber, optionalText } from '../../validation/zod.js';
import type { Answers, DefinitionEnv, FieldDef, MaterialDef } from '../types.js';
import { ADDRESS_CITIES, ADDRESS_DISTRICTS, ADDRESS_FIELDS, ADDRESS_PROVINCES, postalAddressAnswers } from '../../validation/address.js';

/**
 * The reason codes clerks pick when a material is deficient (keys catalog:deficiency.<reason>).
 * One small shared set keeps the one-time notice (一次性告知) consistent across items.
 */
export const DEFICIENCY_REASONS = [
  'illegible',
  'expired',
  'mismatch',
  'incomplete',
  'unsigned',
  'photoSpec',
  'notOriginal',
  'wrongDocument',
] as const;
export type DeficiencyReason = (typeof DEFICIENCY_REASONS)[number];

/** Typical reason sets, so each material lists only reasons that can apply to it. */
export const REASONS = {
  idDocument: ['illegible', 'expired', 'mismatch', 'notOriginal', 'wrongDocument'],
  certificate: ['illegible', 'mismatch', 'incomplete', 'notOriginal', 'wrongDocument'],
  signedStatement: ['illegible', 'incomplete', 'unsigned', 'mismatch', 'wrongDocument'],
  insurance: ['illegible', 'expired', 'mismatch', 'wrongDocument'],
  photo: ['photoSpec', 'illegible', 'mismatch'],
} as const satisfies Record<string, readonly DeficiencyReason[]>;

/** An answer as a trimmed string; answers may be raw form data or parsed values. */
export function str(answers: Answers, key: string): string {
  const v = answers[key];
  return typeof v === 'string' ? v.trim() : '';
}

export function yes(answers: Answers, key: string): boolean {
  const v = answers[key];
  return v === 'yes' || v === true || v === 'on' || v === 'true';
}

/**
 * Whether the person with this resident ID is under 16 on `today` (居民身份证法 art. 2: 16 is
 * the age from which a citizen applies in person). Turns false on the 16th birthday; false
 * when the number carries no readable birth date, since the schema rejects such numbers anyway.
 */
export function isUnder16(idNumber: unknown, today: string): boolean {
  return isUnderAge(idNumber, today, 16);
}

function isUnderAge(idNumber: unknown, today: string, age: number): boolean {
  if (typeof idNumber !== 'string') return false;
  const id = normalizeIdNumber(idNumber);
  if (id.length !== 18) return false;
  const birth = birthDateFromId(id);
  return birth !== null && birth <= today && ageOn(birth, today) < age;
}

/** Guardian documents, required when the applicant whose ID is in `field` is under 16. */
export function guardianMaterials(field = 'idNumber'): MaterialDef[] {
  const when = (a: Answers, env: DefinitionEnv) => isUnder16(a[field], env.today);
  return [
    { code: 'guardianIdCard', required: { conditionKey: 'under16', when }, deficiencyReasons: REASONS.idDocument },
    { code: 'guardianshipProof', required: { conditionKey: 'under16', when }, deficiencyReasons: REASONS.certificate },
  ];
}

/** 'YYYY-MM-DD' plus whole months, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(day: string, months: number): string {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7)) - 1 + months;
  const d = Number(day.slice(8, 10));
  const first = new Date(Date.UTC(y, m, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

/**
 * How the result reaches the citizen (the `delivery` answer). 'mail' brings the postal address
 * with it: deliveryAnswers adds its parts to the schema and deliveryFields to the form, shown only
 * when the post is chosen, and defineService judges them only then. 'electronic' marks an item
 * whose result can be issued electronically, which the completion may then record.
 */
export const DELIVERY_KINDS = ['pickup', 'mail', 'electronic', 'paper'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

export function deliveryAnswers<T extends readonly [DeliveryKind, ...DeliveryKind[]]>(options: T) {
  return { delivery: choice(options), ...postalAddressAnswers() };
}

const POST_ONLY = { field: 'delivery', in: ['mail'] } as const;

export function deliveryFields(options: readonly DeliveryKind[]): FieldDef[] {
  const address = (name: string, kind: FieldDef['kind'], autoComplete: string, opts?: readonly string[]): FieldDef => ({
    name,
    kind,
    group: 'postalAddress',
    showWhen: POST_ONLY,
    autoComplete,
    ...(opts ? { options: opts } : {}),
  });
  return [
    { name: 'delivery', kind: 'radio', options },
    address(ADDRESS_FIELDS.recipient, 'text', 'shipping name'),
    address(ADDRESS_FIELDS.mobile, 'mobile', 'shipping tel'),
    address(ADDRESS_FIELDS.province, 'region', 'shipping address-level1', ADDRESS_PROVINCES),
    address(ADDRESS_FIELDS.city, 'region', 'shipping address-level2', ADDRESS_CITIES),
    address(ADDRESS_FIELDS.district, 'region', 'shipping address-level3', ADDRESS_DISTRICTS),
    address(ADDRESS_FIELDS.street, 'text', 'shipping street-address'),
    address(ADDRESS_FIELDS.postcode, 'text', 'shipping postal-code'),
  ];
}

/** The delivery kinds an item's form offers (its `delivery` field), [] when it has none. */
export function deliveryOptionsOf(def: { fields: readonly FieldDef[] }): readonly string[] {
  return def.fields.find((f) => f.name === 'delivery')?.options ?? [];
}

export { addDays } from '../../calendar/days.js';

/**
 * Filing for someone else, kept minimal (docs/catalog-sources.md, "Whose records"): the subject is
 * the account holder ('self'), unless the account holder files as the agent of the person named
 * here, with a power of attorney signed by both. The subject's name and ID are asked only then.
 */
export const FILING_AS = ['self', 'agent'] as const;

export const filingAsAgent = (a: Answers) => str(a, 'filingAs') === 'agent';

export function agentFilingShape(today: string) {
  return { filingAs: choice(FILING_AS), subjectName: optionalText(50), subjectIdNumber: idNumber(today).optional() };
}

/** The subject's particulars are required when filing as an agent, and are the filer's own otherwise. */
export function requireSubjectWhenAgent(
  v: { filingAs: string; subjectName?: string; subjectIdNumber?: string },
  ctx: z.RefinementCtx,
): void {
  if (v.filingAs !== 'agent') return;
  if (!v.subjectName) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['subjectName'], message: 'required' });
  if (!v.subjectIdNumber) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['subjectIdNumber'], message: 'required' });
}

export const AGENT_FILING_FIELDS: readonly FieldDef[] = [
  { name: 'filingAs', kind: 'radio', options: FILING_AS },
  { name: 'subjectName', kind: 'text', showWhen: { field: 'filingAs', in: ['agent'] }, autoComplete: 'off' },
  { name: 'subjectIdNumber', kind: 'idNumber', showWhen: { field: 'filingAs', in: ['agent'] }, autoComplete: 'off' },
];
