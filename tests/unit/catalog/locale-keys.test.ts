import { parseWithZod } from '@conform-to/zod';
import { describe, expect, it } from 'vitest';
import { resources, SUPPORTED_LANGUAGES } from '../../../locales/index.js';
import { SERVICES, DEPARTMENTS, type ServiceDefinition } from '../../../services/catalog/index.js';
import { DEFICIENCY_REASONS } from '../../../services/catalog/definitions/shared.js';
import { EXAMPLE_ANSWERS } from '../../../services/catalog/examples.js';

type Tree = { [k: string]: string | Tree };

function lookup(lng: (typeof SUPPORTED_LANGUAGES)[number], ns: 'catalog' | 'common' | 'validation', key: string): string | undefined {
  let node: string | Tree | undefined = resources[lng][ns] as unknown as Tree;
  for (const part of key.split('.')) {
    if (!node || typeof node === 'string') return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

const ENV = { today: '2026-11-23' };

/** Every catalog key a definition implies, per the convention in services/catalog/types.ts. */
function impliedKeys(def: ServiceDefinition): string[] {
  const s = `services.${def.code}`;
  const keys = ['name', 'summary', 'eligibility', 'place'].map((k) => `${s}.${k}`);
  for (const f of def.fields) {
    // Shared fields (the postal address) hang from their group; region options are named in common.
    const base = f.group ? `${f.group}.${f.name}` : `${s}.fields.${f.name}`;
    keys.push(`${base}.label`, `${base}.hint`);
    if (f.group) keys.push(`${f.group}.legend`, `${f.group}.hint`);
    if (f.kind !== 'region') for (const o of f.options ?? []) keys.push(`${base}.options.${o}`);
  }
  for (const line of def.fee.guideLines) keys.push(`${s}.fees.${line.key}`);
  for (const note of def.noteKeys ?? []) keys.push(`${s}.notes.${note}`);
  for (const m of def.materials) {
    keys.push(`materials.${m.code}.name`, `materials.${m.code}.requirement`);
    if (m.requirementKey) keys.push(m.requirementKey);
    if (m.required !== 'always') keys.push(`conditions.${m.required.conditionKey}`);
    for (const r of m.deficiencyReasons) keys.push(`deficiency.${r}`);
  }
  for (const b of def.legalBasisKeys) keys.push(`basis.${b}`);
  for (const k of def.commitments?.cases ?? []) keys.push(`${s}.commitments.${k.key}`, `basis.${k.basisKey}`);
  if (def.fee.basisKey) keys.push(`basis.${def.fee.basisKey}`);
  if (def.timeLimits.statutory) keys.push(`basis.${def.timeLimits.statutory.basisKey}`);
  keys.push(`guide.handlingMode.${def.handling.mode}`, `guide.jurisdiction.${def.jurisdiction.kind}`);
  return keys;
}

describe('catalog locale keys', () => {
  it('lists eleven items with unique kebab-case codes, every department represented', () => {
    const codes = SERVICES.map((s) => s.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toHaveLength(11);
    for (const c of codes) expect(c).toMatch(/^[a-z]+(-[a-z]+)*$/);
    for (const d of DEPARTMENTS) expect(SERVICES.some((s) => s.department === d)).toBe(true);
  });

  for (const def of SERVICES) {
    describe(def.code, () => {
      for (const lng of SUPPORTED_LANGUAGES) {
        it(`has every implied key in ${lng}`, () => {
          const missing = impliedKeys(def).filter((k) => !lookup(lng, 'catalog', k)?.trim());
          expect(missing).toEqual([]);
          expect(lookup(lng, 'common', `departments.${def.department}`)).toBeTruthy();
          for (const f of def.fields.filter((x) => x.kind === 'region')) {
            for (const o of f.options ?? []) expect(lookup(lng, 'common', `regions.${o}`), o).toBeTruthy();
          }
        });
      }

      it('uses only the shared deficiency reasons', () => {
        for (const m of def.materials) {
          expect(m.deficiencyReasons.length).toBeGreaterThan(0);
          for (const r of m.deficiencyReasons) expect(DEFICIENCY_REASONS).toContain(r);
        }
      });

      it('routes by a field that the form has', () => {
        const field = def.fields.find((f) => f.name === def.jurisdiction.field);
        expect(field).toBeDefined();
        const expectedKind = { hukou: 'region', vehicle: 'plate', chosen: 'office' }[def.jurisdiction.kind];
        expect(field?.kind).toBe(expectedKind);
        const shape = schemaShape(def);
        for (const f of def.fields) expect(Object.keys(shape)).toContain(f.name);
      });

      it('accepts its example answers, and notes and fee lines it returns have keys', () => {
        const submission = parseWithZod(new URLSearchParams(EXAMPLE_ANSWERS[def.code]), { schema: def.schema(ENV) });
        expect(submission.status).toBe('success');
        if (submission.status !== 'success') return;
        const answers = submission.value;
        const guideKeys = def.fee.guideLines.map((l) => l.key);
        for (const line of def.fee.lines(answers)) expect(guideKeys).toContain(line.key);
        for (const note of def.notes?.(answers, ENV) ?? []) expect(def.noteKeys).toContain(note.key);
      });

      it('gives validation keys as messages for a form posted empty', () => {
        const submission = parseWithZod(new URLSearchParams(), { schema: def.schema(ENV) });
        if (submission.status === 'success') throw new Error('an empty form must not pass');
        const errors = (submission.error ?? {}) as Record<string, string[] | null>;
        expect(Object.keys(errors).length).toBeGreaterThan(0);
        for (const messages of Object.values(errors)) {
          for (const m of messages ?? []) for (const lng of SUPPORTED_LANGUAGES) expect(lookup(lng, 'validation', m), m).toBeTruthy();
        }
      });
    });
  }

  it('has every shared deficiency reason in both languages', () => {
    for (const lng of SUPPORTED_LANGUAGES) for (const r of DEFICIENCY_REASONS) expect(lookup(lng, 'catalog', `deficiency.${r}`)).toBeTruthy();
  });
});

/** The object shape behind a schema, through any superRefine wrapper. */
function schemaShape(def: ServiceDefinition): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let s: any = def.schema(ENV);
  while (s && !s.shape && s._def?.schema) s = s._def.schema;
  return s.shape;
}
