import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { overrideDecisionSchema, overrideRequestSchema, overrideSchema } from '../../../services/review/schemas.js';

/** Reasons printed on an official notice count the letters and characters a reader sees, not UTF-16 units. */
describe('a written reason', () => {
  const schemas = [
    (reason: string) => overrideSchema.safeParse({ reason }),
    (reason: string) => overrideRequestSchema.safeParse({ leaseVersion: '1', reason }),
    (reason: string) => overrideDecisionSchema.safeParse({ requestId: '00000000-0000-4000-8000-000000000000', decision: 'approve', reason }),
  ];
  const noWords = fc.array(fc.constantFrom('😀', '👍🏽', ' ', '。', '!', '…', '—', '\n'), { minLength: 0, maxLength: 60 }).map((a) => a.join(''));
  it('is refused when it holds fewer than ten letters or characters, however long it is in emoji and punctuation', () => {
    fc.assert(
      fc.property(noWords, fc.integer({ min: 0, max: 9 }), (filler, n) => {
        const reason = `${filler}${'证'.repeat(n)}${filler}`;
        for (const parse of schemas) {
          const r = parse(reason);
          expect(r.success).toBe(false);
          // Blank is 'required' (the field's own check); anything else written is too short.
          if (!r.success && reason.trim() !== '') expect(JSON.stringify(r.error.issues)).toContain('review.overrideReasonShort');
        }
      }),
    );
  });
  it('is taken with ten characters of words, in Chinese or not', () => {
    for (const reason of ['申请人补交材料已核实无误', 'Applicant1 resubmitted', '材料齐全😀😀可以再次告知申请人']) {
      for (const parse of schemas) expect(parse(reason).success, reason).toBe(true);
    }
  });
});
