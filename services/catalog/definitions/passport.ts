import { z } from 'zod';
import { defineService, type Answers } from '../types.js';
import { choice, idNumber, officeCode, yesNo } from '../../validation/zod.js';
import { deliveryAnswers, deliveryFields, guardianMaterials, isUnder16, REASONS, str, yes } from './shared.js';

export const PASSPORT_APPLICATION_TYPES = ['first', 'renewal', 'replacement'] as const;

const appType = (t: (typeof PASSPORT_APPLICATION_TYPES)[number]) => (a: Answers) => str(a, 'applicationType') === t;

/**
 * 普通护照 — 护照法 arts. 5–7, 13, 22; facts §3.1. 全国通办 since 2019-04-01: any exit-entry
 * window, chosen by the citizen.
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
