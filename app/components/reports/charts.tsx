import { AxisBottom, AxisLeft } from '@visx/axis';
import { Group } from '@visx/group';
import { scaleBand, scaleLinear } from '@visx/scale';
import { Bar } from '@visx/shape';
import { useId } from 'react';

/**
 * Server-rendered SVG charts (visx: plain React components, so no browser is needed). Each one is
 * an image with a title and a description; the table beside it carries the same figures for
 * screen readers and for copying, so the chart itself stays simple.
 */
const WIDTH = 640;
const HEIGHT = 260;
const MARGIN = { top: 16, right: 16, bottom: 48, left: 48 };
const COLORS = ['#1f5fa8', '#2e8b57', '#7a4fb3', '#c0392b'];

type Series = { key: string; label: string };

/**
 * More categories than this (two months of days) are drawn as one line per series rather than a
 * bar per value: a year by day would be 1,460 bars under half a pixel wide each, unreadable, and
 * the largest part of the page's markup and render time (issue 17). The table keeps every figure.
 */
export const MAX_BAR_GROUPS = 62;

const r1 = (v: number) => Math.round(v * 10) / 10;

export function GroupedBarChart({
  title,
  description,
  categories,
  series,
  values,
  formatNumber,
}: {
  title: string;
  description: string;
  categories: string[];
  series: Series[];
  /** values[categoryIndex][seriesIndex] */
  values: number[][];
  formatNumber: (n: number) => string;
}) {
  const id = useId();
  const innerW = WIDTH - MARGIN.left - MARGIN.right;
  const innerH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const max = Math.max(1, ...values.flat());
  const x0 = scaleBand<string>({ domain: categories, range: [0, innerW], padding: 0.2 });
  const x1 = scaleBand<string>({ domain: series.map((s) => s.key), range: [0, x0.bandwidth()], padding: 0.05 });
  const y = scaleLinear<number>({ domain: [0, max], range: [innerH, 0], nice: true });
  // Long daily series would print every label on top of each other; show about twelve.
  const every = Math.max(1, Math.ceil(categories.length / 12));
  return (
    <figure className="chart">
      <svg role="img" aria-labelledby={`${id}-t ${id}-d`} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" preserveAspectRatio="xMidYMid meet">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{description}</desc>
        <Group left={MARGIN.left} top={MARGIN.top}>
          {categories.length > MAX_BAR_GROUPS
            ? series.map((s, si) => (
                <path
                  key={s.key}
                  className="chart-line"
                  fill="none"
                  stroke={COLORS[si % COLORS.length]}
                  strokeWidth={1.5}
                  d={categories.map((c, ci) => `${ci ? 'L' : 'M'}${r1((x0(c) ?? 0) + x0.bandwidth() / 2)},${r1(y(values[ci]?.[si] ?? 0))}`).join('')}
                />
              ))
            : categories.map((c, ci) => (
                <Group key={c} left={x0(c) ?? 0}>
                  {series.map((s, si) => {
                    const v = values[ci]?.[si] ?? 0;
                    return <Bar key={s.key} x={x1(s.key) ?? 0} y={y(v)} width={x1.bandwidth()} height={innerH - y(v)} fill={COLORS[si % COLORS.length]} />;
                  })}
                </Group>
              ))}
          <AxisLeft scale={y} numTicks={5} tickFormat={(v) => formatNumber(Number(v))} />
          <AxisBottom top={innerH} scale={x0} tickValues={categories.filter((_, i) => i % every === 0)} />
        </Group>
      </svg>
      {series.length > 1 && (
        <figcaption className="chart-legend" aria-hidden="true">
          {series.map((s, si) => (
            <span key={s.key}>
              <span className="swatch" style={{ background: COLORS[si % COLORS.length] }} /> {s.label}
            </span>
          ))}
        </figcaption>
      )}
    </figure>
  );
}

/** One bar per category (backlog ages, satisfied vs. not). */
export function BarChart(props: { title: string; description: string; categories: string[]; values: number[]; label: string; formatNumber: (n: number) => string }) {
  return (
    <GroupedBarChart
      title={props.title}
      description={props.description}
      categories={props.categories}
      series={[{ key: 'v', label: props.label }]}
      values={props.values.map((v) => [v])}
      formatNumber={props.formatNumber}
    />
  );
}
