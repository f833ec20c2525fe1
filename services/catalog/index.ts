import { DomainError } from '../errors.js';
import type { Department, ServiceDefinition } from './types.js';
import { hukouMigration } from './definitions/hukou-migration.js';
import { householdCertificate } from './definitions/household-certificate.js';
import { birthRegistration } from './definitions/birth-registration.js';
import { firstIdCard } from './definitions/first-id-card.js';
import { temporaryIdCard } from './definitions/temporary-id-card.js';
import { inspectionMark } from './definitions/inspection-mark.js';
import { usedVehicleTransfer } from './definitions/used-vehicle-transfer.js';
import { motorcycleRegistration } from './definitions/motorcycle-registration.js';
import { passport } from './definitions/passport.js';
import { hkMacaoPermit } from './definitions/hk-macao-permit.js';
import { entryExitRecords } from './definitions/entry-exit-records.js';

/** Every catalog item, in the order the catalog lists them within a department. */
export const SERVICES: readonly ServiceDefinition[] = [
  hukouMigration,
  householdCertificate,
  birthRegistration,
  firstIdCard,
  temporaryIdCard,
  inspectionMark,
  usedVehicleTransfer,
  motorcycleRegistration,
  passport,
  hkMacaoPermit,
  entryExitRecords,
];

const byCode = new Map(SERVICES.map((s) => [s.code, s]));

export function findService(code: string): ServiceDefinition | undefined {
  return byCode.get(code);
}

/** Throws the localized 404 for an unknown code; the message does not repeat the code, which the visitor (or whoever sent the link) chose. */
export function getService(code: string): ServiceDefinition {
  const def = byCode.get(code);
  if (!def) throw new DomainError('service.notFound', 404);
  return def;
}

export function servicesByDepartment(): { department: Department; services: ServiceDefinition[] }[] {
  const order: Department[] = ['hukou', 'traffic', 'exit_entry'];
  return order.map((department) => ({ department, services: SERVICES.filter((s) => s.department === department) }));
}

export * from './types.js';
