import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, type UploadHandler } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { checkDocumentFile, verifyDocument, type FileCheck } from '#services/documents/seal';
import { isDomainError } from '#services/errors';
import { VERIFY_FILE_LIMIT } from '#services/documents/verify-limits';
import { formatDay } from '~/components/application/format';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { readFormData } from '~/utils/form-data.server';
import { serviceContext } from '~/utils/session.server';

export const handle = { i18n: ['common', 'verify', 'documents', 'errors'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }, { name: 'robots', content: 'noindex' }];

/**
 * The public page a document's QR code leads to (decision 0034): no sign-in, the minimum needed
 * to trust the document (kind, number, office, China date, status, a masked name), counted
 * each time it is opened; and a form that checks whether a PDF file is exactly the signed one.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await serviceContext(request, context);
  const view = await orThrowResponse(() => verifyDocument(ctx, params.token ?? ''));
  const t = await getFixedT(request, ['verify', 'common']);
  return json(
    { view, locale: await getLocale(request), title: `${t('verify:page.title')} ${view.number} - ${t('common:siteName')}` },
    // Revocation shows at once: nothing may keep an earlier answer.
    { headers: { 'Cache-Control': 'no-store' } },
  );
}

/** code: an errors key, as every refusal carries it. */
type ActionData = { check: FileCheck | null; code: string | null; params: Record<string, string | number> };

/** The file is read into memory up to the limit and compared; it is never stored. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const ctx = await serviceContext(request, context);
  let tooLarge = false;
  const handler: UploadHandler = async ({ name, data }) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of data) {
      size += chunk.byteLength;
      if (size > VERIFY_FILE_LIMIT) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    }
    return name === 'file' && !tooLarge ? new File([Buffer.concat(chunks)], 'upload.pdf', { type: 'application/pdf' }) : undefined;
  };
  const form = await readFormData(request, handler);
  if (tooLarge) return json<ActionData>({ check: null, code: 'verify.fileTooLarge', params: {} }, { status: 413 });
  const file = form.get('file');
  const bytes = file instanceof File ? Buffer.from(await file.arrayBuffer()) : Buffer.alloc(0);
  try {
    return json<ActionData>({ check: await checkDocumentFile(ctx, params.token ?? '', bytes), code: null, params: {} });
  } catch (e) {
    if (isDomainError(e)) {
      if (e.status === 404) throw json({ code: e.code, params: e.params }, { status: 404 });
      return json<ActionData>({ check: null, code: e.code, params: e.params }, { status: e.status });
    }
    throw e;
  }
}

export default function VerifyPage() {
  const { view, locale } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation(['verify', 'documents', 'common', 'errors']);
  const kind = t([`documents:kinds.${view.kind}`, `verify:kinds.${view.kind}`]);
  return (
    <div className="container narrow">
      <h1>{t('verify:page.title')}</h1>
      <p className="lead">{t('verify:page.intro')}</p>
      <section className="card" aria-labelledby="verify-facts">
        <h2 id="verify-facts">{kind}</h2>
        <dl className="facts">
          <dt>{t('verify:page.kind')}</dt>
          <dd>{kind}</dd>
          <dt>{t('verify:page.number')}</dt>
          <dd>{view.number}</dd>
          <dt>{t('verify:page.office')}</dt>
          <dd>{t(`common:offices.${view.officeCode}`, { defaultValue: view.officeCode })}</dd>
          <dt>{t('verify:page.issueDate')}</dt>
          <dd>
            <time dateTime={view.issueDate}>{formatDay(view.issueDate, locale)}</time>
          </dd>
          <dt>{t('verify:page.holder')}</dt>
          <dd>{view.maskedName}</dd>
          <dt>{t('verify:page.status')}</dt>
          <dd>
            <strong data-status={view.status}>{t(`verify:page.statuses.${view.status}`)}</strong>
          </dd>
        </dl>
        <p className={view.status === 'valid' ? 'notice-ok' : 'notice-error'} role="status">
          {view.status === 'revoked'
            ? t('verify:page.revokedOn', { date: formatDay(view.revokedDate, locale) })
            : view.status === 'superseded'
              ? t('verify:page.supersededHint')
              : t('verify:page.validHint')}
        </p>
        <p className="muted">{t('verify:page.verifications', { count: view.verifications })}</p>
      </section>

      <section className="card" aria-labelledby="verify-check">
        <h2 id="verify-check">{t('verify:page.checkTitle')}</h2>
        <p>{t('verify:page.checkIntro')}</p>
        {result?.check && (
          // Without JavaScript the check reloads the page, which starts again at the top: the result takes focus
          // (as the error summaries do, decision 0044) so it is read and seen, far down the page.
          <p
            className={result.check.matches ? 'notice-ok' : 'notice-error'}
            role="status"
            data-matches={String(result.check.matches)}
            tabIndex={-1}
            autoFocus
          >
            {result.check.matches ? t('verify:page.matches') : t('verify:page.differs')}
            {result.check.matches && result.check.status === 'revoked' ? ` ${t('verify:page.matchesButRevoked')}` : ''}
          </p>
        )}
        <Form method="post" encType="multipart/form-data" reloadDocument>
          <div className="field">
            <label htmlFor="verify-file">{t('verify:page.file')}</label>
            <input
              id="verify-file"
              name="file"
              type="file"
              accept="application/pdf,.pdf"
              required
              aria-invalid={result?.code ? true : undefined}
              aria-describedby={result?.code ? 'verify-file-error' : undefined}
              // A refused file: focus returns to the field, which names the problem.
              autoFocus={result?.code ? true : undefined}
            />
            {result?.code && (
              <p id="verify-file-error" className="field-error">
                {t(`errors:${result.code}`)}
              </p>
            )}
          </div>
          <button type="submit" className="button">
            {t('verify:page.check')}
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="verify-offline">
        <h2 id="verify-offline">{t('verify:page.offlineTitle')}</h2>
        <p>{t('verify:page.offlineIntro')}</p>
        <dl className="facts">
          <dt>{t('verify:page.sha256')}</dt>
          <dd>
            <code className="break-all">{view.sha256}</code>
          </dd>
          <dt>{t('verify:page.signature')}</dt>
          <dd>
            <code className="break-all">{view.signature}</code>
          </dd>
          <dt>{t('verify:page.keyId')}</dt>
          <dd>
            <code>{view.keyId}</code>
          </dd>
        </dl>
        <p>
          <Link to="/verify/keys">{t('verify:page.keysLink')}</Link>
        </p>
      </section>
    </div>
  );
}
