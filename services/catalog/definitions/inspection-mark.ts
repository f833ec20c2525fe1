import { z } from 'zod';
import { defineService, type Answers, type DefinitionEnv } from '../types.js';
import { choice, flag, isoDate, plate } from '../../validation/zod.js';
import { ageOn } from '../../validation/identifiers.js';
import { deliveryAnswers, deliveryFields, addMonths, REASONS, str, yes } from './shared.js';

export const VEHICLE_TYPES = ['smallPassenger', 'van', 'motorcycle', 'operatingPassenger', 'largePassenger', 'truck'] as const;
export type VehicleType = (typeof VEHICLE_TYPES)[number];

/** Circumstances that take a small passenger car out of the exemption (2020 and 2022 reforms). */
export const INSPECTION_EXCEPTIONS = [
  'injuryAccident',
  'illegalModification',
  'convertedFromOperating',
  'lateFirstRegistration',
] as const;
export type InspectionException = (typeof INSPECTION_EXCEPTIONS)[number];

export type InspectionDecision =
  | { mode: 'exempt'; year: number }
  | {
      mode: 'onSite';
      year: number;
      reason: 'vehicleType' | 'van' | 'motorcycle' | 'scheduledYear' | 'overTenYears' | InspectionException;
    };

/**
 * Whether a vehicle may claim the mark without testing (免检) or needs an on-site inspection,
 * under the 2022 reform (公安部等《关于深化机动车检验制度改革优化车检服务工作的意见》, in force
 * 2022-10-01; facts §2.1). `year` is the anniversary of first registration that the inspection
 * falls due on. Non-operating small/micro passenger cars of at most nine seats (not 面包车) are
 * exempt in years 2, 4 and 8, inspected on site in years 6 and 10 and every year after 10.
 * Motorcycles (every 2 years within 4, yearly after) always test on site. Everything else, and
 * any car with one of the listed exceptions, tests on site.
 */
export function inspectionDecision(
  vehicleType: VehicleType,
  year: number,
  exceptions: readonly InspectionException[] = [],
): InspectionDecision {
  if (vehicleType === 'motorcycle') return { mode: 'onSite', year, reason: 'motorcycle' };
  if (vehicleType === 'van') return { mode: 'onSite', year, reason: 'van' };
  if (vehicleType !== 'smallPassenger') return { mode: 'onSite', year, reason: 'vehicleType' };
  if (exceptions.length > 0) return { mode: 'onSite', year, reason: exceptions[0] };
  // [ASSUMPTION] Whether >15 years is yearly or half-yearly after 2022 is unconfirmed (facts §8.5);
  // either way it is on site, which is all this decision needs.
  if (year > 10) return { mode: 'onSite', year, reason: 'overTenYears' };
  // Within ten years the cycle is every two years; an odd year means the even-year inspection
  // before it is still outstanding, so that one decides.
  const cycleYear = Math.max(2, year - (year % 2));
  if (cycleYear === 6 || cycleYear === 10) return { mode: 'onSite', year: cycleYear, reason: 'scheduledYear' };
  return { mode: 'exempt', year: cycleYear };
}

/**
 * The anniversary an application made today is for: the mark may be claimed in the three months
 * before the inspection falls due (机动车登记规定 art. 54), so count to three months ahead.
 */
export function inspectionYear(registrationDate: string, today: string): number {
  return Math.max(1, ageOn(registrationDate, addMonths(today, 3)));
}

function exceptionsOf(a: Answers): InspectionException[] {
  return INSPECTION_EXCEPTIONS.filter((e) => yes(a, e));
}

export function decisionFor(a: Answers, env: DefinitionEnv): InspectionDecision | null {
  const type = str(a, 'vehicleType') as VehicleType;
  const registered = str(a, 'registrationDate');
  if (!(VEHICLE_TYPES as readonly string[]).includes(type) || !/^\d{4}-\d{2}-\d{2}$/.test(registered)) return null;
  return inspectionDecision(type, inspectionYear(registered, env.today), exceptionsOf(a));
}

const needsOnSite = (a: Answers, env: DefinitionEnv) => decisionFor(a, env)?.mode === 'onSite';

/** 机动车检验合格标志 — 机动车登记规定 arts. 54–57; 道路交通安全法实施条例 art. 16; facts §2.1. */
export const inspectionMark = defineService({
  code: 'inspection-mark',
  department: 'traffic',
  schema: (env) =>
    z.object({
      plate: plate(),
      vehicleType: choice(VEHICLE_TYPES),
      registrationDate: isoDate({ notAfter: env.today, notBefore: '1950-01-01' }),
      injuryAccident: flag(),
      illegalModification: flag(),
      convertedFromOperating: flag(),
      lateFirstRegistration: flag(),
      ...deliveryAnswers(['electronic', 'mail'] as const),
    }),
  fields: [
    { name: 'plate', kind: 'plate', autoComplete: 'off' },
    { name: 'vehicleType', kind: 'radio', options: VEHICLE_TYPES },
    { name: 'registrationDate', kind: 'date' },
    { name: 'injuryAccident', kind: 'checkbox' },
    { name: 'illegalModification', kind: 'checkbox' },
    { name: 'convertedFromOperating', kind: 'checkbox' },
    { name: 'lateFirstRegistration', kind: 'checkbox' },
    ...deliveryFields(['electronic', 'mail']),
  ],
  materials: [
    { code: 'drivingLicense', required: 'always', deficiencyReasons: REASONS.idDocument },
    { code: 'compulsoryInsurance', required: 'always', deficiencyReasons: REASONS.insurance },
    { code: 'vehicleTaxProof', required: 'always', deficiencyReasons: REASONS.certificate },
    {
      code: 'inspectionCertificate',
      required: { conditionKey: 'onSiteInspection', when: needsOnSite },
      deficiencyReasons: ['illegible', 'expired', 'mismatch', 'notOriginal'],
    },
  ],
  timeLimits: {
    statutory: { days: 1, unit: 'working', basisKey: 'vehicleRegistrationMark' },
    committedWorkingDays: 1,
  },
  // [ASSUMPTION] The mark is free (facts §2.1); the station's test fee is set locally and paid there.
  fee: { basisKey: null, lines: () => [], guideLines: [] },
  // Exempt cars claim the mark online; a test, where due, is at an inspection station, not at a
  // public-security office, so there is no visit to the office either way.
  handling: { mode: 'online', visits: 0 },
  crossProvince: false,
  jurisdiction: { kind: 'vehicle', field: 'plate' },
  legalBasisKeys: ['roadTrafficRegs16', 'vehicleRegistrationMark', 'inspectionReform2022'],
  noteKeys: [
    'exempt',
    'onSite.scheduledYear',
    'onSite.overTenYears',
    'onSite.van',
    'onSite.motorcycle',
    'onSite.vehicleType',
    'onSite.injuryAccident',
    'onSite.illegalModification',
    'onSite.convertedFromOperating',
    'onSite.lateFirstRegistration',
    'settleViolations',
  ],
  notes: (answers, env) => {
    const d = decisionFor(answers, env);
    const out: { key: string; params?: Record<string, string | number> }[] = [];
    if (d) out.push(d.mode === 'exempt' ? { key: 'exempt', params: { year: d.year } } : { key: `onSite.${d.reason}`, params: { year: d.year } });
    out.push({ key: 'settleViolations' });
    return out;
  },
});
