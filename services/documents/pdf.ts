import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { RenderedDocument } from '../../db/schema/index.js';

/**
 * The PDF of an issued document (decision 0034), generic over kinds: whatever the source, it is a
 * title, a number, a table of facts and paragraphs (RenderedDocument), plus what every issued PDF
 * carries: the office's electronic seal (a placeholder until the office's seal certificate is
 * configured), a QR code of the public verify URL and that URL in words. The font is the Noto
 * Sans SC subset committed in assets/fonts (no system font is read), so Chinese renders on any
 * machine; pdfkit embeds only the glyphs the document uses.
 */
export type PdfInput = {
  text: RenderedDocument;
  number: string;
  /** The office's name, printed inside the seal. */
  officeName: string;
  /** Labels in the document's language. */
  labels: { seal: string; sealPlaceholder: string; verifyHint: string; number: string };
  verifyUrl: string;
  /** The instant of issue: the PDF's creation date, so the bytes do not depend on when they were rendered. */
  issuedAt: Date;
};

const FONT_FILE = 'NotoSansSC-Subset.otf';
let fontBytes: Buffer | null = null;

/**
 * The committed font, found from this module upwards (services/documents in the sources, build/
 * once bundled) or from the working directory: the same file in a checkout, the Docker image
 * and the tests.
 */
export function cjkFont(): Buffer {
  if (fontBytes) return fontBytes;
  const starts = [path.dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const start of starts) {
    for (let dir = start, i = 0; i < 6; i++, dir = path.dirname(dir)) {
      const file = path.join(dir, 'assets', 'fonts', FONT_FILE);
      if (fs.existsSync(file)) return (fontBytes = fs.readFileSync(file));
    }
  }
  throw new Error(`assets/fonts/${FONT_FILE} not found (run scripts/subset-cjk-font.sh)`);
}

const MM = 72 / 25.4;

export async function renderPdf(input: PdfInput): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 25 * MM, bottom: 20 * MM, left: 25 * MM, right: 25 * MM },
    info: { Title: `${input.text.title} ${input.number}`, Subject: input.number, Creator: 'onewindow', Producer: 'onewindow', CreationDate: input.issuedAt },
    lang: 'zh-CN',
    displayTitle: true,
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.registerFont('cjk', cjkFont());
  doc.font('cjk');
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const left = doc.page.margins.left;

  doc.fontSize(20).text(input.text.title, { align: 'center' });
  doc.moveDown(0.3);
  doc.fontSize(11).fillColor('#444').text(`${input.labels.number}${input.number}`, { align: 'center' });
  doc.fillColor('black').moveDown(1);

  // The facts: label and value in two columns.
  const labelWidth = 32 * MM;
  doc.fontSize(11);
  for (const f of input.text.facts) {
    const y = doc.y;
    doc.text(f.label, left, y, { width: labelWidth });
    const afterLabel = doc.y;
    doc.text(f.value || '—', left + labelWidth, y, { width: width - labelWidth });
    doc.y = Math.max(afterLabel, doc.y) + 3;
  }
  doc.moveDown(0.8);
  doc.fontSize(12);
  const last = input.text.paragraphs.length - 1;
  input.text.paragraphs.forEach((p, i) => {
    doc.text(p, left, doc.y, { width, align: i === last ? 'right' : 'justify', indent: i === last ? 0 : 24, lineGap: 4 });
    doc.moveDown(0.6);
  });

  // The seal and the QR code share one band: on this page if it fits, else on the next.
  const band = 42 * MM;
  if (doc.y + band > doc.page.height - doc.page.margins.bottom) doc.addPage();
  const top = doc.y + 4 * MM;
  const sealR = 19 * MM;
  const sealX = left + width - sealR - 4 * MM;
  const sealY = top + sealR;
  doc.save().lineWidth(2).strokeColor('#c8102e').circle(sealX, sealY, sealR).stroke();
  doc.fillColor('#c8102e').fontSize(9).text(input.officeName, sealX - sealR + 4 * MM, sealY - 9 * MM, { width: 2 * sealR - 8 * MM, align: 'center' });
  doc.fontSize(16).text('★', sealX - 10, sealY - 9, { width: 20, align: 'center' });
  doc.fontSize(8).text(input.labels.seal, sealX - sealR + 4 * MM, sealY + 5 * MM, { width: 2 * sealR - 8 * MM, align: 'center' });
  doc.restore();
  doc.fillColor('#666').fontSize(7).text(input.labels.sealPlaceholder, sealX - sealR - 6 * MM, sealY + sealR + 2 * MM, { width: 2 * sealR + 12 * MM, align: 'center' });

  // The QR code, drawn as squares (vector, no image): the verify URL.
  const qr = QRCode.create(input.verifyUrl, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const quiet = 2;
  const qrSide = 32 * MM;
  const cell = qrSide / (size + 2 * quiet);
  doc.save().fillColor('black');
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      if (qr.modules.get(r, c)) doc.rect(left + (c + quiet) * cell, top + (r + quiet) * cell, cell, cell);
    }
  }
  doc.fill().restore();
  doc
    .fillColor('#333')
    .fontSize(9)
    .text(input.labels.verifyHint, left + qrSide + 4 * MM, top + 4 * MM, { width: width - qrSide - 2 * sealR - 14 * MM })
    .moveDown(0.3)
    .text(input.verifyUrl, { width: width - qrSide - 2 * sealR - 14 * MM, link: input.verifyUrl });
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}
