import { z } from 'zod';

/** Hour-long visit slots within office hours (docs/decisions/0021, 0033): 09:00 … 16:00, China time. */
export const SLOT_TIMES = ['09:00', '10:00', '11:00', '12:00', '13:00', '14:00', '15:00', '16:00'] as const;
export type SlotTime = (typeof SLOT_TIMES)[number];

/** How often one booking may be moved to another slot. */
export const MAX_RESCHEDULES = 2;

const required = { errorMap: () => ({ message: 'appointment.dayRequired' }) };

/** The citizen's choice: a day offered and one of its times. Whether it is offered is the service's check. */
export const bookSchema = z.object({
  intent: z.literal('book', { errorMap: () => ({ message: 'badRequest' }) }),
  day: z.string(required).regex(/^\d{4}-\d{2}-\d{2}$/, 'appointment.dayRequired'),
  time: z.enum(SLOT_TIMES, { errorMap: () => ({ message: 'appointment.timeRequired' }) }),
});
export type BookInput = { day: string; time: string };

export const cancelSchema = z.object({
  intent: z.literal('cancel', { errorMap: () => ({ message: 'badRequest' }) }),
});

/** What the clerk records about a visit on or after its day. */
export const markSchema = z.object({
  id: z.string({ errorMap: () => ({ message: 'badRequest' }) }).uuid('badRequest'),
  outcome: z.enum(['kept', 'missed'], { errorMap: () => ({ message: 'appointment.outcomeRequired' }) }),
});
export type MarkInput = z.infer<typeof markSchema>;
