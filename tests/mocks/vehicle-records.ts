import { http, HttpResponse } from 'msw';
import { MOCK_BASE_URLS } from '../../services/integrations/config.js';
import { VEHICLES } from './data.js';
import type { Route } from './scenarios.js';

export const vehicleRoutes = {
  byPlate: { method: 'get', url: `${MOCK_BASE_URLS.vehicleRecords}/v1/vehicles/:plate` },
} satisfies Record<string, Route>;

/** The simulated vehicle records: the seeded plates; any other plate is not registered. */
export const vehicleHandlers = [
  http.get(vehicleRoutes.byPlate.url, ({ params }) => {
    const v = VEHICLES[decodeURIComponent(String(params.plate))];
    return v ? HttpResponse.json(v) : HttpResponse.json({ error: 'not_found' }, { status: 404 });
  }),
];
