import { z } from 'zod';
import { defineService, type Answers, type FeeLine } from '../types.js';
import { choice, hkMacaoPermitNumber, idNumber, officeCode, yesNo } from '../../validation/zod.js';
import { deliveryAnswers, deliveryFields, guardianMaterials, isUnder16, REASONS, str, yes } from './shared.js';

/** Endorsement types: 探亲, 商务, 团队旅游, 个人旅游, 逗留, 其他. */
export const ENDORSEMENT_TYPES = ['T', 'S', 'L', 'G', 'D', 'Q'] as const;
export type EndorsementType = (typeof ENDORSEMENT_TYPES)[number];

export const TRIP_OPTIONS = ['single', 'double', 'multiple1y', 'multiple2y', 'multiple3y', 'multiple3yPlus'] as const;
export type TripOption = (typeof TRIP_OPTIONS)[number];

/** 发改价格〔2017〕1186号: single 15, double 30, multiple ≤1 yr 80, 1–2 yrs 120, 2–3 yrs 160, ≥3 yrs 240. */
export const TRIP_FEES: Record<TripOption, number> = {
  single: 15,
  double: 30,
  multiple1y: 80,
  multiple2y: 120,
  multiple3y: 160,
  multiple3yPlus: 240,
};

/**
 * Which endorsements each type is issued as. [ASSUMPTION] from local guides: family visits and
 * business trips are single or one-year multiple; tours single or double; a stay (D) follows
 * the length of stay the Hong Kong or Macao authorities approved.
 */
export const ENDORSEMENT_TRIPS: Record<EndorsementType, readonly TripOption[]> = {
  T: ['single', 'multiple1y'],
  S: ['single', 'multiple1y'],
  L: ['single', 'double'],
  G: ['single', 'double'],
  D: ['multiple1y', 'multiple2y', 'multiple3y', 'multiple3yPlus'],
  Q: ['single', 'multiple1y'],
};

export const PERMIT_FEE = 60;

const tripFeeKey = (t: TripOption) => `endorsement${t[0].toUpperCase()}${t.slice(1)}`;

/** A new permit is made unless the applicant already holds a valid one (then only the endorsement). */
export function hkMacaoFeeLines(a: Answers): FeeLine[] {
  const lines: FeeLine[] = [];
  if (!yes(a, 'holdsValidPermit')) lines.push({ key: 'permit', amount: PERMIT_FEE });
  const trips = str(a, 'trips') as TripOption;
  if (trips in TRIP_FEES) lines.push({ key: tripFeeKey(trips), amount: TRIP_FEES[trips] });
  return lines;
}

const type = (t: EndorsementType) => (a: Answers) => str(a, 'endorsementType') === t;
const holds = (a: Answers) => yes(a, 'holdsValidPermit');

/**
 * 往来港澳通行证及签注 — 《中国公民因私事往来香港地区或者澳门地区的暂行管理办法》(1986);
 * facts §3.2. 全国通办: any exit-entry window, chosen by the citizen.
 *
 * Limits: statutory 60 days (1986 measures art. 11). Committed: a new permit 7 working days with
 * one visit for photo and fingerprints (NIA reform 2018-09-01); an endorsement alone on a valid
 * e-permit is issued on the spot at a self-service machine, 立等可取 (facts §3.2), so 0 working
 * days and no window visit — the due date of such a filing follows the same-day rule of
 * docs/decisions/0021. Fees: permit 60 (发改价格〔2019〕914号); endorsements 15/30/80/120/160/240
 * (发改价格〔2017〕1186号). Whose permit: as for the passport, the applicant's own; a guardian's
 * for a child under 16.
 */
export const hkMacaoPermit = defineService({
  code: 'hk-macao-permit',
  department: 'exit_entry',
  schema: (env) =>
    z
      .object({
        idNumber: idNumber(env.today),
        officeCode: officeCode(),
        holdsValidPermit: yesNo(),
        permitNumber: hkMacaoPermitNumber().optional(),
        endorsementType: choice(ENDORSEMENT_TYPES),
        trips: choice(TRIP_OPTIONS),
        stateFunctionary: yesNo(),
        ...deliveryAnswers(['pickup', 'mail'] as const),
      })
      .superRefine((v, ctx) => {
        if (v.holdsValidPermit === 'yes' && !v.permitNumber) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['permitNumber'], message: 'required' });
        }
        if (!ENDORSEMENT_TRIPS[v.endorsementType].includes(v.trips)) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['trips'], message: 'endorsement.tripsNotForType' });
        }
      }),
  fields: [
    { name: 'idNumber', kind: 'idNumber', autoComplete: 'off' },
    { name: 'officeCode', kind: 'office' },
    { name: 'holdsValidPermit', kind: 'radio', options: ['no', 'yes'] },
    { name: 'permitNumber', kind: 'hkMacaoPermitNumber', showWhen: { field: 'holdsValidPermit', in: ['yes'] }, autoComplete: 'off' },
    { name: 'endorsementType', kind: 'radio', options: ENDORSEMENT_TYPES },
    { name: 'trips', kind: 'radio', options: TRIP_OPTIONS },
    { name: 'stateFunctionary', kind: 'radio', options: ['no', 'yes'] },
    ...deliveryFields(['pickup', 'mail']),
  ],
  materials: [
    { code: 'idCard', required: 'always', requirementKey: 'requirements.idCardOrTemporary', deficiencyReasons: REASONS.idDocument },
    {
      code: 'photoReceipt',
      required: { conditionKey: 'newPermit', when: (a) => !holds(a) },
      deficiencyReasons: REASONS.photo,
    },
    {
      code: 'currentPermit',
      required: { conditionKey: 'holdsValidPermit', when: holds },
      deficiencyReasons: ['expired', 'mismatch', 'notOriginal', 'wrongDocument'],
    },
    ...guardianMaterials('idNumber'),
    {
      code: 'unitApproval',
      required: { conditionKey: 'stateFunctionary', when: (a) => yes(a, 'stateFunctionary') },
      deficiencyReasons: ['illegible', 'expired', 'unsigned', 'mismatch', 'notOriginal'],
    },
    {
      code: 'kinshipProof',
      required: { conditionKey: 'endorsementT', when: type('T') },
      requirementKey: 'requirements.kinshipProofHkMacao',
      deficiencyReasons: REASONS.certificate,
    },
    {
      code: 'relativeHkMacaoId',
      required: { conditionKey: 'endorsementT', when: type('T') },
      deficiencyReasons: REASONS.idDocument,
    },
    {
      code: 'businessProof',
      required: { conditionKey: 'endorsementS', when: type('S') },
      deficiencyReasons: ['illegible', 'expired', 'incomplete', 'unsigned', 'mismatch'],
    },
    {
      code: 'stayApproval',
      required: { conditionKey: 'endorsementD', when: type('D') },
      deficiencyReasons: ['illegible', 'expired', 'mismatch', 'notOriginal'],
    },
    {
      code: 'purposeProof',
      required: { conditionKey: 'endorsementQ', when: type('Q') },
      deficiencyReasons: ['illegible', 'incomplete', 'mismatch', 'wrongDocument'],
    },
  ],
  timeLimits: {
    // 1986 measures art. 11: a decision within 60 days (the statute has not been replaced).
    statutory: { days: 60, unit: 'calendar', basisKey: 'hkMacaoRules11' },
    // NIA reform of 2018-09-01: 7 working days at the household-registration place.
    committedWorkingDays: 7,
  },
  commitments: {
    cases: [
      { key: 'newPermit', days: 7, unit: 'working', visits: 1, basisKey: 'exitEntryReform2018' },
      { key: 'endorsementOnly', days: 0, unit: 'working', visits: 0, basisKey: 'selfServiceEndorsement' },
    ],
    pick: (a) => (holds(a) ? 'endorsementOnly' : 'newPermit'),
  },
  subject: { kind: 'typed', idField: 'idNumber' },
  fee: {
    basisKey: 'exitEntryFees',
    lines: (a) => hkMacaoFeeLines(a),
    fromAmount: TRIP_FEES.single,
    guideLines: [
      { key: 'permit', amount: PERMIT_FEE },
      ...TRIP_OPTIONS.map((t) => ({ key: tripFeeKey(t), amount: TRIP_FEES[t] })),
    ],
  },
  // [ASSUMPTION] One visit for a new permit's photo and fingerprints; renewals may use the machines.
  handling: { mode: 'online_then_visit', visits: 1 },
  crossProvince: true,
  jurisdiction: { kind: 'chosen', field: 'officeCode' },
  legalBasisKeys: ['hkMacaoRules', 'exitEntryNationwide2019'],
  noteKeys: ['selfService', 'permitValidity5', 'permitValidity10'],
  notes: (answers, env) => {
    if (answers.holdsValidPermit === 'yes') return [{ key: 'selfService' }];
    return [{ key: isUnder16(answers.idNumber, env.today) ? 'permitValidity5' : 'permitValidity10' }];
  },
});
