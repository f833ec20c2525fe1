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

/** 'YYYY-MM-DD', a real date, optionally bounded by `today`. */
export const isoDate = (opts: { notAfter?: string; notBefore?: string } = {}) =>
  z
    .string(required)
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'date.format')
    .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), 'date.format')
    .refine((v) => !opts.notAfter || v <= opts.notAfter, 'date.inFuture')
    .refine((v) => !opts.notBefore || v >= opts.notBefore, 'date.tooEarly');

export const choice = <T extends readonly [string, ...string[]]>(options: T) =>
  z.enum(options, {
    errorMap: (issue) => ({ message: issue.code === 'invalid_type' ? 'required' : 'choice' }),
  });

/** Six-digit GB/T 2260 region code. */
export const regionCode = () => z.string(required).regex(/^\d{6}$/, 'region.format');
