import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { getReceipt } from '#services/documents/seal';
import { IssuedDocument } from '~/components/documents/issued-document';
import { RevocationNotices, RevokeForm } from '~/components/documents/revoke-form';
import { applicationPageFor, revokeFromPage, revokedNow } from '~/utils/revoke.server';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { applicationNumberParam } from '~/utils/params.server';
import { requireUser } from '~/utils/session.server';

export const handle = { i18n: ['common', 'applications', 'verify', 'documents', 'errors', 'validation'], scripts: false };

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
    back: applicationPageFor(ctx.actor, number),
    locale: await getLocale(request),
    revokedNow: revokedNow(request),
    title: `${t('applications:receipt.title')} ${receipt.number} - ${t('common:siteName')}`,
  });
}

/** A manager of the office revokes the receipt, with a reason, as any issued document. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const number = applicationNumberParam(params, 'application.notFound');
  return revokeFromPage(request, context, number, { source: 'receipt' }, `/applications/${number}/receipt`);
}

export default function ReceiptDocument() {
  const { receipt, back, locale, revokedNow } = useLoaderData<typeof loader>();
  const { t } = useTranslation(['applications', 'verify', 'documents']);
  return (
    <div className="container narrow">
      <p className="no-print">
        <Link to={back}>{t('documents:page.back')}</Link>
      </p>
      <RevocationNotices revokedNow={revokedNow} revokedReason={receipt.revocation.revokedReason} />
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
