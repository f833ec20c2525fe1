import { getFormProps, useForm, type SubmissionResult } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { orgUnitCreateSchema } from '#services/admin/schemas';
import { ErrorSummary, SelectField, SubmitButton, TextField } from '~/components/forms';
import { getFixedT, getLocale } from '~/i18next.server';
import { adminFormCall, createOrgUnit, listOrgUnits } from '~/utils/admin.server';
import { orThrowResponse } from '~/utils/errors.server';
import { readFormData } from '~/utils/form-data.server';
import { invalidResponse } from '~/utils/form-errors.server';
import { requireUser } from '~/utils/session.server';
import { TableScroll } from '~/components/scroll-region';

/** The hierarchy's units within the administrator's tree, and a form to add one below (decision 0040). */
export const handle = { i18n: ['common', 'admin', 'validation', 'errors'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

const CODE = /^\d{2}(\d{2}){0,2}$/;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const { units, mayAddProvince } = await orThrowResponse(() => listOrgUnits(ctx));
  const t = await getFixedT(request, ['admin', 'common']);
  const created = new URL(request.url).searchParams.get('created');
  return json({
    units,
    mayAddProvince,
    // Only a code the page lists is echoed back (a link can carry anything).
    created: created && CODE.test(created) && units.some((u) => u.code === created) ? created : null,
    locale: await getLocale(request),
    title: `${t('admin:units.title')} - ${t('common:siteName')}`,
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const submission = parseWithZod(await readFormData(request), { schema: orgUnitCreateSchema });
  if (submission.status !== 'success') return invalidResponse(submission);
  const result = await adminFormCall(submission, () => createOrgUnit(ctx, submission.value));
  if ('response' in result) return result.response;
  return redirect(`/admin/units?created=${submission.value.code}`, 303);
}

export default function Units() {
  const { units, mayAddProvince, created, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { lastResult?: SubmissionResult<string[]> } | undefined;
  const navigation = useNavigation();
  const { t } = useTranslation(['admin']);
  const [form, fields] = useForm<{ code: string; parentCode: string; nameZh: string; nameEn: string }>({
    id: 'unit-new',
    lastResult: actionData?.lastResult,
    shouldValidate: 'onSubmit',
  });
  const name = (u: { nameZh: string; nameEn: string }) => (locale === 'en' ? u.nameEn : u.nameZh);
  // Offices hang on districts; units are added below provinces and cities.
  const parents = units.filter((u) => u.level !== 'district').map((u) => ({ value: u.code, label: `${name(u)} (${u.code})` }));
  return (
    <div className="container">
      <p className="no-print">
        <Link to="/admin">{t('back')}</Link>
      </p>
      <h1>{t('units.title')}</h1>
      {created && (
        <p className="notice-ok" role="status">
          {t('units.created', { code: created })}
        </p>
      )}
      {units.length === 0 ? (
        <p>{t('units.none')}</p>
      ) : (
        <TableScroll label={t('units.caption')}>
          <table>
            <caption>{t('units.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('units.code')}</th>
                <th scope="col">{t('units.level')}</th>
                <th scope="col">{t('units.nameZh')}</th>
                <th scope="col">{t('units.nameEn')}</th>
                <th scope="col">{t('units.parent')}</th>
              </tr>
            </thead>
            <tbody>
              {units.map((u) => (
                <tr key={u.code}>
                  <th scope="row">{u.code}</th>
                  <td>{t(`units.levels.${u.level}`)}</td>
                  <td>{u.nameZh}</td>
                  <td>{u.nameEn}</td>
                  <td>{u.parentCode ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <h2 id="unit-new-heading">{t('units.createTitle')}</h2>
      <Form method="post" className="form card" aria-labelledby="unit-new-heading" {...getFormProps(form)} noValidate>
        <ErrorSummary
          form={form}
          fields={[
            { meta: fields.parentCode, label: t('units.parent') },
            { meta: fields.code, label: t('units.code') },
            { meta: fields.nameZh, label: t('units.nameZh') },
            { meta: fields.nameEn, label: t('units.nameEn') },
          ]}
        />
        <SelectField meta={fields.parentCode} label={t('units.parent')} hint={mayAddProvince ? t('units.parentHint') : undefined} options={parents} placeholder="—" />
        <TextField meta={fields.code} label={t('units.code')} hint={t('units.codeHint')} required maxLength={6} inputMode="numeric" spellCheck={false} autoComplete="off" />
        <TextField meta={fields.nameZh} label={t('units.nameZh')} required maxLength={60} autoComplete="off" />
        <TextField meta={fields.nameEn} label={t('units.nameEn')} required maxLength={120} autoComplete="off" />
        <div className="actions">
          <SubmitButton pending={navigation.state === 'submitting'}>{t('units.createSubmit')}</SubmitButton>
        </div>
      </Form>
    </div>
  );
}
