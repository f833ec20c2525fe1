import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { catalogInForce } from '#services/catalog/guide-in-force';
import { CatalogList } from '~/components/catalog/catalog-list';
import { getFixedT, getLocale } from '~/i18next.server';

export const handle = { i18n: ['common', 'catalog'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** The public catalog (服务事项清单): no sign-in needed. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const t = await getFixedT(request, ['catalog', 'common']);
  // Limits and fees as the list of items in force today states them (docs/decisions/0036).
  const departments = await catalogInForce({ db: context.db, clock: context.clock });
  return json({
    locale: await getLocale(request),
    departments,
    count: departments.reduce((n, d) => n + d.services.length, 0),
    title: `${t('catalog:catalogPage.title')} - ${t('common:siteName')}`,
  });
}

export default function Services() {
  const { departments, locale, count } = useLoaderData<typeof loader>();
  const { t } = useTranslation(['catalog', 'common']);
  return (
    <div className="container catalog">
      <header className="catalog-header">
        <h1>{t('catalog:catalogPage.title')}</h1>
        <p className="lead">{t('catalog:catalogPage.intro')}</p>
        <p className="muted">{t('catalog:catalogPage.count', { count })}</p>
      </header>
      <CatalogList departments={departments} locale={locale} />
    </div>
  );
}
