import { z } from 'zod';
import { defineService, type Answers } from '../types.js';
import { choice, isoDate, plate, regionCode, yesNo } from '../../validation/zod.js';
import { addDays, REASONS, str, yes } from './shared.js';
import { VEHICLE_TYPES } from './inspection-mark.js';
import { correctionNotes, RESIDENCE_BASIS, residenceMaterial } from './vehicle-shared.js';

/**
 * Where and how a transfer is registered, under 机动车登记规定 (公安部令第164号, 2021-12-17 text):
 * - 'local': the buyer lives under the office where the vehicle is registered — that office,
 *   within one working day (art. 26), issuing a new plate number, plates, 行驶证 and mark;
 * - 'atBuyer': a small/micro passenger car or a motorcycle traded where the buyer lives —
 *   "应当向转入地车辆管理所申请转让登记" (art. 27 para. 3): the buyer's office registers the
 *   transfer itself, so the art. 26 procedure and limit apply there;
 * - 'outbound': any other vehicle whose buyer lives elsewhere — the registering office within
 *   three working days, collecting plates and 行驶证 and issuing a 30-day temporary plate; the
 *   buyer then has the vehicle registered in (转入) at home within three working days (art. 27
 *   paras. 1–2), a separate application there.
 */
export type TransferRoute = 'local' | 'atBuyer' | 'outbound';

/** 小型、微型载客汽车或者摩托车 (art. 27 para. 3). 'operatingPassenger' does not say its size, so it is not counted. */
const SMALL_OR_MOTORCYCLE = new Set(['smallPassenger', 'van', 'motorcycle']);

export function transferRoute(a: Answers): TransferRoute {
  if (str(a, 'ownerResidence') !== 'elsewhere') return 'local';
  return SMALL_OR_MOTORCYCLE.has(str(a, 'vehicleType')) && yes(a, 'tradedAtBuyer') ? 'atBuyer' : 'outbound';
}

/** The fee lines for a route: the plates and 行驶证 issued there (art. 26), or the temporary plate (art. 27). */
export function transferFees(a: Answers): { key: string; amount: number }[] {
  if (transferRoute(a) === 'outbound') return [{ key: 'temporaryPlate', amount: 5 }];
  const plates = str(a, 'vehicleType') === 'motorcycle' ? { key: 'motorcyclePlates', amount: 35 } : { key: 'plates', amount: 100 };
  return [plates, { key: 'drivingLicense', amount: 10 }];
}

/**
 * 二手车转移登记 — 机动车登记规定 arts. 25–29, 86, 89; facts §2.2.
 * Art. 26: a transfer always collects the plates and 行驶证, fixes a new plate number, endorses the
 * 登记证书 (签注, no new certificate, so no certificate fee) and issues plates, 行驶证 and mark:
 * the buyer has no "keep the plate" choice (art. 44 lets the *seller* reuse the old number for
 * their next vehicle). Art. 25: apply within 30 days of delivery, after every violation and
 * accident of the vehicle is settled (checked against the vehicle records at filing).
 */
export const usedVehicleTransfer = defineService({
  code: 'used-vehicle-transfer',
  department: 'traffic',
  schema: (env) =>
    z
      .object({
        plate: plate(),
        vehicleType: choice(VEHICLE_TYPES),
        deliveryDate: isoDate({ notAfter: env.today, notBefore: '1950-01-01' }),
        ownerResidence: choice(['local', 'elsewhere'] as const),
        residenceBasis: choice(RESIDENCE_BASIS),
        buyerRegion: regionCode().optional(),
        tradedAtBuyer: yesNo().optional(),
        inspectionExpired: yesNo(),
        mortgaged: yesNo(),
      })
      .superRefine((v, ctx) => {
        // Art. 27 turns on where the buyer lives and where the vehicle was traded.
        if (v.ownerResidence !== 'elsewhere') return;
        if (!v.buyerRegion) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['buyerRegion'], message: 'required' });
        if (!v.tradedAtBuyer) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['tradedAtBuyer'], message: 'required' });
      }),
  fields: [
    { name: 'plate', kind: 'plate', autoComplete: 'off' },
    { name: 'vehicleType', kind: 'radio', options: VEHICLE_TYPES },
    { name: 'deliveryDate', kind: 'date' },
    { name: 'ownerResidence', kind: 'radio', options: ['local', 'elsewhere'] },
    { name: 'residenceBasis', kind: 'radio', options: RESIDENCE_BASIS },
    { name: 'buyerRegion', kind: 'region', showWhen: { field: 'ownerResidence', in: ['elsewhere'] } },
    { name: 'tradedAtBuyer', kind: 'radio', options: ['no', 'yes'], showWhen: { field: 'ownerResidence', in: ['elsewhere'] } },
    { name: 'inspectionExpired', kind: 'radio', options: ['no', 'yes'] },
    { name: 'mortgaged', kind: 'radio', options: ['no', 'yes'] },
  ],
  materials: [
    { code: 'idCard', required: 'always', requirementKey: 'requirements.newOwnerIdCard', deficiencyReasons: REASONS.idDocument },
    residenceMaterial(),
    { code: 'ownershipTransferProof', required: 'always', deficiencyReasons: REASONS.certificate },
    { code: 'registrationCertificate', required: 'always', deficiencyReasons: REASONS.certificate },
    { code: 'drivingLicense', required: 'always', deficiencyReasons: REASONS.idDocument },
    {
      code: 'inspectionCertificate',
      required: { conditionKey: 'inspectionExpired', when: (a) => yes(a, 'inspectionExpired') },
      deficiencyReasons: ['illegible', 'expired', 'mismatch', 'notOriginal'],
    },
    {
      code: 'compulsoryInsurance',
      required: { conditionKey: 'inspectionExpired', when: (a) => yes(a, 'inspectionExpired') },
      deficiencyReasons: REASONS.insurance,
    },
    {
      code: 'mortgageeConsent',
      required: { conditionKey: 'mortgaged', when: (a) => yes(a, 'mortgaged') },
      deficiencyReasons: REASONS.signedStatement,
    },
  ],
  timeLimits: {
    // Art. 26: 一日 (a working day, art. 92), at the registering office or, for art. 27 para. 3, at the
    // buyer's. An outbound transfer has three working days at each end (art. 27; see the notes).
    statutory: { days: 1, unit: 'working', basisKey: 'vehicleRegistration26' },
    committedWorkingDays: 1,
  },
  // The route decides the limit: one working day where the transfer is registered (art. 26, at the
  // registering office or at the buyer's for art. 27 para. 3), three for an outbound transfer
  // (art. 27 paras. 1–2), so the due date and the guide say what the law says for each.
  commitments: {
    cases: [
      { key: 'local', days: 1, unit: 'working', visits: 1, basisKey: 'vehicleRegistration26' },
      { key: 'atBuyer', days: 1, unit: 'working', visits: 1, basisKey: 'vehicleRegistration27' },
      { key: 'outbound', days: 3, unit: 'working', visits: 1, basisKey: 'vehicleRegistration27' },
    ],
    pick: (a) => transferRoute(a),
  },
  fee: {
    basisKey: 'vehicleFees',
    fromAmount: 5,
    lines: transferFees,
    guideLines: [
      { key: 'plates', amount: 100 },
      { key: 'motorcyclePlates', amount: 35 },
      { key: 'drivingLicense', amount: 10 },
      { key: 'temporaryPlate', amount: 5 },
    ],
  },
  // The vehicle is presented for checking (查验) once.
  handling: { mode: 'online_then_visit', visits: 1 },
  crossProvince: true,
  // The registering office (by plate), except a small car or motorcycle traded where the buyer
  // lives, which the buyer's office registers (art. 27 para. 3).
  jurisdiction: {
    kind: 'vehicle',
    field: 'plate',
    alternative: { field: 'buyerRegion', when: (a) => transferRoute(a) === 'atBuyer' },
  },
  legalBasisKeys: ['vehicleRegistrationTransfer', 'vehicleRegistration27', 'vehicleRegistrationAgent', 'crossProvinceVehicle2021'],
  noteKeys: [
    'route.local',
    'route.atBuyer',
    'route.outbound',
    'overdue',
    'settleViolations',
    'sellerKeepsNumber',
    'corrected.vehicleType',
  ],
  notes: (answers, env) => {
    const out: { key: string; params?: Record<string, string | number> }[] = [...correctionNotes(answers)];
    out.push({ key: `route.${transferRoute(answers)}` });
    const due = addDays(answers.deliveryDate, 30);
    if (due < env.today) out.push({ key: 'overdue', params: { due } });
    out.push({ key: 'settleViolations' }, { key: 'sellerKeepsNumber' });
    return out;
  },
});
