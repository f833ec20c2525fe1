import { z } from 'zod';
import { defineService } from '../types.js';
import { choice, isoDate, regionCode, text, vin } from '../../validation/zod.js';
import { REASONS, str } from './shared.js';

/**
 * 摩托车注册登记 — 机动车登记规定 arts. 10–15; facts §2.3. There is no plate yet, so the plate
 * prefix cannot route it: the owner registers at the vehicle office of his domicile (art. 10),
 * which for a resident is the household-registration place, hence the 'hukou' jurisdiction.
 */
export const motorcycleRegistration = defineService({
  code: 'motorcycle-registration',
  department: 'traffic',
  schema: (env) =>
    z.object({
      hukouRegion: regionCode(),
      vin: vin(),
      brandModel: text(60),
      origin: choice(['domestic', 'imported'] as const),
      purchaseDate: isoDate({ notAfter: env.today, notBefore: '1950-01-01' }),
    }),
  fields: [
    { name: 'hukouRegion', kind: 'region' },
    { name: 'vin', kind: 'text', autoComplete: 'off' },
    { name: 'brandModel', kind: 'text', autoComplete: 'off' },
    { name: 'origin', kind: 'radio', options: ['domestic', 'imported'] },
    { name: 'purchaseDate', kind: 'date' },
  ],
  materials: [
    { code: 'idCard', required: 'always', deficiencyReasons: REASONS.idDocument },
    { code: 'purchaseInvoice', required: 'always', deficiencyReasons: REASONS.certificate },
    {
      code: 'factoryCertificate',
      required: { conditionKey: 'domesticVehicle', when: (a) => str(a, 'origin') === 'domestic' },
      deficiencyReasons: REASONS.certificate,
    },
    {
      code: 'importCertificate',
      required: { conditionKey: 'importedVehicle', when: (a) => str(a, 'origin') === 'imported' },
      deficiencyReasons: REASONS.certificate,
    },
    { code: 'compulsoryInsurance', required: 'always', deficiencyReasons: REASONS.insurance },
    { code: 'purchaseTaxProof', required: 'always', deficiencyReasons: REASONS.certificate },
    { code: 'vehicleTaxProof', required: 'always', deficiencyReasons: REASONS.certificate },
  ],
  timeLimits: {
    statutory: { days: 2, unit: 'working', basisKey: 'vehicleRegistrationFirst' },
    committedWorkingDays: 2,
  },
  fee: {
    basisKey: 'vehicleFees',
    lines: () => [
      { key: 'plates', amount: 35 },
      { key: 'drivingLicense', amount: 10 },
      { key: 'registrationCertificate', amount: 10 },
    ],
    guideLines: [
      { key: 'plates', amount: 35 },
      { key: 'drivingLicense', amount: 10 },
      { key: 'registrationCertificate', amount: 10 },
    ],
  },
  // The motorcycle is presented for checking (查验) once; dealers may register it at sale.
  handling: { mode: 'online_then_visit', visits: 1 },
  crossProvince: false,
  jurisdiction: { kind: 'hukou', field: 'hukouRegion' },
  legalBasisKeys: ['vehicleRegistrationFirst', 'roadTrafficRegs16'],
  noteKeys: ['dealerPlates'],
  notes: () => [{ key: 'dealerPlates' }],
});
