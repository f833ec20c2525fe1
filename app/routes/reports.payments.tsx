import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { chinaDate } from '#services/calendar/working-days';
import { isDomainError } from '#services/errors';
import { paymentReport, type PaymentReport } from '#services/payments/report';
import { SubmitButton } from '~/components/forms';
import { useFen } from '~/components/payments/payment-facts';
import { getFixedT } from '~/i18next.server';
import { requireUser } from '~/utils/session.server';
import { TableScroll } from '~/components/scroll-region';

export const handle = { i18n: ['common', 'catalog', 'payments', 'reports', 'errors'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

const DAY_MS = 86_400_000;

/**
 * Payments and refunds per office and item for a range of China days (the last 30 by default),
 * and what the daily reconciliation with the platform's statement flagged. Managers only; the
 * service keeps an office manager to their office. A bad range is a 400 with the form kept.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['manager']);
  const url = new URL(request.url);
  const now = ctx.clock.now();
  const from = url.searchParams.get('from') || chinaDate(new Date(now.getTime() - 30 * DAY_MS));
  const to = url.searchParams.get('to') || chinaDate(now);
  const t = await getFixedT(request, ['payments', 'common']);
  const title = `${t('payments:report.title')} - ${t('common:siteName')}`;
  let report: PaymentReport | null = null;
  let error: string | null = null;
  try {
    report = await paymentReport(ctx, { from, to });
  } catch (e) {
    if (!isDomainError(e)) throw e;
    if (e.status !== 400) throw json({ code: e.code, params: e.params }, { status: e.status });
    error = e.code;
  }
  // What was typed goes back into the form only as a day or nothing (it is printed in the page).
  const asDay = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? v : '');
  return json({ title, report, error, from: asDay(from), to: asDay(to) }, { status: error ? 400 : 200 });
}

export default function PaymentsReport() {
  const { report, error, from, to } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation(['payments', 'common', 'catalog', 'errors', 'reports']);
  const money = useFen();
  const serviceName = (code: string) => (i18n.exists(`catalog:services.${code}.name`) ? t(`catalog:services.${code}.name`) : code);
  const officeName = (code: string | null) => (code && i18n.exists(`common:offices.${code}`) ? t(`common:offices.${code}`) : (code ?? '—'));
  return (
    <div className="container">
      <div className="actions no-print">
        <Link to="/reports">{t('reports:title')}</Link>
      </div>
      <h1>{t('payments:report.title')}</h1>
      <p className="lead">{t('payments:report.lead')}</p>
      <Form method="get" className="form card no-print">
        {error && (
          <div className="error-summary" role="alert">
            {t(`errors:${error}`)}
          </div>
        )}
        <div className="filter-grid">
          <div className="field">
            <label htmlFor="pay-from">{t('payments:report.from')}</label>
            <input id="pay-from" name="from" type="date" defaultValue={from} />
          </div>
          <div className="field">
            <label htmlFor="pay-to">{t('payments:report.to')}</label>
            <input id="pay-to" name="to" type="date" defaultValue={to} />
          </div>
        </div>
        <div className="actions">
          <SubmitButton>{t('payments:report.show')}</SubmitButton>
        </div>
      </Form>
      {report && (
        <>
          <section className="card" aria-labelledby="pay-totals">
            <h2 id="pay-totals">{t('payments:report.title')}</h2>
            {report.totals.length === 0 ? (
              <p>{t('payments:report.none')}</p>
            ) : (
              <TableScroll label={t('payments:report.title')}>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('payments:report.office')}</th>
                      <th scope="col">{t('payments:report.service')}</th>
                      <th scope="col">{t('payments:report.paidCount')}</th>
                      <th scope="col">{t('payments:report.paidAmount')}</th>
                      <th scope="col">{t('payments:report.refundedCount')}</th>
                      <th scope="col">{t('payments:report.refundedAmount')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.totals.map((r) => (
                      <tr key={`${r.officeCode}/${r.serviceCode}`}>
                        <td>{officeName(r.officeCode)}</td>
                        <td>{serviceName(r.serviceCode)}</td>
                        <td>{r.paidCount}</td>
                        <td>{money(r.paidFen)}</td>
                        <td>{r.refundedCount}</td>
                        <td>{money(r.refundedFen)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            )}
          </section>
          <section className="card" aria-labelledby="pay-mismatches">
            <h2 id="pay-mismatches">{t('payments:report.mismatchesHeading')}</h2>
            {report.mismatches.length === 0 ? (
              <p>{t('payments:report.noMismatches')}</p>
            ) : (
              <TableScroll label={t('payments:report.mismatchesHeading')}>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('payments:report.day')}</th>
                      <th scope="col">{t('payments:report.orderNo')}</th>
                      <th scope="col">{t('payments:report.office')}</th>
                      <th scope="col">{t('payments:report.entry')}</th>
                      <th scope="col">{t('payments:report.kind')}</th>
                      <th scope="col">{t('payments:report.ours')}</th>
                      <th scope="col">{t('payments:report.theirs')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.mismatches.map((m) => (
                      <tr key={`${m.statementDay}/${m.orderNo}/${m.entry}/${m.kind}`}>
                        <td>{m.statementDay}</td>
                        <td>{m.orderNo}</td>
                        <td>{officeName(m.officeCode)}</td>
                        <td>{t(`payments:report.entries.${m.entry}`)}</td>
                        <td>{t(`payments:report.kinds.${m.kind}`)}</td>
                        <td>{m.oursFen === null ? '—' : money(m.oursFen)}</td>
                        <td>{m.theirsFen === null ? '—' : money(m.theirsFen)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            )}
          </section>
        </>
      )}
    </div>
  );
}
