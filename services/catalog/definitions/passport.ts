import { z } from 'zod';
import { defineService, REGISTERED_HUKOU_KEY, type Answers, type CommitmentEnv } from '../types.js';
import { choice, idNumber, officeCode, yesNo } from '../../validation/zod.js';
import { deliveryAnswers, deliveryFields, guardianMaterials, isUnder16, REASONS, str, yes } from './shared.js';

export const PASSPORT_APPLICATION_TYPES = ['first', 'renewal', 'replacement'] as const;

/**
 * Which committed limit applies: 7 working days where the office is in the province of the
 * applicant's household registration (NIA reform of 2018-09-01), 20 days elsewhere (跨省异地申请,
 * local guides quoting the NIA rule; facts §3.1). The registration region is the population
 * registry's (REGISTERED_HUKOU_KEY, written at submission); when the registry could not say, the
 * longer limit is promised, which the office can keep either way.
 */
export function passportCommitment(answers: Answers, env: CommitmentEnv): 'hukouProvince' | 'elsewhere' {
  const region = answers[REGISTERED_HUKOU_KEY];
  if (typeof region !== 'string' || !env.officeProvince) return 'elsewhere';
  return region.slice(0, 2) === env.officeProvince ? 'hukouProvince' : 'elsewhere';
}

const appType = (t: (typeof PASSPORT_APPLICATION_TYPES)[number]) => (a: Answers) => str(a, 'applicationType') === t;

/**
 * 普通护照 — 护照法 arts. 5–7, 13, 22; facts §3.1. 全国通办 since 2019-04-01: any exit-entry
 * window, chosen by the citizen.
 *
 * Limits: statutory 15 days, up to 30 in remote areas or special cases (护照法 art. 6). Committed:
 * 7 working days at the hukou place (NIA reform 2018-09-01); "跨省异地申请普通护照的签发时限为20日"
 * (local guides quoting the NIA rule, [2ND], facts §3.1) — 20 calendar days, within art. 6's 30.
 * Fee: 120 yuan (发改价格〔2019〕914号; 护照法 art. 22).
 * Whose passport: the applicant applies in person (护照法 art. 5 "由本人…申请"); a guardian for a
 * child under 16. So an adult's ID number must be the filer's own, and the exit-entry controls
 * run on the person typed, never on the account holder.
 */
export const passport = defineService({
  code: 'passport',
  department: 'exit_entry',
  schema: (env) =>
    z.object({
      idNumber: idNumber(env.today),
      officeCode: officeCode(),
      applicationType: choice(PASSPORT_APPLICATION_TYPES),
      stateFunctionary: yesNo(),
      ...deliveryAnswers(['pickup', 'mail'] as const),
    }),
  fields: [
    { name: 'idNumber', kind: 'idNumber', autoComplete: 'off' },
    { name: 'officeCode', kind: 'office' },
    { name: 'applicationType', kind: 'radio', options: PASSPORT_APPLICATION_TYPES },
    { name: 'stateFunctionary', kind: 'radio', options: ['no', 'yes'] },
    ...deliveryFields(['pickup', 'mail']),
  ],
  materials: [
    { code: 'idCard', required: 'always', requirementKey: 'requirements.idCardOrTemporary', deficiencyReasons: REASONS.idDocument },
    { code: 'photoReceipt', required: 'always', deficiencyReasons: REASONS.photo },
    ...guardianMaterials('idNumber'),
    {
      code: 'unitApproval',
      required: { conditionKey: 'stateFunctionary', when: (a) => yes(a, 'stateFunctionary') },
      deficiencyReasons: ['illegible', 'expired', 'unsigned', 'mismatch', 'notOriginal'],
    },
    {
      code: 'oldPassport',
      required: { conditionKey: 'passportRenewal', when: appType('renewal') },
      deficiencyReasons: ['mismatch', 'notOriginal', 'wrongDocument'],
    },
    {
      code: 'lossStatement',
      required: { conditionKey: 'passportReplacement', when: appType('replacement') },
      deficiencyReasons: REASONS.signedStatement,
    },
  ],
  timeLimits: {
    // 护照法 art. 6: 15 days, up to 30 in remote areas or special cases.
    statutory: { days: 15, unit: 'calendar', basisKey: 'passportLaw6' },
    // NIA reform of 2018-09-01: 7 working days.
    committedWorkingDays: 7,
  },
  commitments: {
    cases: [
      { key: 'hukouProvince', days: 7, unit: 'working', visits: 1, basisKey: 'exitEntryReform2018' },
      { key: 'elsewhere', days: 20, unit: 'calendar', visits: 1, basisKey: 'passportElsewhere' },
    ],
    pick: passportCommitment,
    readsRegisteredHukou: true,
  },
  subject: { kind: 'typed', idField: 'idNumber' },
  fee: {
    basisKey: 'passportFee2019',
    lines: () => [{ key: 'passport', amount: 120 }],
    guideLines: [{ key: 'passport', amount: 120 }],
  },
  // [ASSUMPTION] One visit for photo and fingerprints; the passport can be mailed.
  handling: { mode: 'online_then_visit', visits: 1 },
  crossProvince: true,
  jurisdiction: { kind: 'chosen', field: 'officeCode' },
  legalBasisKeys: ['passportLaw', 'exitEntryNationwide2019'],
  noteKeys: ['validity5', 'validity10'],
  // 护照法 art. 7: five years under 16, ten years from 16.
  notes: (answers, env) => [{ key: isUnder16(answers.idNumber, env.today) ? 'validity5' : 'validity10' }],
});
