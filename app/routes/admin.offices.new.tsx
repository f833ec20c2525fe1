import { getFormProps, useForm, type SubmissionResult } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { officeCreateSchema } from '#services/admin/schemas';
import { OfficeFields, officeSummaryFields, type OfficeForm } from '~/components/admin/office-fields';
import { ErrorSummary, SubmitButton, TextField } from '~/components/forms';
import { getFixedT, getLocale } from '~/i18next.server';
import { adminChoices, adminFormCall, createOffice } from '~/utils/admin.server';
import { orThrowResponse } from '~/utils/errors.server';
import { readFormData } from '~/utils/form-data.server';
import { invalidResponse } from '~/utils/form-errors.server';
import { requireUser } from '~/utils/session.server';

export const handle = { i18n: ['common', 'admin', 'validation', 'errors'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const t = await getFixedT(request, ['admin', 'common']);
  const { units } = await orThrowResponse(async () => adminChoices(ctx, t, await getLocale(request)));
  return json({ units, title: `${t('admin:offices.createTitle')} - ${t('common:siteName')}` });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const submission = parseWithZod(await readFormData(request), { schema: officeCreateSchema });
  if (submission.status !== 'success') return invalidResponse(submission);
  const result = await adminFormCall(submission, () => createOffice(ctx, submission.value));
  if ('response' in result) return result.response;
  return redirect(`/admin/offices/${submission.value.code}?saved=1`, 303);
}

export default function NewOffice() {
  const { units } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { lastResult?: SubmissionResult<string[]> } | undefined;
  const navigation = useNavigation();
  const { t } = useTranslation(['admin']);
  const [form, fields] = useForm<OfficeForm & { code: string }>({ id: 'office-new', lastResult: actionData?.lastResult, shouldValidate: 'onSubmit' });
  return (
    <div className="container narrow">
      <p className="no-print">
        <Link to="/admin/offices">{t('offices.title')}</Link>
      </p>
      <h1>{t('offices.createTitle')}</h1>
      <Form method="post" className="form card" {...getFormProps(form)} noValidate>
        <ErrorSummary form={form} fields={[{ meta: fields.code, label: t('offices.code') }, ...officeSummaryFields(fields, t)]} />
        <TextField meta={fields.code} label={t('offices.code')} hint={t('offices.codeHint')} required maxLength={43} spellCheck={false} autoComplete="off" />
        <OfficeFields fields={fields} units={units} />
        <div className="actions">
          <SubmitButton pending={navigation.state === 'submitting'}>{t('offices.createSubmit')}</SubmitButton>
        </div>
      </Form>
    </div>
  );
}
