import { z } from 'zod';
import { defineService } from '../types.js';
import { idNumber, regionCode } from '../../validation/zod.js';
import { ageOn, birthDateFromId } from '../../validation/identifiers.js';
import { deliveryAnswers, deliveryFields, guardianMaterials, REASONS } from './shared.js';

/** Validity by age on application (居民身份证法 art. 5): years, or null for long-term. */
export function idCardValidityYears(age: number): number | null {
  if (age < 16) return 5;
  if (age <= 25) return 10;
  if (age <= 45) return 20;
  return null;
}

/**
 * 首次申领居民身份证 — 居民身份证法 arts. 2, 7, 10, 12; facts §1.4. Photo and fingerprints are
 * captured at the station, hence one visit. Under 16 the guardian applies for the child.
 */
export const firstIdCard = defineService({
  code: 'first-id-card',
  department: 'hukou',
  schema: (env) =>
    z.object({
      hukouRegion: regionCode(),
      idNumber: idNumber(env.today),
      ...deliveryAnswers(['pickup', 'mail'] as const),
    }),
  fields: [
    { name: 'hukouRegion', kind: 'region' },
    { name: 'idNumber', kind: 'idNumber', autoComplete: 'off' },
    ...deliveryFields(['pickup', 'mail']),
  ],
  materials: [
    { code: 'hukouBook', required: 'always', deficiencyReasons: REASONS.certificate, sharedFact: 'householdRegister' },
    ...guardianMaterials('idNumber'),
  ],
  timeLimits: {
    // Law art. 12 allows 60 days (+30 in remote areas); the MPS norm of 2021 (公通字〔2021〕12号
    // art. 80) commits the police station to 45 (+30), and that is the limit a citizen can hold it
    // to, so the guide shows 45 with its article (the law's 60 stays in the legal basis).
    statutory: { days: 45, unit: 'calendar', basisKey: 'mpsHukouNorms2021IdCard80' },
    // [2ND] Beijing commits 10 working days in urban districts.
    committedWorkingDays: 10,
  },
  // Free since 2018-04-01 for every first application; the basis explains why.
  fee: { basisKey: 'idCardFirstFree2018', lines: () => [], guideLines: [] },
  handling: { mode: 'online_then_visit', visits: 1 },
  // 首次申领 is 跨省通办 nationwide (MPS press conference 2024-05-27; pilots from 2021, facts §1.4).
  crossProvince: true,
  jurisdiction: { kind: 'hukou', field: 'hukouRegion' },
  // Under 16 the guardian applies (居民身份证法 art. 10); anyone older applies for themselves.
  subject: { kind: 'typed', idField: 'idNumber' },
  legalBasisKeys: ['idCardLaw', 'mpsHukouNorms2021IdCard'],
  noteKeys: ['validityYears', 'validityLongTerm', 'mustApplyAt16'],
  notes: (answers, env) => {
    const birth = birthDateFromId(answers.idNumber);
    if (!birth) return [];
    const age = ageOn(birth, env.today);
    const years = idCardValidityYears(age);
    const out: { key: string; params?: Record<string, string | number> }[] = [
      years === null ? { key: 'validityLongTerm' } : { key: 'validityYears', params: { years } },
    ];
    if (age >= 16) out.push({ key: 'mustApplyAt16' });
    return out;
  },
});
