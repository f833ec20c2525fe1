import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { trackSchema } from '#services/auth/schemas';
import { isDomainError } from '#services/errors';
import { ErrorSummary, Honeypot, SubmitButton, TextField } from '~/components/forms';
import { getFixedT } from '~/i18next.server';
import { setFlowCookie, startTracking } from '~/utils/code-flow.server';
import { domainErrorResponse, invalidResponse } from '~/utils/form-errors.server';
import { isHoneypotFilled } from '~/utils/honeypot.server';
import { serviceContext } from '~/utils/session.server';
import { readFormData } from '~/utils/form-data.server';

export const handle = { i18n: ['common', 'auth', 'applications', 'validation', 'errors'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** Following an application without signing in (decision 0024), first step: its number. */
export async function loader({ request }: LoaderFunctionArgs) {
  const t = await getFixedT(request, ['auth', 'common']);
  return json({ title: `${t('auth:track.title')} - ${t('common:siteName')}` });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readFormData(request);
  const submission = parseWithZod(formData, { schema: trackSchema });
  if (isHoneypotFilled(formData)) return invalidResponse(submission, { formErrors: ['errors:badRequest'] });
  if (submission.status !== 'success') return invalidResponse(submission);
  let token: string;
  try {
    ({ token } = await startTracking(await serviceContext(request, context), submission.value.number, { ip: context.clientIp }));
  } catch (e) {
    if (isDomainError(e)) return domainErrorResponse(submission, e);
    throw e;
  }
  // The same next page whether or not the number exists.
  return redirect('/track/code', { headers: { 'Set-Cookie': await setFlowCookie(context, 'track', token) } });
}

export default function Track() {
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation(['auth', 'common']);
  const [form, fields] = useForm({
    id: 'track',
    lastResult: actionData?.lastResult,
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: trackSchema }),
  });
  const label = t('track.number');

  return (
    <div className="container narrow auth-single">
      <h1>{t('track.title')}</h1>
      <p className="lead">{t('track.intro')}</p>
      <Form method="post" className="form card" {...getFormProps(form)} noValidate>
        <ErrorSummary form={form} fields={[{ meta: fields.number, label }]} />
        <TextField meta={fields.number} label={label} hint={t('track.numberHint')} required autoComplete="off" spellCheck={false} />
        <Honeypot />
        <div className="actions">
          <SubmitButton pending={navigation.state === 'submitting'}>{t('track.submit')}</SubmitButton>
        </div>
      </Form>
      <p>{t('track.signedInNote')}</p>
    </div>
  );
}
