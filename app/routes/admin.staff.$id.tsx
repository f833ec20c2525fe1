import { getFormProps, useForm, type SubmissionResult } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { staffUpdateSchema } from '#services/admin/schemas';
import { StaffFields, staffSummaryFields, type StaffForm } from '~/components/admin/staff-fields';
import { ErrorSummary, SubmitButton } from '~/components/forms';
import { getFixedT, getLocale } from '~/i18next.server';
import { adminChoices, adminFormCall, getStaff, resetStaffCredential, setStaffDisabled, updateStaffAccount } from '~/utils/admin.server';
import { orThrowResponse } from '~/utils/errors.server';
import { readFormData } from '~/utils/form-data.server';
import { invalidResponse } from '~/utils/form-errors.server';
import { staffIdParam } from '~/utils/params.server';
import { requireUser } from '~/utils/session.server';

export const handle = { i18n: ['common', 'admin', 'validation', 'errors'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const id = staffIdParam(params);
  const staff = await orThrowResponse(() => getStaff(ctx, id));
  const t = await getFixedT(request, ['admin', 'common']);
  const choices = await orThrowResponse(async () => adminChoices(ctx, t, await getLocale(request)));
  const saved = new URL(request.url).searchParams.get('saved') === '1';
  return json({ staff, ...choices, saved, title: `${staff.realName} (${staff.staffNo}) - ${t('common:siteName')}` });
}

const accountSchema = z.object({ intent: z.enum(['disable', 'enable', 'resetPassword', 'resetSecondFactor'], { errorMap: () => ({ message: 'choice' }) }) });

export async function action({ request, context, params }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const id = staffIdParam(params);
  const formData = await readFormData(request);
  if (formData.get('intent') === 'update') {
    const submission = parseWithZod(formData, { schema: staffUpdateSchema });
    if (submission.status !== 'success') return invalidResponse(submission);
    const result = await adminFormCall(submission, () => updateStaffAccount(ctx, id, submission.value));
    if ('response' in result) return result.response;
    return redirect(`/admin/staff/${id}?saved=1`, 303);
  }
  const submission = parseWithZod(formData, { schema: accountSchema });
  if (submission.status !== 'success') return invalidResponse(submission);
  const intent = submission.value.intent;
  const result = await adminFormCall(submission, async () => {
    if (intent === 'disable' || intent === 'enable') {
      await setStaffDisabled(ctx, id, intent === 'disable');
      return null;
    }
    return (await resetStaffCredential(ctx, id, intent === 'resetPassword' ? 'password' : 'secondFactor')).activationCode;
  });
  if ('response' in result) return result.response;
  if (result.ok === null) return redirect(`/admin/staff/${id}?saved=1`, 303);
  // Shown in this answer only.
  return json({ activationCode: result.ok });
}

export default function EditStaff() {
  const { staff, offices, units, managerScopes, saved } = useLoaderData<typeof loader>();
  // A province manager's scope stays on offer to a city's administrator, who may keep it but not give it.
  const scopes = staff.managerScope && !managerScopes.includes(staff.managerScope) ? [...managerScopes, staff.managerScope] : managerScopes;
  const actionData = useActionData<typeof action>() as { lastResult?: SubmissionResult<string[]>; activationCode?: string } | undefined;
  const navigation = useNavigation();
  const { t } = useTranslation(['admin']);
  const [form, fields] = useForm<StaffForm>({
    id: 'staff-edit',
    lastResult: actionData?.lastResult,
    shouldValidate: 'onSubmit',
    defaultValue: {
      realName: staff.realName,
      role: staff.role,
      officeCode: staff.officeCode ?? '',
      orgUnitCode: staff.orgUnitCode ?? '',
      skills: staff.skills,
      managerScope: staff.managerScope ?? '',
    },
  });
  return (
    <div className="container narrow">
      <p className="no-print">
        <Link to="/admin/staff">{t('staff.title')}</Link>
      </p>
      <h1>
        {staff.realName} ({staff.staffNo})
      </h1>
      <p>
        {t('staff.status')}: {staff.disabled ? t('staff.disabled') : staff.enrolled ? t('staff.active') : t('staff.notEnrolled')}
      </p>
      {saved && !actionData && (
        <p className="notice-ok" role="status">
          {t('staff.saved')}
        </p>
      )}
      {actionData?.activationCode && (
        <section className="card" aria-labelledby="code-title">
          <h2 id="code-title">{t('staff.codeFor', { staffNo: staff.staffNo })}</h2>
          <p className="activation-code">
            <code>{actionData.activationCode}</code>
          </p>
          <p>{t('staff.codeWarning', { url: '/activate' })}</p>
        </section>
      )}
      <Form method="post" className="form card" {...getFormProps(form)} noValidate>
        <ErrorSummary form={form} fields={staffSummaryFields(fields, t)} />
        <input type="hidden" name="intent" value="update" />
        <StaffFields fields={fields} offices={offices} units={units} scopes={scopes} />
        <div className="actions">
          <SubmitButton pending={navigation.state === 'submitting'}>{t('staff.editSubmit')}</SubmitButton>
        </div>
      </Form>
      <section className="card" aria-labelledby="account-title">
        <h2 id="account-title">{t('staff.accountTitle')}</h2>
        <p className="hint">{t('staff.disableHint')}</p>
        <Form method="post" className="inline-form">
          <button type="submit" name="intent" value={staff.disabled ? 'enable' : 'disable'} className="button secondary">
            {staff.disabled ? t('staff.enable') : t('staff.disable')}
          </button>
        </Form>
        <p className="hint">{t('staff.resetHint')}</p>
        <Form method="post" className="inline-form">
          <button type="submit" name="intent" value="resetPassword" className="button secondary">
            {t('staff.resetPassword')}
          </button>{' '}
          <button type="submit" name="intent" value="resetSecondFactor" className="button secondary">
            {t('staff.resetSecondFactor')}
          </button>
        </Form>
      </section>
    </div>
  );
}
