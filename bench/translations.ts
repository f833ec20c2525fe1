/**
 * `npm run bench:t`: t() calls per second, i18next's fixed t beside the precompiled one
 * (app/compiled-translations.server.ts, decision 0029), in each language, alternating A B A B in
 * one run. The calls are every key of the namespaces a catalog page uses (common, catalog, errors),
 * each with the variables its string names, plus the plural counts the pages pass.
 */
import os from 'node:os';
import type { TFunction } from 'i18next';
import { compiledT } from '../app/compiled-translations.server.js';
import { i18nFor } from '../app/i18next.server.js';
import { resources, SUPPORTED_LANGUAGES } from '../locales/index.js';

const NS = ['common', 'catalog', 'errors'] as const;
const ROUNDS = 4;
const MIN_MS = 400;

/** Each string's key (plural forms by their base key) and the variables it names. */
function entriesOf(value: unknown, prefix = ''): [string, string[], boolean][] {
  if (typeof value === 'string') {
    const base = prefix.replace(/_(zero|one|two|few|many|other)$/, '');
    return [[base, [...value.matchAll(/\{\{\s*([\w$]+)/g)].map((m) => m[1]), base !== prefix]];
  }
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => entriesOf(v, prefix ? `${prefix}.${k}` : k));
}

/** One call per key, as a page makes it: the key's own variables, a count for a plural. */
function calls(lng: (typeof SUPPORTED_LANGUAGES)[number]): [string, Record<string, unknown> | undefined][] {
  const out = new Map<string, Record<string, unknown> | undefined>();
  for (const ns of NS) {
    for (const [key, vars, isPlural] of entriesOf(resources[lng][ns])) {
      const o: Record<string, unknown> = Object.fromEntries(vars.map((v) => [v, v === 'count' ? 3 : 'x']));
      if (isPlural) o.count = 3;
      out.set(`${ns}:${key}`, Object.keys(o).length ? o : undefined);
    }
  }
  return [...out];
}

/** Calls per second of `t` over the list, run for at least MIN_MS. */
function rate(t: TFunction, list: [string, Record<string, unknown> | undefined][]): number {
  let n = 0;
  let sink = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < MIN_MS) {
    for (const [k, o] of list) sink += String(t(k, o as never)).length;
    n += list.length;
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  }
  if (sink < 0) console.log(sink);
  return (n / elapsed) * 1000;
}

const loadBefore = os.loadavg()[0];
console.log(`${'language'.padEnd(9)} ${'i18next t/s'.padStart(14)} ${'compiled t/s'.padStart(14)} ${'µs i18next'.padStart(11)} ${'µs compiled'.padStart(12)} ${'×'.padStart(6)}`);
for (const lng of SUPPORTED_LANGUAGES) {
  const i18n = await i18nFor(lng);
  const list = calls(lng);
  const slow = i18n.getFixedT(lng, 'common');
  const fast = compiledT(i18n, lng, 'common');
  rate(slow, list);
  rate(fast, list);
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push(rate(slow, list));
    b.push(rate(fast, list));
  }
  const med = (xs: number[]) => xs.sort((x, y) => x - y)[xs.length >> 1];
  const [s, f] = [med(a), med(b)];
  console.log(`${lng.padEnd(9)} ${Math.round(s).toLocaleString('en').padStart(14)} ${Math.round(f).toLocaleString('en').padStart(14)} ${(1e6 / s).toFixed(2).padStart(11)} ${(1e6 / f).toFixed(3).padStart(12)} ${(f / s).toFixed(0).padStart(6)}`);
}
console.log(`${calls('en').length} distinct calls per language; medians of ${ROUNDS} alternating rounds of ≥ ${MIN_MS} ms. Load average ${loadBefore.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end; ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} CPUs.`);
