import { getInputProps, getSelectProps, getTextareaProps, type FieldMetadata } from '@conform-to/react';
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { describedBy, FieldError, Hint, isInvalid, RequiredMark } from './field-parts';

/**
 * Convention: `label`, `legend`, `hint` and option labels are ALREADY TRANSLATED (call t() in the
 * route), because only the route knows its namespace. Error messages are the exception: they
 * arrive from zod/services as keys and the components translate them (see translate-error.ts).
 *
 * Every control gets its id from conform (`<formId>-<name>`), so ErrorSummary can link to it;
 * aria-describedby lists the hint and, when invalid, the error text.
 */
type Common = {
  meta: FieldMetadata;
  label: ReactNode;
  hint?: ReactNode;
  required?: boolean;
};

type Passthrough<T> = Omit<T, 'id' | 'name' | 'form' | 'defaultValue' | 'type' | 'required' | 'children'>;

export function TextField({
  meta,
  label,
  hint,
  required,
  type = 'text',
  ...rest
}: Common & { type?: 'text' | 'tel' | 'email' | 'password' | 'number' | 'search' | 'date' } & Passthrough<InputHTMLAttributes<HTMLInputElement>>) {
  const props = getInputProps(meta, { type, ariaAttributes: false });
  // Passwords are never sent back by the server, and must not be re-filled from a stale value.
  if (type === 'password') delete props.defaultValue;
  return (
    <div className="field">
      <label htmlFor={meta.id}>
        {label}
        {required && <RequiredMark />}
      </label>
      <Hint meta={meta}>{hint}</Hint>
      <FieldError meta={meta} />
      <input
        {...props}
        key={meta.key}
        required={required}
        aria-invalid={isInvalid(meta) || undefined}
        aria-describedby={describedBy(meta, Boolean(hint))}
        {...rest}
      />
    </div>
  );
}

/**
 * A one-time code (an SMS code, an authenticator's TOTP): digits on a phone's keypad, offered by
 * the phone from the message it just received, never corrected. Longer than six so a pasted code
 * with spaces is judged by the schema with a message, not cut off silently.
 */
export function CodeField(props: Common & Passthrough<InputHTMLAttributes<HTMLInputElement>>) {
  return <TextField inputMode="numeric" autoComplete="one-time-code" spellCheck={false} maxLength={12} className="input-code" {...props} />;
}

/** A native date picker; without one (old browsers) the hint should say 'YYYY-MM-DD'. */
export function DateField(props: Common & Passthrough<InputHTMLAttributes<HTMLInputElement>>) {
  return <TextField {...props} type="date" />;
}

export function TextareaField({ meta, label, hint, required, ...rest }: Common & Passthrough<TextareaHTMLAttributes<HTMLTextAreaElement>>) {
  return (
    <div className="field">
      <label htmlFor={meta.id}>
        {label}
        {required && <RequiredMark />}
      </label>
      <Hint meta={meta}>{hint}</Hint>
      <FieldError meta={meta} />
      <textarea
        {...getTextareaProps(meta, { ariaAttributes: false })}
        key={meta.key}
        required={required}
        aria-invalid={isInvalid(meta) || undefined}
        aria-describedby={describedBy(meta, Boolean(hint))}
        {...rest}
      />
    </div>
  );
}

export type Option = { value: string; label: ReactNode; hint?: ReactNode };

export function SelectField({
  meta,
  label,
  hint,
  required,
  options,
  placeholder,
  ...rest
}: Common & { options: readonly Option[]; placeholder?: string } & Passthrough<SelectHTMLAttributes<HTMLSelectElement>>) {
  return (
    <div className="field">
      <label htmlFor={meta.id}>
        {label}
        {required && <RequiredMark />}
      </label>
      <Hint meta={meta}>{hint}</Hint>
      <FieldError meta={meta} />
      <select
        {...getSelectProps(meta, { ariaAttributes: false })}
        key={meta.key}
        required={required}
        aria-invalid={isInvalid(meta) || undefined}
        aria-describedby={describedBy(meta, Boolean(hint))}
        {...rest}
      >
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * Radios in a fieldset whose legend is the question. The first radio carries the field id, so
 * the error summary's link lands on it.
 */
export function RadioGroup({
  meta,
  legend,
  hint,
  required,
  options,
  inline = true,
}: Omit<Common, 'label'> & { legend: ReactNode; options: readonly Option[]; inline?: boolean }) {
  const initial = typeof meta.initialValue === 'string' ? meta.initialValue : undefined;
  return (
    <fieldset className="field" aria-describedby={describedBy(meta, Boolean(hint))} key={meta.key}>
      <legend>
        {legend}
        {required && <RequiredMark />}
      </legend>
      <Hint meta={meta}>{hint}</Hint>
      <FieldError meta={meta} />
      <div className={inline ? 'choices' : 'choices stacked'}>
        {options.map((o, i) => {
          const id = i === 0 ? meta.id : `${meta.id}-${i}`;
          return (
            <div key={o.value} className="choice">
              <input
                type="radio"
                id={id}
                name={meta.name}
                form={meta.formId}
                value={o.value}
                defaultChecked={initial === o.value}
                required={required}
                aria-invalid={isInvalid(meta) || undefined}
                aria-describedby={o.hint ? `${id}-hint` : undefined}
              />
              <label htmlFor={id}>{o.label}</label>
              {o.hint && (
                <p className="hint" id={`${id}-hint`}>
                  {o.hint}
                </p>
              )}
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

/** Several checkboxes of one name (e.g. departments); the field's value is the list of ticked ones. */
export function CheckboxGroup({
  meta,
  legend,
  hint,
  required,
  options,
}: Omit<Common, 'label'> & { legend: ReactNode; options: readonly Option[] }) {
  const initial = Array.isArray(meta.initialValue) ? meta.initialValue : typeof meta.initialValue === 'string' ? [meta.initialValue] : [];
  return (
    <fieldset className="field" aria-describedby={describedBy(meta, Boolean(hint))} key={meta.key}>
      <legend>
        {legend}
        {required && <RequiredMark />}
      </legend>
      <Hint meta={meta}>{hint}</Hint>
      <FieldError meta={meta} />
      <div className="choices">
        {options.map((o, i) => {
          const id = i === 0 ? meta.id : `${meta.id}-${i}`;
          return (
            <div key={o.value} className="choice">
              <input
                type="checkbox"
                id={id}
                name={meta.name}
                form={meta.formId}
                value={o.value}
                defaultChecked={initial.includes(o.value)}
                aria-invalid={isInvalid(meta) || undefined}
              />
              <label htmlFor={id}>{o.label}</label>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

/** A single yes/no checkbox (e.g. a declaration). Submits 'on' when ticked, nothing otherwise. */
export function CheckboxField({ meta, label, hint, required, ...rest }: Common & Passthrough<InputHTMLAttributes<HTMLInputElement>>) {
  return (
    <div className="field checkbox-field">
      <FieldError meta={meta} />
      <div className="choice">
        <input
          {...getInputProps(meta, { type: 'checkbox', ariaAttributes: false })}
          key={meta.key}
          required={required}
          aria-invalid={isInvalid(meta) || undefined}
          aria-describedby={describedBy(meta, Boolean(hint))}
          {...rest}
        />
        <label htmlFor={meta.id}>
          {label}
          {required && <RequiredMark />}
        </label>
      </div>
      <Hint meta={meta}>{hint}</Hint>
    </div>
  );
}

/**
 * A file input. Browsers cannot re-fill a file input, so when the server already holds a file
 * for this field, pass its name as `uploadedName`: it is shown, and choosing a new file replaces it.
 */
export function FileField({
  meta,
  label,
  hint,
  required,
  accept,
  multiple,
  uploadedName,
  ...rest
}: Common & { accept: string; multiple?: boolean; uploadedName?: string | null } & Passthrough<InputHTMLAttributes<HTMLInputElement>>) {
  const { t } = useTranslation('common');
  const uploadedId = `${meta.id}-uploaded`;
  return (
    <div className="field">
      <label htmlFor={meta.id}>
        {label}
        {required && !uploadedName && <RequiredMark />}
      </label>
      <Hint meta={meta}>{hint}</Hint>
      {uploadedName && (
        <p className="uploaded-file" id={uploadedId}>
          {t('form.uploaded', { name: uploadedName })}
        </p>
      )}
      <FieldError meta={meta} />
      <input
        type="file"
        id={meta.id}
        name={meta.name}
        form={meta.formId}
        accept={accept}
        multiple={multiple}
        required={required && !uploadedName}
        aria-invalid={isInvalid(meta) || undefined}
        aria-describedby={describedBy(meta, Boolean(hint), uploadedName ? uploadedId : undefined)}
        {...rest}
      />
    </div>
  );
}
