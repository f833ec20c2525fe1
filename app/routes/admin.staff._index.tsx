import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { getFixedT } from '~/i18next.server';
import { listStaff } from '~/utils/admin.server';
import { orThrowResponse } from '~/utils/errors.server';
import { requireUser } from '~/utils/session.server';

export const handle = { i18n: ['common', 'admin', 'errors'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const staff = await orThrowResponse(() => listStaff(ctx));
  const t = await getFixedT(request, ['admin', 'common']);
  return json({ staff, title: `${t('admin:staff.title')} - ${t('common:siteName')}` });
}

export default function StaffList() {
  const { staff } = useLoaderData<typeof loader>();
  const { t } = useTranslation(['admin', 'common']);
  return (
    <div className="container">
      <p className="no-print">
        <Link to="/admin">{t('back')}</Link>
      </p>
      <h1>{t('staff.title')}</h1>
      <p>
        <Link to="/admin/staff/new" className="button">
          {t('staff.new')}
        </Link>
      </p>
      {staff.length === 0 ? (
        <p>{t('staff.none')}</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('staff.caption')}>
          <table>
            <caption>{t('staff.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('staff.staffNo')}</th>
                <th scope="col">{t('staff.name')}</th>
                <th scope="col">{t('staff.role')}</th>
                <th scope="col">{t('staff.office')}</th>
                <th scope="col">{t('staff.status')}</th>
              </tr>
            </thead>
            <tbody>
              {staff.map((s) => (
                <tr key={s.id}>
                  <th scope="row">
                    <Link to={`/admin/staff/${s.id}`}>{s.staffNo}</Link>
                  </th>
                  <td>{s.realName}</td>
                  <td>{t(`roles.${s.role}`)}</td>
                  <td>{s.role === 'admin' ? (s.orgUnitCode ?? t('root')) : s.officeCode}</td>
                  <td>{s.disabled ? t('staff.disabled') : s.enrolled ? t('staff.active') : t('staff.notEnrolled')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
