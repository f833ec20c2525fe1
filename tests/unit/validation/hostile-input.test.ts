import { parseWithZod } from '@conform-to/zod';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { safeRedirect } from '../../../app/utils/session.server.js';
import { cleanFileName } from '../../../services/files/files.js';
import { formatApplicationNumber } from '../../../services/applications/numbers.js';
import { reportFilterSchema } from '../../../services/reports/metrics.js';
import { isApplicationNumber, isServiceCode, isUuid } from '../../../services/validation/ids.js';
import { forbiddenCharacter, stripForbidden, takeCodePoints } from '../../../services/validation/text.js';
import { INT32_MAX, INT32_MIN, int32, isRealIsoDate, listCode, optionalText, text } from '../../../services/validation/zod.js';
import { BIDI, badInteger, forbiddenChar, hostileRedirect, hostileText, impossibleDate, lineControl, looksForbidden, plainText } from '../../support/hostile.js';

/** The helpers that keep issue 13's classes of hostile input out, each against its whole class. */

const messagesOf = (schema: z.ZodTypeAny, value: unknown) => {
  const r = schema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => i.message);
};

describe('free text', () => {
  it('refuses any text holding a control, bidi, invisible format character or half a pair, single-line or not', () => {
    fc.assert(
      fc.property(hostileText(), fc.boolean(), (v, multiline) => {
        expect(messagesOf(text(1000, { multiline }), v)).toContain('text.forbiddenCharacters');
        expect(messagesOf(optionalText(1000, { multiline }), v)).toContain('text.forbiddenCharacters');
      }),
    );
  });

  it('takes TAB, LF and CR in multi-line fields only', () => {
    fc.assert(
      fc.property(plainText(), lineControl, plainText(), (a, c, b) => {
        expect(messagesOf(text(1000, { multiline: true }), `${a}${c}${b}`)).toEqual([]);
        expect(messagesOf(text(1000), `${a}${c}${b}`)).toEqual(['text.forbiddenCharacters']);
      }),
    );
  });

  it('takes what people type (any script, emoji with joiners, private use, variation selectors) and returns it trimmed and NFC', () => {
    fc.assert(
      fc.property(plainText(), (v) => {
        const r = text(1000).safeParse(` ${v} `);
        expect(r.success).toBe(true);
        expect(r.data).toBe(v.trim().normalize('NFC'));
      }),
    );
    expect(text().parse('👨\u200D👩\u200D👧')).toBe('👨\u200D👩\u200D👧');
    expect(text().parse('\uE000\u9FA5\uFE00')).toBe('\uE000\u9FA5\uFE00');
    expect(text().parse('e\u0301')).toBe('\u00E9');
  });

  it('names the rule, and says which character, for every bidi control', () => {
    for (const c of BIDI) expect(forbiddenCharacter(`invoice${c}fdp.exe`)).toBe(c);
    expect(forbiddenCharacter('a\u0000b')).toBe('\u0000');
    expect(forbiddenCharacter('普通文本')).toBeNull();
  });

  it('the generators agree with the rule: what looks forbidden is forbidden', () => {
    fc.assert(
      fc.property(fc.oneof(hostileText(), plainText(), fc.string({ unit: 'binary', maxLength: 20 })), fc.boolean(), (v, multiline) => {
        if (looksForbidden(v, multiline)) expect(forbiddenCharacter(v, { multiline })).not.toBeNull();
      }),
    );
  });

  it('strips for machine-made text: the result is clean, NFC and stripping again changes nothing', () => {
    fc.assert(
      fc.property(fc.oneof(hostileText(), fc.string({ unit: 'binary', maxLength: 40 })), (v) => {
        const s = stripForbidden(v);
        expect(forbiddenCharacter(s, { multiline: false })).toBeNull();
        expect(s).toBe(s.normalize('NFC'));
        expect(stripForbidden(s)).toBe(s);
      }),
    );
  });

  it('cuts by characters, never half a pair', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.nat(40), (v, n) => {
        const cut = takeCodePoints(v, n);
        expect(v.startsWith(cut)).toBe(true);
        expect(/[\uD800-\uDBFF]$/.test(cut)).toBe(false);
      }),
    );
  });
});

describe('file names', () => {
  it('are normalized, never refused: clean, no path, bounded, with the extension of the bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(hostileText(80), fc.string({ unit: 'binary', maxLength: 400 }), forbiddenChar.map((c) => `invoice${c}fdp.exe`)),
        fc.constantFrom('pdf', 'jpeg', 'png') as fc.Arbitrary<'pdf' | 'jpeg' | 'png'>,
        (name, kind) => {
          const clean = cleanFileName(name, kind);
          expect(forbiddenCharacter(clean)).toBeNull();
          expect(clean).toBe(clean.normalize('NFC'));
          expect(clean).not.toMatch(/[/\\"]/);
          expect([...clean].length).toBeLessThanOrEqual(200);
          expect(clean.toLowerCase()).toMatch({ pdf: /\.pdf$/, jpeg: /\.jpe?g$/, png: /\.png$/ }[kind]);
        },
      ),
    );
  });

  it('keep an honest extension and add the true one to a dishonest or missing one', () => {
    expect(cleanFileName('invoice\u202Efdp.exe', 'pdf')).toBe('invoicefdp.exe.pdf');
    expect(cleanFileName('户口簿.PDF', 'pdf')).toBe('户口簿.PDF');
    expect(cleanFileName('photo.jpeg', 'jpeg')).toBe('photo.jpeg');
    expect(cleanFileName('scan', 'png')).toBe('scan.png');
    expect(cleanFileName('C:\\Users\\me\\证件.jpg', 'jpeg')).toBe('证件.jpg');
    expect(cleanFileName('\u0000\u202E', 'pdf')).toBe('file.pdf');
    expect(cleanFileName('😀'.repeat(300), 'pdf')).toBe(`${'😀'.repeat(196)}.pdf`);
  });
});

describe('whole numbers', () => {
  const lease = int32({ min: 0 });
  it('take every int32 in plain digits, through conform as the forms parse them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: INT32_MAX }), (n) => {
        expect(lease.parse(String(n))).toBe(n);
        const submission = parseWithZod(new URLSearchParams({ n: String(n) }), { schema: z.object({ n: lease }) });
        expect(submission.status === 'success' && submission.value.n).toBe(n);
      }),
    );
    expect(int32().parse(String(INT32_MIN))).toBe(INT32_MIN);
  });

  it('refuse beyond int32, hex, exponents, fractions and other digits, also through conform', () => {
    fc.assert(
      fc.property(badInteger, (v) => {
        expect(messagesOf(lease, v).length).toBeGreaterThan(0);
        const submission = parseWithZod(new URLSearchParams({ n: v }), { schema: z.object({ n: lease }) });
        expect(submission.status).toBe('error');
      }),
    );
    expect(messagesOf(lease, '2147483648')).toEqual(['number.invalid']);
    expect(messagesOf(lease, '-1')).toEqual(['number.invalid']);
    expect(messagesOf(lease, undefined)).toEqual(['required']);
  });
});

describe('codes from lists', () => {
  it('are ASCII letters, digits and . _ : - only', () => {
    fc.assert(
      fc.property(fc.oneof(hostileText(), fc.string({ unit: 'binary', maxLength: 20 })), (v) => {
        // Whatever is taken (trimming may drop a leading BOM) is a plain code.
        const r = listCode().safeParse(v);
        if (r.success) expect(r.data).toMatch(/^[A-Za-z0-9_.:-]+$/);
        else expect(r.error.issues.map((i) => i.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^(choice|required)$/)]));
      }),
    );
    expect(messagesOf(listCode(), 'photo\u0000')).toEqual(['choice']);
    expect(messagesOf(listCode(), 'photo\u202E')).toEqual(['choice']);
    expect(listCode().parse(' photoSpec ')).toBe('photoSpec');
    expect(listCode().parse('catalog:basis.passportLaw6')).toBe('catalog:basis.passportLaw6');
  });
});

describe('report days', () => {
  it('refuse impossible days and years outside 2000-2099', () => {
    fc.assert(
      fc.property(impossibleDate, fc.constantFrom('from', 'to'), (d, field) => {
        expect(reportFilterSchema.safeParse({ [field]: d }).success).toBe(false);
      }),
    );
    expect(isRealIsoDate('2026-02-30')).toBe(false);
    expect(isRealIsoDate('2024-02-29')).toBe(true);
  });
});

describe('path ids', () => {
  it('application numbers as numbers.ts formats them, and nothing with anything added', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), fc.bigInt({ min: 0n, max: 10n ** 18n }), forbiddenChar, (d, seq, c) => {
        const n = formatApplicationNumber(d.toISOString().slice(0, 10), seq);
        expect(isApplicationNumber(n)).toBe(true);
        expect(isApplicationNumber(`${n}${c}`)).toBe(false);
        expect(isApplicationNumber(`${c}${n}`)).toBe(false);
      }),
    );
  });

  it('uuids in their text form only; service codes as the catalog spells them', () => {
    fc.assert(
      fc.property(fc.uuid(), (u) => {
        expect(isUuid(u) && isUuid(u.toUpperCase())).toBe(true);
      }),
    );
    expect(isUuid('-'.repeat(36))).toBe(false);
    expect(isUuid(`${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(11)}\u0000`)).toBe(false);
    expect(isServiceCode('temporary-id-card')).toBe(true);
    expect(isServiceCode('temporary-id-card\u0000')).toBe(false);
    expect(isServiceCode('__proto__')).toBe(false);
  });
});

describe('safeRedirect', () => {
  it('always answers a path a Location header can carry, on this site', () => {
    fc.assert(
      fc.property(fc.oneof(hostileRedirect, fc.string({ unit: 'binary', maxLength: 40 })), (to) => {
        const out = safeRedirect(to, '/home');
        expect(out).toMatch(/^\/(?![/\\])[\x21-\x7e]*$/);
        expect(() => new Headers({ Location: out })).not.toThrow();
        // Resolved against any origin, it stays there.
        expect(new URL(out, 'https://portal.example').origin).toBe('https://portal.example');
      }),
    );
  });

  it('keeps same-site paths, percent-encoding what is not ASCII', () => {
    expect(safeRedirect('/applications?status=draft')).toBe('/applications?status=draft');
    expect(safeRedirect('/services/户口')).toBe('/services/%E6%88%B7%E5%8F%A3');
    expect(safeRedirect('/.//evil.com', '/x')).toBe('/x');
    expect(safeRedirect('https://evil.com', '/x')).toBe('/x');
  });
});
