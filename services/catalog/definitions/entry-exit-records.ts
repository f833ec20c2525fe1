import { z } from 'zod';
import { defineService, type Answers } from '../types.js';
import { choice, idNumber, officeCode, optionalText, yesNo } from '../../validation/zod.js';
import { guardianMaterials, REASONS, yes } from './shared.js';

const byAgent = (a: Answers) => yes(a, 'byAgent');

/**
 * 出入境记录查询 — 《查询出入境记录申请办法》(NIA 2019); facts §3.3. 全程网办 with an e-signed
 * record; 即办件.
 */
export const entryExitRecords = defineService({
  code: 'entry-exit-records',
  department: 'exit_entry',
  schema: (env) =>
    z
      .object({
        idNumber: idNumber(env.today),
        officeCode: officeCode(),
        byAgent: yesNo(),
        agentName: optionalText(50),
        agentIdNumber: idNumber(env.today).optional(),
        delivery: choice(['electronic', 'paper'] as const),
      })
      .superRefine((v, ctx) => {
        if (v.byAgent !== 'yes') return;
        if (!v.agentName) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['agentName'], message: 'required' });
        if (!v.agentIdNumber) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['agentIdNumber'], message: 'required' });
      }),
  fields: [
    { name: 'idNumber', kind: 'idNumber', autoComplete: 'off' },
    { name: 'officeCode', kind: 'office' },
    { name: 'byAgent', kind: 'radio', options: ['no', 'yes'] },
    { name: 'agentName', kind: 'text', showWhen: { field: 'byAgent', in: ['yes'] }, autoComplete: 'off' },
    { name: 'agentIdNumber', kind: 'idNumber', showWhen: { field: 'byAgent', in: ['yes'] }, autoComplete: 'off' },
    { name: 'delivery', kind: 'radio', options: ['electronic', 'paper'] },
  ],
  materials: [
    { code: 'identityDocument', required: 'always', deficiencyReasons: REASONS.idDocument },
    {
      code: 'powerOfAttorney',
      required: { conditionKey: 'byAgent', when: byAgent },
      requirementKey: 'requirements.powerOfAttorneyBothSigned',
      deficiencyReasons: REASONS.signedStatement,
    },
    { code: 'agentIdCard', required: { conditionKey: 'byAgent', when: byAgent }, deficiencyReasons: REASONS.idDocument },
    ...guardianMaterials('idNumber'),
  ],
  timeLimits: {
    statutory: { days: 1, unit: 'working', basisKey: 'entryExitRecordRules' },
    committedWorkingDays: 0,
  },
  // [ASSUMPTION] No fee is listed (facts §3.3).
  fee: { basisKey: null, lines: () => [], guideLines: [] },
  handling: { mode: 'online', visits: 0 },
  crossProvince: true,
  jurisdiction: { kind: 'chosen', field: 'officeCode' },
  legalBasisKeys: ['entryExitRecordRules', 'onlineServices2019'],
  noteKeys: ['eSigned'],
  notes: (answers) => (answers.delivery === 'electronic' ? [{ key: 'eSigned' }] : []),
});
