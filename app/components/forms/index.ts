/**
 * The portal's form components, built for conform (getFormProps & co.). Usage pattern:
 *
 *   const [form, fields] = useForm({ id: 'signup', lastResult: actionData?.lastResult,
 *     shouldValidate: 'onBlur', shouldRevalidate: 'onInput',
 *     onValidate: ({ formData }) => parseWithZod(formData, { schema }) });
 *   <Form method="post" {...getFormProps(form)} noValidate>   // noValidate: server messages, not the browser's
 *     <ErrorSummary form={form} fields={[{ meta: fields.realName, label: t('auth:signup.realName') }]} />
 *     <TextField meta={fields.realName} label={t('auth:signup.realName')} required />
 *
 * Labels and hints are passed already translated; error messages are i18n keys that the
 * components translate (zod messages → `validation:`, DomainError codes → `errors:`), so the
 * route's handle must load both namespaces (they are bundled, so listing them is enough).
 */
export { ErrorSummary } from './error-summary';
export { CheckboxField, CheckboxGroup, CodeField, DateField, FileField, RadioGroup, SelectField, TextareaField, TextField, type Option } from './fields';
export { FieldGroup } from './field-group';
export { Honeypot } from './honeypot';
export { HONEYPOT_FIELD } from './honeypot-field';
export { SubmitButton } from './submit-button';
export { encodeError, translateError } from './translate-error';
