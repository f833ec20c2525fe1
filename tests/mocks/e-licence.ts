import { http, HttpResponse } from 'msw';
import { MOCK_BASE_URLS } from '../../services/integrations/config.js';
import type { Route } from './scenarios.js';

export const eLicenceRoutes = {
  register: { method: 'post', url: `${MOCK_BASE_URLS.eLicence}/v1/licences` },
} satisfies Record<string, Route>;

/** What the simulated e-licence system registered, by idempotency key (the document's id). */
export const eLicenceLog = {
  registered: new Map<string, Record<string, unknown>>(),
  requests: 0,
  reset() {
    this.registered.clear();
    this.requests = 0;
  },
};

/** The simulated e-licence system: registers each document once; a repeat answers the same id as a duplicate. */
export const eLicenceHandlers = [
  http.post(eLicenceRoutes.register.url, async ({ request }) => {
    eLicenceLog.requests++;
    const key = request.headers.get('idempotency-key');
    if (!key) return HttpResponse.json({ error: 'idempotency_key_required' }, { status: 400 });
    const body = (await request.json()) as Record<string, unknown>;
    if (typeof body.documentNumber !== 'string' || typeof body.pdfSha256 !== 'string') return HttpResponse.json({ error: 'invalid' }, { status: 400 });
    const duplicate = eLicenceLog.registered.has(key);
    if (!duplicate) eLicenceLog.registered.set(key, body);
    return HttpResponse.json({ licenceId: `EL-${key.slice(0, 8)}`, duplicate });
  }),
];
