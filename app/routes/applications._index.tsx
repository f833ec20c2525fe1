import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { listMyApplications } from '#services/applications/read';
import { formatDay, formatInstant } from '~/components/application/format';
import { FilingLine } from '~/components/application/filing-line';
import { StatusBadge } from '~/components/application/status-badge';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { requireUser } from '~/utils/session.server';
import { TableScroll } from '~/components/scroll-region';

export const handle = { i18n: ['common', 'catalog', 'applications', 'validation', 'errors'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['citizen']);
  const applications = await orThrowResponse(() => listMyApplications(ctx));
  const t = await getFixedT(request, ['applications', 'common']);
  return json({
    applications,
    locale: await getLocale(request),
    title: `${t('applications:list.title')} - ${t('common:siteName')}`,
  });
}

export default function MyApplications() {
  const { applications, locale } = useLoaderData<typeof loader>();
  const { t } = useTranslation(['applications', 'catalog', 'common']);
  return (
    <div className="container">
      <h1>{t('applications:list.title')}</h1>
      <p className="lead">{t('applications:list.intro')}</p>
      {applications.length === 0 ? (
        <div className="card">
          <p>{t('applications:list.empty')}</p>
          <p>
            <Link className="button" to="/services">
              {t('applications:list.browse')}
            </Link>
          </p>
        </div>
      ) : (
        <TableScroll label={t('applications:list.caption')}>
          <table className="stack-table">
            <caption className="visually-hidden">{t('applications:list.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('applications:list.service')}</th>
                <th scope="col">{t('applications:list.number')}</th>
                <th scope="col">{t('applications:list.status')}</th>
                <th scope="col">{t('applications:list.submittedAt')}</th>
                <th scope="col">{t('applications:list.dueDate')}</th>
                <th scope="col">{t('applications:list.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {applications.map((a) => {
                const service = t(`catalog:services.${a.serviceCode}.name`);
                return (
                  <tr key={a.id}>
                    <th scope="row">
                      {service}
                      {a.filing && <FilingLine filing={a.filing} />}
                    </th>
                    <td data-label={t('applications:list.number')}>{a.number ?? t('applications:list.none')}</td>
                    <td data-label={t('applications:list.status')}>
                      <StatusBadge status={a.status} />
                    </td>
                    <td data-label={t('applications:list.submittedAt')}>
                      {a.submittedAt ? (
                        formatInstant(a.submittedAt, locale)
                      ) : (
                        <span className="muted">
                          {t('applications:list.lastSaved')}: {formatInstant(a.updatedAt, locale)}
                        </span>
                      )}
                    </td>
                    <td data-label={t('applications:list.dueDate')}>{a.dueDate ? formatDay(a.dueDate, locale) : t('applications:list.none')}</td>
                    <td className="stack-action">
                      {a.status === 'draft' ? (
                        <Link to={`/services/${a.serviceCode}/apply?draft=${a.id}`} aria-label={t('applications:list.continueLabel', { service })}>
                          {t('applications:list.continue')}
                        </Link>
                      ) : (
                        <Link to={`/applications/${a.number}`} aria-label={t('applications:list.viewLabel', { number: a.number })}>
                          {t('applications:list.view')}
                        </Link>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroll>
      )}
    </div>
  );
}
