import { z } from 'zod';
import { defineService, type Answers, type DefinitionEnv } from '../types.js';
import { choice, isoDate, regionCode, text, yesNo } from '../../validation/zod.js';
import { addMonths, REASONS, str, yes } from './shared.js';

const married = (a: Answers) => yes(a, 'parentsMarried');
const unmarried = (a: Answers) => str(a, 'parentsMarried') === 'no';

/** Registration is due within one month of birth (户口登记条例 art. 7). */
export function isLateBirthRegistration(birthDate: string, today: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(birthDate) && addMonths(birthDate, 1) < today;
}
const late = (a: Answers, env: DefinitionEnv) => isLateBirthRegistration(str(a, 'childBirthDate'), env.today);

/** 出生登记 — 户口登记条例 art. 7; 公通字〔2021〕12号 art. 20; facts §1.3. */
export const birthRegistration = defineService({
  code: 'birth-registration',
  department: 'hukou',
  schema: (env) =>
    z.object({
      hukouRegion: regionCode(),
      childName: text(50),
      childSex: choice(['male', 'female'] as const),
      childBirthDate: isoDate({ notAfter: env.today }),
      registeredWith: choice(['father', 'mother'] as const),
      parentsMarried: yesNo(),
    }),
  fields: [
    { name: 'hukouRegion', kind: 'region' },
    { name: 'childName', kind: 'text', autoComplete: 'off' },
    { name: 'childSex', kind: 'radio', options: ['male', 'female'] },
    { name: 'childBirthDate', kind: 'date' },
    { name: 'registeredWith', kind: 'radio', options: ['father', 'mother'] },
    { name: 'parentsMarried', kind: 'radio', options: ['yes', 'no'] },
  ],
  materials: [
    { code: 'birthMedicalCertificate', required: 'always', deficiencyReasons: REASONS.certificate },
    {
      code: 'hukouBook',
      required: 'always',
      requirementKey: 'requirements.parentHukouBook',
      deficiencyReasons: REASONS.certificate,
    },
    { code: 'marriageCertificate', required: { conditionKey: 'parentsMarried', when: married }, deficiencyReasons: REASONS.certificate },
    {
      code: 'nonMaritalBirthStatement',
      required: { conditionKey: 'parentsUnmarried', when: unmarried },
      deficiencyReasons: REASONS.signedStatement,
    },
    {
      // Only a child born outside marriage registered with the father needs the test (art. 20).
      code: 'paternityTestCertificate',
      required: {
        conditionKey: 'unmarriedFatherRegistration',
        when: (a) => unmarried(a) && str(a, 'registeredWith') === 'father',
      },
      deficiencyReasons: REASONS.certificate,
    },
    {
      // [2ND] Late registration after a month needs a written explanation (facts §1.3).
      code: 'lateRegistrationStatement',
      required: { conditionKey: 'lateBirthRegistration', when: late },
      deficiencyReasons: REASONS.signedStatement,
    },
  ],
  timeLimits: {
    statutory: null,
    // [ASSUMPTION] 即办件 when the materials are complete (facts §8.2).
    committedWorkingDays: 0,
  },
  // [ASSUMPTION] No fee (facts §1.3).
  fee: { basisKey: null, lines: () => [], guideLines: [] },
  // [ASSUMPTION] Filed online; one visit to have the child entered in the 户口簿.
  handling: { mode: 'online_then_visit', visits: 1 },
  // 新生儿入户 跨省通办: announced as a pilot in 2021; the MPS said on 2024-05-27 it is "稳步扩大
  // 实施范围" (being extended), not yet everywhere — the guide says so (services.*.place); the
  // station of the parent's registration place still registers the child (jurisdiction below).
  crossProvince: true,
  jurisdiction: { kind: 'hukou', field: 'hukouRegion' },
  legalBasisKeys: ['hukouRegulations', 'mpsHukouNorms2021Birth'],
  priority: 3,
  noteKeys: ['lateRegistration'],
  notes: (answers, env) =>
    isLateBirthRegistration(answers.childBirthDate, env.today)
      ? [{ key: 'lateRegistration', params: { deadline: addMonths(answers.childBirthDate, 1) } }]
      : [],
});
