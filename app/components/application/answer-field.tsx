import type { FieldMetadata } from '@conform-to/react';
import { useTranslation } from 'react-i18next';
import type { FieldView } from '#services/applications/form-view';
import { CheckboxField, DateField, RadioGroup, SelectField, TextareaField, TextField } from '~/components/forms';
import { useOfficeName } from '~/utils/office-name';

/** Browser hints per identifier kind: keyboards, no spell-checking of codes. */
const TEXT_KINDS: Partial<Record<FieldView['kind'], { type?: 'text' | 'tel'; inputMode?: 'numeric' | 'text'; className?: string }>> = {
  text: {},
  idNumber: { className: 'input-id' },
  mobile: { type: 'tel', inputMode: 'numeric' },
  plate: {},
  passportNumber: {},
  hkMacaoPermitNumber: {},
};

/**
 * One answer of the apply form, rendered from the definition's field kind. Labels, hints and
 * option labels come from the catalog keys the service put in the view.
 */
export function AnswerField({ field, meta, hidden }: { field: FieldView; meta: FieldMetadata; hidden?: boolean }) {
  const { t, i18n } = useTranslation(['applications', 'catalog', 'common']);
  const { label: optionLabel } = useOfficeName();
  const label = t(field.labelKey);
  const hint = field.locked ? t('applications:apply.lockedIdentity') : i18n.exists(field.hintKey) ? t(field.hintKey) : undefined;
  const options = field.options.map((o) => ({ value: o.value, label: optionLabel(o.labelKey) }));
  const common = { meta, label, hint, required: field.required };
  const autoComplete = field.autoComplete ?? undefined;

  let control;
  switch (field.kind) {
    case 'textarea':
      control = <TextareaField {...common} autoComplete={autoComplete} />;
      break;
    case 'date':
      control = <DateField {...common} autoComplete={autoComplete} />;
      break;
    case 'select':
    case 'region':
    case 'office':
      control = <SelectField {...common} options={options} placeholder={t('applications:apply.chooseOption')} />;
      break;
    case 'radio':
      control = <RadioGroup meta={meta} legend={label} hint={hint} required={field.required} options={options} />;
      break;
    case 'checkbox':
      control = <CheckboxField {...common} />;
      break;
    default: {
      const extra = TEXT_KINDS[field.kind] ?? {};
      control = (
        <TextField
          {...common}
          type={extra.type ?? 'text'}
          inputMode={extra.inputMode}
          className={extra.className}
          autoComplete={autoComplete ?? (field.kind === 'text' ? undefined : 'off')}
          spellCheck={field.kind === 'text' ? undefined : false}
          readOnly={field.locked || undefined}
        />
      );
    }
  }
  // A wrapper, so fields shown only for some answers can be hidden (with JS) without losing state.
  return (
    <div className="answer" hidden={hidden} data-field={field.name}>
      {control}
    </div>
  );
}
