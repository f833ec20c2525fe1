import { z } from 'zod';
import { VEHICLE_TYPES } from '../catalog/definitions/inspection-mark.js';
import type { IntegrationsConfig } from './config.js';
import { callJson } from './http.js';

/** The motor-vehicle records system (机动车登记信息): owner, type, registration date, and what is unsettled. */

export const unsettledSchema = z.object({
  kind: z.enum(['violation', 'accident']),
  /** The records system's reference, shown to the citizen so they can settle it. */
  reference: z.string().min(1),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** Where it happened, as the records system words it. */
  place: z.string().default(''),
});
export type Unsettled = z.infer<typeof unsettledSchema>;

export const vehicleSchema = z.object({
  plate: z.string().min(1),
  owner: z.object({ name: z.string().min(1), idNumber: z.string().min(1) }),
  vehicleType: z.enum(VEHICLE_TYPES),
  registrationDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  unsettled: z.array(unsettledSchema),
});
export type VehicleRecord = z.infer<typeof vehicleSchema>;

/** The record for a plate, or null when no vehicle carries it. A read: retried on timeouts and 5xx. */
export async function vehicleByPlate(cfg: IntegrationsConfig, plate: string): Promise<VehicleRecord | null> {
  return callJson(
    'vehicleRecords',
    cfg.vehicleRecords,
    { method: 'GET', path: `/v1/vehicles/${encodeURIComponent(plate)}`, idempotent: true, notFoundStatuses: [404] },
    vehicleSchema,
  );
}
