import { fieldKeyBase, fieldShown, type Answers, type ServiceDefinition } from '../catalog/index.js';

/** One shown value: a catalog/common key to translate, or text as the citizen typed it. */
export type AnswerValue = { key: string } | { text: string };

/** One answer as the citizen gave it, labelled as the form labels it. */
export type AnswerLine = { field: string; labelKey: string; values: AnswerValue[] };

function valuesOf(def: ServiceDefinition, f: ServiceDefinition['fields'][number], raw: unknown): AnswerValue[] {
  const list = Array.isArray(raw) ? raw : raw === undefined || raw === null || raw === '' ? [] : [raw];
  if (f.kind === 'checkbox') return [{ key: list.some((v) => v === true || v === 'on' || v === 'true') ? 'common:yes' : 'common:no' }];
  return list.map((v): AnswerValue => {
    const s = String(v);
    if (f.kind === 'region') return { key: `common:regions.${s}` };
    if (f.kind === 'office') return { key: `common:offices.${s}` };
    if (f.options?.includes(s)) return { key: `${fieldKeyBase(def.code, f)}.options.${s}` };
    return { text: s };
  });
}

/**
 * The answers in form order, for the check-your-answers page (raw draft answers) and the receipt
 * (the submitted, parsed answers): fields the answers hide (showWhen) and empty ones are left out,
 * an unticked declaration is shown as "no" (it was a choice).
 */
export function answerLines(def: ServiceDefinition, answers: Answers, opts: { withPostalAddress: boolean }): AnswerLine[] {
  const lines: AnswerLine[] = [];
  for (const f of def.fields) {
    // The receipt shows the address masked, with the delivery (read.ts resultDelivery).
    if (f.group === 'postalAddress' && !opts.withPostalAddress) continue;
    if (!fieldShown(f, answers)) continue;
    const values = valuesOf(def, f, answers[f.name]);
    if (values.length === 0) continue;
    lines.push({ field: f.name, labelKey: `${fieldKeyBase(def.code, f)}.label`, values });
  }
  return lines;
}
