/**
 * CSV for spreadsheets: a UTF-8 byte-order mark (Excel in China otherwise reads the file as GBK),
 * RFC 4180 quoting, and cells that a spreadsheet would run as a formula (= + - @, and the tab/CR
 * variants) prefixed with an apostrophe, so a comment like "=HYPERLINK(...)" stays text.
 */
export const BOM = '\uFEFF';

export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return BOM + [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
