import { useTranslation } from 'react-i18next';
import type { ShipmentView } from '#services/shipments/shipments';
import { formatInstant } from './format';

/**
 * The parcel of a result by post (decision 0035): carrier and waybill once the courier booked it,
 * and the courier's events, oldest first, in China time. The citizen and the clerk see the same.
 */
export function ShipmentTracking({ shipment: s, locale, headingLevel = 2 }: { shipment: ShipmentView; locale: string; headingLevel?: 2 | 3 }) {
  const { t } = useTranslation(['applications', 'documents']);
  const H = headingLevel === 2 ? 'h2' : 'h3';
  const state = s.deliveredAt ? 'delivered' : s.waybill ? 'onTheWay' : 'booking';
  return (
    <section className="card" aria-labelledby="tracking-heading">
      <H id="tracking-heading">{t('applications:tracking.heading')}</H>
      <p>{t(`applications:tracking.state.${state}`)}</p>
      {s.waybill && (
        <dl className="facts">
          <dt>{t('documents:facts.carrier')}</dt>
          <dd>{s.carrier ? t(`documents:carriers.${s.carrier}`) : ''}</dd>
          <dt>{t('documents:facts.waybill')}</dt>
          <dd>
            <span className="application-number">{s.waybill}</span>
          </dd>
        </dl>
      )}
      {s.events.length > 0 ? (
        <ol className="timeline" aria-label={t('applications:tracking.eventsLabel')}>
          {s.events.map((e) => (
            <li key={`${e.at}-${e.code}`}>
              <time dateTime={e.at}>{formatInstant(e.at, locale)}</time> {t(`documents:tracking.${e.code}`)}
              {e.location && <span className="muted"> · {e.location}</span>}
            </li>
          ))}
        </ol>
      ) : (
        s.waybill && <p className="hint">{t('applications:tracking.noEvents')}</p>
      )}
    </section>
  );
}
