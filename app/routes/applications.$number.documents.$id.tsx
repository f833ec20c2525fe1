import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { getDocument } from '#services/documents/read';
import { IssuedDocument } from '~/components/documents/issued-document';
import { RevocationNotices, RevokeForm } from '~/components/documents/revoke-form';
import { applicationPageFor, revokeFromPage, revokedNow } from '~/utils/revoke.server';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { requireUser } from '~/utils/session.server';

export const handle = { i18n: ['common', 'documents', 'verify', 'errors', 'validation'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/**
 * A decision document as issued, printable: the text stored when it was issued, in the reader's
 * language (zh-CN is authoritative). The applicant and staff in scope only; 404 for anyone else.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context);
  const locale = await getLocale(request);
  const doc = await orThrowResponse(() => getDocument(ctx, params.number ?? '', params.id ?? '', locale));
  const t = await getFixedT(request, ['common']);
  return json({ doc, locale, revokedNow: revokedNow(request), back: applicationPageFor(ctx.actor, doc.applicationNumber), title: `${doc.text.title} ${doc.number} - ${t('common:siteName')}` });
}

/** A manager of the document's office revokes it, with a reason (decision 0034). */
export const action = ({ request, context, params }: ActionFunctionArgs) =>
  revokeFromPage(request, context, params.number ?? '', { source: 'decision', id: params.id ?? '' }, `/applications/${params.number}/documents/${params.id}`);

/** The page loads no JavaScript (decision 0044), so no print button: the browser's own command, and the PDF beside it. */
function PrintHint() {
  const { t } = useTranslation('documents');
  return <p className="hint no-print">{t('page.printHint')}</p>;
}

export default function DecisionDocument() {
  const { doc, locale, revokedNow, back } = useLoaderData<typeof loader>();
  const { t } = useTranslation(['documents', 'verify']);
  return (
    <div className="container narrow">
      <p className="no-print">
        <Link to={back}>{t('documents:page.back')}</Link>
      </p>
      <RevocationNotices revokedNow={revokedNow} revokedReason={doc.revokedReason} />
      {/* The stored text may be in another language than the page (a language it was not issued in). */}
      <IssuedDocument id="document-title" text={doc.text} number={doc.number} lang={doc.lang === locale ? undefined : doc.lang} />
      {doc.lang !== 'zh-CN' && <p className="muted">{t('documents:page.authoritative')}</p>}
      <div className="actions">
        <a className="button" href={`/applications/${doc.applicationNumber}/documents/${doc.id}/pdf`} download>
          {t('verify:download')}
        </a>
      </div>
      <PrintHint />
      {doc.canRevoke && <RevokeForm />}
    </div>
  );
}
