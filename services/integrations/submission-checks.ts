import type { FiledAs, ManualCheck } from '../../db/schema/index.js';
import { isUnder16 } from '../catalog/definitions/shared.js';
import { REGISTERED_HUKOU_KEY, SHARED_FACTS_KEY, type Answers, type ServiceDefinition, type SharedFact } from '../catalog/types.js';
import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors.js';
import { normalizeIdNumber, normalizePlate } from '../validation/identifiers.js';
import { checkControls } from './exit-entry-controls.js';
import { isIntegrationError } from './http.js';
import { householdOf } from './population-registry.js';
import { corrections, CORRECTIONS_KEY, VEHICLE_OWNER_KEY, type VehicleOwnerSnapshot } from '../catalog/definitions/vehicle-shared.js';
import { vehicleByPlate, type Unsettled, type VehicleRecord } from './vehicle-records.js';

/** What the systems around the portal said about an application about to be submitted. */
export type SubmissionFacts = {
  /** Answers the records decide (they win over what was typed), and the facts shared data confirmed. */
  answersPatch: Answers;
  /** Why it may not be submitted now; the submit service keeps the draft and answers with this. */
  refusal: DomainError | null;
  /** Set when a clerk must check by hand; never a reason to refuse online. */
  manualCheck: ManualCheck | null;
  /** For whom it is filed (filingRelationOf); 'self' with no subject when it is the filer's own matter. */
  relation: FilingRelation;
};

const SELF: FilingRelation = { filedAs: 'self', subject: null };
const NONE: SubmissionFacts = { answersPatch: {}, refusal: null, manualCheck: null, relation: SELF };

/**
 * Asks the systems an application depends on, before the submit transaction opens (a slow system
 * must not hold row locks). `answers` are the parsed answers. Each service asks only what it needs:
 * - first, whose matter it is (subjectOf): an adult's ID number other than the filer's, or filing
 *   "as an agent" for oneself, is refused; every check below asks about that subject;
 * - the inspection mark and a used-vehicle transfer: vehicle records for the plate — the mark
 *   only for the registered owner or their named agent, both refused while anything is unsettled,
 *   refused with "try again later" when the records cannot be asked; the records' type (and
 *   registration date) replace the typed ones, with the corrections recorded (vehicleFacts);
 * - exit-entry items: the controls — a hit, or no answer, routes to a manual check;
 * - a limit that depends on where the subject is registered (the passport): the registry's
 *   hukou region; no answer leaves the longer limit;
 * - items with materials the registry can confirm (MaterialDef.sharedFact): the household record;
 *   no answer just means the material is asked for as usual.
 */
export async function submissionFacts(
  ctx: Pick<ServiceContext, 'config'>,
  def: ServiceDefinition,
  answers: Answers,
  /** The signed-in citizen, read only by the checks that need them. */
  applicant: () => Promise<{ realName: string; idNumber: string | null }>,
  /** Today in China: whether a typed subject is under 16. */
  today: string,
): Promise<SubmissionFacts> {
  const out: SubmissionFacts = { ...NONE, answersPatch: {} };
  const cfg = ctx.config.integrations;

  if (def.code === 'inspection-mark' || def.code === 'used-vehicle-transfer') {
    const plate = normalizePlate(String(answers.plate ?? ''));
    try {
      const v = await vehicleByPlate(cfg, plate);
      if (!v) {
        out.refusal = new DomainError('vehicle.notFound', 400, { params: { plate }, fieldErrors: { plate: ['vehicle.notFound'] } });
      } else {
        Object.assign(out, vehicleFacts(def.code, answers, v, await applicant()));
      }
    } catch (e) {
      if (!isIntegrationError(e)) throw e;
      out.refusal = e;
    }
  }

  // Whose matter it is decides every check below (docs/catalog-sources.md, "Whose records").
  // Read only when a check below uses it, or to refuse filing "as an agent" for oneself: a citizen
  // filing a household certificate for themselves costs no extra round trip.
  const needsSubject =
    def.department === 'exit_entry' ||
    !!def.commitments?.readsRegisteredHukou ||
    def.materials.some((m) => m.sharedFact) ||
    def.subject?.kind === 'typed' ||
    (def.subject?.kind === 'filingAs' && answers.filingAs === 'agent');
  const subject = needsSubject ? filingRelationOf(def, answers, await applicant(), today) : null;
  if (subject && 'refusal' in subject) {
    out.refusal = subject.refusal;
    return out;
  }
  const person = subject?.person ?? null;
  if (subject) out.relation = subject.relation;

  if (def.department === 'exit_entry' && person) {
    try {
      const c = await checkControls(cfg, person);
      if (c.hit) out.manualCheck = 'controlsHit';
    } catch (e) {
      if (!isIntegrationError(e)) throw e;
      out.manualCheck = 'controlsUnavailable';
    }
  }

  if (def.commitments?.readsRegisteredHukou && person) {
    // The committed limit may depend on where the subject is registered (a passport outside the
    // hukou province); the registry's record wins, and no answer leaves the longer limit.
    try {
      const h = await householdOf(cfg, person.idNumber);
      if (h) out.answersPatch[REGISTERED_HUKOU_KEY] = h.hukouRegion;
    } catch (e) {
      if (!isIntegrationError(e)) throw e;
    }
  }

  if (def.materials.some((m) => m.sharedFact)) {
    out.answersPatch[SHARED_FACTS_KEY] = await confirmedSharedFacts(ctx, def, answers, person?.idNumber ?? null);
  }
  return out;
}

export type Subject = { name: string; idNumber: string };

/**
 * The person an application is about (ServiceDefinition.subject), or why it may not be filed:
 * - by default, and when filing as 'self', the account holder;
 * - 'filingAs' agent: the person named, whose authorisation the materials ask for;
 * - 'typed': the ID number typed; it must be the filer's own unless that person is under 16
 *   (a guardian applies for a child: 居民身份证法 art. 10, 护照法 art. 5 "由本人…申请").
 *   The name is the filer's when it is their own number, else unknown ('').
 * person is null when the account has no ID number (staff-created accounts): nothing to check.
 */
export function subjectOf(
  def: ServiceDefinition,
  answers: Answers,
  applicant: { realName: string; idNumber: string | null },
  today: string,
): { person: Subject | null } | { refusal: DomainError } {
  const self = applicant.idNumber ? { name: applicant.realName, idNumber: normalizeIdNumber(applicant.idNumber) } : null;
  const spec = def.subject;
  if (!spec) return { person: self };
  const typed = typeof answers[spec.idField] === 'string' ? normalizeIdNumber(answers[spec.idField] as string) : '';
  if (spec.kind === 'filingAs') {
    if (answers.filingAs !== 'agent') return { person: self };
    const name = typeof answers[spec.nameField] === 'string' ? (answers[spec.nameField] as string) : '';
    if (!typed) return { person: self };
    if (self && typed === self.idNumber) {
      // Filing "as an agent" for oneself would ask for a power of attorney from oneself.
      return { refusal: subjectRefusal('agentForSelf', spec.idField) };
    }
    return { person: { name, idNumber: typed } };
  }
  if (!typed || (self && typed === self.idNumber)) return { person: self };
  if (!isUnder16(typed, today)) {
    return { refusal: subjectRefusal('notYourIdNumber', spec.idField) };
  }
  return { person: { name: '', idNumber: typed } };
}

/** How the filer stands to the subject, and the subject when it is someone else (stored on the application at filing). */
export type FilingRelation = { filedAs: 'self'; subject: null } | { filedAs: Exclude<FiledAs, 'self'>; subject: Subject };

/**
 * subjectOf, with the filer's relation to that person — the one place it is derived from the answers:
 * - the filer's own matter (or an account without an ID number): 'self';
 * - another person who is a minor on the China day of filing (民法典 art. 17, 27): 'guardian';
 * - another adult, named on a 'filingAs' item: 'agent' — the definition's materials then ask for the
 *   power of attorney (委托书) and the agent's ID card, checked like every other material;
 * - another adult typed on a 'typed' item: refused on that field (subjectOf already refuses it;
 *   repeated here so no path can store a guardian of an adult).
 */
export function filingRelationOf(
  def: ServiceDefinition,
  answers: Answers,
  applicant: { realName: string; idNumber: string | null },
  today: string,
): { person: Subject | null; relation: FilingRelation } | { refusal: DomainError } {
  const found = subjectOf(def, answers, applicant, today);
  if ('refusal' in found) return found;
  const { person } = found;
  const self = applicant.idNumber ? normalizeIdNumber(applicant.idNumber) : null;
  if (!person || !def.subject || person.idNumber === self) return { person, relation: SELF };
  // Under 16 the guardian applies for the child, as the definitions' guardian materials and subjectOf
  // have it (居民身份证法 art. 10 and the exit-entry rules); from 16 another person files as an agent.
  if (isUnder16(person.idNumber, today)) return { person, relation: { filedAs: 'guardian', subject: person } };
  if (def.subject.kind === 'filingAs') return { person, relation: { filedAs: 'agent', subject: person } };
  return { refusal: subjectRefusal('notYourIdNumber', def.subject.idField) };
}

/** A 400 naming the field: application.<why> on the page, apply.<why> beside the field. */
function subjectRefusal(why: 'agentForSelf' | 'notYourIdNumber', field: string): DomainError {
  return new DomainError(`application.${why}`, 400, { fieldErrors: { [field]: [`apply.${why}`] } });
}

/**
 * The facts the population registry confirms for the subject of an application (subjectOf) —
 * limited to those the definition's materials can use. [] when the registry cannot be asked: the
 * materials are then asked for as usual.
 */
export async function confirmedSharedFacts(
  ctx: Pick<ServiceContext, 'config'>,
  def: ServiceDefinition,
  answers: Answers,
  subjectIdNumber: string | null,
): Promise<SharedFact[]> {
  const wanted = new Set(def.materials.flatMap((m) => (m.sharedFact ? [m.sharedFact] : [])));
  if (wanted.size === 0) return [];
  const subject = subjectIdNumber;
  if (!subject) return [];
  const facts: SharedFact[] = [];
  try {
    const h = await householdOf(ctx.config.integrations, subject);
    const region = typeof answers.hukouRegion === 'string' && answers.hukouRegion ? answers.hukouRegion : null;
    // The household book proves registration where the citizen says it is; a different region is for a clerk to look at.
    if (h && (region === null || h.hukouRegion === region)) facts.push('householdRegister');
    if (h?.idCardValid) facts.push('residentIdCard');
  } catch (e) {
    if (!isIntegrationError(e)) throw e;
  }
  return facts.filter((f) => wanted.has(f));
}

/**
 * What the vehicle records decide for a vehicle item, in this order:
 * 1. the inspection mark is the owner's to claim (机动车登记规定 arts. 54–55, "机动车所有人"), or an
 *    agent's who names the owner (art. 86) — anyone else is refused beside the plate, before
 *    anything about the vehicle (its violations) is told; a transfer's applicant is the buyer
 *    (art. 26 "现机动车所有人"), so the records' owner is the seller and is only shown to the clerk;
 * 2. nothing unsettled (art. 54 para. 2 for the mark, art. 25 para. 2 for a transfer);
 * 3. the records' type and registration date replace the typed ones, each change recorded so the
 *    citizen and the clerk see both values.
 */
function vehicleFacts(
  code: string,
  answers: Answers,
  v: VehicleRecord,
  person: { realName: string; idNumber: string | null },
): Pick<SubmissionFacts, 'answersPatch' | 'refusal'> {
  const plate = v.plate;
  const applicantIsOwner = !!person.idNumber && normalizeIdNumber(person.idNumber) === normalizeIdNumber(v.owner.idNumber);
  if (code === 'inspection-mark' && !applicantIsOwner) {
    if (answers.filingAs !== 'agent') {
      return { answersPatch: {}, refusal: new DomainError('vehicle.notOwner', 400, { params: { plate }, fieldErrors: { plate: ['vehicle.notOwner'] } }) };
    }
    const typedId = typeof answers.ownerIdNumber === 'string' ? normalizeIdNumber(answers.ownerIdNumber) : '';
    const typedName = typeof answers.ownerName === 'string' ? answers.ownerName.trim() : '';
    if (typedId !== normalizeIdNumber(v.owner.idNumber) || typedName !== v.owner.name) {
      return {
        answersPatch: {},
        refusal: new DomainError('vehicle.ownerMismatch', 400, {
          params: { plate },
          fieldErrors: { ownerName: ['vehicle.ownerMismatch'], ownerIdNumber: ['vehicle.ownerMismatch'] },
        }),
      };
    }
  }
  if (v.unsettled.length > 0) {
    // The buyer is told that something is unsettled, not the seller's violations themselves.
    return { answersPatch: {}, refusal: code === 'inspection-mark' ? unsettledRefusal(plate, v.unsettled) : unsettledTransferRefusal(plate, v.unsettled) };
  }
  const fromRecords: Record<string, string> =
    code === 'inspection-mark' ? { vehicleType: v.vehicleType, registrationDate: v.registrationDate } : { vehicleType: v.vehicleType };
  const owner: VehicleOwnerSnapshot = { plate, name: v.owner.name, idNumber: normalizeIdNumber(v.owner.idNumber), applicantIsOwner };
  return {
    answersPatch: { ...fromRecords, [CORRECTIONS_KEY]: corrections(answers, fromRecords), [VEHICLE_OWNER_KEY]: owner },
    refusal: null,
  };
}

function unsettledTransferRefusal(plate: string, items: Unsettled[]): DomainError {
  return new DomainError('vehicle.unsettledTransfer', 400, {
    params: { plate, count: items.length },
    fieldErrors: { plate: ['vehicle.unsettledTransfer'] },
  });
}

function unsettledRefusal(plate: string, items: Unsettled[]): DomainError {
  const list = (kind: Unsettled['kind']) =>
    items
      .filter((i) => i.kind === kind)
      .map((i) => `${i.reference} (${i.date}${i.place ? `, ${i.place}` : ''})`)
      .join('; ');
  return new DomainError('vehicle.unsettled', 400, {
    params: { plate, count: items.length, violations: list('violation') || '—', accidents: list('accident') || '—' },
    fieldErrors: { plate: ['vehicle.unsettled'] },
  });
}
