import { z } from 'zod';
import { CARRIERS } from '../review/schemas.js';
import { FORBIDDEN_CHARACTERS_MESSAGE, forbiddenCharacter } from '../validation/text.js';

/** The clerk's fallback when the courier refused: the carrier and waybill of a parcel sent otherwise. */
export const manualWaybillSchema = z
  .object({
    carrier: z.string().nullish(),
    waybill: z.string().nullish(),
  })
  .transform((v, ctx) => {
    const carrier = z.enum(CARRIERS, { errorMap: (i) => ({ message: i.code === 'invalid_type' ? 'required' : 'choice' }) }).safeParse(v.carrier || undefined);
    const waybill = (v.waybill ?? '').trim().toUpperCase();
    if (!carrier.success) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['carrier'], message: carrier.error.issues[0].message });
    // Typed by a person: an invisible character gets the one free-text message, before the format's.
    if (forbiddenCharacter(v.waybill ?? '') !== null) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['waybill'], message: FORBIDDEN_CHARACTERS_MESSAGE });
    else if (!waybill) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['waybill'], message: 'required' });
    else if (!/^[A-Z0-9]{8,30}$/.test(waybill)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['waybill'], message: 'waybill.format' });
    if (!carrier.success || !/^[A-Z0-9]{8,30}$/.test(waybill)) return z.NEVER;
    return { carrier: carrier.data, waybill };
  });
export type ManualWaybillInput = z.input<typeof manualWaybillSchema>;

/** Booking the parcel again takes nothing but the intent. */
export const shipmentRetrySchema = z.object({});
