import type { Report } from '#services/reports/metrics';
import { numberFormat } from '../intl';

/**
 * Every table of /reports, defined once: the page renders them (formatted for the locale) and
 * the CSV export writes the same rows, so a figure cannot differ between screen and file.
 * Labels are resolved through the caller's t() because only the route knows the language.
 */
export type Cell = { kind: 'text'; value: string } | { kind: 'int'; value: number } | { kind: 'pct'; value: number | null } | { kind: 'num'; value: number | null };
export type Column = { label: string; numeric: boolean };
export type ReportTable = { name: TableName; caption: string; columns: Column[]; rows: Cell[][] };

export const TABLE_NAMES = ['series', 'counts', 'rates', 'backlog', 'processing', 'clerks', 'missing', 'satisfaction'] as const;
export type TableName = (typeof TABLE_NAMES)[number];
export const isTableName = (s: string): s is TableName => (TABLE_NAMES as readonly string[]).includes(s);

export type Translate = (key: string, options?: Record<string, unknown>) => string;

const text = (value: string): Cell => ({ kind: 'text', value });
const int = (value: number): Cell => ({ kind: 'int', value });
const pct = (value: number | null): Cell => ({ kind: 'pct', value });
const num = (value: number | null): Cell => ({ kind: 'num', value });
const col = (label: string, numeric = true): Column => ({ label, numeric });

/** A code's label when the catalog knows it, the code itself otherwise (retired services). */
function label(t: Translate, exists: (key: string) => boolean, key: string, fallback: string) {
  return exists(key) ? t(key) : fallback;
}

export function buildTables(report: Report, t: Translate, exists: (key: string) => boolean): ReportTable[] {
  const tt = report.totals;
  const r = report.rates;
  return [
    {
      name: 'series',
      caption: t(`reports:tables.series.caption.${report.filters.period}`),
      columns: [col(t(`reports:tables.series.period.${report.filters.period}`), false), col(t('reports:figures.received')), col(t('reports:figures.accepted')), col(t('reports:figures.completed')), col(t('reports:figures.refused'))],
      rows: report.series.map((s) => [text(s.period), int(s.received), int(s.accepted), int(s.completed), int(s.refused)]),
    },
    {
      name: 'counts',
      caption: t('reports:tables.counts.caption'),
      columns: [col(t('reports:tables.figure'), false), col(t('reports:tables.value'))],
      rows: (
        ['received', 'accepted', 'completed', 'refused', 'notAccepted', 'withdrawn', 'deemedAccepted', 'notices', 'overrideNotices', 'receivedCrossProvince', 'ratings'] as const
      ).map((k) => [text(t(`reports:figures.${k}`)), int(tt[k])]),
    },
    {
      name: 'rates',
      caption: t('reports:tables.rates.caption'),
      columns: [col(t('reports:tables.figure'), false), col(t('reports:tables.value'))],
      rows: [
        [text(t('reports:figures.onTimeRate')), pct(r.onTimeRate)],
        [text(t('reports:figures.oneVisitRate')), pct(r.oneVisitRate)],
        [text(t('reports:figures.zeroVisitRate')), pct(r.zeroVisitRate)],
        [text(t('reports:figures.atMostOneVisitRate')), pct(r.atMostOneVisitRate)],
        [text(t('reports:figures.satisfaction')), pct(r.satisfaction)],
        [text(t('reports:figures.crossProvinceShare')), pct(r.crossProvinceShare)],
        [text(t('reports:figures.noticesPerApplication')), num(r.noticesPerApplication)],
      ],
    },
    {
      name: 'backlog',
      caption: t('reports:tables.backlog.caption', { total: report.backlog.total }),
      columns: [col(t('reports:tables.backlog.age'), false), col(t('reports:tables.backlog.count'))],
      rows: report.backlog.buckets.map((b) => [text(t(`reports:tables.backlog.bucket.${b.bucket}`)), int(b.count)]),
    },
    {
      name: 'processing',
      caption: t('reports:tables.processing.caption'),
      columns: [col(t('reports:tables.processing.measure'), false), col(t('reports:tables.processing.count')), col(t('reports:tables.processing.median')), col(t('reports:tables.processing.p90'))],
      rows: (['total', 'office', 'waiting'] as const).map((k) => {
        const d = report.processing[k];
        return [text(t(`reports:tables.processing.${k}`)), int(d.count), num(d.median), num(d.p90)];
      }),
    },
    {
      name: 'clerks',
      caption: t('reports:tables.clerks.caption'),
      columns: [col(t('reports:tables.clerks.staffNo'), false), col(t('reports:tables.clerks.decided')), col(t('reports:tables.clerks.completed'))],
      rows: report.clerks.map((c) => [text(c.staffNo ?? c.clerkId), int(c.decided), int(c.completed)]),
    },
    {
      name: 'missing',
      caption: t('reports:tables.missing.caption'),
      columns: [col(t('reports:tables.missing.service'), false), col(t('reports:tables.missing.material'), false), col(t('reports:tables.missing.count'))],
      rows: report.missing.map((m) => [
        text(label(t, exists, `catalog:services.${m.serviceCode}.name`, m.serviceCode)),
        text(label(t, exists, `catalog:materials.${m.materialCode}.name`, m.materialCode)),
        int(m.count),
      ]),
    },
    {
      name: 'satisfaction',
      caption: t('reports:tables.satisfaction.caption'),
      columns: [col(t('reports:tables.satisfaction.kind'), false), col(t('reports:tables.satisfaction.count'))],
      rows: [
        [text(t('reports:tables.satisfaction.satisfied')), int(tt.ratingsSatisfied)],
        [text(t('reports:tables.satisfaction.dissatisfied')), int(tt.ratings - tt.ratingsSatisfied)],
      ],
    },
  ];
}

/** A cell for people: grouped digits, percentages with one decimal, '—' for "no data". */
export function formatCell(cell: Cell, locale: string, none: string): string {
  switch (cell.kind) {
    case 'text':
      return cell.value;
    case 'int':
      return numberFormat(locale).format(cell.value);
    case 'pct':
      return cell.value === null ? none : numberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(cell.value);
    case 'num':
      return cell.value === null ? none : numberFormat(locale, { maximumFractionDigits: 2 }).format(cell.value);
  }
}
