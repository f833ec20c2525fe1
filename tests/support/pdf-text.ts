import { inflateSync } from 'node:zlib';

/**
 * Reads what a test needs out of a PDF pdfkit wrote: every stream, inflated when compressed, as
 * latin1 text. Enough to find the embedded font's descriptors and its ToUnicode map.
 */
export function pdfStreams(pdf: Buffer): string[] {
  const raw = pdf.toString('latin1');
  const out: string[] = [];
  const re = /<<((?:(?!>>\s*stream)[\s\S])*?)>>\s*stream\r?\n/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    const body = pdf.subarray(start, end);
    if (/\/FlateDecode/.test(m[1])) {
      try {
        out.push(`${m[1]}\n${inflateSync(body).toString('latin1')}`);
      } catch {
        out.push(m[1]);
      }
    } else out.push(`${m[1]}\n${body.toString('latin1')}`);
    re.lastIndex = end;
  }
  return out;
}

/**
 * The glyph codes the ToUnicode maps of the PDF assign to a character (pdfkit's subset fonts
 * number glyphs from 0, .notdef). A character the font lacks would be drawn with code 0000.
 */
export function glyphCodesOf(pdf: Buffer, char: string): string[] {
  const hex = char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  const codes: string[] = [];
  for (const s of pdfStreams(pdf)) {
    if (!s.includes('begincmap')) continue;
    // bfrange <from> <to> [<u1> <u2> …] and bfchar <code> <u> lines.
    for (const m of s.matchAll(/<([0-9a-fA-F]{4})>\s*<[0-9a-fA-F]{4}>\s*\[([^\]]*)\]/g)) {
      const list = [...m[2].matchAll(/<([0-9a-fA-F]+)>/g)].map((x) => x[1].toUpperCase());
      list.forEach((u, i) => {
        if (u === hex) codes.push((parseInt(m[1], 16) + i).toString(16).padStart(4, '0'));
      });
    }
    for (const m of s.matchAll(/<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]{4,})>\s*$/gm)) {
      if (m[2].toUpperCase() === hex) codes.push(m[1].toLowerCase());
    }
  }
  return codes;
}
