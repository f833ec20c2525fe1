import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { resetSchema } from '#services/auth/schemas';
import { isDomainError } from '#services/errors';
import { CodeField, ErrorSummary, SubmitButton, TextField } from '~/components/forms';
import { getFixedT } from '~/i18next.server';
import { clearFlowCookie, completePasswordReset, endFlowWithNotice, endingNotice, flowToken, resetPending } from '~/utils/code-flow.server';
import { domainErrorResponse, invalidResponse } from '~/utils/form-errors.server';
import { getActor } from '~/utils/session.server';
import { readFormData } from '~/utils/form-data.server';

export const handle = { i18n: ['common', 'auth', 'validation', 'errors'], scripts: false };

/** Never sent back to the browser, even when the rest of the form is. */
const SECRET_FIELDS = ['code', 'password', 'confirmPassword'];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** A forgotten password, second step: the code and a new password. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await getActor(request, context);
  if (actor.kind === 'user') throw redirect('/');
  if (!(await resetPending(context, await flowToken(request, context, 'reset')))) throw redirect('/forgot-password');
  const t = await getFixedT(request, ['auth', 'common']);
  return json({ title: `${t('auth:reset.title')} - ${t('common:siteName')}` });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readFormData(request);
  const submission = parseWithZod(formData, { schema: resetSchema });
  if (submission.status !== 'success') return invalidResponse(submission, { hideFields: SECRET_FIELDS });
  try {
    await completePasswordReset(
      { db: context.db, clock: context.clock, config: context.config, actor: await getActor(request, context) },
      await flowToken(request, context, 'reset'),
      { code: submission.value.code, password: submission.value.password },
      { ip: context.clientIp },
    );
  } catch (e) {
    if (!isDomainError(e)) throw e;
    // The code is dead: this page cannot show again, so the message goes to the first step.
    const notice = endingNotice(e.code);
    if (notice) throw redirect('/forgot-password', { headers: await endFlowWithNotice(context, 'reset', notice) });
    return domainErrorResponse(submission, e, { hideFields: SECRET_FIELDS });
  }
  return json({ done: true as const }, { headers: { 'Set-Cookie': await clearFlowCookie(context, 'reset') } });
}

export default function ResetPassword() {
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation(['auth', 'common']);
  const [form, fields] = useForm({
    id: 'reset-password',
    lastResult: actionData && 'lastResult' in actionData ? actionData.lastResult : undefined,
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: resetSchema }),
  });
  if (actionData && 'done' in actionData) {
    return (
      <div className="container narrow auth-single">
        <h1>{t('reset.doneTitle')}</h1>
        <p className="lead" role="status">
          {t('reset.done')}
        </p>
        <p>
          <Link to="/login">{t('reset.signIn')}</Link>
        </p>
      </div>
    );
  }
  const labels = { code: t('code.label'), password: t('reset.password'), confirmPassword: t('signup.confirmPassword') };

  return (
    <div className="container narrow auth-single">
      <h1>{t('reset.title')}</h1>
      <p className="lead">{t('reset.intro')}</p>
      <Form method="post" className="form card" {...getFormProps(form)} noValidate>
        <ErrorSummary
          form={form}
          fields={[
            { meta: fields.code, label: labels.code },
            { meta: fields.password, label: labels.password },
            { meta: fields.confirmPassword, label: labels.confirmPassword },
          ]}
        />
        <CodeField
          meta={fields.code}
          label={labels.code}
          hint={t('code.hint')}
          required />
        <TextField meta={fields.password} label={labels.password} hint={t('signup.passwordHint')} type="password" required autoComplete="new-password" />
        <TextField meta={fields.confirmPassword} label={labels.confirmPassword} type="password" required autoComplete="new-password" />
        <div className="actions">
          <SubmitButton pending={navigation.state === 'submitting'}>{t('reset.submit')}</SubmitButton>
        </div>
      </Form>
      <p>{t('code.notReceived')}</p>
      <p>
        <Link to="/forgot-password">{t('reset.restart')}</Link>
      </p>
    </div>
  );
}
