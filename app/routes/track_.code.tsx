import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { codeSchema } from '#services/auth/schemas';
import { isDomainError } from '#services/errors';
import { CodeField, ErrorSummary, SubmitButton } from '~/components/forms';
import { getFixedT } from '~/i18next.server';
import { flowToken, proveTracking } from '~/utils/code-flow.server';
import { domainErrorResponse, invalidResponse } from '~/utils/form-errors.server';
import { serviceContext } from '~/utils/session.server';
import { readFormData } from '~/utils/form-data.server';

export const handle = { i18n: ['common', 'auth', 'validation', 'errors'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** Second step: the code sent to the applicant's mobile. Shown for every number, real or not. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!(await flowToken(request, context, 'track'))) throw redirect('/track');
  const t = await getFixedT(request, ['auth', 'common']);
  return json({ title: `${t('auth:trackCode.title')} - ${t('common:siteName')}` });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readFormData(request);
  const submission = parseWithZod(formData, { schema: codeSchema });
  if (submission.status !== 'success') return invalidResponse(submission, { hideFields: ['code'] });
  try {
    await proveTracking(await serviceContext(request, context), await flowToken(request, context, 'track'), submission.value.code, { ip: context.clientIp });
  } catch (e) {
    if (isDomainError(e)) return domainErrorResponse(submission, e, { hideFields: ['code'] });
    throw e;
  }
  return redirect('/track/view');
}

export default function TrackCode() {
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation(['auth', 'common']);
  const [form, fields] = useForm({
    id: 'track-code',
    lastResult: actionData?.lastResult,
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: codeSchema }),
  });
  const label = t('code.label');

  return (
    <div className="container narrow auth-single">
      <h1>{t('trackCode.title')}</h1>
      <p className="lead">{t('trackCode.intro')}</p>
      <Form method="post" className="form card" {...getFormProps(form)} noValidate>
        <ErrorSummary form={form} fields={[{ meta: fields.code, label }]} />
        <CodeField
          meta={fields.code}
          label={label}
          hint={t('code.hint')}
          required />
        <div className="actions">
          <SubmitButton pending={navigation.state === 'submitting'}>{t('trackCode.submit')}</SubmitButton>
        </div>
      </Form>
      <p>{t('code.notReceived')}</p>
      <p>
        <Link to="/track">{t('trackCode.restart')}</Link>
      </p>
    </div>
  );
}
