import fc from 'fast-check';
import { resources } from '../../locales/index.js';

/**
 * fast-check arbitraries for the classes of hostile input of tracker issue 13, shared by the
 * fuzz suites (tests/integration/fuzz-*.test.ts) and the unit tests of the helpers that refuse
 * them. The expectations are written out here from the rule, not borrowed from the code under
 * test.
 */

const chr = (code: number) => String.fromCodePoint(code);

/** C0 controls other than TAB/LF/CR, DEL and the C1 controls. NUL is drawn more often. */
export const controlChar = fc.oneof(
  { weight: 2, arbitrary: fc.constant('\u0000') },
  { weight: 3, arbitrary: fc.integer({ min: 0x01, max: 0x1f }).filter((c) => c !== 0x09 && c !== 0x0a && c !== 0x0d).map(chr) },
  { weight: 1, arbitrary: fc.integer({ min: 0x7f, max: 0x9f }).map(chr) },
);
/** TAB, LF, CR: allowed in multi-line fields only. */
export const lineControl = fc.constantFrom('\t', '\n', '\r');
/** The bidi controls: ALM, LRM, RLM, LRE…RLO, LRI…PDI. */
export const BIDI = ['\u061C', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];
export const bidiChar = fc.constantFrom(...BIDI);
/** Other invisible format characters and the line/paragraph separators. */
export const invisibleChar = fc.constantFrom('\u200B', '\u2060', '\uFEFF', '\u00AD', '\u2028', '\u2029', '\u{E0041}', '\uFFF9', '\u180E');
/** Half a character. */
export const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** One character no free-text field may hold (single-line or multi-line). */
export const forbiddenChar = fc.oneof(controlChar, bidiChar, invisibleChar, loneSurrogate);

/** What the rule says, written independently of services/validation/text.ts. */
const FORBIDDEN_MULTILINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B\u200E\u200F\u2028-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB\u{E0001}\u{E0020}-\u{E007F}]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;
const FORBIDDEN_SINGLE_LINE = new RegExp(`${FORBIDDEN_MULTILINE.source}|[\\t\\n\\r]`, 'u');
export function looksForbidden(value: string, multiline = false): boolean {
  return (multiline ? FORBIDDEN_MULTILINE : FORBIDDEN_SINGLE_LINE).test(value);
}

/** Text people type: any graphemes (CJK, emoji, combining marks), none forbidden by the rule. */
export const plainText = (maxLength = 30) =>
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength })
    .filter((s) => !looksForbidden(s, true) && !/[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]/u.test(s.replace(/[\u200C\u200D]/g, '')) && s.trim().length > 0);

/** A plain text with one forbidden character put somewhere in it (start, middle or end). */
export const hostileText = (maxLength = 30) =>
  fc.tuple(plainText(maxLength), forbiddenChar, fc.nat()).map(([s, c, at]) => {
    const chars = [...s];
    const i = at % (chars.length + 1);
    return [...chars.slice(0, i), c, ...chars.slice(i)].join('');
  });

/** Property names of Object.prototype and friends, as intents, field names and keys. */
export const prototypeKey = fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__', 'isPrototypeOf');

/** Numbers a form field may carry that are not int32 whole numbers in plain digits. */
export const badInteger = fc.constantFrom(
  '2147483648', '-2147483649', '4294967296', '9007199254740993', '1e309', '-1e309', '1e3', '0x7fffffff', '0x80000000', '0b1', '0o7',
  '1.5', 'NaN', 'Infinity', '-Infinity', '١٢', '１２', '+-1', '', ' ', '99999999999999999999',
);
/** Dates that look like YYYY-MM-DD but are not a real day of a report's years. */
export const impossibleDate = fc.constantFrom(
  '2026-02-30', '2025-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '0000-01-01', '9999-12-31', '1999-12-31', '2100-01-01',
  '+275760-09-13', '2026-1-1', '2026-02-28T00:00', '-2026-01-01', '2026-02-3\u0000',
);
/** redirectTo values: non-Latin-1 paths, half characters, and the open-redirect tricks. */
export const hostileRedirect = fc.oneof(
  fc.constantFrom('/申请?x=中文', '/applications/\u0100', '/\uD800', '/€', '/%E4', '/.//evil.com', '//evil.com', '/\\evil.com', '/\t/evil.com', '/a/../..//evil', '/\u202Egnp.exe', 'https://evil.com', '/x#\u4e2d'),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => `/${s}`),
  fc.string({ unit: 'binary', maxLength: 20 }).map((s) => `/${s}`),
);
/** A string far longer than any field allows. */
export const hugeText = fc.integer({ min: 3, max: 5 }).map((n) => '字'.repeat(10 ** n));

/** Any of the above, for fields whose kind the fuzzer does not know. */
export const anyHostile = fc.oneof(hostileText(), prototypeKey, badInteger, impossibleDate, hostileRedirect, hugeText, forbiddenChar);

/** Whether an i18n key (namespace-qualified, or a validation message) exists in both languages. */
export function isLocalizedKey(raw: string): boolean {
  const key = raw.split('|')[0];
  const candidates = key.includes(':') ? [key] : [`validation:${key}`, `errors:${key}`];
  return candidates.some((k) => {
    const [ns, path] = k.split(':');
    return (['zh-CN', 'en'] as const).every((lng) => typeof lookup((resources[lng] as Record<string, unknown>)[ns], path) === 'string');
  });
}

function lookup(tree: unknown, path: string): unknown {
  let at: unknown = tree;
  for (const part of path.split('.')) {
    if (!at || typeof at !== 'object' || !Object.hasOwn(at, part)) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

/**
 * The messages of a refusal as the app sends them: an error page's `{ code }` (namespace
 * errors) or a form's `lastResult.error` (validation keys beside fields, errors:… form-level).
 */
export function refusalMessages(body: unknown): string[] {
  if (!body || typeof body !== 'object') return [];
  const b = body as { code?: unknown; lastResult?: { error?: Record<string, unknown> | null } };
  const out: string[] = [];
  if (typeof b.code === 'string') out.push(`errors:${b.code}`);
  for (const list of Object.values(b.lastResult?.error ?? {})) if (Array.isArray(list)) out.push(...list.map(String));
  return out;
}
