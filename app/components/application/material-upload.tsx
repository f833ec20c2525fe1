import type { FieldMetadata } from '@conform-to/react';
import { useTranslation } from 'react-i18next';
import { listedText } from '~/utils/listed-text';
import type { MaterialView, UploadedFileView } from '#services/applications/form-view';
import { acceptAttribute } from '#services/files/kinds';
import { FileField } from '~/components/forms';
import { formatBytes } from './format';

/**
 * One material of the checklist: what it is, what it must look like, whether it always applies,
 * applies to these answers and why, or does not, and a file input. A file already on the draft is named,
 * since browsers cannot re-fill file inputs.
 */
export function MaterialUpload({
  material,
  applies,
  meta,
  uploaded,
  locale,
}: {
  material: MaterialView;
  /** For these answers: needed, not needed, or not known yet (then the condition is stated). */
  applies: boolean | null;
  meta: FieldMetadata;
  uploaded: UploadedFileView | undefined;
  locale: string;
}) {
  const { t } = useTranslation(['applications', 'catalog', 'integrations']);
  const condition = material.conditionKey ? t(material.conditionKey) : null;
  const hint = (
    <>
      {listedText(material.requirementText, locale) ?? t(material.requirementKey)}
      {material.exampleText && (
        <>
          <br />
          {t('catalog:guide.materialExample', { example: listedText(material.exampleText, locale) })}
        </>
      )}
      <br />
      {!condition ? (
        t('applications:apply.required')
      ) : (
        // The apply form's script (app/enhance/apply-form.ts) puts this sentence in once the answers make it apply.
        <span data-applies-text={t('applications:apply.appliesBecause', { condition })}>
          {applies === true
            ? t('applications:apply.appliesBecause', { condition })
            : applies === false
              ? t('applications:apply.notApplicable', { condition })
              : t('applications:apply.conditional', { condition })}
        </span>
      )}
      {' · '}
      {t('applications:apply.accepts', { kinds: material.accept.map((k) => k.toUpperCase()).join(' / ') })}
    </>
  );
  return (
    <div className="material">
      {material.verifiedBySharing && (
        <p className="shared-fact">
          <span className="badge ok">{t('integrations:sharing.verified')}</span> {t('integrations:sharing.verifiedHint')}
        </p>
      )}
      <FileField
        meta={meta}
        label={t(material.nameKey)}
        hint={hint}
        // Required is checked on submit by the server, not by the browser: "Save draft" must work without every file.
        required={false}
        accept={acceptAttribute(material.accept)}
        uploadedName={uploaded ? `${uploaded.originalName} · ${formatBytes(uploaded.sizeBytes, locale)}` : null}
      />
    </div>
  );
}
