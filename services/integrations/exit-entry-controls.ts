import { z } from 'zod';
import type { IntegrationsConfig } from './config.js';
import { callJson } from './http.js';

/**
 * Exit-entry controls (出入境管控): whether documents may be issued to a person. The answer is
 * deliberately thin — a hit and a reference, never the reason — because the portal only routes
 * the application to a manual check; a clerk with access looks the reference up.
 */
export const controlCheckSchema = z.object({
  hit: z.boolean(),
  reference: z.string().nullable().default(null),
});
export type ControlCheck = z.infer<typeof controlCheckSchema>;

/** A read despite the POST (the ID number stays out of URLs and logs): retried on timeouts and 5xx. */
export async function checkControls(cfg: IntegrationsConfig, person: { name: string; idNumber: string }): Promise<ControlCheck> {
  const out = await callJson(
    'exitEntryControls',
    cfg.exitEntryControls,
    { method: 'POST', path: '/v1/control-checks', body: { name: person.name, idNumber: person.idNumber }, idempotent: true },
    controlCheckSchema,
  );
  return out!;
}
