import type { FieldMetadata } from '@conform-to/react';
import { useTranslation } from 'react-i18next';
import type { MaterialView, UploadedFileView } from '#services/applications/form-view';
import { acceptAttribute } from '#services/files/kinds';
import { FileField } from '~/components/forms';
import { formatBytes } from './format';

/**
 * One material of the checklist: what it is, what it must look like, whether it always applies
 * (or only under a stated condition), and a file input. A file already on the draft is named,
 * since browsers cannot re-fill file inputs.
 */
export function MaterialUpload({
  material,
  meta,
  uploaded,
  locale,
}: {
  material: MaterialView;
  meta: FieldMetadata;
  uploaded: UploadedFileView | undefined;
  locale: string;
}) {
  const { t } = useTranslation(['applications', 'catalog', 'integrations']);
  const condition = material.conditionKey ? t(material.conditionKey) : null;
  const hint = (
    <>
      {t(material.requirementKey)}
      <br />
      {condition ? t('applications:apply.conditional', { condition }) : t('applications:apply.required')}
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
