import { getFormProps, useForm, type SubmissionResult } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { officeCloseSchema, officeUpdateSchema } from '#services/admin/schemas';
import { OfficeFields, officeSummaryFields, type OfficeForm } from '~/components/admin/office-fields';
import { ErrorSummary, SelectField, SubmitButton } from '~/components/forms';
import { getFixedT, getLocale } from '~/i18next.server';
import { adminChoices, adminFormCall, closeOffice, getOffice, updateOffice } from '~/utils/admin.server';
import { orThrowResponse } from '~/utils/errors.server';
import { readFormData } from '~/utils/form-data.server';
import { invalidResponse } from '~/utils/form-errors.server';
import { officeCodeParam } from '~/utils/params.server';
import { officeName } from '~/utils/office-name';
import { requireUser } from '~/utils/session.server';
import { lookup } from '#services/locale-text';

export const handle = { i18n: ['common', 'admin', 'validation', 'errors'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const code = officeCodeParam(params);
  const office = await orThrowResponse(() => getOffice(ctx, code));
  const t = await getFixedT(request, ['admin', 'common']);
  const locale = await getLocale(request);
  const choices = await orThrowResponse(async () => adminChoices(ctx, t, locale));
  const url = new URL(request.url);
  const name = officeName(t, locale, office);
  // A seeded office is named in the locale files until an administrator names it: the form starts
  // from those names, so saving another field never blanks the name citizens read.
  const seeded = (lng: 'zh-CN' | 'en') => lookup(lng, `common:offices.${code}`) ?? '';
  return json({
    office: { ...office, nameZh: office.nameZh ?? seeded('zh-CN'), nameEn: office.nameEn ?? seeded('en') },
    name,
    units: choices.units,
    transferTargets: choices.offices.filter((o) => o.value !== code),
    saved: url.searchParams.get('saved') === '1',
    title: `${t('admin:offices.editTitle', { name })} - ${t('common:siteName')}`,
  });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const code = officeCodeParam(params);
  const formData = await readFormData(request);
  if (formData.get('intent') === 'close') {
    const submission = parseWithZod(formData, { schema: officeCloseSchema });
    if (submission.status !== 'success') return invalidResponse(submission);
    const result = await adminFormCall(submission, () => closeOffice(ctx, code, submission.value.transferTo));
    if ('response' in result) return result.response;
    return json({ closed: { moved: result.ok.moved, to: submission.value.transferTo } });
  }
  const submission = parseWithZod(formData, { schema: officeUpdateSchema });
  if (submission.status !== 'success') return invalidResponse(submission);
  const result = await adminFormCall(submission, () => updateOffice(ctx, code, submission.value));
  if ('response' in result) return result.response;
  return redirect(`/admin/offices/${code}?saved=1`, 303);
}

export default function EditOffice() {
  const { office, name, units, transferTargets, saved } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { lastResult?: SubmissionResult<string[]>; closed?: { moved: number; to: string } } | undefined;
  const navigation = useNavigation();
  const { t } = useTranslation(['admin']);
  const [form, fields] = useForm<OfficeForm>({
    id: 'office-edit',
    lastResult: actionData?.lastResult,
    shouldValidate: 'onSubmit',
    defaultValue: {
      nameZh: office.nameZh ?? '',
      nameEn: office.nameEn ?? '',
      address: office.address ?? '',
      hours: office.hours ?? '',
      phone: office.phone,
      orgUnitCode: office.orgUnitCode ?? '',
      departments: office.departments,
      regionPrefixes: office.regionPrefixes.join(', '),
      platePrefixes: office.platePrefixes.join(', '),
      numberPrefix: office.numberPrefix ?? '',
    },
  });
  const [closeForm, closeFields] = useForm<{ transferTo: string }>({ id: 'office-close', shouldValidate: 'onSubmit' });
  return (
    <div className="container narrow">
      <p className="no-print">
        <Link to="/admin/offices">{t('offices.title')}</Link>
      </p>
      <h1>{t('offices.editTitle', { name })}</h1>
      <p>
        {t('offices.status')}: {office.closed || actionData?.closed ? t('offices.closed') : t('offices.open')}
      </p>
      {saved && !actionData && (
        <p className="notice-ok" role="status">
          {t('offices.saved')}
        </p>
      )}
      {actionData?.closed && (
        <p className="notice-ok" role="status">
          {t('offices.closedDone', { count: actionData.closed.moved, to: actionData.closed.to })}
        </p>
      )}
      <p>
        <Link to={`/admin/offices/${office.code}/appointments`}>{t('capacity.link')}</Link>
      </p>
      <Form method="post" className="form card" {...getFormProps(form)} noValidate>
        <ErrorSummary form={form} fields={officeSummaryFields(fields, t)} />
        <input type="hidden" name="intent" value="update" />
        <OfficeFields fields={fields} units={units} />
        <div className="actions">
          <SubmitButton pending={navigation.state === 'submitting'}>{t('offices.editSubmit')}</SubmitButton>
        </div>
      </Form>
      {!office.closed && !actionData?.closed && (
        <section className="card" aria-labelledby="close-title">
          <h2 id="close-title">{t('offices.closeTitle')}</h2>
          <p>{t('offices.closeLead')}</p>
          <Form method="post" className="form" {...getFormProps(closeForm)} noValidate>
            <input type="hidden" name="intent" value="close" />
            <SelectField meta={closeFields.transferTo} label={t('offices.transferTo')} required options={transferTargets} placeholder="—" />
            <div className="actions">
              <SubmitButton pending={navigation.state === 'submitting'}>{t('offices.closeSubmit')}</SubmitButton>
            </div>
          </Form>
        </section>
      )}
    </div>
  );
}
