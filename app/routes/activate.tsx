import { getFormProps, useForm, type SubmissionResult } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { activationConfirmSchema, activationStartSchema } from '#services/admin/schemas';
import { isDomainError } from '#services/errors';
import { CodeField, ErrorSummary, SubmitButton, TextField } from '~/components/forms';
import { getFixedT } from '~/i18next.server';
import { beginActivation, completeActivation, pendingEnrolment, type Enrolment } from '~/utils/activation.server';
import { readFormData } from '~/utils/form-data.server';
import { replyWithDomainError } from '~/utils/form-errors.server';
import { homeFor } from '~/utils/home';
import { getActor, startSession } from '~/utils/session.server';

export const handle = { i18n: ['common', 'admin', 'auth', 'validation', 'errors'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** A staff member's first sign-in (or after a reset): activation code → password → authenticator. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await getActor(request, context);
  if (actor.kind === 'user') throw redirect(homeFor(actor));
  const t = await getFixedT(request, ['admin', 'common']);
  return json({ title: `${t('admin:activate.title')} - ${t('common:siteName')}` });
}

type Step = { staffNo: string; code: string; secret: string; qrDataUri: string };
const stepOf = (e: Enrolment, code: string): Step => ({
  staffNo: e.staffNo,
  code,
  secret: e.secret,
  qrDataUri: `data:image/svg+xml;base64,${Buffer.from(e.qrSvg).toString('base64')}`,
});

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readFormData(request);
  const ctx = { db: context.db, clock: context.clock, config: context.config, actor: await getActor(request, context) };
  const ip = context.clientIp;
  if (formData.get('intent') === 'confirm') {
    const submission = parseWithZod(formData, { schema: activationConfirmSchema });
    if (submission.status !== 'success') return json({ step: null, lastResult: submission.reply({ hideFields: ['totp'] }) }, { status: 400 });
    try {
      const user = await completeActivation(ctx, submission.value, { ip });
      return redirect(homeFor({ role: user.role }), { headers: { 'Set-Cookie': await startSession(request, context, user.userId) } });
    } catch (e) {
      if (!isDomainError(e)) throw e;
      // A wrong authenticator code shows the same QR code again; anything else starts over.
      const again = e.code === 'auth.invalidCode' ? await pendingEnrolment(ctx, submission.value, { ip }).catch(() => null) : null;
      return json(
        { step: again ? stepOf(again, submission.value.code) : null, lastResult: replyWithDomainError(submission, e, { hideFields: ['totp'] }) },
        { status: e.status },
      );
    }
  }
  const submission = parseWithZod(formData, { schema: activationStartSchema });
  const hide = ['password', 'confirmPassword', 'code'];
  if (submission.status !== 'success') return json({ step: null, lastResult: submission.reply({ hideFields: hide }) }, { status: 400 });
  try {
    const enrolment = await beginActivation(ctx, submission.value, { ip });
    return json({ step: stepOf(enrolment, submission.value.code), lastResult: null });
  } catch (e) {
    if (!isDomainError(e)) throw e;
    return json({ step: null, lastResult: replyWithDomainError(submission, e, { hideFields: hide }) }, { status: e.status });
  }
}

function PasswordStep({ lastResult }: { lastResult: SubmissionResult<string[]> | null }) {
  const { t } = useTranslation(['admin', 'auth']);
  const navigation = useNavigation();
  const [form, fields] = useForm({ id: 'activate', lastResult: lastResult ?? undefined, shouldValidate: 'onSubmit' });
  return (
    <Form method="post" className="form card" {...getFormProps(form)} noValidate>
      <ErrorSummary
        form={form}
        fields={[
          { meta: fields.staffNo, label: t('activate.staffNo') },
          { meta: fields.code, label: t('activate.code') },
          { meta: fields.password, label: t('activate.password') },
          { meta: fields.confirmPassword, label: t('activate.confirmPassword') },
        ]}
      />
      <input type="hidden" name="intent" value="start" />
      <TextField meta={fields.staffNo} label={t('activate.staffNo')} required autoComplete="username" spellCheck={false} maxLength={20} />
      <TextField meta={fields.code} label={t('activate.code')} hint={t('activate.codeHint')} required autoComplete="off" spellCheck={false} maxLength={40} />
      <TextField meta={fields.password} type="password" label={t('activate.password')} hint={t('activate.passwordHint')} required autoComplete="new-password" maxLength={128} />
      <TextField meta={fields.confirmPassword} type="password" label={t('activate.confirmPassword')} required autoComplete="new-password" maxLength={128} />
      <div className="actions">
        <SubmitButton pending={navigation.state === 'submitting'}>{t('activate.next')}</SubmitButton>
      </div>
    </Form>
  );
}

function EnrolStep({ step, lastResult }: { step: Step; lastResult: SubmissionResult<string[]> | null }) {
  const { t } = useTranslation(['admin']);
  const navigation = useNavigation();
  const [form, fields] = useForm({ id: 'activate-enrol', lastResult: lastResult ?? undefined, shouldValidate: 'onSubmit' });
  return (
    <section className="card" aria-labelledby="enrol-title">
      <h2 id="enrol-title">{t('activate.enrolTitle')}</h2>
      <p>{t('activate.enrolLead')}</p>
      <img src={step.qrDataUri} alt={t('activate.qrAlt')} width={220} height={220} className="qr-code" />
      <p>{t('activate.manual')}</p>
      <p>
        <code className="totp-secret">{step.secret.match(/.{1,4}/g)!.join(' ')}</code>
      </p>
      <Form method="post" className="form" {...getFormProps(form)} noValidate>
        <ErrorSummary form={form} fields={[{ meta: fields.totp, label: t('activate.totp') }]} />
        <input type="hidden" name="intent" value="confirm" />
        <input type="hidden" name="staffNo" value={step.staffNo} />
        <input type="hidden" name="code" value={step.code} />
        <CodeField meta={fields.totp} label={t('activate.totp')} hint={t('activate.totpHint')} required />
        <div className="actions">
          <SubmitButton pending={navigation.state === 'submitting'}>{t('activate.submit')}</SubmitButton>
        </div>
      </Form>
    </section>
  );
}

export default function Activate() {
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation(['admin']);
  return (
    <div className="container narrow auth-single">
      <h1>{t('activate.title')}</h1>
      {actionData?.step ? (
        <EnrolStep step={actionData.step} lastResult={actionData.lastResult as SubmissionResult<string[]> | null} />
      ) : (
        <>
          <p className="lead">{t('activate.lead')}</p>
          <PasswordStep lastResult={(actionData?.lastResult ?? null) as SubmissionResult<string[]> | null} />
        </>
      )}
    </div>
  );
}
