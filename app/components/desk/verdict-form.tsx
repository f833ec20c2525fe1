import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { Form } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import type { ReviewItem } from '#services/review/review-page';
import { verdictSchema } from '#services/review/schemas';
import { formatBytes } from '~/components/application/format';
import { ErrorSummary, RadioGroup, SelectField, SubmitButton, TextareaField } from '~/components/forms';
import { resultFor } from './action-data';

const TONE = { ok: 'ok', missing: 'danger', deficient: 'warn' } as const;

/**
 * One checklist item as it applies: the requirement, the files (download links), the current
 * verdict, and — for the clerk holding the item — a form to give or change the verdict.
 */
export function ChecklistItem({
  item,
  leaseVersion,
  actionData,
  locale,
}: {
  item: ReviewItem;
  /** The lease the clerk holds; null when they may only look. */
  leaseVersion: number | null;
  actionData: unknown;
  locale: string;
}) {
  const { t } = useTranslation(['desk', 'catalog']);
  const name = t(`catalog:materials.${item.code}.name`);
  const [form, fields] = useForm({
    id: `verdict-${item.code}`,
    lastResult: resultFor(actionData, 'verdict', item.code),
    defaultValue: { verdict: item.verdict?.verdict ?? '', reasonCode: item.verdict?.reasonCode ?? '', note: item.verdict?.note ?? '' },
    shouldValidate: 'onSubmit',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: verdictSchema }),
  });
  const labels = { verdict: t('desk:verdict.legend', { name }), reasonCode: t('desk:verdict.reason'), note: t('desk:verdict.note') };
  return (
    <section className="card checklist-item" id={`item-${item.code}`} aria-labelledby={`item-${item.code}-name`}>
      <h3 id={`item-${item.code}-name`}>
        {name}{' '}
        {item.verdict ? (
          <span className={`badge ${TONE[item.verdict.verdict]}`}>
            {t(`desk:verdict.${item.verdict.verdict}`)}
            {item.verdict.reasonCode ? ` · ${t(`catalog:deficiency.${item.verdict.reasonCode}`)}` : ''}
          </span>
        ) : (
          <span className="badge">{t('desk:verdict.unreviewed')}</span>
        )}
        {item.changedSinceNotice && <span className="badge">{t('desk:verdict.changed')}</span>}
      </h3>
      <p className="hint">{t(`catalog:${item.requirementKey}`)}</p>
      {item.verdict?.note && <p>{t('desk:verdict.noteShown', { note: item.verdict.note })}</p>}
      {item.files.length === 0 ? (
        <p className="muted">{t('desk:verdict.noFile')}</p>
      ) : (
        <ul className="file-list">
          {item.files.map((f) => (
            <li key={f.id}>
              <a href={`/files/${f.id}`}>{t('desk:verdict.download', { name: f.originalName })}</a>{' '}
              <span className="muted">{formatBytes(f.sizeBytes, locale)}</span>
            </li>
          ))}
        </ul>
      )}
      {item.onceLocked && <p className="muted">{t('desk:verdict.onceLocked')}</p>}
      {leaseVersion !== null && (
        <Form method="post" className="form" {...getFormProps(form)} noValidate>
          <ErrorSummary
            form={form}
            fields={[
              { meta: fields.verdict, label: labels.verdict },
              { meta: fields.reasonCode, label: labels.reasonCode },
              { meta: fields.note, label: labels.note },
            ]}
          />
          <input type="hidden" name="intent" value="verdict" />
          <input type="hidden" name="materialCode" value={item.code} />
          <input type="hidden" name="leaseVersion" value={leaseVersion} />
          <RadioGroup
            meta={fields.verdict}
            legend={labels.verdict}
            required
            options={(['ok', 'missing', 'deficient'] as const).map((v) => ({ value: v, label: t(`desk:verdict.${v}`) }))}
          />
          <SelectField
            meta={fields.reasonCode}
            label={labels.reasonCode}
            hint={t('desk:verdict.reasonHint')}
            placeholder={t('desk:verdict.reasonPlaceholder')}
            options={item.deficiencyReasons.map((r) => ({ value: r, label: t(`catalog:deficiency.${r}`) }))}
          />
          <TextareaField meta={fields.note} label={labels.note} hint={t('desk:verdict.noteHint')} rows={2} />
          <div className="actions">
            <SubmitButton variant="secondary">{t('desk:verdict.save')}</SubmitButton>
          </div>
        </Form>
      )}
    </section>
  );
}
