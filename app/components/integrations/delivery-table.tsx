import { useTranslation } from 'react-i18next';
import type { DeliveryView } from '#services/notifications/deliveries';
import { formatInstant } from '~/components/application/format';
import { TableScroll } from '~/components/scroll-region';

const STATUS_CLASS: Record<DeliveryView['status'], string> = { pending: 'badge', sending: 'badge', sent: 'badge ok', dead: 'badge danger' };

/**
 * The notifications of an application and whether they reached the citizen (from
 * applicationDeliveries), for the review page. Needs the `integrations` and `errors` namespaces.
 */
export function DeliveryTable({ deliveries, locale }: { deliveries: DeliveryView[]; locale: string }) {
  const { t } = useTranslation(['integrations', 'errors']);
  return (
    <section aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">{t('integrations:delivery.title')}</h2>
      {deliveries.length === 0 ? (
        <p className="muted">{t('integrations:delivery.none')}</p>
      ) : (
        <TableScroll label={t('integrations:delivery.caption')}>
          <table>
            <caption className="visually-hidden">{t('integrations:delivery.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('integrations:delivery.columns.template')}</th>
                <th scope="col">{t('integrations:delivery.columns.channel')}</th>
                <th scope="col">{t('integrations:delivery.columns.status')}</th>
                <th scope="col">{t('integrations:delivery.columns.attempts')}</th>
                <th scope="col">{t('integrations:delivery.columns.time')}</th>
                <th scope="col">{t('integrations:delivery.columns.lastError')}</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((d) => (
                <tr key={d.id}>
                  <th scope="row">{t(`integrations:delivery.template.${d.template}`)}</th>
                  <td>{t(`integrations:delivery.channel.${d.channel}`)}</td>
                  <td>
                    <span className={STATUS_CLASS[d.status]}>{t(`integrations:delivery.status.${d.status}`)}</span>
                    {d.nextAttemptAt && <div className="muted">{t('integrations:delivery.nextAttempt', { time: formatInstant(d.nextAttemptAt, locale) })}</div>}
                  </td>
                  <td>{d.attempts}</td>
                  <td>{formatInstant(d.sentAt ?? d.createdAt, locale)}</td>
                  <td>{d.lastError ? t(`errors:${d.lastError}`) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}
