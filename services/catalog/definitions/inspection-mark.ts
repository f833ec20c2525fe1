import { z } from 'zod';
import { defineService, type Answers, type DefinitionEnv } from '../types.js';
import { choice, flag, idNumber, isoDate, optionalText, plate } from '../../validation/zod.js';
import { ageOn } from '../../validation/identifiers.js';
import { addMonths, deliveryAnswers, deliveryFields, REASONS, str, yes } from './shared.js';
import { agentMaterials, correctionNotes, FILING_AS, requireOwnerWhenAgent } from './vehicle-shared.js';

export const VEHICLE_TYPES = ['smallPassenger', 'van', 'motorcycle', 'operatingPassenger', 'largePassenger', 'truck'] as const;
export type VehicleType = (typeof VEHICLE_TYPES)[number];

/**
 * Circumstances that take a vehicle out of the exemption. The MPS announcement of the 2022 reform
 * (公安部交通管理局, 2022-09-09) names two: 发生伤亡交通事故 and 非法改装被依法处罚 ("仍按原规定周期检验").
 * [UNVERIFIED] The other two come from the 2014/2020 practice as a secondary calculator encodes it;
 * the opinion's own text could not be read here (docs/catalog-sources.md). They are kept because
 * they only ever ask for a test, never let a vehicle skip one.
 */
export const INSPECTION_EXCEPTIONS = [
  'injuryAccident',
  'illegalModification',
  'convertedFromOperating',
  'lateFirstRegistration',
] as const;
export type InspectionException = (typeof INSPECTION_EXCEPTIONS)[number];

/** The vehicles the 2022 reform covers: non-operating small/micro passenger cars of ≤ 9 seats (not 面包车) and motorcycles. */
export const REFORM_TYPES: readonly VehicleType[] = ['smallPassenger', 'motorcycle'];

export type InspectionDecision =
  | { mode: 'exempt'; year: number }
  | {
      mode: 'onSite';
      year: number;
      reason: 'vehicleType' | 'van' | 'scheduledYear' | 'overTenYears' | InspectionException;
    };

/**
 * Whether a vehicle may claim the mark without testing (免检) or needs an on-site inspection.
 * `year` is the anniversary of first registration that the inspection falls due on.
 *
 * 公安部、市场监管总局、生态环境部、交通运输部《关于深化机动车检验制度改革优化车检服务工作的意见》,
 * in force 2022-10-01, as announced by the MPS: non-operating small/micro passenger cars (≤ 9
 * seats, 面包车 excluded) go from three on-site tests within ten years (years 6, 8, 10) to two
 * (years 6 and 10), and from half-yearly after 15 years to yearly; **motorcycles** go from five
 * on-site tests within ten years (yearly in years 6–10) to two (years 6 and 10), and yearly after
 * 10. Within ten years both claim the mark every two years without a test (years 2, 4, 8).
 * This replaces 道路交通安全法实施条例 art. 16 (4) for motorcycles ("every 2 years within 4, then
 * yearly") and art. 16 (3)'s half-yearly rule after 15 years. Everything else, vans and any
 * vehicle with one of the exceptions test on site on their statutory cycle.
 */
export function inspectionDecision(
  vehicleType: VehicleType,
  year: number,
  exceptions: readonly InspectionException[] = [],
): InspectionDecision {
  if (vehicleType === 'van') return { mode: 'onSite', year, reason: 'van' };
  if (!REFORM_TYPES.includes(vehicleType)) return { mode: 'onSite', year, reason: 'vehicleType' };
  if (exceptions.length > 0) return { mode: 'onSite', year, reason: exceptions[0] };
  // After ten years: on site every year, also after 15 (the reform ended the half-yearly test).
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

/**
 * 机动车检验合格标志 — 机动车登记规定 arts. 54–57 (54: within three months before the validity ends,
 * violations and accidents settled first, issued within one working day; 55: exempt vehicles show
 * the owner's ID or 行驶证, 交强险 and 车船税 proof; 56: the electronic mark counts as the paper one);
 * art. 86 for an agent; 道路交通安全法实施条例 art. 16 and the 2022 reform for the cycle (above).
 * The vehicle records decide the type and registration date and the owner (services/integrations/
 * submission-checks.ts): only the registered owner, or an agent naming them, may file.
 */
export const inspectionMark = defineService({
  code: 'inspection-mark',
  department: 'traffic',
  schema: (env) =>
    z.object({
      plate: plate(),
      filingAs: choice(FILING_AS),
      ownerName: optionalText(50),
      ownerIdNumber: idNumber(env.today).optional(),
      vehicleType: choice(VEHICLE_TYPES),
      registrationDate: isoDate({ notAfter: env.today, notBefore: '1950-01-01' }),
      injuryAccident: flag(),
      illegalModification: flag(),
      convertedFromOperating: flag(),
      lateFirstRegistration: flag(),
      ...deliveryAnswers(['electronic', 'mail'] as const),
    })
    .superRefine(requireOwnerWhenAgent),
  fields: [
    { name: 'plate', kind: 'plate', autoComplete: 'off' },
    { name: 'filingAs', kind: 'radio', options: FILING_AS },
    { name: 'ownerName', kind: 'text', showWhen: { field: 'filingAs', in: ['agent'] }, autoComplete: 'off' },
    { name: 'ownerIdNumber', kind: 'idNumber', showWhen: { field: 'filingAs', in: ['agent'] }, autoComplete: 'off' },
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
    ...agentMaterials(),
  ],
  timeLimits: {
    // Arts. 54 and 55: 一日, a working day (art. 92).
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
  legalBasisKeys: ['roadTrafficRegs16', 'vehicleRegistrationMark', 'inspectionReform2022', 'vehicleRegistrationAgent'],
  noteKeys: [
    'exempt',
    'onSite.scheduledYear',
    'onSite.overTenYears',
    'onSite.van',
    'onSite.vehicleType',
    'onSite.injuryAccident',
    'onSite.illegalModification',
    'onSite.convertedFromOperating',
    'onSite.lateFirstRegistration',
    'settleViolations',
    'corrected.vehicleType',
    'corrected.registrationDate',
  ],
  notes: (answers, env) => {
    const d = decisionFor(answers, env);
    const out: { key: string; params?: Record<string, string | number> }[] = [];
    if (d) out.push(d.mode === 'exempt' ? { key: 'exempt', params: { year: d.year } } : { key: `onSite.${d.reason}`, params: { year: d.year } });
    out.push({ key: 'settleViolations' });
    return [...correctionNotes(answers), ...out];
  },
});
