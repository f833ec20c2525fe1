import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as admin from '../../services/admin/schemas.js';
import * as auth from '../../services/auth/schemas.js';
import * as review from '../../services/review/schemas.js';
import * as board from '../../services/queue/board-schema.js';
import * as address from '../../services/validation/address.js';
import * as ratings from '../../services/ratings/ratings.js';
import * as rectifications from '../../services/ratings/rectifications.js';
import * as metrics from '../../services/reports/metrics.js';
import * as calendarForms from '../../services/calendar/calendar-forms.js';
import { SERVICES } from '../../services/catalog/index.js';
import { isLocalizedKey } from '../support/hostile.js';

/**
 * Every form schema answers every value of the wrong kind with one of its own message keys,
 * never zod's English default ("Expected string, received object"). A multipart post can put a
 * file, and a conform-parsed form a list or a nested object, under any field name; the fuzzing of
 * the actions found a file under an office's plate prefixes answered in zod's words. This holds
 * the class at the layer that makes the messages, for every schema and every field at once.
 */
const TODAY = '2026-12-03';

const FORM_SCHEMAS: [string, z.ZodTypeAny][] = [
  ...(Object.entries({ ...admin, ...auth, ...review, ...board, ...address, ...ratings, ...rectifications, ...metrics, ...calendarForms }) as [string, unknown][])
    .filter(([name]) => name.endsWith('Schema'))
    .map(([name, s]): [string, z.ZodTypeAny] => [name, typeof s === 'function' ? (s as (today: string) => z.ZodTypeAny)(TODAY) : (s as z.ZodTypeAny)]),
  ...SERVICES.map((d): [string, z.ZodTypeAny] => [`service ${d.code}`, d.schema({ today: TODAY })]),
];

/** The field names a schema reads, through effects, pipes, intersections and defaults. */
function fieldsOf(s: z.ZodTypeAny): string[] {
  if (s instanceof z.ZodObject) return Object.keys(s.shape as object);
  if (s instanceof z.ZodEffects) return fieldsOf(s.innerType());
  if (s instanceof z.ZodIntersection) return [...fieldsOf(s._def.left), ...fieldsOf(s._def.right)];
  if (s instanceof z.ZodPipeline) return fieldsOf(s._def.in);
  if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) return fieldsOf(s._def.innerType);
  return [];
}

const file = () => new File([new Uint8Array([0])], ' ', { type: '' });
/** Values no text field of a form should hold, as the parsers can produce them. */
const wrongKinds = fc.oneof(
  fc.constant(file()),
  fc.array(fc.constant(file()), { minLength: 1, maxLength: 3 }),
  fc.array(fc.string(), { minLength: 2, maxLength: 3 }),
  fc.dictionary(fc.constantFrom('a', '0', 'x'), fc.string(), { minKeys: 1, maxKeys: 2 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);

/** The messages that are not keys of both locales, for one field given one value. */
function unlocalized(schema: z.ZodTypeAny, field: string, value: unknown): string[] {
  const r = schema.safeParse({ [field]: value });
  return r.success ? [] : r.error.issues.map((i) => i.message).filter((m) => !isLocalizedKey(m));
}

describe('every form schema', () => {
  it('covers the schemas it means to', () => {
    expect(FORM_SCHEMAS.length).toBeGreaterThan(30);
    for (const [name, s] of FORM_SCHEMAS) expect(fieldsOf(s), name).not.toEqual([]);
  });

  it('answers a value of the wrong kind in any field with its own localized keys', () => {
    // Every field of every schema, each given values of every wrong kind; all failures at once.
    const failures = new Set<string>();
    for (const [name, schema] of FORM_SCHEMAS)
      for (const field of fieldsOf(schema))
        for (const value of fc.sample(wrongKinds, { numRuns: 40, seed: 42 }))
          for (const m of unlocalized(schema, field, value)) failures.add(`${name}.${field}: ${m}`);
    expect([...failures]).toEqual([]);
  });
});
