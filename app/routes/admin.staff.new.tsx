import { getFormProps, useForm, type SubmissionResult } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { staffCreateSchema } from '#services/admin/schemas';
import { StaffFields, staffSummaryFields, type StaffForm } from '~/components/admin/staff-fields';
import { ErrorSummary, SubmitButton, TextField } from '~/components/forms';
import { getFixedT, getLocale } from '~/i18next.server';
import { adminChoices, adminFormCall, createStaffAccount } from '~/utils/admin.server';
import { orThrowResponse } from '~/utils/errors.server';
import { readFormData } from '~/utils/form-data.server';
import { invalidResponse } from '~/utils/form-errors.server';
import { requireUser } from '~/utils/session.server';

export const handle = { i18n: ['common', 'admin', 'validation', 'errors'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const t = await getFixedT(request, ['admin', 'common']);
  const choices = await orThrowResponse(async () => adminChoices(ctx, t, await getLocale(request)));
  return json({ ...choices, title: `${t('admin:staff.createTitle')} - ${t('common:siteName')}` });
}

/** The activation code is in this one answer only: never stored in clear, never shown again. */
export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const submission = parseWithZod(await readFormData(request), { schema: staffCreateSchema });
  if (submission.status !== 'success') return invalidResponse(submission);
  const result = await adminFormCall(submission, () => createStaffAccount(ctx, submission.value));
  if ('response' in result) return result.response;
  return json({ created: { id: result.ok.id, staffNo: submission.value.staffNo, activationCode: result.ok.activationCode } });
}

export default function NewStaff() {
  const { offices, units, managerScopes } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { lastResult?: SubmissionResult<string[]>; created?: { id: string; staffNo: string; activationCode: string } } | undefined;
  const navigation = useNavigation();
  const { t } = useTranslation(['admin']);
  const [form, fields] = useForm<StaffForm & { staffNo: string }>({ id: 'staff-new', lastResult: actionData?.lastResult, shouldValidate: 'onSubmit', defaultValue: { role: 'clerk' } });
  const created = actionData?.created;
  return (
    <div className="container narrow">
      <p className="no-print">
        <Link to="/admin/staff">{t('staff.title')}</Link>
      </p>
      <h1>{created ? t('staff.createdTitle') : t('staff.createTitle')}</h1>
      {created ? (
        <section className="card" aria-labelledby="code-title">
          <h2 id="code-title">{t('staff.codeFor', { staffNo: created.staffNo })}</h2>
          <p className="activation-code">
            <code>{created.activationCode}</code>
          </p>
          <p>{t('staff.codeWarning', { url: '/activate' })}</p>
          <p>
            <Link to={`/admin/staff/${created.id}`}>{t('staff.edit')}</Link>
          </p>
        </section>
      ) : (
        <>
          <p className="lead">{t('staff.createLead')}</p>
          <Form method="post" className="form card" {...getFormProps(form)} noValidate>
            <ErrorSummary form={form} fields={[{ meta: fields.staffNo, label: t('staff.staffNo') }, ...staffSummaryFields(fields, t)]} />
            <TextField meta={fields.staffNo} label={t('staff.staffNo')} required maxLength={20} spellCheck={false} autoComplete="off" />
            <StaffFields fields={fields} offices={offices} units={units} scopes={managerScopes} />
            <div className="actions">
              <SubmitButton pending={navigation.state === 'submitting'}>{t('staff.createSubmit')}</SubmitButton>
            </div>
          </Form>
        </>
      )}
    </div>
  );
}
