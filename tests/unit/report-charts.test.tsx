import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { GroupedBarChart, MAX_BAR_GROUPS } from '../../app/components/reports/charts.js';

const series = ['received', 'accepted', 'completed', 'refused'].map((key) => ({ key, label: key }));

function chart(days: number): string {
  const categories = Array.from({ length: days }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10));
  const values = categories.map((_, i) => [10 + (i % 7), 8 + (i % 5), 6 + (i % 3), i % 2]);
  return renderToString(<GroupedBarChart title="t" description="d" categories={categories} series={series} values={values} formatNumber={String} />);
}

const count = (html: string, re: RegExp) => (html.match(re) ?? []).length;

describe('the day series chart', () => {
  it('draws a bar per value for up to two months of days', () => {
    const html = chart(30);
    expect(count(html, /<rect/g)).toBe(30 * 4);
    expect(count(html, /class="chart-line"/g)).toBe(0);
  });

  it('draws a year as one line per series, not 1,460 bars, keeping the title and description', () => {
    expect(365).toBeGreaterThan(MAX_BAR_GROUPS);
    const html = chart(365);
    expect(count(html, /<rect/g)).toBe(0);
    expect(count(html, /class="chart-line"/g)).toBe(4);
    // Every day is a point of each line.
    const d = /class="chart-line"[^>]* d="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(count(d, /[ML]/g)).toBe(365);
    expect(html).toContain('<title');
    expect(html).toContain('<desc');
  });
});
