import { z } from 'zod';
import { isApplicationNumber } from '../validation/ids.js';
import { text } from '../validation/zod.js';

/** How many items one reassignment may carry: the board lists at most 200. */
export const REASSIGN_MAX = 200;

/**
 * One checked item of the board: "<application number>:<lease version the board showed>", so an
 * item that changed hands since is refused rather than taken from its new holder.
 */
const checkedItem = z.string({ invalid_type_error: 'choice', required_error: 'choice' }).transform((v, ctx) => {
  const m = /^([A-Z][A-Z0-9]{0,4}[A-Z]\d{14,27}):(\d{1,9})$/.exec(v);
  if (!m || !isApplicationNumber(m[1]) || Number(m[2]) > 2147483647) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'choice' });
    return z.NEVER;
  }
  return { number: m[1], leaseVersion: Number(m[2]) };
});

/** The board's one form: the items checked, whom to give them to (none: back to the queue), and why. */
export const reassignSchema = z.object({
  items: z
    .preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(checkedItem, { invalid_type_error: 'choice' }).max(REASSIGN_MAX, 'choice'))
    .refine((v) => v.length > 0, 'board.pickItems'),
  toClerkId: z.string({ invalid_type_error: 'review.transferClerkInvalid' }).uuid('review.transferClerkInvalid').optional(),
  reason: text(500, { multiline: true }),
});

export type ReassignInput = z.input<typeof reassignSchema>;
