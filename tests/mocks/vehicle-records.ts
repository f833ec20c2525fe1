import { http, HttpResponse } from 'msw';
import { MOCK_BASE_URLS } from '../../services/integrations/config.js';
import { VEHICLES } from './data.js';
import type { VehicleRecord } from '../../services/integrations/vehicle-records.js';
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

/**
 * The seeded record of `plate` (and any overrides), registered to `owner` instead: tests file as
 * the registered owner without needing the seeded owner's ID number, which users hold once.
 */
export function vehicleOwnedBy(plate: string, owner: { realName: string; idNumber: string | null }, overrides: Partial<VehicleRecord> = {}) {
  return http.get(vehicleRoutes.byPlate.url, ({ params }) => {
    const asked = decodeURIComponent(String(params.plate));
    const v = VEHICLES[asked];
    if (asked !== plate || !v) return v ? HttpResponse.json(v) : HttpResponse.json({ error: 'not_found' }, { status: 404 });
    return HttpResponse.json({ ...v, ...overrides, owner: { name: owner.realName, idNumber: owner.idNumber ?? '' } });
  });
}
