import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { loginSchema } from '#services/auth/schemas';
import { isDomainError } from '#services/errors';
import { ErrorSummary, Honeypot, SubmitButton, TextField } from '~/components/forms';
import { getFixedT } from '~/i18next.server';
import { homeFor } from '~/utils/home';
import { authenticate } from '~/utils/accounts.server';
import { domainErrorResponse, invalidResponse } from '~/utils/form-errors.server';
import { getActor, safeRedirect, startSession } from '~/utils/session.server';
import { setPendingLoginCookie } from '~/utils/two-factor.server';
import { readFormData } from '~/utils/form-data.server';
import { isHoneypotFilled } from '~/utils/honeypot.server';

export const handle = { i18n: ['common', 'auth', 'validation', 'errors'], scripts: false };

const SECRET_FIELDS = ['password'];


export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await getActor(request, context);
  if (actor.kind === 'user') {
    throw redirect(safeRedirect(new URL(request.url).searchParams.get('redirectTo'), homeFor(actor)));
  }
  const t = await getFixedT(request, ['auth', 'common']);
  return json({ title: `${t('auth:login.title')} - ${t('common:siteName')}` });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readFormData(request);
  const submission = parseWithZod(formData, { schema: loginSchema });
  // Bots fill every field; people never see this one. Refused before any password is checked.
  if (isHoneypotFilled(formData)) {
    return invalidResponse(submission, { formErrors: ['errors:badRequest'], hideFields: SECRET_FIELDS });
  }
  if (submission.status !== 'success') return invalidResponse(submission, { hideFields: SECRET_FIELDS });

  const actor = await getActor(request, context);
  let outcome: Awaited<ReturnType<typeof authenticate>>;
  try {
    outcome = await authenticate({ db: context.db, clock: context.clock, config: context.config, actor }, submission.value, {
      ip: context.clientIp,
    });
  } catch (e) {
    // One answer for an unknown account and a wrong password, so the form cannot tell which accounts exist.
    if (isDomainError(e)) return domainErrorResponse(submission, e, { hideFields: SECRET_FIELDS });
    throw e;
  }
  if (outcome.kind === 'secondFactor') {
    // Staff: no session yet, only the right to enter a code on the next page. Where they land
    // unless they asked for a page is decided there, once the account is known (homeFor).
    const asked = formData.get('redirectTo') ? safeRedirect(formData.get('redirectTo'), '/') : null;
    return redirect(asked ? `/login/totp?redirectTo=${encodeURIComponent(asked)}` : '/login/totp', {
      headers: { 'Set-Cookie': await setPendingLoginCookie(context, outcome.pendingId) },
    });
  }
  const redirectTo = safeRedirect(formData.get('redirectTo'), homeFor(outcome));
  // A new session id at every sign-in (startSession revokes any old one): no session fixation.
  const cookie = await startSession(request, context, outcome.userId);
  return redirect(redirectTo, { headers: { 'Set-Cookie': cookie } });
}

export default function Login() {
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const { t } = useTranslation(['auth', 'common']);
  const [form, fields] = useForm({
    id: 'login',
    lastResult: actionData?.lastResult,
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: loginSchema }),
  });
  const redirectTo = searchParams.get('redirectTo');
  const labels = { identifier: t('login.identifier'), password: t('login.password') };

  return (
    <div className="container narrow auth-single">
      <h1>{t('login.title')}</h1>
      <p className="lead">{t('login.intro')}</p>
      <Form method="post" className="form card" {...getFormProps(form)} noValidate>
        <ErrorSummary
          form={form}
          fields={[
            { meta: fields.identifier, label: labels.identifier },
            { meta: fields.password, label: labels.password },
          ]}
        />
        <TextField
          meta={fields.identifier}
          label={labels.identifier}
          hint={t('login.identifierHint')}
          required
          autoComplete="username"
          spellCheck={false}
          autoCapitalize="none"
        />
        <TextField meta={fields.password} label={labels.password} type="password" required autoComplete="current-password" />
        {redirectTo && <input type="hidden" name="redirectTo" value={redirectTo} />}
        <Honeypot />
        <div className="actions">
          <SubmitButton pending={navigation.state === 'submitting'}>{t('login.submit')}</SubmitButton>
        </div>
      </Form>
      <p>
        {t('login.noAccount')}{' '}
        <Link to={redirectTo ? `/signup?redirectTo=${encodeURIComponent(redirectTo)}` : '/signup'}>{t('login.signupLink')}</Link>
      </p>
      <p>
        <Link to="/forgot-password">{t('login.forgotLink')}</Link>
      </p>
      <p className="muted">{t('login.staffNote')}</p>
    </div>
  );
}
