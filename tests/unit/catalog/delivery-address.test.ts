import { parseWithZod } from '@conform-to/zod';
import { describe, expect, it } from 'vitest';
import { getService, SERVICES } from '../../../services/catalog/index.js';
import { deliveryOptionsOf } from '../../../services/catalog/definitions/shared.js';
import { EXAMPLE_ADDRESS, EXAMPLE_ANSWERS } from '../../../services/catalog/examples.js';
import { ADDRESS_FIELD_NAMES, maskAddress, postalAddressOf } from '../../../services/validation/address.js';

const env = { today: '2026-11-23' };

function parse(code: string, raw: Record<string, string>) {
  return parseWithZod(new URLSearchParams(raw), { schema: getService(code).schema(env) });
}
function errorsOf(code: string, raw: Record<string, string>): Record<string, string[]> {
  const s = parse(code, raw);
  return s.status === 'success' ? {} : ((s.error ?? {}) as Record<string, string[]>);
}
const without = (o: Record<string, string>, keys: readonly string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
const MAIL_ITEMS = SERVICES.filter((s) => deliveryOptionsOf(s).includes('mail')).map((s) => s.code);

describe('the delivery answer and the postal address', () => {
  it('is offered by post by the five items the tracker names, each with the whole address', () => {
    expect(MAIL_ITEMS.sort()).toEqual(['first-id-card', 'hk-macao-permit', 'inspection-mark', 'passport', 'temporary-id-card']);
    for (const code of MAIL_ITEMS) {
      const names = getService(code).fields.map((f) => f.name);
      for (const n of ADDRESS_FIELD_NAMES) expect(names, `${code} ${n}`).toContain(n);
      for (const f of getService(code).fields.filter((x) => x.group === 'postalAddress')) expect(f.showWhen).toEqual({ field: 'delivery', in: ['mail'] });
    }
  });

  it.each(MAIL_ITEMS)('%s: by post with no address, every missing part has its error in the one answer', (code) => {
    const raw = { ...without(EXAMPLE_ANSWERS[code], ADDRESS_FIELD_NAMES), delivery: 'mail' };
    expect(errorsOf(code, raw)).toEqual({
      addressRecipient: ['required'],
      addressMobile: ['required'],
      addressProvince: ['required'],
      addressCity: ['required'],
      addressDistrict: ['required'],
      addressStreet: ['required'],
    });
  });

  it('refuses a bad mobile, postcode, region outside the list or regions that do not nest, beside each part', () => {
    const base = { ...EXAMPLE_ANSWERS['first-id-card'] };
    expect(errorsOf('first-id-card', { ...base, addressMobile: '1380013800', addressPostcode: '10000' })).toEqual({
      addressMobile: ['mobile.format'],
      addressPostcode: ['postcode.format'],
    });
    expect(errorsOf('first-id-card', { ...base, addressDistrict: '999999' })).toEqual({ addressDistrict: ['choice'] });
    expect(errorsOf('first-id-card', { ...base, addressDistrict: '310101' })).toEqual({ addressDistrict: ['address.regionMismatch'] });
    expect(errorsOf('first-id-card', { ...base, addressCity: '310100' })).toEqual({ addressCity: ['address.regionMismatch'] });
    expect(errorsOf('first-id-card', { ...base, addressStreet: 'x'.repeat(201) })).toEqual({ addressStreet: ['tooLong'] });
    expect(errorsOf('first-id-card', { ...base, addressRecipient: '张\u202e三' })).toEqual({ addressRecipient: ['text.forbiddenCharacters'] });
  });

  it('stores the address normalised when posted, and the postcode may be left out', () => {
    const s = parse('passport', { ...EXAMPLE_ANSWERS.passport, addressMobile: ' 138 0013 8000 ', addressStreet: '  东华门街道 1 号 ', addressPostcode: '' });
    expect(s.status).toBe('success');
    const answers = s.status === 'success' ? (s.value as Record<string, unknown>) : {};
    expect(postalAddressOf(answers)).toEqual({
      recipient: '张三',
      mobile: '13800138000',
      province: '110000',
      city: '110100',
      district: '110101',
      street: '东华门街道 1 号',
      postcode: null,
    });
  });

  it.each(MAIL_ITEMS)('%s: another delivery asks for no address, and one typed anyway is neither judged nor kept', (code) => {
    const other = deliveryOptionsOf(getService(code)).find((o) => o !== 'mail')!;
    const raw = { ...without(EXAMPLE_ANSWERS[code], ADDRESS_FIELD_NAMES), delivery: other };
    expect(errorsOf(code, raw)).toEqual({});
    const s = parse(code, { ...raw, addressMobile: 'not a phone', addressStreet: '东华门街道 1 号' });
    expect(s.status).toBe('success');
    if (s.status === 'success') for (const n of ADDRESS_FIELD_NAMES) expect(s.value).not.toHaveProperty(n);
  });

  it('masks the address for the receipt: district, the street cut short, the surname and the mobile ends', () => {
    const a = postalAddressOf(EXAMPLE_ADDRESS)!;
    const m = maskAddress(a);
    expect(m).toEqual({ district: '110101', street: expect.stringMatching(/^东华门街\*{4}$/), recipient: '张*', mobile: '138****8000' });
    expect(JSON.stringify(m)).not.toContain('201');
  });
});
