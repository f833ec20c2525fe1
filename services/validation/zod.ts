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

/**
 * zod building blocks. Messages are i18n keys (namespace `validation`), so the same schema
 * gives localized field errors on the server and, through conform, in the browser.
 */
const required = { required_error: 'required', invalid_type_error: 'required' };

export const text = (max = 100) => z.string(required).trim().min(1, 'required').max(max, 'tooLong');
export const optionalText = (max = 500) => z.string().trim().max(max, 'tooLong').optional();

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
