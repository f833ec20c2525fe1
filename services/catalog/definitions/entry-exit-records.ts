import { z } from 'zod';
import { defineService, type Answers, type DefinitionEnv } from '../types.js';
import { choice, officeCode } from '../../validation/zod.js';
import { AGENT_FILING_FIELDS, agentFilingShape, filingAsAgent, isUnder16, REASONS, requireSubjectWhenAgent } from './shared.js';

/** A guardian files for a child under 16 (guardian documents, no power of attorney). */
const forChild = (a: Answers, env: DefinitionEnv) => filingAsAgent(a) && isUnder16(a.subjectIdNumber, env.today);
/** Any other agent needs the authorisation signed by both. */
const forAdult = (a: Answers, env: DefinitionEnv) => filingAsAgent(a) && !isUnder16(a.subjectIdNumber, env.today);

/**
 * 出入境记录查询 — 《查询出入境记录申请办法》(NIA 2019); NIA notice of 2020-05-12; facts §3.3.
 *
 * Whose records: one's own. The notice lets a citizen query in person with their own document, an
 * agent with the applicant's document, the agent's ID and a 委托授权书 signed by both, and a
 * guardian for a child under 16 with the guardianship proof. So the subject is the account holder,
 * unless filing as an agent for the person named (then the authorisation, or for a child the
 * guardian's documents); the controls check and every other external check run on the subject.
 * The form used to take any ID number, so an account could ask for anyone's travel records.
 *
 * Limits: 法定 1 working day, committed 当场 (Weihai item page, facts §3.3); 0 working days counts
 * by the same-day rule of docs/decisions/0021. Fee: none listed ([ASSUMPTION] free). 全程网办, 0 visits.
 */
export const entryExitRecords = defineService({
  code: 'entry-exit-records',
  department: 'exit_entry',
  schema: (env) =>
    z
      .object({
        officeCode: officeCode(),
        ...agentFilingShape(env.today),
        delivery: choice(['electronic', 'paper'] as const),
      })
      .superRefine(requireSubjectWhenAgent),
  fields: [{ name: 'officeCode', kind: 'office' }, ...AGENT_FILING_FIELDS, { name: 'delivery', kind: 'radio', options: ['electronic', 'paper'] }],
  materials: [
    { code: 'identityDocument', required: 'always', deficiencyReasons: REASONS.idDocument },
    {
      code: 'powerOfAttorney',
      required: { conditionKey: 'byAgentForAdult', when: forAdult },
      requirementKey: 'requirements.powerOfAttorneyBothSigned',
      deficiencyReasons: REASONS.signedStatement,
    },
    { code: 'agentIdCard', required: { conditionKey: 'byAgentForAdult', when: forAdult }, deficiencyReasons: REASONS.idDocument },
    { code: 'guardianIdCard', required: { conditionKey: 'under16', when: forChild }, deficiencyReasons: REASONS.idDocument },
    { code: 'guardianshipProof', required: { conditionKey: 'under16', when: forChild }, deficiencyReasons: REASONS.certificate },
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
  subject: { kind: 'filingAs', nameField: 'subjectName', idField: 'subjectIdNumber' },
  legalBasisKeys: ['entryExitRecordRules', 'onlineServices2019'],
  noteKeys: ['eSigned'],
  notes: (answers) => (answers.delivery === 'electronic' ? [{ key: 'eSigned' }] : []),
});
