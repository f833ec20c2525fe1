import type { FieldMetadata } from '@conform-to/react';
import { useTranslation } from 'react-i18next';
import { CheckboxGroup, RadioGroup, SelectField, TextField } from '~/components/forms';

export type Choice = { value: string; label: string };

/** The form's shape as conform sees it (strings as posted). */
export type StaffForm = { realName: string; role: string; officeCode: string; orgUnitCode: string; skills: string[]; managerScope: string };

type Fields = {
  realName: FieldMetadata<string>;
  role: FieldMetadata<string>;
  officeCode: FieldMetadata<string>;
  orgUnitCode: FieldMetadata<string>;
  skills: FieldMetadata<string[]>;
  managerScope: FieldMetadata<string>;
};

/** The staff member's fields for the error summary, in the form's order (create puts the staff number first). */
export function staffSummaryFields(fields: Fields, t: (key: string) => string) {
  return [
    { meta: fields.realName, label: t('staff.name') },
    { meta: fields.role, label: t('staff.role') },
    { meta: fields.officeCode, label: t('staff.office') },
    { meta: fields.skills, label: t('staff.skills') },
    { meta: fields.managerScope, label: t('staff.managerScope') },
    { meta: fields.orgUnitCode, label: t('staff.unit') },
  ];
}

/**
 * The fields an administrator sets on a staff account (create and edit share them). `scopes`: the
 * manager scopes this administrator may give (the whole province only at province level).
 */
export function StaffFields({ fields, offices, units, scopes }: { fields: Fields; offices: Choice[]; units: Choice[]; scopes: readonly string[] }) {
  const { t } = useTranslation(['admin', 'common']);
  return (
    <>
      <TextField meta={fields.realName} label={t('admin:staff.name')} required maxLength={50} autoComplete="off" />
      <RadioGroup meta={fields.role} legend={t('admin:staff.role')} required options={(['clerk', 'manager', 'admin'] as const).map((r) => ({ value: r, label: t(`admin:roles.${r}`) }))} />
      <SelectField meta={fields.officeCode} label={t('admin:staff.office')} hint={t('admin:staff.officeHint')} options={offices} placeholder="—" />
      <CheckboxGroup
        meta={fields.skills}
        legend={t('admin:staff.skills')}
        options={(['hukou', 'traffic', 'exit_entry'] as const).map((d) => ({ value: d, label: t(`common:departments.${d}`) }))}
      />
      <RadioGroup meta={fields.managerScope} legend={t('admin:staff.managerScope')} options={scopes.map((s) => ({ value: s, label: t(`admin:scopes.${s}`) }))} />
      <SelectField meta={fields.orgUnitCode} label={t('admin:staff.unit')} hint={t('admin:staff.unitHint')} options={units} placeholder="—" />
    </>
  );
}
