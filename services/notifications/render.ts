import type { Language } from '../../locales/index.js';
import { formatChinaDay, lookup, text } from '../locale-text.js';
import { officeNameIn, type OfficeNames } from '../offices/office-names.js';

export type RenderedMessage = { sms: string; emailSubject: string; emailBody: string };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A message's text in the citizen's language, from locales/<lng>/messages.json (texts live with
 * the portal, not at the carrier). Params carry codes and China days; this turns them into words:
 * serviceCode → service, officeCode → office, toOfficeCode → toOffice, delivery → its label, and
 * every 'YYYY-MM-DD' into the language's date. Undefined for a template without texts. Offices are
 * named as services/offices/office-names.ts names them: `officeNames` holds the own names of
 * offices created in the browser.
 */
export function renderMessage(recorded: string, lng: Language, params: Record<string, unknown>, officeNames?: OfficeNames): RenderedMessage | undefined {
  const template = textFor(recorded, params);
  if (lookup(lng, `messages:${template}.sms`) === undefined) return undefined;
  const vars: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) vars[k] = typeof v === 'string' && DAY.test(v) ? formatChinaDay(lng, v) : v;
  // A date the calendar could not give yet is null beside the year that is missing (docs/decisions/0028).
  if (typeof params.unknownYear === 'number') {
    const pending = text(lng, 'common:calendar.dateNotKnown', { year: params.unknownYear });
    for (const [k, v] of Object.entries(params)) if (v === null) vars[k] = pending;
  }
  // The receipt was recorded with `number` before the other templates settled on applicationNumber.
  vars.applicationNumber ??= params.number;
  if (typeof params.serviceCode === 'string') vars.service = lookup(lng, `catalog:services.${params.serviceCode}.name`) ?? params.serviceCode;
  if (typeof params.officeCode === 'string') vars.office = officeNameIn(lng, params.officeCode, officeNames);
  if (typeof params.toOfficeCode === 'string') vars.toOffice = officeNameIn(lng, params.toOfficeCode, officeNames);
  if (typeof params.delivery === 'string') vars.delivery = lookup(lng, `messages:values.delivery.${params.delivery}`) ?? params.delivery;
  return {
    sms: text(lng, `messages:${template}.sms`, vars),
    emailSubject: text(lng, `messages:${template}.emailSubject`, vars),
    emailBody: text(lng, `messages:${template}.emailBody`, vars),
  };
}

/**
 * The receipt promises two days: acceptance (art. 32, five working days) and completion. A service
 * promised faster than that (a temporary ID card, one day) would read "accepted by 10 December,
 * done by 4 December"; then only the promised day is said. Chosen when rendering, so a receipt
 * already queued reads right too.
 */
function textFor(template: string, params: Record<string, unknown>): string {
  const { dueDate, completenessDeadline } = params;
  if (template === 'receipt' && typeof dueDate === 'string' && typeof completenessDeadline === 'string' && DAY.test(dueDate) && DAY.test(completenessDeadline) && dueDate <= completenessDeadline) {
    return 'receiptDueFirst';
  }
  return template;
}
