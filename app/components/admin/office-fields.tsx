import type { FieldMetadata } from '@conform-to/react';
import { useTranslation } from 'react-i18next';
import { CheckboxGroup, SelectField, TextField } from '~/components/forms';
import type { Choice } from './staff-fields';

/** The form's shape as conform sees it (strings as posted). */
export type OfficeForm = {
  nameZh: string;
  nameEn: string;
  address: string;
  hours: string;
  phone: string;
  orgUnitCode: string;
  departments: string[];
  regionPrefixes: string;
  platePrefixes: string;
  numberPrefix: string;
};

type Fields = {
  nameZh: FieldMetadata<string>;
  nameEn: FieldMetadata<string>;
  address: FieldMetadata<string>;
  hours: FieldMetadata<string>;
  phone: FieldMetadata<string>;
  orgUnitCode: FieldMetadata<string>;
  departments: FieldMetadata<string[]>;
  regionPrefixes: FieldMetadata<string>;
  platePrefixes: FieldMetadata<string>;
  numberPrefix: FieldMetadata<string>;
};

/** The office's fields for the error summary, in the form's order (create puts the code first). */
export function officeSummaryFields(fields: Fields, t: (key: string) => string) {
  return [
    { meta: fields.nameZh, label: t('offices.nameZh') },
    { meta: fields.nameEn, label: t('offices.nameEn') },
    { meta: fields.address, label: t('offices.address') },
    { meta: fields.hours, label: t('offices.hours') },
    { meta: fields.phone, label: t('offices.phone') },
    { meta: fields.orgUnitCode, label: t('offices.unit') },
    { meta: fields.departments, label: t('offices.departments') },
    { meta: fields.regionPrefixes, label: t('offices.regionPrefixes') },
    { meta: fields.platePrefixes, label: t('offices.platePrefixes') },
    { meta: fields.numberPrefix, label: t('offices.numberPrefix') },
  ];
}

/** The fields of an office (create and edit share them); prefix lists are typed comma-separated. */
export function OfficeFields({ fields, units }: { fields: Fields; units: Choice[] }) {
  const { t } = useTranslation(['admin', 'common']);
  return (
    <>
      <TextField meta={fields.nameZh} label={t('admin:offices.nameZh')} required maxLength={60} lang="zh-CN" />
      <TextField meta={fields.nameEn} label={t('admin:offices.nameEn')} required maxLength={120} lang="en" />
      <TextField meta={fields.address} label={t('admin:offices.address')} maxLength={200} />
      <TextField meta={fields.hours} label={t('admin:offices.hours')} maxLength={200} />
      <TextField meta={fields.phone} type="tel" label={t('admin:offices.phone')} required maxLength={20} />
      <SelectField meta={fields.orgUnitCode} label={t('admin:offices.unit')} required options={units} placeholder="—" />
      <CheckboxGroup
        meta={fields.departments}
        legend={t('admin:offices.departments')}
        required
        options={(['hukou', 'traffic', 'exit_entry'] as const).map((d) => ({ value: d, label: t(`common:departments.${d}`) }))}
      />
      <TextField meta={fields.regionPrefixes} label={t('admin:offices.regionPrefixes')} hint={t('admin:offices.regionHint')} maxLength={400} spellCheck={false} />
      <TextField meta={fields.platePrefixes} label={t('admin:offices.platePrefixes')} hint={t('admin:offices.plateHint')} maxLength={200} spellCheck={false} />
      <TextField
        meta={fields.numberPrefix}
        label={t('admin:offices.numberPrefix')}
        hint={t('admin:offices.numberPrefixHint')}
        maxLength={6}
        spellCheck={false}
        autoComplete="off"
        autoCapitalize="characters"
      />
    </>
  );
}
