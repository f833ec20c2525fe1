/**
 * What a piece of text typed by a person may contain, for every free-text field of the portal
 * (names, answers, notes, reasons, comments) and, normalized instead of refused, for file names.
 *
 * Refused, because none of them is ever typed on purpose and each does harm somewhere:
 * - C0 and C1 control characters (U+0000 fails in PostgreSQL text and jsonb; the others are
 *   invisible or break headers and CSV), except TAB, LF and CR in multi-line fields;
 * - lone surrogates (half a character: not UTF-8 at all, so not storable);
 * - format characters (Unicode category Cf): the bidi controls U+061C, U+200E/F, U+202A–202E and
 *   U+2066–2069 reorder what a clerk sees ("invoice\u202Efdp.exe" shows as "invoiceexe.pdf"),
 *   and the invisible ones (U+200B zero width space, U+2060 word joiner, U+FEFF BOM, U+00AD soft
 *   hyphen, tag characters…) make two names that look the same compare different;
 * - the line and paragraph separators U+2028/2029, which no keyboard produces.
 * Kept: U+200C and U+200D (zero-width non-joiner/joiner), which some scripts and every emoji
 * sequence need and which reorder nothing; private-use characters, which is how rare name
 * characters outside Unicode travel in Chinese systems; variation selectors (ideographic
 * variants). Text is NFC-normalized so the same name typed on two systems is the same string.
 */

const JOINERS = new Set([0x200c, 0x200d]);

// One class for the refusal, one for the multi-line exceptions.
const FORBIDDEN = /[\p{Cc}\p{Cs}\p{Cf}\u2028\u2029]/u;
const FORBIDDEN_ALL = /[\p{Cc}\p{Cs}\p{Cf}\u2028\u2029]/gu;
const LINE_CONTROLS = new Set(['\t', '\n', '\r']);

export type TextOptions = { multiline?: boolean };

/** The first character a text field may not contain, or null when every character may stay. */
export function forbiddenCharacter(value: string, opts: TextOptions = {}): string | null {
  if (!FORBIDDEN.test(value)) return null;
  for (const m of value.matchAll(FORBIDDEN_ALL)) {
    const c = m[0];
    if (JOINERS.has(c.codePointAt(0)!)) continue;
    if (opts.multiline && LINE_CONTROLS.has(c)) continue;
    return c;
  }
  return null;
}

export function hasForbiddenCharacters(value: string, opts: TextOptions = {}): boolean {
  return forbiddenCharacter(value, opts) !== null;
}

/** The validation message (i18n key under `validation:`) for a text with forbidden characters. */
export const FORBIDDEN_CHARACTERS_MESSAGE = 'text.forbiddenCharacters';

/**
 * For text that comes from a machine rather than a keyboard (file names from the user's OS,
 * values echoed in a message): every forbidden character removed, NFC. Never refuses.
 */
export function stripForbidden(value: string): string {
  return value.replace(FORBIDDEN_ALL, (c) => (JOINERS.has(c.codePointAt(0)!) ? c : '')).normalize('NFC');
}

/** The first `max` characters (code points, so a pair is never cut in half). */
export function takeCodePoints(value: string, max: number): string {
  let out = '';
  let n = 0;
  for (const c of value) {
    if (n++ >= max) break;
    out += c;
  }
  return out;
}
