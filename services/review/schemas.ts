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

/**
 * One checklist item in the one judging form: a verdict left blank leaves the item as it stands
 * (a clerk may judge part now and the rest later); anything chosen is checked as a lone verdict is.
 */
export const judgedItemSchema = z
  .object({
    materialCode: listCode(60),
    verdict: z.enum(VERDICTS, { errorMap: () => ({ message: 'choice' }) }).optional(),
    reasonCode: listCode(60).optional(),
    note: optionalText(500, MULTILINE),
  })
  .superRefine((v, ctx) => {
    if (v.verdict === 'deficient' && !v.reasonCode) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['reasonCode'], message: 'review.reasonRequired' });
    }
  });

/** Every material of the application in one submit (a checklist is far shorter than 60 items). */
export const judgeSchema = z.object({
  leaseVersion,
  items: z.array(judgedItemSchema, { errorMap: () => ({ message: 'required' }) }).min(1, 'required').max(60, 'choice'),
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

/** Carriers a completion by post may name (desk:complete.carriers.<code>): China Post EMS, SF Express, JD Logistics. */
export const CARRIERS = ['ems', 'sf', 'jd'] as const;
export const COMPLETION_DELIVERIES = ['pickup', 'mail', 'electronic'] as const;

/**
 * 办结. By post the courier is booked after the completion (decision 0035): the clerk types no
 * waybill; a carrier or waybill posted anyway is dropped. Whether 'electronic' is open to this item
 * is the service's check (it needs the catalog definition).
 */
export const completeSchema = z
  .object({
    leaseVersion,
    documentNumber: text(40),
    delivery: z.enum(COMPLETION_DELIVERIES, { errorMap: () => ({ message: 'choice' }) }),
    /** Before decision 0035 the clerk typed these; a form from then still posts them, and they are dropped. */
    carrier: z.unknown().optional(),
    waybill: z.unknown().optional(),
  })
  .transform(({ carrier: _carrier, waybill: _waybill, ...v }) => ({ ...v, carrier: null, waybill: null }));

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

/**
 * A reason printed on an official notice: at least ten letters or characters of words (\p{L},
 * \p{N}), counted as a reader counts them. `.min(10)` counted UTF-16 units: five emoji passed and
 * were printed as the approval reason of a second notice.
 */
const writtenReason = () =>
  text(500, MULTILINE).pipe(z.string().refine((v) => (v.match(/[\p{L}\p{N}]/gu)?.length ?? 0) >= 10, 'review.overrideReasonShort'));

export const overrideSchema = z.object({ reason: writtenReason() });

/** A clerk asks the office manager for an override of the one-time rule; why, in writing. */
export const overrideRequestSchema = z.object({ leaseVersion, reason: writtenReason() });

export const OVERRIDE_DECISIONS = ['approve', 'refuse'] as const;

/** The manager's answer to one request: approve or refuse, with a reason either way (audited; an approval's is printed on the notice). */
export const overrideDecisionSchema = z.object({
  requestId: z.string({ required_error: 'required', invalid_type_error: 'required' }).uuid('choice'),
  decision: z.enum(OVERRIDE_DECISIONS, { errorMap: () => ({ message: 'choice' }) }),
  reason: writtenReason(),
});

export type VerdictInput = z.infer<typeof verdictSchema>;
export type JudgeInput = z.infer<typeof judgeSchema>;
export type NotAcceptInput = z.infer<typeof notAcceptSchema>;
export type RefuseInput = z.infer<typeof refuseSchema>;
export type CompleteInput = z.input<typeof completeSchema>;
