import { getFormProps, useForm, type SubmissionResult } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { Form, useActionData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { revokeSchema } from '#services/documents/revoke-schema';
import { ErrorSummary, SubmitButton, TextareaField } from '~/components/forms';

/**
 * A manager revokes an issued document of their office with a reason (decisions 0034, 0038): the
 * one form of every document page (a notice, a receipt), posted to `to` (the page itself, with
 * its query) and working without JavaScript.
 */
export function RevokeForm({ to }: { to?: string }) {
  const { t } = useTranslation(['verify']);
  const actionData = useActionData<{ lastResult?: SubmissionResult<string[]> }>();
  const [form, fields] = useForm({
    id: 'revoke',
    lastResult: actionData?.lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: revokeSchema }),
    shouldValidate: 'onBlur',
  });
  return (
    <section className="card no-print" aria-labelledby="revoke-title">
      <h2 id="revoke-title">{t('verify:revoke.title')}</h2>
      <p>{t('verify:revoke.intro')}</p>
      <Form method="post" action={to} {...getFormProps(form)}>
        <ErrorSummary form={form} fields={[{ meta: fields.reason, label: t('verify:revoke.reason') }]} />
        <TextareaField meta={fields.reason} label={t('verify:revoke.reason')} required maxLength={500} rows={3} />
        <SubmitButton variant="danger">{t('verify:revoke.submit')}</SubmitButton>
      </Form>
    </section>
  );
}

/** What a document page says about revocation: that one was just made, and, once revoked, why. */
export function RevocationNotices({ revokedNow, revokedReason }: { revokedNow: boolean; revokedReason: string | null }) {
  const { t } = useTranslation(['verify']);
  return (
    <>
      {revokedNow && (
        <p className="notice-ok no-print" role="status">
          {t('verify:revoke.done')}
        </p>
      )}
      {revokedReason !== null && (
        <p className="notice-error" role="note">
          {t('verify:revoke.revokedBanner', { reason: revokedReason })}
        </p>
      )}
    </>
  );
}
