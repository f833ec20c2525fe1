import { z } from 'zod';
import { defineService, type Answers } from '../types.js';
import { choice, int32, officeCode, text } from '../../validation/zod.js';
import { REASONS, str } from './shared.js';

/** The five categories that are 跨省通办 since 2021-12-01 (facts §1.1). */
export const MIGRATION_CATEGORIES = [
  'jobTransfer',
  'admittedStudent',
  'graduate',
  'joinSpouse',
  'parentsJoinChildren',
] as const;
export type MigrationCategory = (typeof MIGRATION_CATEGORIES)[number];

const category = (...cs: MigrationCategory[]) => (a: Answers) => (cs as string[]).includes(str(a, 'category'));

/**
 * 户口迁移（跨省通办）— 公通字〔2021〕12号 arts. 39–45; facts §1.1. The citizen applies once, at the
 * destination office; that office sends the approval to the origin, which verifies within five
 * working days. The category decides the proof of the reason for moving.
 */
export const hukouMigration = defineService({
  code: 'hukou-migration',
  department: 'hukou',
  schema: () =>
    z.object({
      category: choice(MIGRATION_CATEGORIES),
      officeCode: officeCode(),
      originAddress: text(200),
      destinationAddress: text(200),
      movers: int32({ min: 1, max: 10, message: 'choice' }),
    }),
  fields: [
    { name: 'category', kind: 'radio', options: MIGRATION_CATEGORIES },
    { name: 'officeCode', kind: 'office' },
    { name: 'originAddress', kind: 'text', autoComplete: 'off' },
    { name: 'destinationAddress', kind: 'text', autoComplete: 'street-address' },
    { name: 'movers', kind: 'select', options: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'] },
  ],
  materials: [
    { code: 'hukouBook', required: 'always', deficiencyReasons: REASONS.certificate },
    { code: 'idCard', required: 'always', deficiencyReasons: REASONS.idDocument },
    { code: 'residenceProof', required: 'always', deficiencyReasons: REASONS.certificate },
    {
      code: 'jobTransferProof',
      required: { conditionKey: 'migrationJobTransfer', when: category('jobTransfer') },
      deficiencyReasons: ['illegible', 'incomplete', 'unsigned', 'mismatch', 'notOriginal'],
    },
    {
      code: 'admissionNotice',
      required: { conditionKey: 'migrationAdmittedStudent', when: category('admittedStudent') },
      deficiencyReasons: REASONS.certificate,
    },
    {
      code: 'graduationCertificate',
      required: { conditionKey: 'migrationGraduate', when: category('graduate') },
      deficiencyReasons: REASONS.certificate,
    },
    {
      code: 'employmentAgreement',
      required: { conditionKey: 'migrationGraduate', when: category('graduate') },
      deficiencyReasons: ['illegible', 'incomplete', 'unsigned', 'mismatch', 'expired'],
    },
    {
      code: 'marriageCertificate',
      required: { conditionKey: 'migrationJoinSpouse', when: category('joinSpouse') },
      deficiencyReasons: REASONS.certificate,
    },
    {
      code: 'kinshipProof',
      required: { conditionKey: 'migrationParentsJoinChildren', when: category('parentsJoinChildren') },
      deficiencyReasons: REASONS.certificate,
    },
  ],
  timeLimits: {
    // No national statutory limit; the national procedure gives the origin 5 working days to verify.
    statutory: null,
    // [ASSUMPTION] 5 working days for the destination's approval + 5 for the origin's verification.
    committedWorkingDays: 10,
  },
  // [ASSUMPTION] Migration itself is not a charged item (facts §8.1).
  fee: { basisKey: null, lines: () => [], guideLines: [] },
  // [NEWS + ASSUMPTION] Apply online at the destination; one visit to register and collect the 户口簿.
  handling: { mode: 'online_then_visit', visits: 1 },
  crossProvince: true,
  jurisdiction: { kind: 'chosen', field: 'officeCode' },
  legalBasisKeys: ['hukouRegulations', 'mpsHukouNorms2021Migration', 'crossProvinceMigration2021'],
  noteKeys: ['originVerification'],
  notes: () => [{ key: 'originVerification', params: { days: 5 } }],
});
