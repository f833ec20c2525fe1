import { optionalText } from '../validation/zod.js';
import { normalizeIdNumber, normalizeMobile } from '../validation/identifiers.js';
import type { DeskSearch } from './desk.js';

/** Longer than any number, ID or name a clerk types; the rest is refused, not cut. */
const MAX = 40;
const term = optionalText(MAX);

/**
 * What the desk's one search box holds: an application number (GA… or an office's own prefix,
 * decision 0037; any case), an 18-character
 * resident ID, a mobile (+86, spaces and dashes allowed), or else the start of a name, at least
 * two characters (one would match a surname's every bearer). Null for an empty box; an error
 * (an i18n key, for the box) for text no search can use. Exact values are normalized as stored,
 * so each lookup is one equality on a unique index.
 */
export function parseDeskSearch(raw: string | null): DeskSearch | { error: string } | null {
  if (raw === null) return null;
  const parsed = term.safeParse(raw);
  if (!parsed.success) return { error: `validation:${parsed.error.issues[0]?.message ?? 'text.forbiddenCharacters'}` };
  const value = parsed.data ?? '';
  if (!value) return null;
  const compact = value.replace(/[\s-]/g, '');
  // The prefix ends in a letter and digits follow (numbers.ts): no ID, mobile or name looks so.
  if (/^[a-z][a-z0-9]{0,4}[a-z]\d{8,}$/i.test(compact)) return { kind: 'number', term: compact.toUpperCase() };
  if (/^\d{17}[\dXx]$/.test(compact)) return { kind: 'idNumber', term: normalizeIdNumber(compact) };
  const mobile = normalizeMobile(value);
  if (/^1\d{10}$/.test(mobile)) return { kind: 'mobile', term: mobile };
  if (/^[+\d]/.test(compact) && /^\+?\d*$/.test(compact)) return { error: 'desk:search.digits' };
  if ([...value].length < 2) return { error: 'desk:search.tooShort' };
  return { kind: 'name', term: value };
}
