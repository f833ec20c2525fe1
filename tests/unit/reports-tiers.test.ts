import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromTally, percentile, tiersOf } from '../../services/reports/metrics.js';

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const dayArb = fc.integer({ min: Date.UTC(2024, 0, 1) / DAY, max: Date.UTC(2027, 11, 31) / DAY }).map((n) => iso(n * DAY));

/** Every day of [from, to], once. */
function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += DAY) out.push(iso(t));
  return out;
}

describe('tiersOf: a date range as whole months plus edge days', () => {
  it('covers every day of the range exactly once, and months only where the whole month is inside', () => {
    fc.assert(
      fc.property(dayArb, dayArb, (a, b) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        const t = tiersOf(from, to);
        const covered: string[] = t.days.flatMap(([x, y]) => daysOf(x, y));
        if (t.months) {
          for (let m = t.months[0]; m <= t.months[1]; m = iso(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 1))) {
            expect(m.endsWith('-01')).toBe(true);
            const end = iso(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0));
            covered.push(...daysOf(m, end));
          }
        }
        expect(covered.sort()).toEqual(daysOf(from, to));
      }),
      { numRuns: 300 },
    );
  });

  it('reads a year as its whole months and the edge days', () => {
    expect(tiersOf('2025-11-23', '2026-11-22')).toEqual({
      months: ['2025-12-01', '2026-10-01'],
      days: [
        ['2025-11-23', '2025-11-30'],
        ['2026-11-01', '2026-11-22'],
      ],
    });
    expect(tiersOf('2026-02-01', '2026-02-28')).toEqual({ months: ['2026-02-01', '2026-02-01'], days: [] });
    expect(tiersOf('2026-11-03', '2026-11-20')).toEqual({ months: null, days: [['2026-11-03', '2026-11-20']] });
  });
});

describe('fromTally: median and p90 of counts per value', () => {
  it('equals the nearest-rank percentile of the values it counts', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 200 }), (values) => {
        const tally: Record<string, number> = {};
        for (const v of values) tally[v] = (tally[v] ?? 0) + 1;
        const sorted = [...values].sort((a, b) => a - b);
        expect(fromTally(tally)).toEqual({ count: values.length, median: percentile(sorted, 50), p90: percentile(sorted, 90) });
      }),
      { numRuns: 300 },
    );
  });
});
