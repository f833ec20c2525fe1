import type { i18n as I18n, TFunction } from 'i18next';
import { DEFAULT_LANGUAGE, NAMESPACES, resources, type Language } from '#locales/index';

/**
 * Translations precompiled per language (decision 0029). i18next's `t()` re-parses the key, walks
 * the namespace and fallback chains, runs interpolation regexes and the nesting pass on every call:
 * 35–60 µs each, ~150 calls per page. Here every string of every namespace is compiled once per
 * process into either itself or a function that joins its parts with the call's variables, looked
 * up by `ns:key` in one Map.
 *
 * Only what this catalogue uses takes the fast path: a plain key (with or without `ns:`), simple
 * `{{name}}` variables, and `count` plurals (`_zero` for 0, then the language's plural category,
 * then the bare key, as i18next does with Intl.PluralRules). Anything else — a `{{value, format}}`,
 * `$t(…)` nesting, an option i18next treats specially, a missing variable, a missing key, an array
 * of keys — goes to i18next itself, so the output is i18next's in every case.
 */
type Entry = string | ((vars: Record<string, unknown>) => string) | null;
type Table = Map<string, Entry>;

/** Options i18next reads itself; a call with any of them is left to i18next. */
const RESERVED = new Set([
  'lng', 'lngs', 'fallbackLng', 'ns', 'context', 'ordinal', 'returnObjects', 'returnDetails', 'joinArrays',
  'postProcess', 'interpolation', 'replace', 'keyPrefix', 'skipInterpolation', 'nsSeparator', 'keySeparator',
  'defaultValue', 'nest', 'escapeValue', 'appendNamespaceToMissingKey',
]);
const SIMPLE_VAR = /\{\{\s*([A-Za-z_$][\w$]*)\s*\}\}/g;

function compile(s: string): Entry {
  // Empty strings, nesting and formatted or unescaped variables are i18next's to handle.
  if (s === '' || s.includes('$t(') || s.replace(SIMPLE_VAR, '').includes('{{')) return null;
  const statics: string[] = [];
  const names: string[] = [];
  let last = 0;
  for (const m of s.matchAll(SIMPLE_VAR)) {
    statics.push(s.slice(last, m.index));
    names.push(m[1]);
    last = m.index! + m[0].length;
  }
  if (names.length === 0) return s;
  statics.push(s.slice(last));
  return (vars) => {
    let out = statics[0];
    for (let i = 0; i < names.length; i++) {
      const v = vars[names[i]];
      // i18next's makeString: null and undefined print as ''. (undefined never reaches here.)
      out += (v === null ? '' : typeof v === 'string' ? v : String(v)) + statics[i + 1];
    }
    return out;
  };
}

/** Which variables an entry needs: a call missing one goes to i18next (its missing-value handling). */
const needs = new WeakMap<(vars: Record<string, unknown>) => string, string[]>();

function flatten(table: Table, ns: string, prefix: string, value: unknown) {
  if (typeof value === 'string') {
    const entry = compile(value);
    if (typeof entry === 'function') needs.set(entry, [...value.matchAll(SIMPLE_VAR)].map((m) => m[1]));
    table.set(`${ns}:${prefix}`, entry);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(table, ns, prefix ? `${prefix}.${k}` : k, v);
  }
}

const tables = new Map<Language, Table>();

function tableFor(lng: Language): Table {
  let table = tables.get(lng);
  if (!table) {
    table = new Map();
    for (const ns of NAMESPACES) flatten(table, ns, '', resources[lng][ns]);
    tables.set(lng, table);
  }
  return table;
}

/** The language's plural category of a count, memoised: Intl.PluralRules#select costs ~1 µs. */
const pluralMemos = new Map<string, (n: number) => string>();
function pluralOf(lng: string): (n: number) => string {
  let f = pluralMemos.get(lng);
  if (!f) {
    const rules = new Intl.PluralRules(lng);
    const memo = new Map<number, string>();
    f = (n) => {
      let c = memo.get(n);
      if (c === undefined) {
        c = rules.select(n);
        if (memo.size < 1000) memo.set(n, c);
      }
      return c;
    };
    pluralMemos.set(lng, f);
  }
  return f;
}
const namespaces = new Set<string>(NAMESPACES);

/**
 * A `t` for `lng` fixed to `ns` (a namespace or the ordered list to look in), answering from the
 * compiled table and handing everything else to `slow` (i18next's own fixed t for the same ns).
 * `used` collects each namespace a call reached, for what the page sends to the browser.
 */
export function compiledT(instance: I18n, lng: Language, ns: string | readonly string[] | undefined, used?: Set<string>): TFunction {
  const table = tableFor(lng);
  const fixed = ns === undefined ? [String(instance.options.defaultNS ?? 'common')] : typeof ns === 'string' ? [ns] : [...ns];
  const slow = instance.getFixedT(lng, ns === undefined ? null : (ns as string | string[])) as unknown as (...a: unknown[]) => string;
  const plural = pluralOf(lng);
  // i18next looks in each namespace for the language, then its fallback, before the next namespace.
  const fallback = lng === DEFAULT_LANGUAGE ? null : tableFor(DEFAULT_LANGUAGE);

  const lookup = (table: Table, ns: string, key: string, count: unknown): Entry | undefined => {
    if (typeof count === 'number') {
      if (count === 0) {
        const zero = table.get(`${ns}:${key}_zero`);
        if (zero !== undefined) return zero;
      }
      const form = table.get(`${ns}:${key}_${plural(count)}`);
      if (form !== undefined) return form;
    }
    return table.get(`${ns}:${key}`);
  };
  const render = (entry: Entry, vars: Record<string, unknown>): string | undefined => {
    if (typeof entry === 'string') return entry;
    if (entry === null) return undefined;
    for (const name of needs.get(entry)!) if (vars[name] === undefined) return undefined;
    return entry(vars);
  };

  const t = ((key: unknown, options?: unknown, ...rest: unknown[]) => {
    if (typeof key !== 'string' || rest.length > 0 || (options !== undefined && (options === null || typeof options !== 'object'))) {
      return slow(key, options, ...rest);
    }
    const vars = (options ?? EMPTY) as Record<string, unknown>;
    const count = vars.count;
    if (options !== undefined) {
      for (const k in vars) if (RESERVED.has(k) || k.startsWith('defaultValue')) return slow(key, options);
      if (count !== undefined && typeof count !== 'number') return slow(key, options);
    }
    const colon = key.indexOf(':');
    if (colon >= 0) {
      // `ns:key`: the table's own key, so the common case is one Map lookup and no new string.
      const ns = nsOf(key, colon);
      if (ns === undefined) return slow(key, options);
      used?.add(ns);
      const entry = count === undefined ? table.get(key) : lookup(table, ns, key.slice(colon + 1), count);
      const out = entry === undefined ? undefined : render(entry, vars);
      return out ?? slow(key, options);
    }
    for (const n of fixed) {
      used?.add(n);
      const entry = lookup(table, n, key, count);
      if (entry === undefined) {
        if (fallback && lookup(fallback, n, key, count) !== undefined) break;
        continue;
      }
      const out = render(entry, vars);
      if (out !== undefined) return out;
      break;
    }
    return slow(key, options);
  }) as unknown as TFunction;
  Object.assign(t, { lng, ns: ns ?? fixed[0] });
  return t;
}

const EMPTY = Object.freeze({});

/** The namespace a prefixed key names, if it is one; memoised, as pages ask for the same keys. */
const prefixes = new Map<string, string | null>();
function nsOf(key: string, colon: number): string | undefined {
  let ns = prefixes.get(key);
  if (ns === undefined) {
    const p = key.slice(0, colon);
    ns = namespaces.has(p) ? p : null;
    if (prefixes.size < 50_000) prefixes.set(key, ns);
  }
  return ns ?? undefined;
}

/**
 * A per-request view of a language's shared instance for react-i18next: everything inherited,
 * only `t` and `getFixedT` answered from the compiled table (and counted into `used`).
 */
export function requestInstance(instance: I18n, lng: Language, used: Set<string>): I18n {
  const view = Object.create(instance) as I18n;
  const fixedT = (l: string | null, ns?: string | readonly string[] | null, keyPrefix?: string) =>
    keyPrefix || (l && l !== lng) ? instance.getFixedT(l, ns as string, keyPrefix) : compiledT(instance, lng, ns ?? undefined, used);
  view.getFixedT = fixedT as I18n['getFixedT'];
  view.t = compiledT(instance, lng, undefined, used);
  return view;
}
