import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { listItems } from '#services/catalog/item-admin';
import { formatDay } from '~/components/application/format';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { requireUser } from '~/utils/session.server';
import { TableScroll } from '~/components/scroll-region';

export const handle = { i18n: ['common', 'adminCatalog', 'catalog', 'errors'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** The list of items (事项清单, docs/decisions/0036): each item's version in force, later ones and drafts. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const list = await orThrowResponse(() => listItems(ctx));
  const t = await getFixedT(request, ['adminCatalog', 'common']);
  return json({ list, locale: await getLocale(request), title: `${t('adminCatalog:items.title')} - ${t('common:siteName')}` });
}

export default function Items() {
  const { list, locale } = useLoaderData<typeof loader>();
  const { t } = useTranslation(['adminCatalog', 'catalog', 'common']);
  return (
    <div className="container">
      <h1>{t('adminCatalog:items.title')}</h1>
      <p className="lead">{t(list.canEdit ? 'adminCatalog:items.leadRoot' : 'adminCatalog:items.leadOffices')}</p>
      <TableScroll label={t('adminCatalog:items.title')}>
        <table>
          <caption>{t('adminCatalog:items.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('adminCatalog:items.item')}</th>
              <th scope="col">{t('adminCatalog:items.inForce')}</th>
              <th scope="col">{t('adminCatalog:items.scheduled')}</th>
              <th scope="col">{t('adminCatalog:items.draft')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((i) => (
              <tr key={i.code} data-item={i.code}>
                <th scope="row">
                  <Link to={`/admin/items/${i.code}`}>{t(`catalog:services.${i.code}.name`)}</Link>
                  {!i.offered && <span className="badge warn">{t('adminCatalog:items.notOffered')}</span>}
                </th>
                <td>{i.inForce ? t('adminCatalog:items.versionSince', { version: i.inForce.version, date: formatDay(i.inForce.effectiveFrom, locale) }) : '—'}</td>
                <td>
                  {i.scheduled.length
                    ? i.scheduled.map((s) => t('adminCatalog:items.versionSince', { version: s.version, date: formatDay(s.effectiveFrom, locale) })).join('; ')
                    : '—'}
                </td>
                <td>{i.draft !== null ? t('adminCatalog:items.draftVersion', { version: i.draft }) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </div>
  );
}
