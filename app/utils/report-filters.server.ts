import { parseWithZod } from '@conform-to/zod';
import { reportFilterSchema } from '#services/reports/metrics';

/**
 * The filters of /reports and its CSV export come from the query string (a GET form, so a
 * report can be bookmarked and works without JS). Empty fields mean "not filtered".
 */
export function parseReportQuery(url: URL) {
  return parseWithZod(url.searchParams, { schema: reportFilterSchema });
}

/** The same filters as a query string, for the CSV links beside each table. */
export function reportQueryString(filters: Record<string, string | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) sp.set(k, v);
  return sp.toString();
}
