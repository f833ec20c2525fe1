import { useTranslation } from 'react-i18next';
import type { ReviewPage } from '#services/review/review-page';
import { formatInstant } from '~/components/application/format';
import { formatList } from '~/components/intl';
import { KnownDay } from '~/components/application/known-day';
import { StatusBadge } from '~/components/application/status-badge';
import { ManualCheckBadge } from '~/components/integrations/manual-check-badge';
import { useOfficeName } from '~/utils/office-name';

/** The application at a glance: where it stands in time and who holds it. */
export function ApplicationFacts({ page, locale }: { page: ReviewPage; locale: string }) {
  const { t } = useTranslation(['desk', 'catalog', 'common']);
  const { officeName } = useOfficeName();
  const a = page.application;
  return (
    <dl className="facts">
      <dt>{t('desk:review.service')}</dt>
      <dd>
        {t(`catalog:services.${a.serviceCode}.name`)} · {t(`common:departments.${a.department}`)}
      </dd>
      <dt>{t('desk:review.status')}</dt>
      <dd>
        <StatusBadge status={a.status} />{' '}
        {a.deemedAccepted && <span className="badge warn">{t('desk:queue.deemedAccepted')}</span>}{' '}
        <ManualCheckBadge reason={a.manualCheck} />
      </dd>
      <dt>{t('desk:review.office')}</dt>
      <dd>{officeName(a.officeCode)}</dd>
      <dt>{t('desk:queue.received')}</dt>
      <dd>{formatInstant(a.submittedAt, locale)}</dd>
      <dt>{t('desk:queue.completenessDeadline')}</dt>
      <dd>
        <KnownDay day={a.completenessDeadline} pendingYear={a.calendarPendingYear} locale={locale} />
      </dd>
      <dt>{t('desk:queue.dueDate')}</dt>
      <dd>
        <KnownDay day={a.dueDate} pendingYear={a.calendarPendingYear} locale={locale} />
      </dd>
      <dt>{t('desk:queue.holder')}</dt>
      <dd>
        {page.queue?.mine
          ? t('desk:review.heldByYou', { until: formatInstant(page.queue.leaseExpiresAt, locale) })
          : page.queue?.holder
            ? `${page.queue.holder.name} (${page.queue.holder.staffNo ?? ''})`
            : page.queue?.state === 'parked'
              ? t('desk:queue.waitingCitizen')
              : t('desk:queue.unclaimed')}
      </dd>
    </dl>
  );
}

/** Full personal data: the loader that sent it recorded the view (pii.viewed). */
export function ApplicantFacts({ page }: { page: ReviewPage }) {
  const { t } = useTranslation(['desk']);
  return (
    <section aria-labelledby="applicant-heading" className="card">
      <h2 id="applicant-heading">{t('desk:review.applicant')}</h2>
      <p className="muted">{t('desk:review.piiRecorded')}</p>
      <dl className="facts">
        <dt>{t('desk:review.realName')}</dt>
        <dd>{page.applicant.realName}</dd>
        <dt>{t('desk:review.idNumber')}</dt>
        <dd className="mono">{page.applicant.idNumber}</dd>
        <dt>{t('desk:review.mobile')}</dt>
        <dd className="mono">{page.applicant.mobile}</dd>
      </dl>
    </section>
  );
}

/** The vehicle's registered owner from the records, beside the applicant (机动车登记规定 arts. 54, 86). */
export function VehicleOwnerFacts({ page }: { page: ReviewPage }) {
  const { t } = useTranslation(['desk']);
  const v = page.vehicle;
  if (!v) return null;
  return (
    <section aria-labelledby="vehicle-heading" className="card">
      <h2 id="vehicle-heading">{t('desk:review.vehicle.heading')}</h2>
      <p className="muted">{t('desk:review.vehicle.hint')}</p>
      <dl className="facts">
        <dt>{t('desk:review.vehicle.plate')}</dt>
        <dd className="mono">{v.plate}</dd>
        <dt>{t('desk:review.vehicle.ownerName')}</dt>
        <dd>{v.ownerName}</dd>
        <dt>{t('desk:review.vehicle.ownerIdNumber')}</dt>
        <dd className="mono">{v.ownerIdNumber}</dd>
        <dt>{t('desk:review.vehicle.applicantRole')}</dt>
        <dd>
          {v.applicantRole === 'owner'
            ? t('desk:review.vehicle.applicantIsOwner')
            : v.applicantRole === 'agent'
              ? t('desk:review.vehicle.agentFiling')
              : t('desk:review.vehicle.buyerFiling')}
        </dd>
      </dl>
    </section>
  );
}

function answerText(t: (k: string) => string, locale: string, serviceCode: string, f: ReviewPage['application']['fields'][number], value: unknown): string {
  const values = Array.isArray(value) ? value : value === undefined || value === null || value === '' ? [] : [value];
  return formatList(
    values.map((v) => {
      const s = String(v);
      if (f.kind === 'region') return t(`common:regions.${s}`);
      if (f.options?.includes(s)) return t(`catalog:services.${serviceCode}.fields.${f.name}.options.${s}`);
      if (f.kind === 'office') return t(`common:offices.${s}`);
      if (f.kind === 'checkbox') return t(s === 'true' || s === 'on' ? 'common:yes' : 'common:no');
      return s;
    }),
    locale,
  );
}

/** One line, as a parcel is addressed: region names, street, recipient and mobile, postcode. */
export function AddressLine({ address: a }: { address: NonNullable<ReviewPage['resultDelivery']['address']> }) {
  const { t } = useTranslation(['desk', 'common']);
  return t('desk:review.addressLine', {
    region: t(`common:regions.${a.district}`),
    street: a.street,
    recipient: a.recipient,
    mobile: a.mobile,
    postcode: a.postcode ? t('desk:review.postcode', { postcode: a.postcode }) : '',
  });
}

/** The answers as submitted, labelled as the citizen saw them; the postal address whole, on one line. */
export function Answers({ page }: { page: ReviewPage }) {
  const { t, i18n } = useTranslation(['desk', 'catalog', 'common']);
  const { label } = useOfficeName();
  const a = page.application;
  const address = page.resultDelivery.address;
  return (
    <section aria-labelledby="answers-heading" className="card">
      <h2 id="answers-heading">{t('desk:review.answers')}</h2>
      <dl className="facts">
        {a.fields
          .filter((f) => !f.group)
          .map((f) => {
            const corrected = page.corrections.find((c) => c.field === f.name);
            return (
              <div key={f.name} className="facts-row">
                <dt>{t(f.labelKey)}</dt>
                <dd>
                  {answerText(label, i18n.language, a.serviceCode, f, a.answers[f.name]) || t('desk:review.noAnswer')}
                  {corrected && (
                    <div className="hint">
                      {t('desk:review.vehicle.corrected', {
                        entered: answerText(label, i18n.language, a.serviceCode, f, corrected.entered),
                        records: answerText(label, i18n.language, a.serviceCode, f, corrected.records),
                      })}
                    </div>
                  )}
                </dd>
              </div>
            );
          })}
        {address && (
          <div className="facts-row">
            <dt>{t('desk:review.postalAddress')}</dt>
            <dd>
              <AddressLine address={address} />
            </dd>
          </div>
        )}
      </dl>
    </section>
  );
}
