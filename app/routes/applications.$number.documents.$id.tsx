import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { getDocument } from '#services/documents/read';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { requireUser } from '~/utils/session.server';

export const handle = { i18n: ['common', 'documents', 'errors'] };

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
  return json({ doc, locale, title: `${doc.text.title} ${doc.number} - ${t('common:siteName')}` });
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
  const { doc, locale } = useLoaderData<typeof loader>();
  const { t } = useTranslation(['documents']);
  return (
    <div className="container narrow">
      <p className="no-print">
        <Link to={`/applications/${doc.applicationNumber}`}>{t('documents:page.back')}</Link>
      </p>
      {/* The stored text may be in another language than the page (a language it was not issued in). */}
      <article className="notice-doc card" aria-labelledby="document-title" lang={doc.lang === locale ? undefined : doc.lang}>
        <h1 id="document-title">{doc.text.title}</h1>
        <p className="notice-number">{doc.number}</p>
        <div className="table-wrap" tabIndex={0} role="region" aria-label={doc.text.title}>
          <table>
            <caption className="visually-hidden">{doc.text.title}</caption>
            <tbody>
              {doc.text.facts.map((f) => (
                <tr key={f.label}>
                  <th scope="row">{f.label}</th>
                  <td>{f.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {doc.text.paragraphs.map((p, i) => (
          <p key={i} className={i === doc.text.paragraphs.length - 1 ? 'notice-sign' : undefined}>
            {p}
          </p>
        ))}
      </article>
      {doc.lang !== 'zh-CN' && <p className="muted">{t('documents:page.authoritative')}</p>}
      <div className="actions">
        <PrintButton />
      </div>
    </div>
  );
}
