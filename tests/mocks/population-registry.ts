import { http, HttpResponse } from 'msw';
import { MOCK_BASE_URLS } from '../../services/integrations/config.js';
import { CANCELLED_IDS, HOUSEHOLDS } from './data.js';
import type { Route } from './scenarios.js';

const base = MOCK_BASE_URLS.populationRegistry;

export const registryRoutes = {
  identityCheck: { method: 'post', url: `${base}/v1/identity-checks` },
  household: { method: 'post', url: `${base}/v1/household-lookups` },
} satisfies Record<string, Route>;

/**
 * The simulated registry. Identity: a seeded person matches only their own name; any other
 * well-formed ID number matches (the demo lets anyone sign up verified). Households: only
 * the seeded ones, so other people keep uploading their 户口簿.
 */
export const registryHandlers = [
  http.post(registryRoutes.identityCheck.url, async ({ request }) => {
    const body = (await request.json()) as { name?: string; idNumber?: string };
    const known = body.idNumber ? HOUSEHOLDS[body.idNumber] : undefined;
    return HttpResponse.json({
      match: known ? known.name === body.name : /^\d{17}[\dX]$/.test(body.idNumber ?? ''),
      cancelled: CANCELLED_IDS.has(body.idNumber ?? ''),
    });
  }),
  http.post(registryRoutes.household.url, async ({ request }) => {
    const body = (await request.json()) as { idNumber?: string };
    const h = HOUSEHOLDS[String(body.idNumber)];
    return h ? HttpResponse.json(h) : HttpResponse.json({ error: 'not_found' }, { status: 404 });
  }),
];
