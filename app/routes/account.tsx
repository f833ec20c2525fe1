import { getFormProps, useForm, type FieldMetadata } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { getProfile, updateProfile } from '#services/account/profile';
import type { FieldView } from '#services/applications/form-view';
import { isDomainError } from '#services/errors';
import { ADDRESS_CITIES, ADDRESS_DISTRICTS, ADDRESS_FIELDS, ADDRESS_PROVINCES } from '#services/validation/address';
import { SUPPORTED_LANGUAGES } from '#locales/index';
import { AnswerField } from '~/components/application/answer-field';
import { ErrorSummary, FieldGroup, RadioGroup, SubmitButton, TextField } from '~/components/forms';
import { getFixedT } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { readFormData } from '~/utils/form-data.server';
import { domainErrorResponse } from '~/utils/form-errors.server';
import { requireUser } from '~/utils/session.server';

export const handle = { i18n: ['common', 'catalog', 'applications', 'validation', 'errors'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['citizen']);
  const profile = await orThrowResponse(() => getProfile(ctx));
  const t = await getFixedT(request, ['common']);
  return json({ profile, saved: new URL(request.url).searchParams.get('saved') === '1', title: `${t('common:profile.title')} - ${t('common:siteName')}` });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['citizen']);
  const formData = await readFormData(request);
  const raw: Record<string, string> = {};
  for (const [k, v] of formData.entries()) if (typeof v === 'string') raw[k] = v;
  try {
    await updateProfile(ctx, raw);
  } catch (e) {
    if (isDomainError(e)) return domainErrorResponse(parseWithZod(formData, { schema: z.record(z.string(), z.unknown()) }), e);
    throw e;
  }
  // The page follows the language just chosen (the root loader remembers ?lng).
  return redirect(`/account?saved=1&lng=${encodeURIComponent(raw.locale)}`);
}

const region = (name: string, options: readonly string[], autoComplete: string): FieldView => ({
  name,
  kind: 'region',
  labelKey: `catalog:postalAddress.${name}.label`,
  hintKey: `catalog:postalAddress.${name}.hint`,
  required: false,
  options: options.map((r) => ({ value: r, labelKey: `common:regions.${r}` })),
  showWhen: null,
  autoComplete,
  group: 'postalAddress',
  locked: false,
});
const text = (name: string, kind: FieldView['kind'], autoComplete: string): FieldView => ({ ...region(name, [], autoComplete), kind, options: [] });

/** The address parts in the order the post reads them; the same labels as on the apply forms. */
const ADDRESS: FieldView[] = [
  text(ADDRESS_FIELDS.recipient, 'text', 'shipping name'),
  text(ADDRESS_FIELDS.mobile, 'mobile', 'shipping tel'),
  region(ADDRESS_FIELDS.province, ADDRESS_PROVINCES, 'shipping address-level1'),
  region(ADDRESS_FIELDS.city, ADDRESS_CITIES, 'shipping address-level2'),
  region(ADDRESS_FIELDS.district, ADDRESS_DISTRICTS, 'shipping address-level3'),
  text(ADDRESS_FIELDS.street, 'text', 'shipping street-address'),
  text(ADDRESS_FIELDS.postcode, 'text', 'shipping postal-code'),
];

export default function ProfilePage() {
  const { profile, saved } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const lastResult = actionData && 'lastResult' in actionData ? actionData.lastResult : undefined;
  const pending = useNavigation().state === 'submitting';
  const { t } = useTranslation(['common', 'catalog', 'applications']);
  const [form, fields] = useForm<Record<string, string>>({
    id: 'profile',
    lastResult,
    defaultValue: { locale: profile.locale, email: profile.email, ...profile.address },
    shouldValidate: 'onSubmit',
  });
  const meta = (name: string) => fields[name] as FieldMetadata;

  return (
    <div className="container narrow">
      <h1>{t('common:profile.title')}</h1>
      {saved && !lastResult && (
        <p className="notice-ok" role="status">
          {t('common:profile.saved')}
        </p>
      )}
      <section className="card" aria-labelledby="profile-identity">
        <h2 id="profile-identity">{t('common:profile.identity')}</h2>
        <dl className="facts">
          <div className="facts-row">
            <dt>{t('common:profile.realName')}</dt>
            <dd>{profile.realName}</dd>
          </div>
          <div className="facts-row">
            <dt>{t('common:profile.idNumber')}</dt>
            <dd className="mono">{profile.idNumber}</dd>
          </div>
          <div className="facts-row">
            <dt>{t('common:profile.mobile')}</dt>
            <dd className="mono">{profile.mobile}</dd>
          </div>
        </dl>
        <p className="hint">{t('common:profile.identityHint')}</p>
      </section>

      <Form method="post" className="form card" {...getFormProps(form)} noValidate>
        <ErrorSummary
          form={form}
          fields={[
            { meta: meta('locale'), label: t('common:profile.locale') },
            { meta: meta('email'), label: t('common:profile.email') },
            ...ADDRESS.map((f) => ({ meta: meta(f.name), label: t(f.labelKey) })),
          ]}
        />
        <RadioGroup
          meta={meta('locale')}
          legend={t('common:profile.locale')}
          hint={t('common:profile.localeHint')}
          required
          options={SUPPORTED_LANGUAGES.map((l) => ({ value: l, label: t(`common:language.${l}`) }))}
        />
        <TextField meta={meta('email')} label={t('common:profile.email')} hint={t('common:profile.emailHint')} type="email" autoComplete="email" />
        <FieldGroup id="profile-address" legend={t('common:profile.address')} hint={t('common:profile.addressHint')}>
          {ADDRESS.map((f) => (
            <AnswerField key={f.name} field={f} meta={meta(f.name)} />
          ))}
        </FieldGroup>
        <div className="actions">
          <SubmitButton pending={pending}>{t('common:profile.save')}</SubmitButton>
        </div>
      </Form>
    </div>
  );
}
