import { getFormProps, useForm, type SubmissionResult } from '@conform-to/react';
import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { catalogView } from '#services/catalog/guide';
import { isDomainError } from '#services/errors';
import { getReport, reportOffices, type Report } from '#services/reports/metrics';
import { BarChart, GroupedBarChart } from '~/components/reports/charts';
import { buildTables, formatCell, type ReportTable, type Translate } from '~/components/reports/report-tables';
import { DateField, ErrorSummary, SelectField, SubmitButton } from '~/components/forms';
import { encodeError } from '~/components/forms/translate-error';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { parseReportQuery, reportQueryString } from '~/utils/report-filters.server';
import { requireReportReader } from '~/utils/reports-db.server';
import { numberFormat, dateTimeFormat } from '~/components/intl';
import { useOfficeName } from '~/utils/office-name';
import { withOfficeNames } from '~/utils/office-names.server';
import { formatInstant } from '~/components/application/format';
import { TableScroll } from '~/components/scroll-region';

export const handle = { i18n: ['common', 'catalog', 'reports', 'validation', 'errors'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/**
 * 统计报表: managers only; the service decides which offices they see (their own, or the city's)
 * and answers 404 for an office outside that. Bad filters are a 400 with errors beside the fields.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = await requireReportReader(request, context);
  const url = new URL(request.url);
  const t = await getFixedT(request, ['reports', 'common']);
  const base = {
    locale: await getLocale(request),
    title: `${t('reports:title')} - ${t('common:siteName')}`,
    services: catalogView().flatMap((d) => d.services.map((s) => ({ code: s.code, nameKey: s.nameKey, department: d.department }))),
  };
  const submission = parseReportQuery(url);
  let report: Report | null = null;
  let lastResult: SubmissionResult<string[]> | undefined;
  if (submission.status === 'success') {
    try {
      report = await getReport(ctx, submission.value);
    } catch (e) {
      if (!isDomainError(e)) throw e;
      if (e.status !== 400) throw json({ code: e.code, params: e.params }, { status: e.status });
      lastResult = submission.reply({ formErrors: [encodeError(`errors:${e.code}`, e.params)], fieldErrors: e.fieldErrors });
    }
  } else {
    lastResult = submission.reply();
  }
  if (!report) {
    // The office choices still come from the service's scope, so the form can be corrected.
    const offices = await orThrowResponse(() => reportOffices(ctx));
    return json(await withOfficeNames(context.db, { ...base, report: null, offices, lastResult, query: '', drillQuery: '' }), { status: 400 });
  }
  const { from, to, period, department, serviceCode, officeCode, unit } = report.filters;
  return json(
    await withOfficeNames(context.db, {
      ...base,
      report,
      offices: report.offices,
      lastResult,
      query: reportQueryString({ from, to, period, department, serviceCode, officeCode, unit }),
      // The same filters without the place in the hierarchy: each drill link adds its own.
      drillQuery: reportQueryString({ from, to, period, department, serviceCode }),
    }),
  );
}

function FilterForm({ lastResult, report, offices, services }: { lastResult?: SubmissionResult<string[]>; report: Report | null; offices: string[]; services: { code: string; nameKey: string }[] }) {
  const { t } = useTranslation(['reports', 'common', 'catalog']);
  const { officeName } = useOfficeName();
  const f = report?.filters;
  const [form, fields] = useForm({
    id: 'report-filters',
    lastResult,
    defaultValue: f ? { from: f.from, to: f.to, period: f.period, department: f.department ?? '', serviceCode: f.serviceCode ?? '', officeCode: f.officeCode ?? '' } : undefined,
    shouldValidate: 'onSubmit',
  });
  const labels = {
    from: t('reports:filters.from'),
    to: t('reports:filters.to'),
    period: t('reports:filters.period'),
    department: t('reports:filters.department'),
    serviceCode: t('reports:filters.service'),
    officeCode: t('reports:filters.office'),
  };
  return (
    <section className="card no-print" aria-labelledby="filters-heading">
      <h2 id="filters-heading">{t('reports:filters.heading')}</h2>
      <Form method="get" className="form report-filters" {...getFormProps(form)} noValidate>
        <ErrorSummary form={form} fields={(Object.keys(labels) as (keyof typeof labels)[]).map((k) => ({ meta: fields[k], label: labels[k] }))} />
        {/* Filtering again stays at the unit in view (an office chosen below takes its place). */}
        {f?.unit ? <input type="hidden" name="unit" value={f.unit} /> : null}
        <div className="filter-grid">
          <DateField meta={fields.from} label={labels.from} hint={t('reports:filters.dateHint')} />
          <DateField meta={fields.to} label={labels.to} hint={t('reports:filters.dateHint')} />
          <SelectField meta={fields.period} label={labels.period} options={(['day', 'week', 'month'] as const).map((p) => ({ value: p, label: t(`reports:filters.periods.${p}`) }))} />
          <SelectField
            meta={fields.department}
            label={labels.department}
            placeholder={t('reports:filters.all')}
            options={(['hukou', 'traffic', 'exit_entry'] as const).map((d) => ({ value: d, label: t(`common:departments.${d}`) }))}
          />
          <SelectField meta={fields.serviceCode} label={labels.serviceCode} placeholder={t('reports:filters.all')} options={services.map((s) => ({ value: s.code, label: t(s.nameKey) }))} />
          <SelectField
            meta={fields.officeCode}
            label={labels.officeCode}
            placeholder={offices.length > 1 ? t('reports:filters.allOffices') : undefined}
            options={offices.map((o) => ({ value: o, label: officeName(o) }))}
          />
        </div>
        <div className="actions">
          <SubmitButton>{t('reports:filters.submit')}</SubmitButton>
        </div>
      </Form>
    </section>
  );
}

function DataTable({ table, locale, query }: { table: ReportTable; locale: string; query: string }) {
  const { t } = useTranslation('reports');
  return (
    <TableScroll label={table.caption}>
      <table className="report-table">
        <caption>{table.caption}</caption>
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th key={c.label} scope="col" className={c.numeric ? 'num' : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.length === 0 ? (
            <tr>
              <td colSpan={table.columns.length}>{t('reports:empty')}</td>
            </tr>
          ) : (
            table.rows.map((row, i) => (
              <tr key={i}>
                {row.map((cell, j) =>
                  j === 0 ? (
                    <th key={j} scope="row">
                      {formatCell(cell, locale, t('reports:none'))}
                    </th>
                  ) : (
                    <td key={j} className={table.columns[j]?.numeric ? 'num' : undefined}>
                      {formatCell(cell, locale, t('reports:none'))}
                    </td>
                  ),
                )}
              </tr>
            ))
          )}
        </tbody>
      </table>
      <p className="no-print">
        <a href={`/reports/csv?table=${table.name}&${query}`} download>
          {t('reports:downloadCsv', { table: table.caption })}
        </a>
      </p>
    </TableScroll>
  );
}

/**
 * The hierarchy drill-down (decision 0037): breadcrumbs from the top of the reader's scope, then the
 * figures of each unit or office one level down, each a link to its own view; an office's clerks.
 */
function Drill({ report, locale, drillQuery }: { report: Report; locale: string; drillQuery: string }) {
  const { t, i18n } = useTranslation(['reports']);
  const { officeName } = useOfficeName();
  const en = i18n.language === 'en';
  const n = (v: number) => numberFormat(locale).format(v);
  const pct = (v: number | null) => (v === null ? t('reports:none') : numberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(v));
  const href = (kind: 'unit' | 'office', code: string) => `/reports?${drillQuery ? `${drillQuery}&` : ''}${kind === 'unit' ? 'unit' : 'officeCode'}=${encodeURIComponent(code)}`;
  const { trail, level, rows } = report.drill;
  const crumbName = (c: Report['drill']['trail'][number]) => (c.kind === 'unit' ? (en ? c.nameEn : c.nameZh) : officeName(c.code));
  return (
    <section className="card report-section" aria-labelledby="h-drill">
      <h2 id="h-drill">{t('reports:drill.heading')}</h2>
      {trail.length > 0 && (
        <nav aria-label={t('reports:drill.trail')} className="breadcrumb">
          <ol>
            {trail.map((c, i) => (
              <li key={`${c.kind}:${c.code}`}>
                {i === trail.length - 1 ? (
                  <span aria-current="page">{crumbName(c)}</span>
                ) : (
                  <Link to={href(c.kind, c.code)}>{crumbName(c)}</Link>
                )}
              </li>
            ))}
          </ol>
        </nav>
      )}
      <p className="hint">{level === 'office' ? t('reports:drill.clerksLead') : t('reports:drill.lead')}</p>
      <TableScroll label={level === 'office' ? t('reports:drill.clerksCaption') : t('reports:drill.caption')}>
        {level === 'office' ? (
          <table className="report-table" data-testid="drill-table">
            <caption>{t('reports:drill.clerksCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('reports:drill.clerk')}</th>
                <th scope="col" className="num">{t('reports:drill.decided')}</th>
                <th scope="col" className="num">{t('reports:figures.completed')}</th>
              </tr>
            </thead>
            <tbody>
              {report.clerks.length === 0 ? (
                <tr>
                  <td colSpan={3}>{t('reports:empty')}</td>
                </tr>
              ) : (
                report.clerks.map((c) => (
                  <tr key={c.clerkId}>
                    <th scope="row">{c.staffNo ?? t('reports:none')}</th>
                    <td className="num">{n(c.decided)}</td>
                    <td className="num">{n(c.completed)}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        ) : (
          <table className="report-table" data-testid="drill-table">
            <caption>{t('reports:drill.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('reports:drill.name')}</th>
                {(['received', 'accepted', 'completed', 'refused'] as const).map((k) => (
                  <th key={k} scope="col" className="num">
                    {t(`reports:figures.${k}`)}
                  </th>
                ))}
                <th scope="col" className="num">{t('reports:drill.onTimeRate')}</th>
                <th scope="col" className="num">{t('reports:figures.zeroVisitRate')}</th>
                <th scope="col" className="num">{t('reports:figures.atMostOneVisitRate')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 ? (
                <tr>
                  <td colSpan={8}>{t('reports:empty')}</td>
                </tr>
              ) : (
                rows.map((r) => {
                  const name = r.kind === 'unit' ? ((en ? r.nameEn : r.nameZh) ?? r.code) : officeName(r.code);
                  return (
                    <tr key={`${r.kind}:${r.code}`}>
                      <th scope="row">
                        <Link to={href(r.kind, r.code)}>{t(r.kind === 'unit' ? 'reports:drill.unitLabel' : 'reports:drill.officeLabel', { name })}</Link>
                      </th>
                      <td className="num">{n(r.received)}</td>
                      <td className="num">{n(r.accepted)}</td>
                      <td className="num">{n(r.completed)}</td>
                      <td className="num">{n(r.refused)}</td>
                      <td className="num">{pct(r.onTimeRate)}</td>
                      <td className="num">{pct(r.zeroVisitRate)}</td>
                      <td className="num">{pct(r.atMostOneVisitRate)}</td>
                    </tr>
                  );
                })
              )}
            </tbody>
          </table>
        )}
      </TableScroll>
    </section>
  );
}

export default function Reports() {
  const { report, offices, services, lastResult, locale, query, drillQuery } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation(['reports', 'common', 'catalog']);
  const tables = report ? buildTables(report as Report, t as unknown as Translate, (k) => i18n.exists(k)) : [];
  const byName = Object.fromEntries(tables.map((x) => [x.name, x])) as Record<ReportTable['name'], ReportTable>;
  const n = (v: number) => numberFormat(locale).format(v);
  const section = (name: ReportTable['name'], chart?: JSX.Element) => (
    <section className="card report-section" aria-labelledby={`h-${name}`} key={name}>
      <h2 id={`h-${name}`}>{t(`reports:sections.${name}`)}</h2>
      {chart}
      <DataTable table={byName[name]} locale={locale} query={query} />
    </section>
  );
  return (
    <div className="container reports">
      <h1>{t('reports:title')}</h1>
      <p className="lead">{t('reports:lead')}</p>
      <p>
        <Link to="/reports/rectifications">{t('reports:rectificationsLink')}</Link> · <Link to="/reports/payments">{t('reports:paymentsLink')}</Link>
      </p>
      <FilterForm lastResult={lastResult as SubmissionResult<string[]> | undefined} report={report as Report | null} offices={offices} services={services} />
      {report && (
        <>
          <p className="hint">
            {t('reports:range', {
              from: dateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${report.filters.from}T00:00:00Z`)),
              to: dateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${report.filters.to}T00:00:00Z`)),
            })}
          </p>
          <p className="hint" data-testid="report-freshness">
            {report.freshAsOf ? t('reports:freshAsOf', { at: formatInstant(report.freshAsOf, locale) }) : t('reports:freshNone')}
          </p>
          <Drill report={report as Report} locale={locale} drillQuery={drillQuery} />
          {section(
            'series',
            <GroupedBarChart
              title={byName.series.caption}
              description={t('reports:charts.seriesDesc')}
              categories={report.series.map((s) => s.period)}
              series={(['received', 'accepted', 'completed', 'refused'] as const).map((k) => ({ key: k, label: t(`reports:figures.${k}`) }))}
              values={report.series.map((s) => [s.received, s.accepted, s.completed, s.refused])}
              formatNumber={n}
            />,
          )}
          {section('counts')}
          {section('rates', <p className="hint">{t('reports:visitsHint')}</p>)}
          {section(
            'backlog',
            <BarChart
              title={byName.backlog.caption}
              description={t('reports:charts.backlogDesc')}
              categories={report.backlog.buckets.map((b) => t(`reports:tables.backlog.bucket.${b.bucket}`))}
              values={report.backlog.buckets.map((b) => b.count)}
              label={t('reports:tables.backlog.count')}
              formatNumber={n}
            />,
          )}
          {section('processing')}
          {section(
            'satisfaction',
            <BarChart
              title={byName.satisfaction.caption}
              description={t('reports:charts.satisfactionDesc')}
              categories={[t('reports:tables.satisfaction.satisfied'), t('reports:tables.satisfaction.dissatisfied')]}
              values={[report.totals.ratingsSatisfied, report.totals.ratings - report.totals.ratingsSatisfied]}
              label={t('reports:tables.satisfaction.count')}
              formatNumber={n}
            />,
          )}
          {section('clerks')}
          {section('missing')}
        </>
      )}
    </div>
  );
}
