import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { getFixedT, getLocale } from '~/i18next.server';
import { listOffices } from '~/utils/admin.server';
import { orThrowResponse } from '~/utils/errors.server';
import { requireUser } from '~/utils/session.server';
import { officeName } from '~/utils/office-name';
import { TableScroll } from '~/components/scroll-region';

export const handle = { i18n: ['common', 'admin', 'errors'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const offices = await orThrowResponse(() => listOffices(ctx));
  const t = await getFixedT(request, ['admin', 'common']);
  return json({ offices, locale: await getLocale(request), title: `${t('admin:offices.title')} - ${t('common:siteName')}` });
}

export default function OfficeList() {
  const { offices, locale } = useLoaderData<typeof loader>();
  const { t } = useTranslation(['admin', 'common']);
  const name = (o: (typeof offices)[number]) => officeName(t, locale, o);
  return (
    <div className="container">
      <p className="no-print">
        <Link to="/admin">{t('back')}</Link>
      </p>
      <h1>{t('offices.title')}</h1>
      <p>
        <Link to="/admin/offices/new" className="button">
          {t('offices.new')}
        </Link>
      </p>
      {offices.length === 0 ? (
        <p>{t('offices.none')}</p>
      ) : (
        <TableScroll label={t('offices.caption')}>
          <table>
            <caption>{t('offices.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('offices.code')}</th>
                <th scope="col">{t('offices.nameZh')}</th>
                <th scope="col">{t('offices.unit')}</th>
                <th scope="col">{t('offices.departments')}</th>
                <th scope="col">{t('offices.numberPrefix')}</th>
                <th scope="col">{t('offices.status')}</th>
              </tr>
            </thead>
            <tbody>
              {offices.map((o) => (
                <tr key={o.code}>
                  <th scope="row">
                    <Link to={`/admin/offices/${o.code}`}>{o.code}</Link>
                  </th>
                  <td>{name(o)}</td>
                  <td>{o.orgUnitCode}</td>
                  <td>{o.departments.map((d) => t(`common:departments.${d}`)).join('、')}</td>
                  <td>{o.numberPrefix ?? 'GA'}</td>
                  <td>{o.closed ? t('offices.closed') : t('offices.open')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </div>
  );
}
