import { json, type LoaderFunctionArgs } from '@remix-run/node';
import { isDomainError } from '#services/errors';
import { getReport } from '#services/reports/metrics';
import { toCsv } from '~/components/reports/csv';
import { buildTables, isTableName, type Cell, type Translate } from '~/components/reports/report-tables';
import { getFixedT } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { parseReportQuery } from '~/utils/report-filters.server';
import { requireReportReader } from '~/utils/reports-db.server';
import { downloadOrErrorPage } from '~/utils/download-errors.server';

/** Plain values for a spreadsheet: no digit grouping, rates as fractions rounded to 4 places. */
function raw(cell: Cell): string | number | null {
  if (cell.kind === 'text') return cell.value;
  if (cell.value === null) return null;
  return cell.kind === 'int' ? cell.value : Math.round(cell.value * 10_000) / 10_000;
}

/** /reports/csv?table=<name>&<the page's filters>: one table of the report as a CSV download. */
async function answer({ request, context }: LoaderFunctionArgs) {
  const ctx = await requireReportReader(request, context);
  const url = new URL(request.url);
  const table = url.searchParams.get('table') ?? '';
  if (!isTableName(table)) throw json({ code: 'notFound', params: {} }, { status: 404 });
  url.searchParams.delete('table');
  const submission = parseReportQuery(url);
  if (submission.status !== 'success') throw json({ code: 'form.invalid', params: {} }, { status: 400 });
  const report = await orThrowResponse(async () => {
    try {
      return await getReport(ctx, submission.value);
    } catch (e) {
      if (isDomainError(e) && e.status === 400) throw json({ code: e.code, params: e.params }, { status: 400 });
      throw e;
    }
  });
  const t = await getFixedT(request, ['reports', 'common', 'catalog']);
  const tables = buildTables(report, t as unknown as Translate, (k) => t(k, { defaultValue: '\u0000' }) !== '\u0000');
  const chosen = tables.find((x) => x.name === table)!;
  const body = toCsv(
    chosen.columns.map((c) => c.label),
    chosen.rows.map((r) => r.map(raw)),
  );
  const filename = `report-${table}-${report.filters.from}-${report.filters.to}.csv`;
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'private, no-store',
    },
  });
}

/** A browser following the link gets a page in its language for a refusal; anything else the JSON (app/utils/download-errors.server.ts). */
export const loader = (args: LoaderFunctionArgs) => downloadOrErrorPage(args.request, () => answer(args));
