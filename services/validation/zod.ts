import { z } from 'zod';
import {
  checkHkMacaoPermitNumber,
  checkIdNumber,
  checkMobile,
  checkPassportNumber,
  checkPlate,
  normalizeIdNumber,
  normalizeMobile,
  normalizePlate,
} from './identifiers.js';
import { FORBIDDEN_CHARACTERS_MESSAGE, forbiddenCharacter, type TextOptions } from './text.js';

/**
 * zod building blocks. Messages are i18n keys (namespace `validation`), so the same schema
 * gives localized field errors on the server and, through conform, in the browser.
 */
const required = { required_error: 'required', invalid_type_error: 'required' };

/**
 * What zod says where a schema gave no message of its own, as `validation` keys: a multipart post
 * can carry a file, a list or a nested object under any field name, and zod's English default
 * ("Expected string, received object") must never reach a page. Set once here, where every form
 * schema gets its building blocks, so it holds on the server and in the browser alike. The
 * integrations' response schemas report only paths, so they lose nothing.
 */
export const formErrorMap: z.ZodErrorMap = (issue) => {
  switch (issue.code) {
    case z.ZodIssueCode.invalid_type:
      return { message: issue.received === 'undefined' || issue.received === 'null' ? 'required' : 'format' };
    case z.ZodIssueCode.invalid_literal:
    case z.ZodIssueCode.invalid_enum_value:
    case z.ZodIssueCode.invalid_union:
    case z.ZodIssueCode.invalid_union_discriminator:
      return { message: 'choice' };
    case z.ZodIssueCode.too_big:
      return { message: 'tooLong' };
    case z.ZodIssueCode.too_small:
      return { message: 'required' };
    default:
      return { message: 'format' };
  }
};
z.setErrorMap(formErrorMap);

/**
 * Free text typed by a person: trimmed, refused when it holds control, bidi or other invisible
 * format characters (services/validation/text.ts says which and why), NFC-normalized. Every
 * free-text field of every form goes through these two, so the rule is the same everywhere;
 * `multiline` (textareas) also lets TAB, LF and CR through.
 */
const refuseForbidden = (opts: TextOptions) => (v: string, ctx: z.RefinementCtx) => {
  if (forbiddenCharacter(v, opts) !== null) ctx.addIssue({ code: z.ZodIssueCode.custom, message: FORBIDDEN_CHARACTERS_MESSAGE });
};
const nfc = (v: string) => v.normalize('NFC');

type FreeTextOptions = TextOptions & { /** The message for a value over `max` (default 'tooLong'). */ tooLong?: string };

// The characters are checked before trimming: trim() would silently drop a leading BOM or
// U+2028 but not a NUL, and one rule is easier to state (and to test) than two.
export const text = (max = 100, opts: FreeTextOptions = {}) =>
  z
    .string(required)
    .superRefine(refuseForbidden(opts))
    .pipe(z.string().trim().min(1, 'required').max(max, opts.tooLong ?? 'tooLong'))
    .transform(nfc);
export const optionalText = (max = 500, opts: FreeTextOptions = {}) =>
  z
    .string(required)
    .superRefine(refuseForbidden(opts))
    .pipe(z.string().trim().max(max, opts.tooLong ?? 'tooLong'))
    .transform(nfc)
    .optional();

/**
 * A code chosen from a list the page offered (reason codes, material codes, i18n keys): ASCII
 * letters, digits and . _ : - only, so nothing else reaches a query; whether it is one of the
 * listed codes is the service's check. Anything else reads as "choose one of the options".
 */
export const listCode = (max = 80) =>
  z
    .string(required)
    .trim()
    .min(1, 'required')
    .max(max, 'choice')
    .regex(/^[A-Za-z0-9_.:-]+$/, 'choice');

/** The largest value of a PostgreSQL integer column; a bigger number is refused here, not there. */
export const INT32_MAX = 2_147_483_647;
export const INT32_MIN = -2_147_483_648;

/**
 * A whole number from a form field that fits the integer column it is stored in. Only plain
 * decimal digits: z.coerce.number would also take '0x1f', '1e3', ' ' and '1e309' (Infinity).
 */
export const int32 = (opts: { min?: number; max?: number; message?: string; required?: string } = {}) => {
  const message = opts.message ?? 'number.invalid';
  const min = Math.max(opts.min ?? INT32_MIN, INT32_MIN);
  const max = Math.min(opts.max ?? INT32_MAX, INT32_MAX);
  // A string that is not plain digits becomes NaN here, before conform's own coercion (which
  // is Number()) could read it as hex or exponent notation.
  const fromForm = (v: unknown) => {
    if (typeof v !== 'string') return v;
    const s = v.trim();
    return s === '' ? undefined : /^-?\d{1,10}$/.test(s) ? Number(s) : NaN;
  };
  return z.preprocess(fromForm, z.number({ required_error: opts.required ?? 'required', invalid_type_error: message }).int(message).min(min, message).max(max, message));
};

export const idNumber = (today: string) =>
  z
    .string(required)
    .transform(normalizeIdNumber)
    .superRefine((v, ctx) => {
      const code = checkIdNumber(v, today);
      if (code) ctx.addIssue({ code: z.ZodIssueCode.custom, message: code });
    });

export const mobile = () =>
  z
    .string(required)
    .transform(normalizeMobile)
    .refine((v) => checkMobile(v) === null, 'mobile.format');

/** Optional; what a mail server accepts in practice (one @, a dot in the domain), at most 254 characters. */
export const optionalEmail = () =>
  z
    .string()
    .trim()
    .max(254, 'tooLong')
    .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'email.format')
    // The one free-text rule too: an address is text a person typed (a NUL is not whitespace).
    .refine((v) => forbiddenCharacter(v) === null, FORBIDDEN_CHARACTERS_MESSAGE)
    .optional();

export const plate = () =>
  z
    .string(required)
    .transform(normalizePlate)
    .refine((v) => checkPlate(v) === null, 'plate.format');

export const passportNumber = () =>
  z
    .string(required)
    .transform((v) => v.trim().toUpperCase())
    .refine((v) => checkPassportNumber(v) === null, 'passportNumber.format');

export const hkMacaoPermitNumber = () =>
  z
    .string(required)
    .transform((v) => v.trim().toUpperCase())
    .refine((v) => checkHkMacaoPermitNumber(v) === null, 'hkMacaoPermitNumber.format');

/** 'YYYY-MM-DD', a real date, optionally bounded by `today`. One message per bad value. */
export const isoDate = (opts: { notAfter?: string; notBefore?: string } = {}) =>
  z.string(required).superRefine((v, ctx) => {
    // Each check is skipped once an earlier one failed, so a bad value gets one clear message.
    const fail = (message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, message });
    if (!isRealIsoDate(v)) return fail('date.format');
    if (opts.notAfter && v > opts.notAfter) return fail('date.inFuture');
    if (opts.notBefore && v < opts.notBefore) return fail('date.tooEarly');
  });

export function isRealIsoDate(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

export const choice = <T extends readonly [string, ...string[]]>(options: T) =>
  z.enum(options, {
    errorMap: (issue) => ({ message: issue.code === 'invalid_type' ? 'required' : 'choice' }),
  });

/** Six-digit GB/T 2260 region code. */
export const regionCode = () => z.string(required).regex(/^\d{6}$/, 'region.format');

/** A radio pair answered 'yes' or 'no'. */
export const yesNo = () => choice(['yes', 'no'] as const);

/**
 * A single checkbox. Browsers send 'on' when it is ticked and nothing otherwise; stored answers
 * hold booleans. Both read as a boolean, so the schema parses form data and saved answers alike.
 */
export const flag = () =>
  z.preprocess((v) => v === true || v === 'on' || v === 'true' || v === 'yes', z.boolean());

/** An office code as seeded (e.g. 'bj-dongcheng'); whether it handles the item is checked on routing. */
export const officeCode = () =>
  z
    .string(required)
    .trim()
    .min(1, 'required')
    .regex(/^[a-z]{2}-[a-z0-9-]{1,40}$/, 'choice');

/** Vehicle identification number (GB 16735): 17 characters, never I, O or Q. */
export const vin = () =>
  z
    .string(required)
    .transform((v) => v.replace(/\s/g, '').toUpperCase())
    .refine((v) => /^[A-HJ-NPR-Z0-9]{17}$/.test(v), 'vin.format');
