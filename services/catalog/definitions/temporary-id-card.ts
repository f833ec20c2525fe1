import { z } from 'zod';
import { defineService } from '../types.js';
import { choice, regionCode } from '../../validation/zod.js';
import { deliveryAnswers, deliveryFields, REASONS } from './shared.js';

/**
 * 临时居民身份证 — 居民身份证法 art. 12 para. 2; 公安部令第78号; facts §1.5. Only for someone whose
 * ID card is being made, renewed or replaced, hence the collection receipt.
 */
export const temporaryIdCard = defineService({
  code: 'temporary-id-card',
  department: 'hukou',
  schema: () =>
    z.object({
      hukouRegion: regionCode(),
      reason: choice(['applying', 'renewing', 'replacing'] as const),
      ...deliveryAnswers(['pickup', 'mail'] as const),
    }),
  fields: [
    { name: 'hukouRegion', kind: 'region' },
    { name: 'reason', kind: 'radio', options: ['applying', 'renewing', 'replacing'] },
    ...deliveryFields(['pickup', 'mail']),
  ],
  materials: [
    { code: 'hukouBook', required: 'always', deficiencyReasons: REASONS.certificate, sharedFact: 'householdRegister' },
    { code: 'idCollectionReceipt', required: 'always', deficiencyReasons: ['illegible', 'expired', 'mismatch', 'notOriginal'] },
    { code: 'photo', required: 'always', deficiencyReasons: REASONS.photo, accept: ['jpeg', 'png'] },
  ],
  timeLimits: {
    // 公安部令第78号 art. 12: issued within 3 days of application.
    statutory: { days: 3, unit: 'calendar', basisKey: 'temporaryIdRules12' },
    // Local practice is same day or half a working day; one working day is the safe commitment.
    committedWorkingDays: 1,
  },
  fee: {
    basisKey: 'fee2003_2322',
    lines: () => [{ key: 'card', amount: 10 }],
    guideLines: [{ key: 'card', amount: 10 }],
  },
  handling: { mode: 'online_then_visit', visits: 1 },
  // 异地: issued at the residence police station with the ID card's 异地受理 (公通字〔2021〕12号
  // art. 87), which is 跨省通办 nationwide since the first ID card is (MPS 2024-05-27).
  crossProvince: true,
  jurisdiction: { kind: 'hukou', field: 'hukouRegion' },
  legalBasisKeys: ['idCardLaw12', 'temporaryIdRules'],
  priority: 2,
  noteKeys: ['returnOnCollection'],
  notes: () => [{ key: 'returnOnCollection' }],
});
