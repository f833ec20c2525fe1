import { z } from 'zod';
import { defineService, type Answers } from '../types.js';
import { choice, idNumber, officeCode, optionalText, regionCode, text, yesNo } from '../../validation/zod.js';
import { REASONS, yes } from './shared.js';

/**
 * The certificates police stations still issue under 公通字〔2016〕21号 (facts §1.2) that a citizen
 * asks for in person or through an agent. Facts provable by the ID card or the 户口簿 are not
 * certified any more, so they are not offered.
 */
export const CERTIFICATE_KINDS = ['itemChange', 'deregistration', 'kinship', 'noCriminalRecord'] as const;

const byAgent = (a: Answers) => yes(a, 'byAgent');

/** 户籍证明（户籍类证明，跨省通办）— 公通字〔2016〕21号; 公通字〔2021〕12号 art. 91; facts §1.2. */
export const householdCertificate = defineService({
  code: 'household-certificate',
  department: 'hukou',
  schema: (env) =>
    z
      .object({
        kind: choice(CERTIFICATE_KINDS),
        hukouRegion: regionCode(),
        officeCode: officeCode(),
        purpose: text(200),
        byAgent: yesNo(),
        agentName: optionalText(50),
        agentIdNumber: idNumber(env.today).optional(),
      })
      .superRefine((v, ctx) => {
        // The agent's own particulars are needed only when someone applies for the citizen.
        if (v.byAgent !== 'yes') return;
        if (!v.agentName) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['agentName'], message: 'required' });
        if (!v.agentIdNumber) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['agentIdNumber'], message: 'required' });
      }),
  fields: [
    { name: 'kind', kind: 'radio', options: CERTIFICATE_KINDS },
    { name: 'hukouRegion', kind: 'region' },
    { name: 'officeCode', kind: 'office' },
    { name: 'purpose', kind: 'text' },
    { name: 'byAgent', kind: 'radio', options: ['no', 'yes'] },
    { name: 'agentName', kind: 'text', showWhen: { field: 'byAgent', in: ['yes'] }, autoComplete: 'off' },
    { name: 'agentIdNumber', kind: 'idNumber', showWhen: { field: 'byAgent', in: ['yes'] }, autoComplete: 'off' },
  ],
  materials: [
    { code: 'idCard', required: 'always', deficiencyReasons: REASONS.idDocument },
    { code: 'powerOfAttorney', required: { conditionKey: 'byAgent', when: byAgent }, deficiencyReasons: REASONS.signedStatement },
    { code: 'agentIdCard', required: { conditionKey: 'byAgent', when: byAgent }, deficiencyReasons: REASONS.idDocument },
  ],
  timeLimits: {
    statutory: null,
    // [ASSUMPTION] 即办件: issued on the spot once the station has verified the record (facts §8.2).
    committedWorkingDays: 0,
  },
  // [ASSUMPTION] No fee basis found: free (facts §8.1).
  fee: { basisKey: null, lines: () => [], guideLines: [] },
  // [ASSUMPTION] Applied for and delivered online as an e-certificate (国务院令第716号 arts. 8–11).
  handling: { mode: 'online', visits: 0 },
  crossProvince: true,
  jurisdiction: { kind: 'chosen', field: 'officeCode' },
  legalBasisKeys: ['policeCertificates2016', 'mpsHukouNorms2021Records', 'onlineServices2019'],
});
