import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useRouteLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { servicesByDepartment } from '#services/catalog/index';
import { getFixedT } from '~/i18next.server';
import type { loader as rootLoader } from '~/root';

export const handle = { i18n: ['common', 'catalog'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.title },
  { name: 'description', content: data?.description },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const t = await getFixedT(request, 'common');
  return json({
    title: `${t('home.title')} - ${t('siteName')}`,
    description: t('home.lead'),
    // The promise quotes the configured limit, so the page and the deadlines never disagree.
    completenessDays: context.config.completenessDays,
    departments: servicesByDepartment().map(({ department, services }) => ({ department, codes: services.map((s) => s.code) })),
  });
}

export default function Index() {
  const { completenessDays, departments } = useLoaderData<typeof loader>();
  const root = useRouteLoaderData<typeof rootLoader>('root');
  const role = root?.user?.role ?? null;
  const { t } = useTranslation(['common', 'catalog']);

  const quickLinks = [
    ...(role ? [] : [
      { to: '/login', label: t('home.quick.login'), hint: t('home.quick.loginHint') },
      { to: '/signup', label: t('home.quick.signup'), hint: t('home.quick.signupHint') },
    ]),
    ...(role === 'clerk' || role === 'manager'
      ? [root?.user?.home === '/reports' ? { to: '/reports', label: t('nav.reports'), hint: t('home.ctaReports') } : { to: '/desk', label: t('nav.desk'), hint: t('home.ctaDesk') }]
      : role === 'admin'
        ? [{ to: '/admin', label: t('nav.admin'), hint: t('home.ctaAdmin') }]
        : [{ to: '/applications', label: t('home.quick.applications'), hint: t('home.quick.applicationsHint') }]),
    { to: '/services', label: t('home.quick.services'), hint: t('home.quick.servicesHint') },
    { to: '/track', label: t('home.quick.track'), hint: t('home.quick.trackHint') },
  ];

  return (
    <>
      <section className="hero" aria-labelledby="home-title">
        <div className="container">
          <h1 id="home-title">{t('home.title')}</h1>
          <p className="hero-lead">{t('home.lead')}</p>
          <div className="actions">
            <Link className="button hero-button" to="/services">
              {t('home.ctaServices')}
            </Link>
            {!role && (
              <Link className="button secondary" to="/signup">
                {t('home.ctaSignup')}
              </Link>
            )}
            {role === 'citizen' && (
              <Link className="button secondary" to="/applications">
                {t('home.ctaApplications')}
              </Link>
            )}
            {(role === 'clerk' || role === 'manager') && (
              <Link className="button secondary" to={root?.user?.home ?? '/desk'}>
                {root?.user?.home === '/reports' ? t('home.ctaReports') : t('home.ctaDesk')}
              </Link>
            )}
          </div>
          {role && <p className="hero-note">{t('home.signedInAs', { role: t(`roles.${role}`) })}</p>}
        </div>
      </section>

      <div className="container home">
        <section aria-labelledby="departments-title">
          <h2 id="departments-title">{t('home.departmentsTitle')}</h2>
          <ul className="grid dept-grid" role="list">
            {departments.map(({ department, codes }) => (
              <li key={department} className={`card dept-card dept-${department}`}>
                <h3>
                  <Link to={`/services#dept-${department}`}>{t(`departments.${department}`)}</Link>
                </h3>
                <p className="muted">{t(`home.departmentIntro.${department}`)}</p>
                <ul className="dept-services">
                  {codes.map((code) => (
                    <li key={code}>
                      <Link to={`/services/${code}`}>{t(`catalog:services.${code}.name`)}</Link>
                    </li>
                  ))}
                </ul>
                <p className="dept-more">
                  <span className="badge">{t('home.serviceCount', { count: codes.length })}</span>{' '}
                  <Link to={`/services#dept-${department}`}>{t('home.departmentMore', { department: t(`departments.${department}`) })}</Link>
                </p>
              </li>
            ))}
          </ul>
        </section>

        <section className="promise" aria-labelledby="promise-title">
          <h2 id="promise-title">{t('home.promiseTitle')}</h2>
          <p>{t('home.promiseBody', { days: completenessDays })}</p>
          <p className="muted">{t('home.promiseDeemed')}</p>
        </section>

        <section aria-labelledby="steps-title">
          <h2 id="steps-title">{t('home.stepsTitle')}</h2>
          <ol className="steps">
            {(['choose', 'apply', 'review', 'done'] as const).map((step) => (
              <li key={step}>{t(`home.steps.${step}`)}</li>
            ))}
          </ol>
        </section>

        <section aria-labelledby="quick-title">
          <h2 id="quick-title">{t('home.quickTitle')}</h2>
          <ul className="grid quick-links" role="list">
            {quickLinks.map((q) => (
              <li key={q.to}>
                <Link to={q.to} className="quick-link card">
                  <span className="quick-label">{q.label}</span>
                  <span className="quick-hint">{q.hint}</span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </>
  );
}
