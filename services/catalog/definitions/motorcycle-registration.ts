import { z } from 'zod';
import { defineService, type Answers, type DefinitionEnv } from '../types.js';
import { choice, flag, isoDate, regionCode, text, vin, yesNo } from '../../validation/zod.js';
import { addMonths, REASONS, str, yes } from './shared.js';
import { RESIDENCE_BASIS, residenceMaterial } from './vehicle-shared.js';

/**
 * Whether the motorcycle must pass a safety inspection before registration (机动车登记规定 art. 11):
 * always, unless it came through customs or its type is exempted by the product authority; and
 * even then when it is registered more than two years after leaving the factory (domestic) or
 * being imported, or had an accident before registration. "两年内" includes the day two years on
 * (art. 92: 以内 includes the number itself).
 */
export function needsSafetyInspection(a: Answers, env: DefinitionEnv): boolean {
  const imported = str(a, 'origin') === 'imported';
  const exemptType = imported || yes(a, 'exemptType');
  if (!exemptType) return true;
  if (yes(a, 'accidentBeforeRegistration')) return true;
  const since = str(a, 'manufactureDate');
  return /^\d{4}-\d{2}-\d{2}$/.test(since) && addMonths(since, 24) < env.today;
}

/**
 * 摩托车注册登记 — 机动车登记规定 arts. 10–15, 89; facts §2.3. There is no plate yet, so the plate
 * cannot route it: the owner registers at the vehicle office of their domicile (住所, art. 10),
 * which art. 89 (三)2 defines as the household registration, or for a mainland resident living
 * elsewhere the address of their residence permit — who then shows the permit with the ID card
 * (art. 89 (二)3; only a small non-operating passenger car's registration is exempt from it).
 * Issued within 二日, two working days (arts. 12, 92). Fees: plates 35 (motorcycle, since
 * 2020-01-01), 行驶证 10, 登记证书 10 (facts §2.3).
 */
export const motorcycleRegistration = defineService({
  code: 'motorcycle-registration',
  department: 'traffic',
  schema: (env) =>
    z.object({
      residenceBasis: choice(RESIDENCE_BASIS),
      residenceRegion: regionCode(),
      vin: vin(),
      brandModel: text(60),
      origin: choice(['domestic', 'imported'] as const),
      exemptType: yesNo(),
      manufactureDate: isoDate({ notAfter: env.today, notBefore: '1950-01-01' }),
      accidentBeforeRegistration: flag(),
      purchaseDate: isoDate({ notAfter: env.today, notBefore: '1950-01-01' }),
    }),
  fields: [
    { name: 'residenceBasis', kind: 'radio', options: RESIDENCE_BASIS },
    { name: 'residenceRegion', kind: 'region' },
    { name: 'vin', kind: 'text', autoComplete: 'off' },
    { name: 'brandModel', kind: 'text', autoComplete: 'off' },
    { name: 'origin', kind: 'radio', options: ['domestic', 'imported'] },
    { name: 'exemptType', kind: 'radio', options: ['no', 'yes'] },
    { name: 'manufactureDate', kind: 'date' },
    { name: 'accidentBeforeRegistration', kind: 'checkbox' },
    { name: 'purchaseDate', kind: 'date' },
  ],
  materials: [
    { code: 'idCard', required: 'always', deficiencyReasons: REASONS.idDocument },
    residenceMaterial(),
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
    {
      code: 'inspectionCertificate',
      required: { conditionKey: 'registrationInspection', when: needsSafetyInspection },
      deficiencyReasons: ['illegible', 'expired', 'mismatch', 'notOriginal'],
    },
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
  // The motorcycle is presented for checking (查验) once; dealers may register it at sale (art. 14).
  handling: { mode: 'online_then_visit', visits: 1 },
  crossProvince: false,
  jurisdiction: { kind: 'hukou', field: 'residenceRegion' },
  legalBasisKeys: ['vehicleRegistrationFirst', 'vehicleRegistrationResidence', 'roadTrafficRegs16'],
  noteKeys: ['dealerPlates', 'safetyInspection'],
  notes: (answers, env) => [...(needsSafetyInspection(answers, env) ? [{ key: 'safetyInspection' }] : []), { key: 'dealerPlates' }],
});
