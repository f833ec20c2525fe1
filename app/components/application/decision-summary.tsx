import { Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import type { ApplicationDetail } from '#services/applications/read';
import { formatDay } from './format';
import { useOfficeName } from '~/utils/office-name';
import { TableScroll } from '~/components/scroll-region';

type Props = { application: ApplicationDetail; locale: string };

const DEEMED = new Set(['deemedAcceptance', 'deemedWithdrawal']);

/** The words of the application's current state: the page's heading, its summary and what comes next. */
export function useStateText({ application: a, locale }: Props) {
  const { t } = useTranslation(['applications', 'common', 'desk', 'documents']);
  const status = a.status === 'draft' ? 'submitted' : a.status;
  const facts = a.decision?.facts ?? {};
  const { officeName } = useOfficeName();
  const reasonKey = a.status === 'refused' ? `desk:refuse.reasons.${facts.reasonCode}` : `desk:notAccept.reasons.${facts.reasonCode}`;
  const params = {
    office: officeName(a.officeCode),
    documentNumber: a.decision?.number ?? '',
    certificateNumber: facts.certificateNumber ?? '',
    completenessDeadline: formatDay(a.completenessDeadline, locale),
    dueDate: formatDay(a.dueDate, locale),
    reason: facts.reasonCode ? t(reasonKey) : '',
  };
  const deemed = !!a.decision && DEEMED.has(a.decision.kind);
  // By post the waybill comes from the courier after the completion (decision 0035); older completions carry it in their facts.
  const waybill = facts.waybill ?? a.shipment?.waybill ?? null;
  const carrier = facts.waybill ? facts.carrier : (a.shipment?.carrier ?? null);
  return {
    heading: t(`applications:state.${status}.heading`),
    summary: t(`applications:state.${status}.${deemed ? 'summaryDeemed' : 'summary'}`, params),
    next: t(`applications:state.${status}.next`),
    /** Where and how to collect, or where to apply instead: the practical line after a decision. */
    practical:
      a.status === 'completed' && facts.delivery
        ? t(`applications:state.completed.${facts.delivery === 'mail' && waybill ? 'mailTracked' : facts.delivery}`, {
            office: params.office,
            phone: facts.officePhone ?? a.officePhone ?? '',
            carrier: carrier ? t(`documents:carriers.${carrier}`) : '',
            waybill: waybill ?? '',
          })
        : a.status === 'not_accepted' && facts.redirectOfficeCode
        ? t('applications:state.not_accepted.redirect', {
            office: officeName(facts.redirectOfficeCode),
            phone: facts.redirectPhone ?? '',
          })
        : null,
  };
}

/**
 * Before the decision: how the result will reach the citizen, as they chose it. By post it names
 * the (masked) address, so nobody reads "come and collect" after choosing the post.
 */
export function useDeliveryText({ application: a }: Pick<Props, 'application'>): string | null {
  const { t } = useTranslation(['applications', 'common']);
  const d = a.resultDelivery;
  if (!d) return null;
  if (d.kind === 'mail' && d.address) {
    return t('applications:receipt.delivery.mail', {
      region: t(`common:regions.${d.address.district}`),
      street: d.address.street,
      recipient: d.address.recipient,
      mobile: d.address.mobile,
    });
  }
  return d.kind === 'electronic' ? t('applications:receipt.delivery.electronic') : null;
}

/** The documents issued for the application, each a link to its printable page. */
export function DocumentList({ application: a, locale }: Props) {
  const { t } = useTranslation(['applications', 'documents']);
  return (
    <section className="card" aria-labelledby="documents-heading">
      <h2 id="documents-heading">{t('applications:documents.heading')}</h2>
      {a.documents.length === 0 ? (
        <p>{t('applications:documents.none')}</p>
      ) : (
        <>
          <p className="hint">{t('applications:documents.intro')}</p>
          <TableScroll label={t('applications:documents.caption')}>
            <table className="stack-table">
              <caption className="visually-hidden">{t('applications:documents.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('applications:documents.kind')}</th>
                  <th scope="col">{t('applications:documents.number')}</th>
                  <th scope="col">{t('applications:documents.date')}</th>
                </tr>
              </thead>
              <tbody>
                {a.documents.map((d) => {
                  const title = t(`documents:kinds.${d.kind}`);
                  return (
                    <tr key={d.id}>
                      <th scope="row">
                        <Link
                          to={`/applications/${a.number}/documents/${d.id}`}
                          aria-label={t('applications:documents.view', {
                            title,
                            number: d.number,
                          })}
                        >
                          {title}
                        </Link>
                      </th>
                      <td data-label={t('applications:documents.number')}>{d.number}</td>
                      <td data-label={t('applications:documents.date')}>
                        <time dateTime={d.issueDate}>{formatDay(d.issueDate, locale)}</time>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
    </section>
  );
}
