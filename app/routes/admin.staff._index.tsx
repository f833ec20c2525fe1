import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { getFixedT, getLocale } from '~/i18next.server';
import { listOffices, listStaff, unitsForAdmin } from '~/utils/admin.server';
import { officeName } from '~/utils/office-name';
import { orThrowResponse } from '~/utils/errors.server';
import { requireUser } from '~/utils/session.server';
import { TableScroll } from '~/components/scroll-region';
import { ancestorAtLevel } from '#services/admin/scope';

export const handle = { i18n: ['common', 'admin', 'errors'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const [staff, offices, units] = await orThrowResponse(() => Promise.all([listStaff(ctx), listOffices(ctx), unitsForAdmin(ctx)]));
  const t = await getFixedT(request, ['admin', 'common']);
  const locale = await getLocale(request);
  // Offices by name in the reader's language, not by code (bj-dongcheng).
  const officeNames: Record<string, string> = Object.fromEntries(offices.map((o) => [o.code, officeName(t, locale, o)]));
  const unitNames: Record<string, string> = Object.fromEntries(units.map((u) => [u.code, locale === 'en' ? u.nameEn : u.nameZh]));
  // A manager who sees a whole city or province is placed by that area, not by the office the account hangs on.
  const unitOfOffice = new Map(offices.map((o) => [o.code, o.orgUnitCode]));
  const scopes: Record<string, string> = {};
  for (const s of staff) {
    if (s.role !== 'manager' || (s.managerScope !== 'city' && s.managerScope !== 'province')) continue;
    const unit = ancestorAtLevel(units, unitOfOffice.get(s.officeCode ?? ''), s.managerScope);
    const area = unit ? unitNames[unit.code] : null;
    scopes[s.id] = area ? t('admin:staff.scopeArea', { scope: t(`admin:scopes.${s.managerScope}`), area }) : t(`admin:scopes.${s.managerScope}`);
  }
  return json({ staff, officeNames, unitNames, scopes, title: `${t('admin:staff.title')} - ${t('common:siteName')}` });
}

export default function StaffList() {
  const { staff, officeNames, unitNames, scopes } = useLoaderData<typeof loader>();
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
        <TableScroll label={t('staff.caption')}>
          <table>
            <caption>{t('staff.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('staff.staffNo')}</th>
                <th scope="col">{t('staff.name')}</th>
                <th scope="col">{t('staff.role')}</th>
                <th scope="col">{t('staff.officeOrArea')}</th>
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
                  <td>
                    {s.role === 'admin'
                      ? s.orgUnitCode
                        ? (unitNames[s.orgUnitCode] ?? s.orgUnitCode)
                        : t('root')
                      : (scopes[s.id] ?? (s.officeCode ? (officeNames[s.officeCode] ?? s.officeCode) : ''))}
                  </td>
                  <td>{s.disabled ? t('staff.disabled') : s.enrolled ? t('staff.active') : t('staff.notEnrolled')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </div>
  );
}
