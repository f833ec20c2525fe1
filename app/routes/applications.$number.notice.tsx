import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { revocationOf } from '#services/documents/seal';
import { listedText } from '~/utils/listed-text';
import { getNotice } from '#services/review/notice';
import { formatDay } from '~/components/application/format';
import { RevocationNotices, RevokeForm } from '~/components/documents/revoke-form';
import { applicationPageFor, revokeFromPage, revokedNow } from '~/utils/revoke.server';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { applicationNumberParam } from '~/utils/params.server';
import { requireUser } from '~/utils/session.server';
import { withOfficeNames } from '~/utils/office-names.server';
import { useOfficeName } from '~/utils/office-name';
import { TableScroll } from '~/components/scroll-region';

export const handle = { i18n: ['common', 'notice', 'catalog', 'verify', 'errors', 'validation'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** ?sequence=N: an earlier notice, as issued; anything but a small whole number is no such notice. */
function sequenceOf(request: Request): number | null {
  const raw = new URL(request.url).searchParams.get('sequence');
  if (raw !== null && !/^[1-9]\d{0,2}$/.test(raw)) throw json({ code: 'review.noticeNotFound', params: {} }, { status: 404 });
  return raw === null ? null : Number(raw);
}

/** The one-time notice as issued, printable, in the reader's language; 404 for anyone else's. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context);
  const number = applicationNumberParam(params, 'review.applicationNotFound');
  const view = await orThrowResponse(() => getNotice(ctx, number, sequenceOf(request)));
  const t = await getFixedT(request, ['notice', 'common']);
  return json(await withOfficeNames(context.db, {
    view,
    isApplicant: ctx.actor.role === 'citizen',
    revocation: await revocationOf(ctx, 'notice', view.notice.id, view.notice.officeCode),
    revokedNow: revokedNow(request),
    back: applicationPageFor(ctx.actor, number),
    locale: await getLocale(request),
    title: `${t('notice:title')} ${view.notice.number} - ${t('common:siteName')}`,
  }));
}

/** A manager of the notice's office revokes it, with a reason, as any issued document (decisions 0034, 0038). */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const number = applicationNumberParam(params, 'review.applicationNotFound');
  const sequence = sequenceOf(request);
  return revokeFromPage(request, context, number, { source: 'notice', sequence }, `/applications/${number}/notice${sequence === null ? '' : `?sequence=${sequence}`}`);
}

export default function NoticePage() {
  const { view, isApplicant, locale, revocation, revokedNow, back } = useLoaderData<typeof loader>();
  const { t } = useTranslation(['notice', 'catalog', 'common', 'verify']);
  const { officeName } = useOfficeName();
  const { notice, application } = view;
  const open = view.latest && application.status === 'needs_supplement' && !view.deadlinePassed;
  return (
    <div className="container narrow">
      <p className="no-print">
        <Link to={back}>{t('notice:backToApplication')}</Link>
      </p>
      <RevocationNotices revokedNow={revokedNow} revokedReason={revocation.revokedReason} />
      <article className="notice-doc card" aria-labelledby="notice-title">
        <h1 id="notice-title">{t('notice:title')}</h1>
        <p className="notice-number">{t('notice:number', { number: notice.number })}</p>
        <dl className="facts">
          <dt>{t('notice:applicant')}</dt>
          <dd>{view.applicant.realName}</dd>
          <dt>{t('notice:service')}</dt>
          <dd>{t(`catalog:services.${application.serviceCode}.name`)}</dd>
          <dt>{t('notice:applicationNumber')}</dt>
          <dd>{application.number}</dd>
          <dt>{t('notice:received')}</dt>
          <dd>
            <time dateTime={application.receivedDay ?? undefined}>{formatDay(application.receivedDay, locale)}</time>
          </dd>
        </dl>
        <p>{t('notice:body', { service: t(`catalog:services.${application.serviceCode}.name`) })}</p>
        <TableScroll label={t('notice:itemsCaption')}>
          <table className="stack-table">
            <caption className="visually-hidden">{t('notice:itemsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('notice:material')}</th>
                <th scope="col">{t('notice:requirement')}</th>
                <th scope="col">{t('notice:problem')}</th>
              </tr>
            </thead>
            <tbody>
              {notice.items.map((i) => (
                <tr key={i.materialCode}>
                  <th scope="row">{t(`catalog:materials.${i.materialCode}.name`)}</th>
                  <td data-label={t('notice:requirement')}>{listedText(i.requirementText, locale) ?? t(`catalog:${i.requirementKey}`)}</td>
                  <td data-label={t('notice:problem')}>
                    {i.verdict === 'missing' ? t('notice:missing') : t('notice:deficient', { reason: t(`catalog:deficiency.${i.reasonCode}`) })}
                    {i.note && <div>{t('notice:clerkNote', { note: i.note })}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
        <p>
          <strong>{t('notice:deadline', { date: formatDay(notice.supplementDeadline, locale) })}</strong>
        </p>
        <p>{t('notice:consequence')}</p>
        <p className="muted">{t('notice:basisLine', { basis: t(notice.legalBasisKey) })}</p>
        <p className="muted">{t('notice:onlyOnce')}</p>
        <dl className="facts notice-sign">
          <dt>{t('notice:office')}</dt>
          <dd>{officeName(notice.officeCode)}</dd>
          <dt>{t('notice:clerk')}</dt>
          <dd>{t('notice:staffNo', { staffNo: notice.clerkStaffNo })}</dd>
          <dt>{t('notice:issued')}</dt>
          <dd>
            <time dateTime={notice.issueDate}>{formatDay(notice.issueDate, locale)}</time>
          </dd>
        </dl>
        {notice.overrideReason && (
          <p className="muted">
            {t('notice:secondNotice')} {t('notice:overrideReason', { reason: notice.overrideReason })}
          </p>
        )}
      </article>
      {view.all.length > 1 && (
        <nav className="no-print card" aria-labelledby="all-notices">
          <h2 id="all-notices">{t('notice:allNotices')}</h2>
          <ol>
            {view.all.map((n) => (
              <li key={n.number}>
                {n.sequence === notice.sequence ? (
                  <span aria-current="page">{t('notice:listLine', { number: n.number, date: formatDay(n.issueDate, locale) })}</span>
                ) : (
                  <Link to={`/applications/${application.number}/notice?sequence=${n.sequence}`}>
                    {t('notice:listLine', { number: n.number, date: formatDay(n.issueDate, locale) })}
                  </Link>
                )}
              </li>
            ))}
          </ol>
        </nav>
      )}
      <p className="no-print">
        <a className="button secondary" href={`/applications/${application.number}/notice/pdf?sequence=${notice.sequence}`} download>
          {t('verify:download')}
        </a>
      </p>
      <p className="no-print muted">{t('notice:printHint')}</p>
      {revocation.canRevoke && <RevokeForm to={`/applications/${application.number}/notice?sequence=${notice.sequence}`} />}
      {isApplicant && open && (
        <p className="no-print">
          <Link className="button" to={`/applications/${application.number}/supplement`}>
            {t('notice:supplementLink')}
          </Link>
        </p>
      )}
    </div>
  );
}
