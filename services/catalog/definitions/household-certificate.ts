import { z } from 'zod';
import { defineService } from '../types.js';
import { choice, regionCode, text } from '../../validation/zod.js';
import { AGENT_FILING_FIELDS, agentFilingShape, filingAsAgent, REASONS, requireSubjectWhenAgent } from './shared.js';

/**
 * The certificates police stations still issue under 公通字〔2016〕21号 (facts §1.2) that a citizen
 * asks for in person or through an agent. Facts provable by the ID card or the 户口簿 are not
 * certified any more, so they are not offered.
 */
export const CERTIFICATE_KINDS = ['itemChange', 'deregistration', 'kinship', 'noCriminalRecord'] as const;

/**
 * 户籍证明（户籍类证明，跨省通办）— 公通字〔2016〕21号; 公通字〔2021〕12号 art. 91; facts §1.2.
 *
 * Routing: the certificate is verified and issued by the police station of the registration place
 * (户籍所在地派出所: 公通字〔2016〕21号 as implemented, e.g. the Ningxia norm in facts §1.2;
 * art. 91 for historic records: 原户口所在地派出所). 跨省通办 means any window may take the
 * application, but the file always goes to that station, so the hukou region routes it (the office
 * covering the region, most specific first) and a region no office here covers is refused with the
 * routing message instead of being sent to a station that cannot verify it.
 *
 * Whose certificate: the account holder's, or, filing as an agent, the person named, with a 委托书
 * signed by both and the agent's ID (facts §1.2: "an agent additionally provides both IDs and a
 * 委托书"). Before this the form asked for the agent's particulars while the subject was implicit.
 *
 * Limits: no national statutory limit was found; 即办件 is the usual commitment (facts §8.2,
 * [ASSUMPTION]); 0 working days is counted by the same-day rule of docs/decisions/0021.
 * Fee: none — no fee basis exists (facts §8.1, [ASSUMPTION]).
 */
export const householdCertificate = defineService({
  code: 'household-certificate',
  department: 'hukou',
  schema: (env) =>
    z
      .object({
        kind: choice(CERTIFICATE_KINDS),
        hukouRegion: regionCode(),
        purpose: text(200),
        ...agentFilingShape(env.today),
      })
      .superRefine(requireSubjectWhenAgent),
  fields: [
    { name: 'kind', kind: 'radio', options: CERTIFICATE_KINDS },
    { name: 'hukouRegion', kind: 'region' },
    { name: 'purpose', kind: 'text' },
    ...AGENT_FILING_FIELDS,
  ],
  materials: [
    { code: 'idCard', required: 'always', deficiencyReasons: REASONS.idDocument },
    {
      code: 'powerOfAttorney',
      required: { conditionKey: 'byAgent', when: filingAsAgent },
      requirementKey: 'requirements.powerOfAttorneyBothSigned',
      deficiencyReasons: REASONS.signedStatement,
    },
    { code: 'agentIdCard', required: { conditionKey: 'byAgent', when: filingAsAgent }, deficiencyReasons: REASONS.idDocument },
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
  // 开具户籍类证明 is 跨省通办 nationwide (MPS press conference 2024-05-27; facts §1.1).
  crossProvince: true,
  jurisdiction: { kind: 'hukou', field: 'hukouRegion' },
  subject: { kind: 'filingAs', nameField: 'subjectName', idField: 'subjectIdNumber' },
  legalBasisKeys: ['policeCertificates2016', 'mpsHukouNorms2021Records', 'onlineServices2019'],
});
