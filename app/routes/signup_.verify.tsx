import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { codeSchema } from '#services/auth/schemas';
import { isDomainError } from '#services/errors';
import { CodeField, ErrorSummary, SubmitButton } from '~/components/forms';
import { getFixedT } from '~/i18next.server';
import { clearFlowCookie, completeSignUp, endFlowWithNotice, endingNotice, flowToken, pendingSignUp } from '~/utils/code-flow.server';
import { domainErrorResponse, invalidResponse } from '~/utils/form-errors.server';
import { getActor, safeRedirect, startSession } from '~/utils/session.server';
import { readFormData } from '~/utils/form-data.server';

export const handle = { i18n: ['common', 'auth', 'validation', 'errors'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** Sign-up's second step (decision 0024): the code sent to the mobile typed. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await getActor(request, context);
  const redirectTo = new URL(request.url).searchParams.get('redirectTo');
  if (actor.kind === 'user') throw redirect(safeRedirect(redirectTo, '/services'));
  const pending = await pendingSignUp(context, await flowToken(request, context, 'signup'));
  if (!pending) throw redirect(signupPath(redirectTo));
  const t = await getFixedT(request, ['auth', 'common']);
  return json({ title: `${t('auth:signupVerify.title')} - ${t('common:siteName')}`, mobileHint: pending.mobileHint });
}

/** The sign-up form, keeping where to go afterwards. */
function signupPath(redirectTo: FormDataEntryValue | null): string {
  return typeof redirectTo === 'string' && redirectTo ? `/signup?redirectTo=${encodeURIComponent(safeRedirect(redirectTo, '/services'))}` : '/signup';
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readFormData(request);
  const submission = parseWithZod(formData, { schema: codeSchema });
  if (submission.status !== 'success') return invalidResponse(submission, { hideFields: ['code'] });
  const actor = await getActor(request, context);
  if (actor.kind === 'user') throw redirect(safeRedirect(formData.get('redirectTo'), '/services'));
  let userId: string;
  try {
    ({ userId } = await completeSignUp(
      { db: context.db, clock: context.clock, config: context.config, actor },
      await flowToken(request, context, 'signup'),
      submission.value.code,
      { ip: context.clientIp },
    ));
  } catch (e) {
    if (!isDomainError(e)) throw e;
    // The flow has ended (account exists, code dead): its page cannot show again, so the message
    // goes with the person to the form, where the next step is.
    const notice = endingNotice(e.code);
    if (notice) throw redirect(signupPath(formData.get('redirectTo')), { headers: await endFlowWithNotice(context, 'signup', notice) });
    return domainErrorResponse(submission, e, { hideFields: ['code'] });
  }
  const headers = new Headers();
  headers.append('Set-Cookie', await startSession(request, context, userId));
  headers.append('Set-Cookie', await clearFlowCookie(context, 'signup'));
  return redirect(safeRedirect(formData.get('redirectTo'), '/services'), { headers });
}

export default function SignupVerify() {
  const { mobileHint } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const { t } = useTranslation(['auth', 'common']);
  const [form, fields] = useForm({
    id: 'signup-verify',
    lastResult: actionData?.lastResult,
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: codeSchema }),
  });
  const redirectTo = searchParams.get('redirectTo');
  const label = t('code.label');

  return (
    <div className="container narrow auth-single">
      <h1>{t('signupVerify.title')}</h1>
      <p className="lead">{t('signupVerify.intro', { mobile: mobileHint })}</p>
      <Form method="post" className="form card" {...getFormProps(form)} noValidate>
        <ErrorSummary form={form} fields={[{ meta: fields.code, label }]} />
        <CodeField
          meta={fields.code}
          label={label}
          hint={t('code.hint')}
          required />
        {redirectTo && <input type="hidden" name="redirectTo" value={redirectTo} />}
        <div className="actions">
          <SubmitButton pending={navigation.state === 'submitting'}>{t('signupVerify.submit')}</SubmitButton>
        </div>
      </Form>
      <p>{t('code.notReceived')}</p>
      <p>
        <Link to={redirectTo ? `/signup?redirectTo=${encodeURIComponent(redirectTo)}` : '/signup'}>{t('signupVerify.restart')}</Link>
      </p>
    </div>
  );
}
