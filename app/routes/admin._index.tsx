import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { allOrgUnits, isRootAdmin } from '#services/admin/scope';
import { getFixedT, getLocale } from '~/i18next.server';
import { requireUser } from '~/utils/session.server';

export const handle = { i18n: ['common', 'admin', 'errors'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** The administration home: what the administrator manages, and where. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const t = await getFixedT(request, ['admin', 'common']);
  const locale = await getLocale(request);
  const unit = isRootAdmin(ctx.actor) ? null : (await allOrgUnits(ctx)).find((u) => u.code === ctx.actor.orgUnitCode);
  const unitName = unit ? (locale === 'en' ? unit.nameEn : unit.nameZh) : t('admin:root');
  return json({ unitName, title: `${t('admin:home.title')} - ${t('common:siteName')}` });
}

export default function AdminHome() {
  const { unitName } = useLoaderData<typeof loader>();
  const { t } = useTranslation('admin');
  return (
    <div className="container">
      <h1>{t('home.title')}</h1>
      <p className="lead">{t('home.lead', { unit: unitName })}</p>
      <ul className="link-list" role="list">
        <li>
          <Link to="/admin/staff">{t('home.staff')}</Link>
          <p className="hint">{t('home.staffHint')}</p>
        </li>
        <li>
          <Link to="/admin/offices">{t('home.offices')}</Link>
          <p className="hint">{t('home.officesHint')}</p>
        </li>
        <li>
          <Link to="/admin/units">{t('home.units')}</Link>
          <p className="hint">{t('home.unitsHint')}</p>
        </li>
        <li>
          <Link to="/admin/items">{t('home.items')}</Link>
          <p className="hint">{t('home.itemsHint')}</p>
        </li>
      </ul>
    </div>
  );
}
