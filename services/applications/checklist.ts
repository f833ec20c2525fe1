import { eq } from 'drizzle-orm';
import { users } from '../../db/schema/index.js';
import { materialRequired, type Answers, type DefinitionEnv, type MaterialDef, type ServiceDefinition, type SharedFact } from '../catalog/index.js';
import type { ServiceContext } from '../context.js';
import { confirmedSharedFacts, subjectOf } from '../integrations/submission-checks.js';
import type { RawAnswers } from './apply-input.js';

/**
 * The materials checklist judged on answers that may not be valid yet (a half-filled form, a
 * draft, a post with field errors). The definitions' conditions read raw form values as well as
 * parsed ones (catalog/definitions/shared.ts str/yes), so the form, the error answer and the
 * submission use the one set of conditions. A condition that cannot be judged on what was typed
 * counts as not applying: the citizen is told once the answer it depends on is valid.
 */
export function appliesTo(m: MaterialDef, answers: Answers, env: DefinitionEnv): boolean {
  try {
    return materialRequired(m, answers, env);
  } catch {
    return false;
  }
}

/** Codes of the materials these (raw) answers call for that the registry has not confirmed instead. */
export function requiredMaterialCodes(def: ServiceDefinition, answers: Answers, env: DefinitionEnv, shared: readonly SharedFact[]): string[] {
  return def.materials.filter((m) => appliesTo(m, answers, env) && !(m.sharedFact && shared.includes(m.sharedFact))).map((m) => m.code);
}

/** What the registry confirms for the subject of these raw answers (the person the form names, else the filer). */
export async function sharedFactsForRaw(ctx: ServiceContext, def: ServiceDefinition, userId: string, answers: RawAnswers, today: string): Promise<SharedFact[]> {
  if (!def.materials.some((m) => m.sharedFact)) return [];
  const [me] = await ctx.db.select({ realName: users.realName, idNumber: users.idNumber }).from(users).where(eq(users.id, userId));
  const subject = subjectOf(def, answers, me ?? { realName: '', idNumber: null }, today);
  return 'person' in subject && subject.person ? confirmedSharedFacts(ctx, def, answers, subject.person.idNumber) : [];
}
