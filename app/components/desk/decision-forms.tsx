import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { Form } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import type { ReviewPage } from '#services/review/review-page';
import {
  CARRIERS,
  completeSchema,
  NOT_ACCEPTED_REASONS,
  notAcceptSchema,
  overrideRequestSchema,
  overrideSchema,
  REFUSAL_REASONS,
  refuseSchema,
  transferSchema,
} from '#services/review/schemas';
import { manualWaybillSchema } from '#services/shipments/schemas';
import { ErrorSummary, RadioGroup, SelectField, SubmitButton, TextareaField, TextField, translateError } from '~/components/forms';
import { resultFor } from './action-data';
import { AddressLine } from './review-facts';
import { useOfficeName } from '~/utils/office-name';

type Props = { page: ReviewPage; actionData: unknown };

const Hidden = ({ intent, leaseVersion }: { intent: string; leaseVersion?: number | null }) => (
  <>
    <input type="hidden" name="intent" value={intent} />
    {leaseVersion !== undefined && leaseVersion !== null && <input type="hidden" name="leaseVersion" value={leaseVersion} />}
  </>
);

/**
 * A one-button form (claim, release, notice, accept). Its failure lists the checklist items it
 * names, linked to them, since those errors belong to items rather than to fields of this form.
 */
function ButtonForm({ intent, label, hint, page, actionData, variant = 'primary' }: Props & { intent: string; label: string; hint?: string; variant?: 'primary' | 'secondary' | 'danger' }) {
  const { t } = useTranslation(['desk', 'catalog', 'common']);
  const result = resultFor(actionData, intent);
  const formErrors = result?.error?.[''] ?? [];
  const itemErrors = Object.entries(result?.error ?? {}).filter(([k, v]) => k.startsWith('verdict-') && v && v.length > 0);
  return (
    <Form method="post" className="form decision" aria-labelledby={`${intent}-label`}>
      {(formErrors.length > 0 || itemErrors.length > 0) && (
        <div className="error-summary" role="alert" tabIndex={-1}>
          <h2>{t('common:form.errorSummaryTitle')}</h2>
          {formErrors.map((e) => (
            <p key={e}>{translateError(t, e)}</p>
          ))}
          {itemErrors.length > 0 && (
            <ul>
              {itemErrors.map(([k, v]) => (
                <li key={k}>
                  <a href={`#item-${k.slice('verdict-'.length)}`}>
                    {t(`catalog:materials.${k.slice('verdict-'.length)}.name`)}: {(v ?? []).map((e) => translateError(t, e)).join(' ')}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <Hidden intent={intent} leaseVersion={page.queue?.leaseVersion} />
      {hint && <p className="hint" id={`${intent}-hint`}>{hint}</p>}
      <div className="actions">
        <SubmitButton variant={variant} id={`${intent}-label`} aria-describedby={hint ? `${intent}-hint` : undefined}>
          {label}
        </SubmitButton>
      </div>
    </Form>
  );
}

export function ClaimForm(props: Props) {
  const { t } = useTranslation('desk');
  return <ButtonForm {...props} intent="claim" label={t('actions.claim')} hint={t('actions.claimHint', { minutes: props.page.leaseMinutes })} />;
}

export function ReleaseForm(props: Props) {
  const { t } = useTranslation('desk');
  return <ButtonForm {...props} intent="release" label={t('actions.release')} hint={t('actions.releaseHint')} variant="secondary" />;
}

export function NoticeForm(props: Props) {
  const { t } = useTranslation('desk');
  return <ButtonForm {...props} intent="notice" label={t('actions.notice')} hint={t('actions.noticeHint')} />;
}

export function AcceptForm(props: Props) {
  const { t } = useTranslation('desk');
  return <ButtonForm {...props} intent="accept" label={t('actions.accept')} hint={t('actions.acceptHint')} />;
}

export function NotAcceptForm({ page, actionData }: Props) {
  const { t } = useTranslation(['desk', 'common']);
  const { officeName } = useOfficeName();
  const [form, fields] = useForm({
    id: 'notAccept',
    lastResult: resultFor(actionData, 'notAccept'),
    shouldValidate: 'onSubmit',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: notAcceptSchema }),
  });
  const labels = { reasonCode: t('desk:notAccept.reason'), redirectOfficeCode: t('desk:notAccept.redirect'), note: t('desk:notAccept.note') };
  return (
    <Form method="post" className="form card" {...getFormProps(form)} noValidate aria-labelledby="notAccept-heading">
      <h3 id="notAccept-heading">{t('desk:notAccept.heading')}</h3>
      <ErrorSummary form={form} fields={Object.entries(labels).map(([k, label]) => ({ meta: fields[k as keyof typeof labels], label }))} />
      <Hidden intent="notAccept" leaseVersion={page.queue?.leaseVersion} />
      <RadioGroup
        meta={fields.reasonCode}
        legend={labels.reasonCode}
        required
        inline={false}
        options={NOT_ACCEPTED_REASONS.map((r) => ({ value: r, label: t(`desk:notAccept.reasons.${r}`), hint: t(`desk:notAccept.basisOf.${r}`) }))}
      />
      <SelectField
        meta={fields.redirectOfficeCode}
        label={labels.redirectOfficeCode}
        hint={t('desk:notAccept.redirectHint')}
        placeholder={t('desk:notAccept.redirectPlaceholder')}
        options={page.redirectOffices.map((o) => ({ value: o, label: officeName(o) }))}
      />
      <TextareaField meta={fields.note} label={labels.note} hint={t('desk:notAccept.noteHint')} required rows={3} />
      <div className="actions">
        <SubmitButton variant="danger">{t('desk:notAccept.submit')}</SubmitButton>
      </div>
    </Form>
  );
}

export function CompleteForm({ page, actionData }: Props) {
  const { t } = useTranslation('desk');
  const delivery = page.resultDelivery;
  const [form, fields] = useForm({
    id: 'complete',
    lastResult: resultFor(actionData, 'complete'),
    defaultValue: { delivery: delivery.chosen ?? undefined },
    shouldValidate: 'onSubmit',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: completeSchema }),
  });
  const labels = {
    documentNumber: t('complete.documentNumber'),
    delivery: t('complete.delivery'),
  };
  return (
    <Form method="post" className="form card" {...getFormProps(form)} noValidate aria-labelledby="complete-heading">
      <h3 id="complete-heading">{t('complete.heading')}</h3>
      <ErrorSummary
        form={form}
        fields={[
          { meta: fields.documentNumber, label: labels.documentNumber },
          { meta: fields.delivery, label: labels.delivery },
        ]}
      />
      <Hidden intent="complete" leaseVersion={page.queue?.leaseVersion} />
      <TextField meta={fields.documentNumber} label={labels.documentNumber} hint={t('complete.documentNumberHint')} required spellCheck={false} />
      <RadioGroup
        meta={fields.delivery}
        legend={labels.delivery}
        hint={delivery.chosen ? t('complete.chosen', { kind: t(`complete.${delivery.chosen}`) }) : undefined}
        required
        options={delivery.options.map((o) => ({ value: o, label: t(`complete.${o}`) }))}
      />
      {delivery.address && (
        <p className="hint">
          {t('complete.postTo')} <AddressLine address={delivery.address} />
        </p>
      )}
      {/* Decision 0035: by post the courier is booked after the completion; electronically the result is issued with it. */}
      {delivery.options.includes('mail') && <p className="hint">{t('complete.courierBooked')}</p>}
      {delivery.options.includes('electronic') && <p className="hint">{t('complete.electronicIssued')}</p>}
      <div className="actions">
        <SubmitButton>{t('complete.submit')}</SubmitButton>
      </div>
    </Form>
  );
}

/**
 * The parcel of a completion by post, for the clerk: booked (waybill, tracking), being booked, or
 * refused by the courier — then the clerk books it again or enters the waybill of a parcel sent
 * another way (decision 0035).
 */
export function ShipmentForms({ page, actionData }: Props) {
  const { t } = useTranslation(['desk', 'errors']);
  const s = page.shipment;
  const [form, fields] = useForm({
    id: 'shipmentManual',
    lastResult: resultFor(actionData, 'shipmentManual'),
    shouldValidate: 'onSubmit',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: manualWaybillSchema }),
  });
  if (!s || s.status !== 'refused') return null;
  const labels = { carrier: t('desk:shipment.carrier'), waybill: t('desk:shipment.waybill') };
  return (
    <section className="card" aria-labelledby="shipment-actions-heading">
      <h3 id="shipment-actions-heading">{t('desk:shipment.refusedHeading')}</h3>
      <p className="notice-warn" role="status">
        {t('desk:shipment.refused', { error: s.lastError ? t(`errors:${s.lastError}`, { system: t('desk:shipment.courier') }) : '' })}
      </p>
      <ButtonForm page={page} actionData={actionData} intent="shipmentRetry" label={t('desk:shipment.retry')} variant="secondary" />
      <Form method="post" className="form" {...getFormProps(form)} noValidate aria-labelledby="shipment-manual-heading">
        <h4 id="shipment-manual-heading">{t('desk:shipment.manualHeading')}</h4>
        <ErrorSummary form={form} fields={[{ meta: fields.carrier, label: labels.carrier }, { meta: fields.waybill, label: labels.waybill }]} />
        <Hidden intent="shipmentManual" />
        <SelectField
          meta={fields.carrier}
          label={labels.carrier}
          required
          placeholder={t('desk:complete.carrierPlaceholder')}
          options={CARRIERS.map((c) => ({ value: c, label: t(`desk:complete.carriers.${c}`) }))}
        />
        <TextField meta={fields.waybill} label={labels.waybill} required autoComplete="off" spellCheck={false} />
        <div className="actions">
          <SubmitButton>{t('desk:shipment.manualSubmit')}</SubmitButton>
        </div>
      </Form>
    </section>
  );
}

export function RefuseForm({ page, actionData }: Props) {
  const { t } = useTranslation(['desk', 'catalog']);
  const [form, fields] = useForm({
    id: 'refuse',
    lastResult: resultFor(actionData, 'refuse'),
    shouldValidate: 'onSubmit',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: refuseSchema }),
  });
  const labels = { reasonCode: t('desk:refuse.reason'), legalBasisKey: t('desk:refuse.basis'), note: t('desk:refuse.note') };
  return (
    <Form method="post" className="form card" {...getFormProps(form)} noValidate aria-labelledby="refuse-heading">
      <h3 id="refuse-heading">{t('desk:refuse.heading')}</h3>
      <ErrorSummary form={form} fields={Object.entries(labels).map(([k, label]) => ({ meta: fields[k as keyof typeof labels], label }))} />
      <Hidden intent="refuse" leaseVersion={page.queue?.leaseVersion} />
      <RadioGroup
        meta={fields.reasonCode}
        legend={labels.reasonCode}
        required
        inline={false}
        options={REFUSAL_REASONS.map((r) => ({ value: r, label: t(`desk:refuse.reasons.${r}`) }))}
      />
      <SelectField
        meta={fields.legalBasisKey}
        label={labels.legalBasisKey}
        required
        placeholder={t('desk:refuse.basisPlaceholder')}
        options={page.refusalBases.map((k) => ({ value: k, label: t(k) }))}
      />
      <TextareaField meta={fields.note} label={labels.note} hint={t('desk:refuse.noteHint')} required rows={3} />
      <div className="actions">
        <SubmitButton variant="danger">{t('desk:refuse.submit')}</SubmitButton>
      </div>
    </Form>
  );
}

export function TransferForm({ page, actionData }: Props) {
  const { t } = useTranslation(['desk', 'common']);
  const { officeName } = useOfficeName();
  const [form, fields] = useForm({
    id: 'transfer',
    lastResult: resultFor(actionData, 'transfer'),
    shouldValidate: 'onSubmit',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: transferSchema }),
  });
  const labels = { toClerkId: t('desk:transfer.toClerk'), toOfficeCode: t('desk:transfer.toOffice'), reason: t('desk:transfer.reason') };
  return (
    <Form method="post" className="form card" {...getFormProps(form)} noValidate aria-labelledby="transfer-heading">
      <h3 id="transfer-heading">{t('desk:transfer.heading')}</h3>
      <p className="hint">{t('desk:transfer.intro')}</p>
      <ErrorSummary form={form} fields={Object.entries(labels).map(([k, label]) => ({ meta: fields[k as keyof typeof labels], label }))} />
      <Hidden intent="transfer" leaseVersion={page.queue?.leaseVersion} />
      <SelectField
        meta={fields.toClerkId}
        label={labels.toClerkId}
        placeholder={t('desk:transfer.none')}
        options={page.transferClerks.map((c) => ({ value: c.id, label: `${c.name} (${c.staffNo ?? ''})` }))}
      />
      <SelectField
        meta={fields.toOfficeCode}
        label={labels.toOfficeCode}
        placeholder={t('desk:transfer.none')}
        options={page.transferOffices.map((o) => ({ value: o, label: officeName(o) }))}
      />
      <TextareaField meta={fields.reason} label={labels.reason} required rows={2} />
      <div className="actions">
        <SubmitButton variant="secondary">{t('desk:transfer.submit')}</SubmitButton>
      </div>
    </Form>
  );
}

export function OverrideForm({ page, actionData }: Props) {
  const { t } = useTranslation('desk');
  const [form, fields] = useForm({
    id: 'override',
    lastResult: resultFor(actionData, 'override'),
    shouldValidate: 'onSubmit',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: overrideSchema }),
  });
  return (
    <Form method="post" className="form card" {...getFormProps(form)} noValidate aria-labelledby="override-heading">
      <h3 id="override-heading">{t('override.heading')}</h3>
      <p className="hint">{t('override.intro')}</p>
      {page.pendingOverride && <p className="notice-ok">{t('override.pending', { reason: page.pendingOverride.reason })}</p>}
      <ErrorSummary form={form} fields={[{ meta: fields.reason, label: t('override.reason') }]} />
      <Hidden intent="override" />
      <TextareaField meta={fields.reason} label={t('override.reason')} hint={t('override.reasonHint')} required rows={3} />
      <div className="actions">
        <SubmitButton>{t('override.submit')}</SubmitButton>
      </div>
    </Form>
  );
}

/**
 * The clerk's request for the manager's override (decision 0026): after a notice, when an item it
 * did not name must be asked for after all. Shows the latest request's answer; the form only
 * while a request may be made.
 */
export function RequestOverrideForm({ page, actionData }: Props) {
  const { t } = useTranslation('desk');
  const [form, fields] = useForm({
    id: 'requestOverride',
    lastResult: resultFor(actionData, 'requestOverride'),
    shouldValidate: 'onSubmit',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: overrideRequestSchema }),
  });
  const r = page.overrideRequest;
  return (
    <section className="form card" aria-labelledby="request-override-heading">
      <h3 id="request-override-heading">{t('overrideRequest.heading')}</h3>
      {r && (
        <p className={r.status === 'refused' ? 'notice-warn' : 'notice-ok'}>
          {t(`overrideRequest.status.${r.status}`, { reason: r.reason, answer: r.decisionReason ?? '' })}
        </p>
      )}
      {page.can.requestOverride && (
        <Form method="post" {...getFormProps(form)} noValidate>
          <p className="hint">{t('overrideRequest.intro')}</p>
          <ErrorSummary form={form} fields={[{ meta: fields.reason, label: t('overrideRequest.reason') }]} />
          <Hidden intent="requestOverride" leaseVersion={page.queue?.leaseVersion} />
          <TextareaField meta={fields.reason} label={t('overrideRequest.reason')} hint={t('overrideRequest.reasonHint')} required rows={3} />
          <div className="actions">
            <SubmitButton variant="secondary">{t('overrideRequest.submit')}</SubmitButton>
          </div>
        </Form>
      )}
    </section>
  );
}
