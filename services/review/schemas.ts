import { z } from 'zod';
import { int32, listCode, optionalText, text } from '../validation/zod.js';

/**
 * Desk forms. Messages are i18n keys under `validation:`. Every decision form carries the lease
 * version it was rendered with, so a form from a lost lease is refused.
 */
const leaseVersion = int32({ min: 0 });

/** Notes and reasons are textareas: line breaks are allowed in them, nothing else invisible. */
const MULTILINE = { multiline: true } as const;

export const VERDICTS = ['ok', 'missing', 'deficient'] as const;

export const verdictSchema = z
  .object({
    leaseVersion,
    materialCode: listCode(60),
    verdict: z.enum(VERDICTS, { errorMap: () => ({ message: 'choice' }) }),
    reasonCode: listCode(60).optional(),
    note: optionalText(500, MULTILINE),
  })
  .superRefine((v, ctx) => {
    if (v.verdict === 'deficient' && !v.reasonCode) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['reasonCode'], message: 'review.reasonRequired' });
    }
  });

export const leaseOnlySchema = z.object({ leaseVersion });

/** 不予受理 reasons; the basis follows from the reason (art. 32(1) of the Licensing Law). */
export const NOT_ACCEPTED_REASONS = ['outsideJurisdiction', 'noLicenceNeeded', 'notOurMatter'] as const;
export const NOT_ACCEPTED_BASIS: Record<(typeof NOT_ACCEPTED_REASONS)[number], string> = {
  outsideJurisdiction: 'desk:basis.licensingLaw32_1_2',
  noLicenceNeeded: 'desk:basis.licensingLaw32_1_1',
  notOurMatter: 'desk:basis.licensingLaw32_1_2',
};

export const notAcceptSchema = z
  .object({
    leaseVersion,
    reasonCode: z.enum(NOT_ACCEPTED_REASONS, { errorMap: () => ({ message: 'choice' }) }),
    redirectOfficeCode: listCode(60).optional(),
    note: text(500, MULTILINE),
  })
  .superRefine((v, ctx) => {
    if (v.reasonCode === 'outsideJurisdiction' && !v.redirectOfficeCode) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['redirectOfficeCode'], message: 'review.redirectRequired' });
    }
  });

/** 不予许可 reasons; the basis is one of the service's own legal bases (catalog). */
export const REFUSAL_REASONS = ['conditionsNotMet', 'falseMaterials', 'statutoryBar'] as const;

export const refuseSchema = z.object({
  leaseVersion,
  reasonCode: z.enum(REFUSAL_REASONS, { errorMap: () => ({ message: 'choice' }) }),
  legalBasisKey: listCode(80),
  note: text(500, MULTILINE),
});

export const completeSchema = z.object({
  leaseVersion,
  documentNumber: text(40),
  delivery: z.enum(['pickup', 'mail'], { errorMap: () => ({ message: 'choice' }) }),
});

export const transferSchema = z
  .object({
    leaseVersion,
    toClerkId: z.string({ invalid_type_error: 'review.transferTarget' }).uuid('review.transferTarget').optional(),
    toOfficeCode: listCode(60).optional(),
    reason: text(500, MULTILINE),
  })
  .superRefine((v, ctx) => {
    if (!v.toClerkId === !v.toOfficeCode) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['toClerkId'], message: 'review.transferTarget' });
    }
  });

export const overrideSchema = z.object({ reason: text(500, MULTILINE).pipe(z.string().min(10, 'review.overrideReasonShort')) });

export type VerdictInput = z.infer<typeof verdictSchema>;
export type NotAcceptInput = z.infer<typeof notAcceptSchema>;
export type RefuseInput = z.infer<typeof refuseSchema>;
export type CompleteInput = z.infer<typeof completeSchema>;
