import { z } from 'zod';
import { defineService } from '../types.js';
import { choice, regionCode } from '../../validation/zod.js';

/** 临时居民身份证 — 公安部令第78号; facts §1.5. */
export const temporaryIdCard = defineService({
  code: 'temporary-id-card',
  department: 'hukou',
  schema: () =>
    z.object({
      hukouRegion: regionCode(),
      reason: choice(['applying', 'renewing', 'replacing'] as const),
      delivery: choice(['pickup', 'mail'] as const),
    }),
  fields: [
    { name: 'hukouRegion', kind: 'region' },
    { name: 'reason', kind: 'radio', options: ['applying', 'renewing', 'replacing'] },
    { name: 'delivery', kind: 'radio', options: ['pickup', 'mail'] },
  ],
  materials: [
    { code: 'hukouBook', required: 'always', deficiencyReasons: ['illegible', 'incomplete', 'mismatch'] },
    { code: 'idCollectionReceipt', required: 'always', deficiencyReasons: ['illegible', 'expired', 'mismatch'] },
    { code: 'photo', required: 'always', deficiencyReasons: ['photoSpec', 'illegible'] },
  ],
  timeLimits: {
    statutory: { days: 3, unit: 'calendar', basisKey: 'temporaryIdRules12' },
    committedWorkingDays: 1,
  },
  fee: {
    basisKey: 'fee2003_2322',
    lines: () => [{ key: 'card', amount: 10 }],
    guideLines: [{ key: 'card', amount: 10 }],
  },
  handling: { mode: 'online_then_visit', visits: 1 },
  crossProvince: false,
  jurisdiction: { kind: 'hukou', field: 'hukouRegion' },
  legalBasisKeys: ['idCardLaw12', 'temporaryIdRules'],
  priority: 2,
});
