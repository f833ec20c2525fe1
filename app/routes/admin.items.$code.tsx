import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { discardItemDraft, factsFromForm, getItem, publishItemDraft, saveItemDraft, setItemOfferings } from '#services/catalog/item-admin';
import type { ItemFacts, LocalText } from '#services/catalog/item-facts';
import { isDomainError } from '#services/errors';
import { formatDay, formatInstant } from '~/components/application/format';
import { SubmitButton } from '~/components/forms';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { readFormData } from '~/utils/form-data.server';
import { officeName } from '~/utils/office-name';
import { serviceCodeParam } from '~/utils/params.server';
import { requireUser } from '~/utils/session.server';
import { TableScroll } from '~/components/scroll-region';

export const handle = { i18n: ['common', 'adminCatalog', 'catalog', 'validation', 'errors'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** One item of the list (docs/decisions/0036): its version in force, the draft, its history and its offices. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const code = serviceCodeParam(params);
  const item = await orThrowResponse(() => getItem(ctx, code));
  const t = await getFixedT(request, ['adminCatalog', 'catalog', 'common']);
  const locale = await getLocale(request);
  return json({
    item,
    locale,
    offices: item.offerings.map((o) => ({ ...o, name: officeName(t, locale, { code: o.officeCode, nameZh: o.nameZh, nameEn: o.nameEn }) })),
    title: `${t(`catalog:services.${code}.name`)} - ${t('adminCatalog:items.title')} - ${t('common:siteName')}`,
  });
}

const INTENTS = ['draft', 'publish', 'discard', 'offerings'] as const;
type Intent = (typeof INTENTS)[number];
type ActionData = { intent: Intent; error: { code: string; params: Record<string, string | number> }; fieldErrors: Record<string, string[]>; values: Record<string, string> };

/** One action, four forms told apart by `intent`; each goes through the service's checks and audit. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const code = serviceCodeParam(params);
  const formData = await readFormData(request);
  const intent = formData.get('intent');
  if (typeof intent !== 'string' || !(INTENTS as readonly string[]).includes(intent)) throw json({ code: 'badRequest', params: {} }, { status: 400 });
  const entries: [string, string][] = [];
  for (const [name, value] of formData.entries()) if (typeof value === 'string') entries.push([name, value]);
  const strings = (name: string) => formData.getAll(name).filter((v): v is string => typeof v === 'string');
  try {
    if (intent === 'draft') await saveItemDraft(ctx, code, factsFromForm(entries));
    else if (intent === 'publish') await publishItemDraft(ctx, code, { effectiveFrom: String(formData.get('effectiveFrom') ?? '') });
    else if (intent === 'discard') await discardItemDraft(ctx, code);
    else await setItemOfferings(ctx, code, { offices: strings('offices'), offered: strings('offered') });
  } catch (e) {
    if (isDomainError(e)) {
      if (e.status === 404 || e.status === 403) throw json({ code: e.code, params: e.params }, { status: e.status });
      const data: ActionData = { intent: intent as Intent, error: { code: e.code, params: e.params }, fieldErrors: e.fieldErrors, values: Object.fromEntries(entries) };
      return json(data, { status: e.status });
    }
    throw e;
  }
  return redirect(`/admin/items/${code}?saved=${intent}`, 303);
}

function Problems({ errors, id }: { errors: string[] | undefined; id: string }) {
  const { t } = useTranslation(['validation']);
  if (!errors?.length) return null;
  return (
    <p className="field-error" id={id}>
      {errors.map((e) => t(`validation:${e}`)).join(' ')}
    </p>
  );
}

export default function Item() {
  const { item, offices, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const { t } = useTranslation(['adminCatalog', 'catalog', 'common', 'errors', 'validation']);
  const base: ItemFacts | null = item.draft?.facts ?? item.inForce?.facts ?? null;
  const posted = actionData?.intent === 'draft' ? actionData.values : null;
  const fieldErrors = actionData?.intent === 'draft' ? actionData.fieldErrors : {};
  const value = (name: string, from: string | number | null | undefined) => (posted ? (posted[name] ?? '') : from === null || from === undefined ? '' : String(from));
  const errId = (name: string) => `err-${name.replaceAll('.', '-')}`;
  const invalid = (name: string) => (fieldErrors[name]?.length ? { 'aria-invalid': true as const, 'aria-describedby': errId(name) } : {});

  const numberField = (name: string, label: string, from: number | null | undefined, step = '1') => (
    <div className="field" key={name}>
      <label htmlFor={`f-${name}`}>{label}</label>
      <input id={`f-${name}`} name={name} inputMode={step === '1' ? 'numeric' : 'decimal'} defaultValue={value(name, from)} disabled={!item.canEdit} {...invalid(name)} />
      <Problems errors={fieldErrors[name]} id={errId(name)} />
    </div>
  );
  const textPair = (name: string, label: string, from: LocalText | null | undefined) => (
    <fieldset className="field" key={name}>
      <legend>{label}</legend>
      {(['zh', 'en'] as const).map((lang) => {
        const n = `${name}.${lang}`;
        return (
          <div key={lang}>
            <label htmlFor={`f-${n}`}>{t(`adminCatalog:items.lang.${lang}`)}</label>
            <textarea id={`f-${n}`} name={n} rows={2} defaultValue={value(n, from?.[lang])} disabled={!item.canEdit} {...invalid(n)} />
            <Problems errors={fieldErrors[n]} id={errId(n)} />
          </div>
        );
      })}
    </fieldset>
  );

  return (
    <div className="container">
      <p>
        <Link to="/admin/items">{t('adminCatalog:items.back')}</Link>
      </p>
      <h1>{t(`catalog:services.${item.code}.name`)}</h1>
      <p className="lead">
        {item.inForce
          ? t('adminCatalog:items.versionSince', { version: item.inForce.version, date: formatDay(item.inForce.effectiveFrom, locale) })
          : t('adminCatalog:items.noneInForce')}
      </p>
      {actionData && (
        <div className="notice-warn" role="alert">
          {t(`errors:${actionData.error.code}`, actionData.error.params)}
        </div>
      )}

      <section aria-labelledby="facts-heading" className="card">
        <h2 id="facts-heading">
          {item.draft ? t('adminCatalog:items.draftVersion', { version: item.draft.version }) : t('adminCatalog:items.newDraft')}
        </h2>
        {!item.canEdit && <p className="muted">{t('adminCatalog:items.rootOnly')}</p>}
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="intent" value="draft" />
          <fieldset>
            <legend>{t('adminCatalog:items.limits')}</legend>
            {item.hasStatutory && numberField('statutoryDays', t('adminCatalog:items.statutoryDays'), base?.statutoryDays)}
            {numberField('committedWorkingDays', t('adminCatalog:items.committedWorkingDays'), base?.committedWorkingDays)}
            {item.caseKeys.map((k) => numberField(`cases.${k}`, t('adminCatalog:items.caseDays', { case: t(`catalog:services.${item.code}.commitments.${k}`) }), base?.cases[k]))}
          </fieldset>
          <fieldset>
            <legend>{t('adminCatalog:items.fees')}</legend>
            {item.feeLines.length === 0 && <p className="muted">{t('adminCatalog:items.noFeeLines')}</p>}
            {item.feeLines.map((l) => numberField(`fees.${l}`, t('adminCatalog:items.feeLine', { line: t(`catalog:services.${item.code}.fees.${l}`) }), base?.fees[l], '0.01'))}
            <div className="field">
              <label htmlFor="f-feeBasisKey">{t('adminCatalog:items.feeBasis')}</label>
              <select id="f-feeBasisKey" name="feeBasisKey" defaultValue={value('feeBasisKey', base?.feeBasisKey)} disabled={!item.canEdit} {...invalid('feeBasisKey')}>
                <option value="">{t('adminCatalog:items.noBasis')}</option>
                {item.basisKeys.map((k) => (
                  <option key={k} value={k}>
                    {t(`catalog:basis.${k}`)}
                  </option>
                ))}
              </select>
              <Problems errors={fieldErrors.feeBasisKey} id={errId('feeBasisKey')} />
            </div>
          </fieldset>
          <fieldset>
            <legend>{t('adminCatalog:items.materials')}</legend>
            <p className="hint">{t('adminCatalog:items.textsHint')}</p>
            {item.materialCodes.map((m) => (
              <div key={m}>
                <h3>{t(`catalog:materials.${m}.name`)}</h3>
                {textPair(`materials.${m}.requirement`, t('adminCatalog:items.requirement'), base?.materials[m]?.requirement)}
                {textPair(`materials.${m}.example`, t('adminCatalog:items.example'), base?.materials[m]?.example)}
              </div>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t('adminCatalog:items.guide')}</legend>
            {textPair('notes', t('adminCatalog:items.notes'), base?.notes)}
            {textPair('place', t('adminCatalog:items.place'), base?.place)}
            {textPair('hours', t('adminCatalog:items.hours'), base?.hours)}
            <div className="field checkbox">
              <input
                type="checkbox"
                id="f-offered"
                name="offered"
                defaultChecked={posted ? posted.offered === 'on' : (base?.offered ?? true)}
                disabled={!item.canEdit}
              />
              <label htmlFor="f-offered">{t('adminCatalog:items.offered')}</label>
            </div>
          </fieldset>
          {item.canEdit && <SubmitButton>{t('adminCatalog:items.saveDraft')}</SubmitButton>}
        </Form>
        {item.canEdit && item.draft && (
          <>
            <Form method="post" className="form">
              <input type="hidden" name="intent" value="publish" />
              <div className="field">
                <label htmlFor="f-effectiveFrom">{t('adminCatalog:items.effectiveFrom')}</label>
                <input
                  id="f-effectiveFrom"
                  name="effectiveFrom"
                  type="date"
                  min={item.today}
                  defaultValue={actionData?.intent === 'publish' ? actionData.values.effectiveFrom : item.today}
                  {...(actionData?.intent === 'publish' && actionData.fieldErrors.effectiveFrom ? { 'aria-invalid': true, 'aria-describedby': 'err-effectiveFrom' } : {})}
                />
                <p className="hint">{t('adminCatalog:items.effectiveHint')}</p>
                <Problems errors={actionData?.intent === 'publish' ? actionData.fieldErrors.effectiveFrom : undefined} id="err-effectiveFrom" />
              </div>
              <SubmitButton>{t('adminCatalog:items.publish', { version: item.draft.version })}</SubmitButton>
            </Form>
            <Form method="post">
              <input type="hidden" name="intent" value="discard" />
              <SubmitButton className="secondary">{t('adminCatalog:items.discard')}</SubmitButton>
            </Form>
          </>
        )}
      </section>

      <section aria-labelledby="offices-heading" className="card">
        <h2 id="offices-heading">{t('adminCatalog:items.offices')}</h2>
        {offices.length === 0 ? (
          <p className="muted">{t('adminCatalog:items.noOffices')}</p>
        ) : (
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="offerings" />
            <fieldset>
              <legend>{t('adminCatalog:items.officesLegend')}</legend>
              {offices.map((o) => (
                <div className="field checkbox" key={o.officeCode}>
                  <input type="hidden" name="offices" value={o.officeCode} />
                  <input type="checkbox" id={`o-${o.officeCode}`} name="offered" value={o.officeCode} defaultChecked={o.offered} />
                  <label htmlFor={`o-${o.officeCode}`}>
                    {o.name}
                    {!o.handlesDepartment && <span className="muted"> {t('adminCatalog:items.otherDepartment')}</span>}
                  </label>
                </div>
              ))}
            </fieldset>
            <SubmitButton>{t('adminCatalog:items.saveOffices')}</SubmitButton>
          </Form>
        )}
      </section>

      <section aria-labelledby="history-heading" className="card">
        <h2 id="history-heading">{t('adminCatalog:items.history')}</h2>
        <TableScroll label={t('adminCatalog:items.history')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('adminCatalog:items.version')}</th>
                <th scope="col">{t('adminCatalog:items.status')}</th>
                <th scope="col">{t('adminCatalog:items.effectiveFrom')}</th>
                <th scope="col">{t('adminCatalog:items.publishedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {item.history.map((v) => (
                <tr key={v.version} data-version={v.version}>
                  <th scope="row">{v.version}</th>
                  <td>{t(`adminCatalog:items.statuses.${v.status}`)}</td>
                  <td>{v.effectiveFrom ? formatDay(v.effectiveFrom, locale) : '—'}</td>
                  <td>{v.publishedAt ? formatInstant(v.publishedAt, locale) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </section>
    </div>
  );
}
