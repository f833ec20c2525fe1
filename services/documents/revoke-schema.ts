import { z } from 'zod';
import { text } from '../validation/zod.js';

/**
 * The manager's revocation form (decision 0034). Apart from seal.ts, which signs with node:crypto,
 * so the page can validate in the browser without taking the server module along.
 */
export const revokeSchema = z.object({
  reason: text(500, { multiline: true }).pipe(z.string().min(4, 'verify.revoke.reasonShort')),
});
