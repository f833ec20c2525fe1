import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { resetRequestSchema } from '#services/auth/schemas';
import { isDomainError } from '#services/errors';
import { ErrorSummary, Honeypot, SubmitButton, TextField } from '~/components/forms';
import { getFixedT } from '~/i18next.server';
import { setFlowCookie, startPasswordReset, takeCodeNotice } from '~/utils/code-flow.server';
import { CodeNoticeBox } from '~/components/code-notice';
import { domainErrorResponse, invalidResponse } from '~/utils/form-errors.server';
import { isHoneypotFilled } from '~/utils/honeypot.server';
import { getActor } from '~/utils/session.server';
import { readFormData } from '~/utils/form-data.server';

export const handle = { i18n: ['common', 'auth', 'validation', 'errors'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** A forgotten password, first step (decision 0024): the mobile or ID number of the account. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await getActor(request, context);
  if (actor.kind === 'user') throw redirect('/');
  const t = await getFixedT(request, ['auth', 'common']);
  // Why the last code step ended (the code is dead), shown once.
  const { notice, headers } = await takeCodeNotice(request, context, 'reset');
  return json({ title: `${t('auth:forgot.title')} - ${t('common:siteName')}`, notice }, { headers });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readFormData(request);
  const submission = parseWithZod(formData, { schema: resetRequestSchema });
  if (isHoneypotFilled(formData)) return invalidResponse(submission, { formErrors: ['errors:badRequest'] });
  if (submission.status !== 'success') return invalidResponse(submission);
  const actor = await getActor(request, context);
  if (actor.kind === 'user') throw redirect('/');
  let token: string;
  try {
    ({ token } = await startPasswordReset({ db: context.db, clock: context.clock, config: context.config, actor }, submission.value.identifier, { ip: context.clientIp }));
  } catch (e) {
    if (isDomainError(e)) return domainErrorResponse(submission, e);
    throw e;
  }
  // The same next page whether or not an account exists.
  return redirect('/forgot-password/reset', { headers: { 'Set-Cookie': await setFlowCookie(context, 'reset', token) } });
}

export default function ForgotPassword() {
  const { notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation(['auth', 'common']);
  const [form, fields] = useForm({
    id: 'forgot-password',
    lastResult: actionData?.lastResult,
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: resetRequestSchema }),
  });
  const label = t('forgot.identifier');

  return (
    <div className="container narrow auth-single">
      <h1>{t('forgot.title')}</h1>
      <p className="lead">{t('forgot.intro')}</p>
      {!actionData && <CodeNoticeBox notice={notice} />}
      <Form method="post" className="form card" {...getFormProps(form)} noValidate>
        <ErrorSummary form={form} fields={[{ meta: fields.identifier, label }]} />
        <TextField meta={fields.identifier} label={label} hint={t('forgot.identifierHint')} required autoComplete="username" spellCheck={false} />
        <Honeypot />
        <div className="actions">
          <SubmitButton pending={navigation.state === 'submitting'}>{t('forgot.submit')}</SubmitButton>
        </div>
      </Form>
      <p>{t('forgot.staffNote')}</p>
      <p>
        <Link to="/login">{t('forgot.backToLogin')}</Link>
      </p>
    </div>
  );
}
