import { Form } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

/** One box for an application number, ID number, mobile or the start of a name: a GET form, no JS. */
export function DeskSearch({ value, error }: { value: string; error: string | null }) {
  const { t } = useTranslation(['desk', 'validation']);
  return (
    <Form method="get" role="search" className="desk-search card" aria-label={t('desk:search.label')}>
      <div className="field">
        <label htmlFor="desk-q">{t('desk:search.label')}</label>
        <p className="muted" id="desk-q-hint">
          {t('desk:search.hint')}
        </p>
        <input
          id="desk-q"
          name="q"
          type="search"
          defaultValue={value}
          maxLength={40}
          autoComplete="off"
          aria-describedby={error ? 'desk-q-hint desk-q-error' : 'desk-q-hint'}
          aria-invalid={error ? true : undefined}
        />
        {error && (
          <p className="field-error" id="desk-q-error" role="alert">
            {t(error)}
          </p>
        )}
      </div>
      <div className="actions">
        <button type="submit" className="button secondary">
          {t('desk:search.submit')}
        </button>
      </div>
    </Form>
  );
}
