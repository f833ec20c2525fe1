import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCRIPT_OPTIONS } from '../../scripts/build-enhancements.js';
import { EXAMPLE_ANSWERS, exampleIdNumber } from '../../services/catalog/examples.js';
import { materialRequired, SERVICES, type ServiceDefinition } from '../../services/catalog/index.js';
import type { MaterialDef } from '../../services/catalog/types.js';

/**
 * The apply form's script (decision 0046) asks the definitions the server asks, bundled without
 * zod (app/enhance/without-zod.ts). Bundled here with the build's own options, the catalog must
 * answer every condition as the server's does, for every item and every choice of its options:
 * a condition that came to need zod, or anything the bundle leaves out, fails here.
 */
const root = path.resolve(__dirname, '../..');
const outDir = path.join(root, 'build', `.enhancement-rules-${process.pid}`);
type Rules = { findService: (code: string) => ServiceDefinition | undefined; materialRequired: typeof materialRequired };
let bundled: Rules;

beforeAll(async () => {
  const outfile = path.join(outDir, 'rules.mjs');
  await build({
    ...SCRIPT_OPTIONS,
    stdin: { contents: "export { findService, materialRequired } from '#services/catalog/index';", resolveDir: root, loader: 'ts' },
    outfile,
  });
  bundled = (await import(pathToFileURL(outfile).href)) as Rules;
}, 60_000);
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

/** The item's example answers, then each option of each choice in turn, and people of several ages. */
function answerSets(def: ServiceDefinition): Record<string, string>[] {
  const example = EXAMPLE_ANSWERS[def.code] ?? {};
  const sets = [example, {}];
  for (const f of def.fields) for (const o of f.options ?? []) sets.push({ ...example, [f.name]: o });
  for (const birth of ['20200101', '20100615', '19900307', '19500101']) {
    const id = exampleIdNumber('110101', birth);
    sets.push(Object.fromEntries(Object.entries(example).map(([k, v]) => [k, /idnumber$/i.test(k) ? id : v])));
  }
  return sets;
}

const answer = (rules: Pick<Rules, 'materialRequired'>, m: MaterialDef, a: Record<string, string>) => {
  try {
    return rules.materialRequired(m, a, { today: '2026-06-15' });
  } catch (e) {
    return `throws ${(e as Error).message}`;
  }
};

describe('the apply form script’s rules', () => {
  it.each(SERVICES.map((d) => [d.code, d] as const))('%s: every condition answers as on the server', (code, def) => {
    const theirs = bundled.findService(code);
    expect(theirs).toBeDefined();
    expect(theirs!.fields.map((f) => [f.name, f.showWhen ?? null])).toEqual(def.fields.map((f) => [f.name, f.showWhen ?? null]));
    for (const a of answerSets(def)) {
      for (const m of def.materials) {
        const mine = theirs!.materials.find((x) => x.code === m.code)!;
        expect(answer(bundled, mine, a), `${m.code} for ${JSON.stringify(a)}`).toEqual(answer({ materialRequired }, m, a));
      }
    }
  });

  it('has no zod in it: a schema builds to nothing, and validating with it throws', () => {
    const schema = bundled.findService(SERVICES[0].code)!.schema({ today: '2026-06-15' }) as { safeParse: (v: unknown) => unknown };
    expect(() => schema.safeParse(EXAMPLE_ANSWERS[SERVICES[0].code])).toThrow(/zod is not bundled/);
  });
});
