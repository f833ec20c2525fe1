import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { signupSchema } from '#services/auth/schemas';
import { isDomainError } from '#services/errors';
import { ErrorSummary, Honeypot, SubmitButton, TextField } from '~/components/forms';
import { getFixedT, getLocale } from '~/i18next.server';
import { chinaDate } from '~/utils/accounts.server';
import { setFlowCookie, startSignUp, takeCodeNotice } from '~/utils/code-flow.server';
import { CodeNoticeBox } from '~/components/code-notice';
import { domainErrorResponse, invalidResponse } from '~/utils/form-errors.server';
import { isHoneypotFilled } from '~/utils/honeypot.server';
import { getActor, safeRedirect } from '~/utils/session.server';
import { readFormData } from '~/utils/form-data.server';

export const handle = { i18n: ['common', 'auth', 'validation', 'errors'], scripts: false };

/** Never sent back to the browser, even when the rest of the form is. */
const SECRET_FIELDS = ['password', 'confirmPassword'];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await getActor(request, context);
  const redirectTo = new URL(request.url).searchParams.get('redirectTo');
  if (actor.kind === 'user') throw redirect(safeRedirect(redirectTo, '/services'));
  const t = await getFixedT(request, ['auth', 'common']);
  // Why the last code step ended (account exists, code dead), shown once.
  const { notice, headers } = await takeCodeNotice(request, context, 'signup');
  return json(
    {
      title: `${t('auth:signup.title')} - ${t('common:siteName')}`,
      // The client validates with the same schema, which needs "today" for the birth-date check.
      today: chinaDate(context.clock.now()),
      notice,
    },
    { headers },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readFormData(request);
  const submission = parseWithZod(formData, { schema: signupSchema(chinaDate(context.clock.now())) });
  if (isHoneypotFilled(formData)) {
    return invalidResponse(submission, { formErrors: ['errors:badRequest'], hideFields: SECRET_FIELDS });
  }
  if (submission.status !== 'success') return invalidResponse(submission, { hideFields: SECRET_FIELDS });

  const actor = await getActor(request, context);
  if (actor.kind === 'user') throw redirect(safeRedirect(formData.get('redirectTo'), '/services'));
  let token: string;
  try {
    ({ token } = await startSignUp(
      { db: context.db, clock: context.clock, config: context.config, actor },
      submission.value,
      { locale: await getLocale(request), ip: context.clientIp },
    ));
  } catch (e) {
    if (isDomainError(e)) return domainErrorResponse(submission, e, { hideFields: SECRET_FIELDS });
    throw e;
  }
  // The same answer for every mobile and ID number (decision 0024): on to the code page.
  const redirectTo = formData.get('redirectTo');
  const next = typeof redirectTo === 'string' && redirectTo ? `/signup/verify?${new URLSearchParams({ redirectTo: safeRedirect(redirectTo, '/services') })}` : '/signup/verify';
  return redirect(next, { headers: { 'Set-Cookie': await setFlowCookie(context, 'signup', token) } });
}

export default function Signup() {
  const { today, notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const { t } = useTranslation(['auth', 'common']);
  const [form, fields] = useForm({
    id: 'signup',
    lastResult: actionData?.lastResult,
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: signupSchema(today) }),
  });
  const redirectTo = searchParams.get('redirectTo');
  const labels = {
    realName: t('signup.realName'),
    idNumber: t('signup.idNumber'),
    mobile: t('signup.mobile'),
    email: t('signup.email'),
    password: t('signup.password'),
    confirmPassword: t('signup.confirmPassword'),
  };

  return (
    <div className="container auth-layout">
      <div className="auth-main">
        <h1>{t('signup.title')}</h1>
        <p className="lead">{t('signup.intro')}</p>
        {!actionData && <CodeNoticeBox notice={notice} />}

        <Form method="post" className="form card" {...getFormProps(form)} noValidate aria-labelledby="signup-form-title">
          <h2 id="signup-form-title" className="form-title">
            {t('signup.formTitle')}
          </h2>
          <ErrorSummary
            form={form}
            fields={[
              { meta: fields.realName, label: labels.realName },
              { meta: fields.idNumber, label: labels.idNumber },
              { meta: fields.mobile, label: labels.mobile },
              { meta: fields.email, label: labels.email },
              { meta: fields.password, label: labels.password },
              { meta: fields.confirmPassword, label: labels.confirmPassword },
            ]}
          />
          <TextField meta={fields.realName} label={labels.realName} hint={t('signup.realNameHint')} required autoComplete="name" />
          <TextField
            meta={fields.idNumber}
            label={labels.idNumber}
            hint={t('signup.idNumberHint')}
            required
            autoComplete="off"
            spellCheck={false}
            className="input-id"
          />
          <TextField
            meta={fields.mobile}
            label={labels.mobile}
            hint={t('signup.mobileHint')}
            type="tel"
            inputMode="numeric"
            required
            autoComplete="tel-national"
          />
          <TextField meta={fields.email} label={labels.email} hint={t('signup.emailHint')} type="email" autoComplete="email" spellCheck={false} />
          <TextField
            meta={fields.password}
            label={labels.password}
            hint={t('signup.passwordHint')}
            type="password"
            required
            autoComplete="new-password"
          />
          <TextField meta={fields.confirmPassword} label={labels.confirmPassword} type="password" required autoComplete="new-password" />
          {redirectTo && <input type="hidden" name="redirectTo" value={redirectTo} />}
          <Honeypot />
          <div className="actions">
            <SubmitButton pending={navigation.state === 'submitting'}>{t('signup.submit')}</SubmitButton>
            <span>
              {t('signup.haveAccount')}{' '}
              <Link to={redirectTo ? `/login?redirectTo=${encodeURIComponent(redirectTo)}` : '/login'}>{t('signup.loginLink')}</Link>
            </span>
          </div>
        </Form>
      </div>

      <aside className="auth-aside card" aria-labelledby="signup-why">
        <h2 id="signup-why">{t('signup.whyTitle')}</h2>
        <ul className="check-list">
          <li>{t('signup.why.realName')}</li>
          <li>{t('signup.why.oneAccount')}</li>
          <li>{t('signup.why.privacy')}</li>
        </ul>
      </aside>
    </div>
  );
}
