import { Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import type { DeadlineView, DeskRow } from '#services/queue/desk';
import { FilingLine } from '~/components/application/filing-line';
import { formatDay, formatInstant } from '~/components/application/format';
import { StatusBadge } from '~/components/application/status-badge';
import { ManualCheckBadge } from '~/components/integrations/manual-check-badge';
import { TableScroll } from '~/components/scroll-region';

/** A deadline and, while its clock runs, the working days left (or past) below it. */
function Deadline({ day, running, locale, pendingYear }: { day: string | null; running: DeadlineView | null; locale: string; pendingYear?: number }) {
  const { t } = useTranslation('desk');
  const shown = running?.day ?? day;
  // Stored as null at filing when its calendar year was not entered (docs/decisions/0028).
  if (!shown) return pendingYear ? <span className="muted">{t('common:calendar.dateNotKnown', { year: pendingYear })}</span> : null;
  const left = running?.workingDaysLeft ?? undefined;
  return (
    <>
      <time dateTime={shown}>{formatDay(shown, locale)}</time>
      {left !== undefined && (
        <div className="muted">
          {left > 0 ? t('desk:queue.daysLeft', { count: left }) : left === 0 ? t('desk:queue.dueToday') : t('desk:queue.daysPast', { count: -left })}
        </div>
      )}
    </>
  );
}

/** The office's queue, one row per application, personal data masked. The route loads `integrations` (manual-check badge). */
export function QueueTable({ rows, locale, emptyKey = 'desk:queue.empty' }: { rows: readonly DeskRow[]; locale: string; emptyKey?: string }) {
  const { t } = useTranslation(['desk', 'catalog', 'common']);
  if (rows.length === 0) return <p className="card">{t(emptyKey)}</p>;
  return (
    <TableScroll label={t('desk:queue.caption')}>
      <table className="queue-table">
        <caption className="visually-hidden">{t('desk:queue.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('desk:queue.number')}</th>
            <th scope="col">{t('desk:queue.service')}</th>
            <th scope="col">{t('desk:queue.applicant')}</th>
            <th scope="col">{t('desk:queue.received')}</th>
            <th scope="col">{t('desk:queue.completenessDeadline')}</th>
            <th scope="col">{t('desk:queue.supplementDeadline')}</th>
            <th scope="col">{t('desk:queue.dueDate')}</th>
            <th scope="col">{t('desk:queue.status')}</th>
            <th scope="col">{t('desk:queue.holder')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.number} className={r.mine ? 'mine' : undefined}>
              <th scope="row">
                <Link to={`/desk/applications/${r.number}`}>{r.number}</Link>
                {r.frontOfQueue && <span className="badge">{t('desk:queue.returned')}</span>}
              </th>
              <td>
                {t(`catalog:services.${r.serviceCode}.name`)}
                <div className="muted">{t(`common:departments.${r.department}`)}</div>
              </td>
              <td>
                {r.applicantName}
                <div className="muted mono">{r.applicantIdNumber}</div>
                {r.applicantMobile && <div className="muted mono">{r.applicantMobile}</div>}
                {r.filing && <FilingLine filing={r.filing} staff />}
              </td>
              <td>{formatInstant(r.receivedAt, locale)}</td>
              <td>
                <Deadline day={r.completenessDeadline} running={r.deadlines.completeness} locale={locale} pendingYear={r.calendarPendingYear} />
              </td>
              <td>{r.deadlines.supplement ? <Deadline day={null} running={r.deadlines.supplement} locale={locale} /> : t('desk:queue.noDeadline')}</td>
              <td>
                <Deadline day={r.dueDate} running={r.deadlines.due} locale={locale} pendingYear={r.calendarPendingYear} />
                {r.overdue && <span className="badge danger">{t('desk:queue.overdue')}</span>}
              </td>
              <td>
                <StatusBadge status={r.status} />
                {r.deemedAccepted && <span className="badge warn">{t('desk:queue.deemedAccepted')}</span>}
                <ManualCheckBadge reason={r.manualCheck} />
              </td>
              <td>
                {r.mine ? t('desk:queue.you') : r.holder ? `${r.holder.name} (${r.holder.staffNo ?? ''})` : r.queueState === 'parked' ? t('desk:queue.waitingCitizen') : t('desk:queue.unclaimed')}
                {!r.canHandle && <div className="muted">{t('desk:queue.notYourSkill')}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
