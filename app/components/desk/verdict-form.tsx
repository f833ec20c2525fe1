import { getFormProps, useForm, type FieldMetadata } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { Form } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { listedText } from '~/utils/listed-text';
import type { ReviewItem } from '#services/review/review-page';
import { judgeSchema, VERDICTS } from '#services/review/schemas';
import { formatBytes } from '~/components/application/format';
import { fileHref, inlineFileHref } from '~/utils/file-links';
import { ErrorSummary, RadioGroup, SelectField, SubmitButton, TextareaField } from '~/components/forms';
import { resultFor } from './action-data';

const TONE = { ok: 'ok', missing: 'danger', deficient: 'warn' } as const;

type ItemFields = { materialCode: string; verdict: string; reasonCode: string; note: string };

/**
 * The whole checklist, and for the clerk holding the item one form around it: a verdict for every
 * material in one submit (decision 0026). Each material's files sit beside its fields, images
 * and PDFs shown inline, so the clerk judges what they see without leaving the page.
 */
export function JudgeForm({
  items,
  leaseVersion,
  actionData,
  locale,
}: {
  items: ReviewItem[];
  /** The lease the clerk holds; null when they may only look. */
  leaseVersion: number | null;
  actionData: unknown;
  locale: string;
}) {
  const { t } = useTranslation(['desk', 'catalog']);
  const [form, fields] = useForm({
    id: 'judge',
    lastResult: resultFor(actionData, 'judge'),
    defaultValue: {
      items: items.map((i) => ({ materialCode: i.code, verdict: i.verdict?.verdict ?? '', reasonCode: i.verdict?.reasonCode ?? '', note: i.verdict?.note ?? '' })),
    },
    shouldValidate: 'onSubmit',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: judgeSchema }),
  });
  if (leaseVersion === null) {
    return (
      <>
        {items.map((item) => (
          <ChecklistCard key={item.code} item={item} locale={locale} />
        ))}
      </>
    );
  }
  const list = fields.items.getFieldList();
  const labelsOf = (item: ReviewItem) => {
    const name = t(`catalog:materials.${item.code}.name`);
    return { name, verdict: t('desk:verdict.legend', { name }), reasonCode: `${name}: ${t('desk:verdict.reason')}`, note: `${name}: ${t('desk:verdict.note')}` };
  };
  return (
    <Form method="post" className="form judge-form" {...getFormProps(form)} noValidate>
      <ErrorSummary
        form={form}
        fields={items.flatMap((item, i) => {
          const fs = list[i].getFieldset() as { [K in keyof ItemFields]: FieldMetadata<string> };
          const l = labelsOf(item);
          return [
            { meta: fs.materialCode, label: l.name },
            { meta: fs.verdict, label: l.verdict },
            { meta: fs.reasonCode, label: l.reasonCode },
            { meta: fs.note, label: l.note },
          ];
        })}
      />
      <p className="hint">{t('desk:verdict.formHint')}</p>
      <input type="hidden" name="intent" value="judge" />
      <input type="hidden" name="leaseVersion" value={leaseVersion} />
      {items.map((item, i) => {
        const fs = list[i].getFieldset() as { [K in keyof ItemFields]: FieldMetadata<string> };
        const l = labelsOf(item);
        return (
          <ChecklistCard key={item.code} item={item} locale={locale}>
            <input type="hidden" name={fs.materialCode.name} value={item.code} />
            <RadioGroup meta={fs.verdict} legend={l.verdict} options={VERDICTS.map((v) => ({ value: v, label: t(`desk:verdict.${v}`) }))} />
            <SelectField
              meta={fs.reasonCode}
              label={t('desk:verdict.reason')}
              hint={t('desk:verdict.reasonHint')}
              placeholder={t('desk:verdict.reasonPlaceholder')}
              options={item.deficiencyReasons.map((r) => ({ value: r, label: t(`catalog:deficiency.${r}`) }))}
            />
            <TextareaField meta={fs.note} label={t('desk:verdict.note')} hint={t('desk:verdict.noteHint')} rows={2} />
          </ChecklistCard>
        );
      })}
      <div className="actions">
        <SubmitButton>{t('desk:verdict.saveAll')}</SubmitButton>
      </div>
    </Form>
  );
}

/** One checklist item as it applies: the requirement, the files (images inline), the current verdict. */
function ChecklistCard({ item, locale, children }: { item: ReviewItem; locale: string; children?: React.ReactNode }) {
  const { t } = useTranslation(['desk', 'catalog']);
  const name = t(`catalog:materials.${item.code}.name`);
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
      <p className="hint">{listedText(item.requirementText, locale) ?? t(`catalog:${item.requirementKey}`)}</p>
      {item.verdict?.note && <p>{t('desk:verdict.noteShown', { note: item.verdict.note })}</p>}
      <div className="checklist-body">
        {item.files.length === 0 ? (
          <p className="muted">{t('desk:verdict.noFile')}</p>
        ) : (
          <ul className="file-list">
            {item.files.map((f) => (
              <li key={f.id}>
                {f.mimeType.startsWith('image/') && (
                  <a href={fileHref(f.id)} className="file-preview">
                    {/* The file's own route, with its authorization; an image never runs code. */}
                    <img src={fileHref(f.id)} alt={t('desk:verdict.preview', { name: f.originalName })} loading="lazy" />
                  </a>
                )}
                {f.mimeType === 'application/pdf' && (
                  <>
                    {/* The browser's PDF viewer in a frame, from the file route's inline answer: its own
                        policy, framable by our pages only, and no `sandbox` (Chromium will not run the
                        viewer in one). The page's own policy is unchanged (decision 0041). */}
                    <iframe
                      src={inlineFileHref(f.id)}
                      title={t('desk:verdict.preview', { name: f.originalName })}
                      className="file-preview-pdf"
                      loading="lazy"
                    />
                    <a href={inlineFileHref(f.id)}>
                      {t('desk:verdict.openFull', { name: f.originalName })}
                    </a>{' '}
                  </>
                )}
                <a href={fileHref(f.id)}>{t('desk:verdict.download', { name: f.originalName })}</a>{' '}
                <span className="muted">{formatBytes(f.sizeBytes, locale)}</span>
              </li>
            ))}
          </ul>
        )}
        {item.onceLocked && <p className="muted">{t('desk:verdict.onceLocked')}</p>}
        {children && <div className="checklist-fields">{children}</div>}
      </div>
    </section>
  );
}
