import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compiledT, requestInstance } from '../../app/compiled-translations.server.js';
import { i18nFor } from '../../app/i18next.server.js';
import { NAMESPACES, resources, SUPPORTED_LANGUAGES } from '#locales/index';

/** Every key of a namespace (nested objects joined by '.'), plural keys also by their base. */
function keysOf(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix, prefix.replace(/_(zero|one|two|few|many|other)$/, '')];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k));
}
const varsIn = (s: unknown): string[] => [...JSON.stringify(s).matchAll(/\{\{-?\s*([\w$]+)/g)].map((m) => m[1]);

function outcome(f: () => unknown): { value: unknown } | { threw: string } {
  try {
    return { value: f() };
  } catch (e) {
    return { threw: String(e) };
  }
}

/** The precompiled t() answers exactly what i18next answers (decision 0029). */
describe.each(SUPPORTED_LANGUAGES)('compiled translations in %s', (lng) => {
  it('agree with i18next on every key, with and without the variables and counts it uses', async () => {
    const i18n = await i18nFor(lng);
    let calls = 0;
    for (const ns of NAMESPACES) {
      const fast = compiledT(i18n, lng, ns);
      const slow = i18n.getFixedT(lng, ns);
      const vars = Object.fromEntries(varsIn(resources[lng][ns]).map((v, i) => [v, `«${v}${i}»`]));
      for (const key of new Set(keysOf(resources[lng][ns]))) {
        for (const opts of [undefined, {}, vars, { ...vars, count: 0 }, { ...vars, count: 1 }, { ...vars, count: 2 }, { count: 7 }, { ...vars, value: 12.5 }]) {
          expect(fast(key, opts as never), `${ns}:${key} ${JSON.stringify(opts)}`).toBe(slow(key, opts as never));
          expect(compiledT(i18n, lng, 'common')(`${ns}:${key}`, opts as never)).toBe(i18n.getFixedT(lng, 'common')(`${ns}:${key}`, opts as never));
          calls += 2;
        }
      }
    }
    expect(calls).toBeGreaterThan(1000);
  });

  it('agree with i18next on any variable values, reserved options, namespace lists and unknown keys', async () => {
    const i18n = await i18nFor(lng);
    const keys = NAMESPACES.flatMap((ns) => keysOf(resources[lng][ns]).map((k) => `${ns}:${k}`));
    const value = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.constant(null), fc.constant(undefined), fc.boolean());
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...keys), fc.string(), fc.constantFrom('siteName', 'nav.home', 'errorPage.title', 'no.such.key', 'desk:', ':x')),
        fc.dictionary(fc.constantFrom('count', 'value', 'code', 'number', 'name', 'days', 'defaultValue', 'context', 'ns', 'lng', 'returnObjects'), value),
        fc.constantFrom<undefined | string | string[]>(undefined, 'common', 'desk', ['desk', 'common'], ['catalog', 'common']),
        (key, opts, ns) => {
          // Nonsense reserved options make i18next throw; then the compiled t must throw too.
          expect(outcome(() => compiledT(i18n, lng, ns)(key, opts as never))).toStrictEqual(outcome(() => i18n.getFixedT(lng, ns ?? null)(key, opts as never)));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('serves react-i18next through a per-request view that records the namespaces a render reached', async () => {
    const i18n = await i18nFor(lng);
    const used = new Set<string>();
    const view = requestInstance(i18n, lng, used);
    expect(view.language).toBe(lng);
    expect(view.getFixedT(null, 'catalog')('catalog:title' as never)).toBe(i18n.getFixedT(lng, 'catalog')('catalog:title'));
    expect(view.t('errors:notFound')).toBe(i18n.t('errors:notFound'));
    expect([...used].sort()).toEqual(['catalog', 'errors']);
    expect(i18n.getFixedT).not.toBe(view.getFixedT);
  });
});
