import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { getDocument } from '#services/documents/read';
import { revokeDocument } from '#services/documents/seal';
import { revokeSchema } from '#services/documents/revoke-schema';
import { isDomainError } from '#services/errors';
import { IssuedDocument } from '~/components/documents/issued-document';
import { RevokeForm } from '~/components/documents/revoke-form';
import { domainErrorResponse, invalidResponse } from '~/utils/form-errors.server';
import { readFormData } from '~/utils/form-data.server';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { requireUser } from '~/utils/session.server';

export const handle = { i18n: ['common', 'documents', 'verify', 'errors', 'validation'] };

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
  const revokedNow = new URL(request.url).searchParams.get('revoked') === '1';
  // Staff go back to the desk's page of the application; the citizen's page is the applicant's only.
  const back = ctx.actor.kind === 'user' && ctx.actor.role !== 'citizen' ? `/desk/applications/${doc.applicationNumber}` : `/applications/${doc.applicationNumber}`;
  return json({ doc, locale, revokedNow, back, title: `${doc.text.title} ${doc.number} - ${t('common:siteName')}` });
}

/** A manager of the document's office revokes it, with a reason (decision 0034). */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['manager']);
  const submission = parseWithZod(await readFormData(request), { schema: revokeSchema });
  if (submission.status !== 'success') return invalidResponse(submission);
  try {
    await revokeDocument(ctx, params.number ?? '', { source: 'decision', id: params.id ?? '' }, submission.value);
  } catch (e) {
    if (isDomainError(e)) {
      if (e.status === 404) throw json({ code: e.code, params: e.params }, { status: 404 });
      return domainErrorResponse(submission, e);
    }
    throw e;
  }
  return redirect(`/applications/${params.number}/documents/${params.id}?revoked=1`);
}

function PrintButton() {
  const { t } = useTranslation('documents');
  return (
    <button type="button" className="button secondary no-print" onClick={() => window.print()}>
      {t('page.print')}
    </button>
  );
}

export default function DecisionDocument() {
  const { doc, locale, revokedNow, back } = useLoaderData<typeof loader>();
  const { t } = useTranslation(['documents', 'verify']);
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
      {doc.revokedReason !== null && (
        <p className="notice-error" role="note">
          {t('verify:revoke.revokedBanner', { reason: doc.revokedReason })}
        </p>
      )}
      {/* The stored text may be in another language than the page (a language it was not issued in). */}
      <IssuedDocument id="document-title" text={doc.text} number={doc.number} lang={doc.lang === locale ? undefined : doc.lang} />
      {doc.lang !== 'zh-CN' && <p className="muted">{t('documents:page.authoritative')}</p>}
      <div className="actions">
        <a className="button" href={`/applications/${doc.applicationNumber}/documents/${doc.id}/pdf`} download>
          {t('verify:download')}
        </a>
        <PrintButton />
      </div>
      {doc.canRevoke && <RevokeForm />}
    </div>
  );
}
