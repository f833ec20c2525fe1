import { parseWithZod, unstable_coerceFormValue } from '@conform-to/zod';
import type { ZodTypeAny } from 'zod';
import type { Answers, DefinitionEnv, ServiceDefinition } from '../catalog/types.js';
import type { RawAnswers } from './apply-input.js';

/**
 * The definition's schema for an environment with conform's form coercion applied, built once
 * per definition and day: parseWithZod would otherwise rebuild both on every submission.
 * unstable_coerceFormValue is the very function parseWithZod applies itself (same defaults).
 */
const schemas = new WeakMap<ServiceDefinition, { env: string; schema: ZodTypeAny }>();
function coercedSchema(def: ServiceDefinition, env: DefinitionEnv): ZodTypeAny {
  const key = JSON.stringify(env);
  const cached = schemas.get(def);
  if (cached?.env === key) return cached.schema;
  const schema = unstable_coerceFormValue(def.schema(env));
  schemas.set(def, { env: key, schema });
  return schema;
}

/**
 * Validates raw answers with the definition's schema exactly as conform does in the browser
 * (same coercion of empty strings, checkboxes and numbers), so both sides agree on every field.
 */
export function parseAnswers(
  def: ServiceDefinition,
  raw: RawAnswers,
  env: DefinitionEnv,
): { ok: true; answers: Answers } | { ok: false; fieldErrors: Record<string, string[]> } {
  const payload = new URLSearchParams();
  for (const [name, value] of Object.entries(raw)) for (const v of Array.isArray(value) ? value : [value]) payload.append(name, v);
  const submission = parseWithZod(payload, { schema: coercedSchema(def, env), disableAutoCoercion: true });
  if (submission.status === 'success') return { ok: true, answers: submission.value as Answers };
  const fieldErrors: Record<string, string[]> = {};
  for (const [name, errors] of Object.entries(submission.error ?? {})) if (errors?.length) fieldErrors[name] = errors;
  return { ok: false, fieldErrors };
}

/** Raw answers as a draft keeps them (strings), for refilling the form. */
export function rawAnswersOf(stored: unknown): RawAnswers {
  const out: RawAnswers = {};
  if (!stored || typeof stored !== 'object') return out;
  for (const [k, v] of Object.entries(stored as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = v === true ? 'on' : String(v);
  }
  return out;
}
