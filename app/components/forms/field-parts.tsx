import type { FieldMetadata } from '@conform-to/react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { translateError } from './translate-error';

/** The ids a control points at with aria-describedby: its hint (if shown) and its error (if any). */
export function describedBy(meta: FieldMetadata, hasHint: boolean, extra?: string): string | undefined {
  const ids = [hasHint ? meta.descriptionId : null, meta.errors?.length ? meta.errorId : null, extra ?? null].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

export function isInvalid(meta: FieldMetadata): boolean {
  return Boolean(meta.errors?.length);
}

/** A visible asterisk plus words for screen readers, since a bare '*' is read as "star". */
export function RequiredMark() {
  const { t } = useTranslation('common');
  return (
    <>
      <span className="required-mark" aria-hidden="true">
        *
      </span>
      <span className="visually-hidden">{t('form.requiredSuffix')}</span>
    </>
  );
}

export function Hint({ meta, children }: { meta: FieldMetadata; children?: ReactNode }) {
  if (!children) return null;
  return (
    <p className="hint" id={meta.descriptionId}>
      {children}
    </p>
  );
}

/** Always in the DOM with a stable id (even when empty) so client-side validation can fill it. */
export function FieldError({ meta }: { meta: FieldMetadata }) {
  const { t } = useTranslation('common');
  const errors = meta.errors ?? [];
  return (
    <p className="field-error" id={meta.errorId} hidden={errors.length === 0}>
      {errors.length > 0 && <span className="visually-hidden">{t('form.errorPrefix')}</span>}
      {errors.map((e) => translateError(t, e)).join(' ')}
    </p>
  );
}
