import type { FieldMetadata } from '@conform-to/react';
import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { translateError } from './translate-error';

type Props = {
  /** conform's form metadata (only these parts are read, so any schema fits). */
  form: { id: string; status?: 'error' | 'success'; allErrors: Record<string, string[]> };
  /** The form's fields in page order with their (translated) labels, for the links. */
  fields: ReadonlyArray<{ meta: FieldMetadata; label: ReactNode }>;
  /** Translated heading; defaults to common:form.errorSummaryTitle. */
  title?: string;
};

/**
 * GOV.UK-style summary at the top of a form: form-level errors, then one link per invalid
 * field pointing at its control. It is an alert, and takes focus after a failed submission: on
 * a page without JavaScript (decision 0044) by its `autofocus`, as the server renders it; with JS
 * (staff pages, a client-side submission) by the effect below.
 */
export function ErrorSummary({ form, fields, title }: Props) {
  const { t } = useTranslation('common');
  const ref = useRef<HTMLDivElement>(null);
  const all = form.allErrors;
  const formErrors = all[''] ?? [];
  const listed = new Set(fields.map((f) => f.meta.name));
  const fieldItems = fields.filter((f) => f.meta.errors?.length);
  const others = Object.entries(all).filter(([name, errs]) => name !== '' && !listed.has(name) && errs.length > 0);
  const count = formErrors.length + fieldItems.length + others.length;

  useEffect(() => {
    if (count > 0 && form.status === 'error') ref.current?.focus();
  }, [count, form.status]);

  if (count === 0) return null;
  return (
    <div
      className="error-summary"
      role="alert"
      aria-labelledby={`${form.id}-summary-title`}
      tabIndex={-1}
      ref={ref}
      // Moving focus to the errors after a failed submission is the point (a screen reader reads them first).
      autoFocus={form.status === 'error'}
    >
      <h2 id={`${form.id}-summary-title`}>{title ?? t('form.errorSummaryTitle')}</h2>
      {formErrors.map((e) => (
        <p key={e} className="error-summary-form-error">
          {translateError(t, e)}
        </p>
      ))}
      {fieldItems.length + others.length > 0 && (
        <ul className="error-summary-list">
          {fieldItems.map(({ meta, label }) => (
            <li key={meta.name}>
              <a href={`#${meta.id}`}>
                {label}: {(meta.errors ?? []).map((e) => translateError(t, e)).join(' ')}
              </a>
            </li>
          ))}
          {others.map(([name, errs]) => (
            <li key={name}>
              <a href={`#${form.id}-${name}`}>{errs.map((e) => translateError(t, e)).join(' ')}</a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
