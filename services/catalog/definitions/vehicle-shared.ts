import { z } from 'zod';
import type { Answers, MaterialDef } from '../types.js';
import { REASONS, str } from './shared.js';

/**
 * What the vehicle items share: who files (the registered owner or an agent, 机动车登记规定
 * art. 86), where the owner lives (art. 89), and the answers the vehicle records corrected.
 */

/** Filing as the registered owner, or as the owner's agent (art. 86: agent's ID + the owner's 委托书). */
export const FILING_AS = ['owner', 'agent'] as const;

export const byAgent = (a: Answers) => str(a, 'filingAs') === 'agent';

/** The agent's proofs under art. 86: the owner's letter of authorisation and the agent's own ID. */
export function agentMaterials(): MaterialDef[] {
  return [
    {
      code: 'powerOfAttorney',
      required: { conditionKey: 'byAgent', when: byAgent },
      requirementKey: 'requirements.vehicleOwnerAuthorisation',
      deficiencyReasons: REASONS.signedStatement,
    },
    { code: 'agentIdCard', required: { conditionKey: 'byAgent', when: byAgent }, deficiencyReasons: REASONS.idDocument },
  ];
}

/** An agent names the owner (checked against the vehicle records at filing). */
export function requireOwnerWhenAgent(v: { filingAs: string; ownerName?: string; ownerIdNumber?: string }, ctx: z.RefinementCtx): void {
  if (v.filingAs !== 'agent') return;
  if (!v.ownerName) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['ownerName'], message: 'required' });
  if (!v.ownerIdNumber) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['ownerIdNumber'], message: 'required' });
}

/**
 * Where the owner lives (art. 89 (二)3, (三)2): at the household registration, or elsewhere on a
 * residence permit. Registration and transfer are not among the businesses art. 89 exempts from
 * the residence proof (the small/micro non-operating passenger car's registration is), so a
 * non-resident motorcycle owner or buyer shows the 居住证 / 居住登记证明 as part of their identity proof.
 */
export const RESIDENCE_BASIS = ['hukou', 'residencePermit'] as const;

export function residenceMaterial(when: (a: Answers) => boolean = () => true): MaterialDef {
  return {
    code: 'residencePermit',
    required: { conditionKey: 'livesOutsideHukou', when: (a) => str(a, 'residenceBasis') === 'residencePermit' && when(a) },
    deficiencyReasons: REASONS.idDocument,
  };
}

/**
 * Answers the vehicle records replaced at submission (they win over what was typed), kept inside
 * the stored answers so the citizen's receipt and the clerk's review both show "you entered" and
 * "the records say". No form has this field: the schemas strip it, only submission writes it.
 */
export const CORRECTIONS_KEY = '_corrections';
export type Correction = { field: string; entered: string; records: string };

export function correctionsOf(answers: Answers): Correction[] {
  const v = answers[CORRECTIONS_KEY];
  if (!Array.isArray(v)) return [];
  return v.filter(
    (c): c is Correction =>
      !!c && typeof c === 'object' && typeof c.field === 'string' && typeof c.entered === 'string' && typeof c.records === 'string',
  );
}

/** The corrections of `fields` between what was typed and what the records say; [] when they agree. */
export function corrections(typed: Answers, records: Record<string, string>): Correction[] {
  return Object.entries(records)
    .filter(([field, value]) => str(typed, field) !== value)
    .map(([field, value]) => ({ field, entered: str(typed, field), records: value }));
}

/** One receipt note per corrected field: notes.corrected.<field> with both values. */
export function correctionNotes(answers: Answers): { key: string; params: Record<string, string> }[] {
  return correctionsOf(answers).map((c) => ({ key: `corrected.${c.field}`, params: { entered: c.entered, records: c.records } }));
}

/**
 * The registered owner as the vehicle records named them at filing, and whether the applicant
 * (the signed-in, real-name citizen) is that owner; shown to the clerk on the review page.
 */
export const VEHICLE_OWNER_KEY = '_vehicleOwner';
export type VehicleOwnerSnapshot = { plate: string; name: string; idNumber: string; applicantIsOwner: boolean };

export function vehicleOwnerOf(answers: Answers): VehicleOwnerSnapshot | null {
  const v = answers[VEHICLE_OWNER_KEY] as Partial<VehicleOwnerSnapshot> | undefined;
  if (!v || typeof v !== 'object' || typeof v.name !== 'string' || typeof v.idNumber !== 'string' || typeof v.plate !== 'string') return null;
  return { plate: v.plate, name: v.name, idNumber: v.idNumber, applicantIsOwner: v.applicantIsOwner === true };
}
