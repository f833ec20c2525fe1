/** The one table `npm run bench` prints: each row measured beside its reference in the same run. */
export type Row = {
  label: string;
  /** With its unit, e.g. "412 req/s". */
  measured: string;
  /** What it is measured beside, with its unit and what it is, e.g. "1,020 tps (pgbench, same SQL)". */
  reference: string;
  ratio: string;
  goal: string;
  /** Whether the goal is met; null when the row has no goal. */
  met: boolean | null;
  peakRss: string;
};

export const rate = (x: number) => (x >= 100 ? Math.round(x).toLocaleString('en') : x.toFixed(1));
export const ms = (x: number) => `${x.toFixed(1)} ms`;

const HEAD = ['row', 'measured', 'reference', 'ratio', 'goal', 'peak RSS'] as const;

function cells(r: Row): string[] {
  const goal = r.met === null ? r.goal : `${r.goal} ${r.met ? '✓' : '✗'}`;
  return [r.label, r.measured, r.reference, r.ratio, goal, r.peakRss];
}

/** Plain text, columns padded, for the terminal. */
export function textTable(rows: Row[]): string {
  const all = [HEAD as readonly string[], ...rows.map(cells)];
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1), 0);
  const widths = HEAD.map((_, i) => Math.max(...all.map((r) => width(r[i]))));
  const line = (r: readonly string[]) => r.map((c, i) => (i === 0 ? c + ' '.repeat(widths[i] - width(c)) : ' '.repeat(widths[i] - width(c)) + c)).join('  ');
  return [line(HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => line(cells(r)))].join('\n');
}

export function markdownTable(rows: Row[]): string {
  return [`| ${HEAD.join(' | ')} |`, '|---|---:|---:|---:|---:|---:|', ...rows.map((r) => `| ${cells(r).join(' | ')} |`)].join('\n');
}
