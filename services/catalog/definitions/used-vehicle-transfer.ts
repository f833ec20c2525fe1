import { z } from 'zod';
import { defineService, type Answers } from '../types.js';
import { choice, isoDate, plate, yesNo } from '../../validation/zod.js';
import { addDays, REASONS, str, yes } from './shared.js';

/**
 * New plates are issued when the new owner lives under another vehicle office (the vehicle moves
 * to its jurisdiction) or asks for a new number; otherwise the plate stays with the car.
 */
export function needsNewPlates(a: Answers): boolean {
  return str(a, 'ownerResidence') === 'elsewhere' || str(a, 'plateOption') === 'new';
}

/** 二手车转移登记 — 机动车登记规定 arts. 25–29; facts §2.2. */
export const usedVehicleTransfer = defineService({
  code: 'used-vehicle-transfer',
  department: 'traffic',
  schema: (env) =>
    z
      .object({
        plate: plate(),
        deliveryDate: isoDate({ notAfter: env.today, notBefore: '1950-01-01' }),
        ownerResidence: choice(['local', 'elsewhere'] as const),
        plateOption: choice(['keep', 'new'] as const).optional(),
        inspectionExpired: yesNo(),
        mortgaged: yesNo(),
      })
      .superRefine((v, ctx) => {
        // Keeping the number is a choice only inside the same jurisdiction.
        if (v.ownerResidence === 'local' && !v.plateOption) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['plateOption'], message: 'required' });
        }
      }),
  fields: [
    { name: 'plate', kind: 'plate', autoComplete: 'off' },
    { name: 'deliveryDate', kind: 'date' },
    { name: 'ownerResidence', kind: 'radio', options: ['local', 'elsewhere'] },
    { name: 'plateOption', kind: 'radio', options: ['keep', 'new'], showWhen: { field: 'ownerResidence', in: ['local'] } },
    { name: 'inspectionExpired', kind: 'radio', options: ['no', 'yes'] },
    { name: 'mortgaged', kind: 'radio', options: ['no', 'yes'] },
  ],
  materials: [
    { code: 'idCard', required: 'always', requirementKey: 'requirements.newOwnerIdCard', deficiencyReasons: REASONS.idDocument },
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
    // Art. 27: one working day in the same jurisdiction (3 + 3 when the owner lives elsewhere; see notes).
    statutory: { days: 1, unit: 'working', basisKey: 'vehicleRegistration27' },
    committedWorkingDays: 1,
  },
  fee: {
    basisKey: 'vehicleFees',
    fromAmount: 20,
    // [ASSUMPTION] The 登记证书 line follows the brief's fee list; plates only when new ones are made.
    lines: (a) => [
      ...(needsNewPlates(a) ? [{ key: 'plates', amount: 100 }] : []),
      { key: 'drivingLicense', amount: 10 },
      { key: 'registrationCertificate', amount: 10 },
    ],
    guideLines: [
      { key: 'plates', amount: 100 },
      { key: 'drivingLicense', amount: 10 },
      { key: 'registrationCertificate', amount: 10 },
    ],
  },
  // The vehicle is presented for checking (查验) once.
  handling: { mode: 'online_then_visit', visits: 1 },
  crossProvince: true,
  jurisdiction: { kind: 'vehicle', field: 'plate' },
  legalBasisKeys: ['vehicleRegistrationTransfer', 'crossProvinceVehicle2021'],
  noteKeys: ['elsewhere', 'overdue', 'settleViolations'],
  notes: (answers, env) => {
    const out: { key: string; params?: Record<string, string | number> }[] = [];
    if (answers.ownerResidence === 'elsewhere') out.push({ key: 'elsewhere' });
    const due = addDays(answers.deliveryDate, 30);
    if (due < env.today) out.push({ key: 'overdue', params: { due } });
    out.push({ key: 'settleViolations' });
    return out;
  },
});
