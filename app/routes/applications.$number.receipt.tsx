import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { getReceipt, revokeDocument } from '#services/documents/seal';
import { revokeSchema } from '#services/documents/revoke-schema';
import { isDomainError } from '#services/errors';
import { IssuedDocument } from '~/components/documents/issued-document';
import { RevokeForm } from '~/components/documents/revoke-form';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { readFormData } from '~/utils/form-data.server';
import { domainErrorResponse, invalidResponse } from '~/utils/form-errors.server';
import { applicationNumberParam } from '~/utils/params.server';
import { requireUser } from '~/utils/session.server';

export const handle = { i18n: ['common', 'applications', 'verify', 'documents', 'errors', 'validation'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/**
 * The receipt of an application (受理回执) as its signed PDF states it, in zh-CN (decision 0038):
 * for the applicant and staff in scope, with the download and, for a manager of the office, the
 * revocation form. 404 for anyone else and for a draft.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context);
  const number = applicationNumberParam(params, 'application.notFound');
  const receipt = await orThrowResponse(() => getReceipt(ctx, number));
  const t = await getFixedT(request, ['applications', 'common']);
  return json({
    receipt,
    back: ctx.actor.role === 'citizen' ? `/applications/${number}` : `/desk/applications/${number}`,
    locale: await getLocale(request),
    revokedNow: new URL(request.url).searchParams.get('revoked') === '1',
    title: `${t('applications:receipt.title')} ${receipt.number} - ${t('common:siteName')}`,
  });
}

/** A manager of the office revokes the receipt, with a reason, as any issued document. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['manager']);
  const number = applicationNumberParam(params, 'application.notFound');
  const submission = parseWithZod(await readFormData(request), { schema: revokeSchema });
  if (submission.status !== 'success') return invalidResponse(submission);
  try {
    await revokeDocument(ctx, number, { source: 'receipt' }, submission.value);
  } catch (e) {
    if (isDomainError(e)) {
      if (e.status === 404) throw json({ code: e.code, params: e.params }, { status: 404 });
      return domainErrorResponse(submission, e);
    }
    throw e;
  }
  return redirect(`/applications/${number}/receipt?revoked=1`, 303);
}

export default function ReceiptDocument() {
  const { receipt, back, locale, revokedNow } = useLoaderData<typeof loader>();
  const { t } = useTranslation(['applications', 'verify', 'documents']);
  return (
    <div className="container narrow">
      <p className="no-print">
        <Link to={back}>{t('documents:page.back')}</Link>
      </p>
      {revokedNow && (
        <p className="notice-ok no-print" role="status">
          {t('verify:revoke.done')}
        </p>
      )}
      {receipt.revocation.revokedReason !== null && (
        <p className="notice-error" role="note">
          {t('verify:revoke.revokedBanner', { reason: receipt.revocation.revokedReason })}
        </p>
      )}
      {/* As signed: in zh-CN, the authoritative language of every issued document. */}
      <IssuedDocument id="receipt-title" text={receipt.text} number={receipt.number} lang={locale === 'zh-CN' ? undefined : 'zh-CN'} />
      {locale !== 'zh-CN' && <p className="muted">{t('documents:page.authoritative')}</p>}
      <div className="actions no-print">
        <a className="button" href={`/applications/${receipt.number}/receipt/pdf`} download>
          {t('verify:receipt.download')}
        </a>
      </div>
      {receipt.revocation.canRevoke && <RevokeForm />}
    </div>
  );
}
