import { http, HttpResponse } from 'msw';
import { MOCK_BASE_URLS } from '../../services/integrations/config.js';
import { CONTROL_HITS } from './data.js';
import type { Route } from './scenarios.js';

export const controlsRoutes = {
  check: { method: 'post', url: `${MOCK_BASE_URLS.exitEntryControls}/v1/control-checks` },
} satisfies Record<string, Route>;

/** The simulated controls: a hit for the seeded ID numbers only. */
export const controlsHandlers = [
  http.post(controlsRoutes.check.url, async ({ request }) => {
    const body = (await request.json()) as { idNumber?: string };
    const ref = CONTROL_HITS[body.idNumber ?? ''];
    return HttpResponse.json({ hit: !!ref, reference: ref ?? null });
  }),
];
