import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { totpSchema } from '#services/auth/schemas';
import { isDomainError } from '#services/errors';
import { CodeField, ErrorSummary, SubmitButton } from '~/components/forms';
import { getFixedT } from '~/i18next.server';
import { homeFor } from '~/utils/home';
import { domainErrorResponse, invalidResponse } from '~/utils/form-errors.server';
import { getActor, safeRedirect, startSession } from '~/utils/session.server';
import { clearPendingLoginCookie, completeSecondFactor, pendingLoginId, resolvePendingLogin } from '~/utils/two-factor.server';
import { readFormData } from '~/utils/form-data.server';

export const handle = { i18n: ['common', 'auth', 'validation', 'errors'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** Only reachable between a staff member's right password and their code. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await getActor(request, context);
  const redirectTo = new URL(request.url).searchParams.get('redirectTo');
  if (actor.kind === 'user') throw redirect(safeRedirect(redirectTo, homeFor(actor)));
  const pending = await resolvePendingLogin(context, await pendingLoginId(request, context));
  if (!pending) throw redirect(redirectTo ? `/login?redirectTo=${encodeURIComponent(redirectTo)}` : '/login');
  const t = await getFixedT(request, ['auth', 'common']);
  return json({ title: `${t('auth:totp.title')} - ${t('common:siteName')}` });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readFormData(request);
  const submission = parseWithZod(formData, { schema: totpSchema });
  if (submission.status !== 'success') return invalidResponse(submission, { hideFields: ['code'] });
  let user: Awaited<ReturnType<typeof completeSecondFactor>>;
  try {
    user = await completeSecondFactor(
      { db: context.db, clock: context.clock, config: context.config, actor: await getActor(request, context) },
      await pendingLoginId(request, context),
      submission.value.code,
      { ip: context.clientIp },
    );
  } catch (e) {
    if (isDomainError(e)) return domainErrorResponse(submission, e, { hideFields: ['code'] });
    throw e;
  }
  const headers = new Headers();
  headers.append('Set-Cookie', await startSession(request, context, user.userId));
  headers.append('Set-Cookie', await clearPendingLoginCookie(context));
  return redirect(safeRedirect(formData.get('redirectTo'), homeFor(user)), { headers });
}

export default function LoginTotp() {
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const { t } = useTranslation(['auth', 'common']);
  const [form, fields] = useForm({
    id: 'login-totp',
    lastResult: actionData?.lastResult,
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: totpSchema }),
  });
  const redirectTo = searchParams.get('redirectTo');
  const label = t('totp.code');

  return (
    <div className="container narrow auth-single">
      <h1>{t('totp.title')}</h1>
      <p className="lead">{t('totp.intro')}</p>
      <Form method="post" className="form card" {...getFormProps(form)} noValidate>
        <ErrorSummary form={form} fields={[{ meta: fields.code, label }]} />
        <CodeField
          meta={fields.code}
          label={label}
          hint={t('totp.codeHint')}
          required />
        {redirectTo && <input type="hidden" name="redirectTo" value={redirectTo} />}
        <div className="actions">
          <SubmitButton pending={navigation.state === 'submitting'}>{t('totp.submit')}</SubmitButton>
        </div>
      </Form>
      <p>
        <Link to={redirectTo ? `/login?redirectTo=${encodeURIComponent(redirectTo)}` : '/login'}>{t('totp.restart')}</Link>
      </p>
    </div>
  );
}
