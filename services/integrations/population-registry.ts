import { z } from 'zod';
import type { IntegrationsConfig } from './config.js';
import { callJson } from './http.js';

/**
 * The population registry (人口信息系统): confirms a name against an ID number and supplies
 * household facts. What it confirms, the portal does not ask the citizen to prove again
 * (国务院令第716号 art. 7; docs/decisions/0008).
 */

export const identityCheckSchema = z.object({
  /** Whether the name belongs to the ID number. */
  match: z.boolean(),
  /** The ID number is cancelled (e.g. the person is deceased or the number was replaced). */
  cancelled: z.boolean().default(false),
});
export type IdentityCheck = z.infer<typeof identityCheckSchema>;

export const householdSchema = z.object({
  idNumber: z.string().regex(/^\d{17}[\dX]$/),
  name: z.string().min(1),
  /** GB/T 2260 region of the household registration. */
  hukouRegion: z.string().regex(/^\d{6}$/),
  householdNumber: z.string().min(1),
  relationToHead: z.string().min(1),
  /** Whether the resident ID card on file is valid (issued and not expired or cancelled). */
  idCardValid: z.boolean(),
});
export type Household = z.infer<typeof householdSchema>;

/** A read: retried on timeouts and 5xx. */
export async function verifyIdentity(cfg: IntegrationsConfig, person: { name: string; idNumber: string }): Promise<IdentityCheck> {
  const out = await callJson(
    'populationRegistry',
    cfg.populationRegistry,
    { method: 'POST', path: '/v1/identity-checks', body: { name: person.name, idNumber: person.idNumber }, idempotent: true },
    identityCheckSchema,
  );
  // No not-found statuses were declared, so callJson never answers null here.
  return out!;
}

/**
 * The person's household record, or null when the registry holds none for this ID number. A read,
 * but a POST: the ID number travels in the body, never in a URL that proxies and access logs keep.
 */
export async function householdOf(cfg: IntegrationsConfig, idNumber: string): Promise<Household | null> {
  return callJson(
    'populationRegistry',
    cfg.populationRegistry,
    { method: 'POST', path: '/v1/household-lookups', body: { idNumber }, idempotent: true, notFoundStatuses: [404] },
    householdSchema,
  );
}
