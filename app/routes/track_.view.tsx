import { json, redirect, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { formatDay, formatInstant } from '~/components/application/format';
import { StatusBadge } from '~/components/application/status-badge';
import { Timeline } from '~/components/application/timeline';
import { getFixedT, getLocale } from '~/i18next.server';
import { flowToken, trackedApplication } from '~/utils/code-flow.server';
import { serviceContext } from '~/utils/session.server';
import { withOfficeNames } from '~/utils/office-names.server';
import { useOfficeName } from '~/utils/office-name';

export const handle = { i18n: ['common', 'auth', 'catalog', 'applications', 'desk', 'errors'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/**
 * What the right code opens for half an hour: status and timeline, the name masked; no answers,
 * no files, no documents (those stay behind the applicant's sign-in).
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const application = await trackedApplication(await serviceContext(request, context), await flowToken(request, context, 'track'));
  if (!application) throw redirect('/track');
  const t = await getFixedT(request, ['auth', 'common']);
  return json(
    await withOfficeNames(context.db, { title: `${t('auth:trackView.title')} ${application.number} - ${t('common:siteName')}`, application, locale: await getLocale(request) }),
    // Someone else's application on a shared computer: not to be kept by the browser.
    { headers: { 'Cache-Control': 'no-store' } },
  );
}

export default function TrackView() {
  const { application: a, locale } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation(['auth', 'applications', 'catalog', 'common']);
  const { officeName } = useOfficeName();
  const serviceKey = `catalog:services.${a.serviceCode}.name`;
  const service = i18n.exists(serviceKey) ? t(serviceKey) : t('applications:receipt.unknownService', { code: a.serviceCode });
  return (
    <div className="container narrow">
      <h1>
        {t('trackView.title')} {a.number}
      </h1>
      <p className="lead">{t('trackView.intro', { until: formatInstant(a.grantExpiresAt, locale) })}</p>
      <section className="card" aria-labelledby="track-facts">
        <h2 id="track-facts">{t('applications:details')}</h2>
        <dl className="facts">
          <dt>{t('applications:receipt.number')}</dt>
          <dd>{a.number}</dd>
          <dt>{t('trackView.applicant')}</dt>
          <dd>{a.applicantName}</dd>
          <dt>{t('applications:receipt.service')}</dt>
          <dd>{service}</dd>
          {a.officeCode && (
            <>
              <dt>{t('applications:receipt.office')}</dt>
              <dd>{officeName(a.officeCode)}</dd>
            </>
          )}
          <dt>{t('trackView.status')}</dt>
          <dd>
            <StatusBadge status={a.status} />
          </dd>
          <dt>{t('trackView.submittedAt')}</dt>
          <dd>
            <time dateTime={a.submittedAt ?? undefined}>{formatInstant(a.submittedAt, locale)}</time>
          </dd>
          {a.dueDate && (
            <>
              <dt>{t('trackView.dueDate')}</dt>
              <dd>
                <time dateTime={a.dueDate}>{formatDay(a.dueDate, locale)}</time>
              </dd>
            </>
          )}
        </dl>
      </section>
      <section className="card" aria-labelledby="track-timeline">
        <h2 id="track-timeline">{t('trackView.timeline')}</h2>
        <Timeline items={a.timeline} locale={locale} />
      </section>
      <p>{t('trackView.more')}</p>
      <p>
        <Link to="/track">{t('trackView.another')}</Link>
      </p>
    </div>
  );
}
