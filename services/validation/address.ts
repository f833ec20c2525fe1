import { z } from 'zod';
import { REGIONS } from '../offices/regions.js';
import { maskMobile, maskName } from './identifiers.js';
import { choice, mobile, text } from './zod.js';

/**
 * A postal address in China, as the post needs it: recipient, mobile, province / city /
 * district (GB/T 2260 codes from the regions this deployment serves, so the clerk and the
 * courier read the same names), street and an optional postcode. The answers keep it flat,
 * one answer per part, because every form answer is one named field (services/catalog/types.ts).
 */
export const ADDRESS_FIELDS = {
  recipient: 'addressRecipient',
  mobile: 'addressMobile',
  province: 'addressProvince',
  city: 'addressCity',
  district: 'addressDistrict',
  street: 'addressStreet',
  postcode: 'addressPostcode',
} as const;
export type AddressPart = keyof typeof ADDRESS_FIELDS;
export const ADDRESS_FIELD_NAMES: readonly string[] = Object.values(ADDRESS_FIELDS);

/** The district codes and the province and city codes above them (GB/T 2260: 2 + 2 + 2 digits). */
export const ADDRESS_DISTRICTS = REGIONS;
export const ADDRESS_PROVINCES = [...new Set(REGIONS.map((r) => `${r.slice(0, 2)}0000`))] as [string, ...string[]];
export const ADDRESS_CITIES = [...new Set(REGIONS.map((r) => `${r.slice(0, 4)}00`))] as [string, ...string[]];

export type PostalAddress = {
  recipient: string;
  mobile: string;
  province: string;
  city: string;
  district: string;
  street: string;
  postcode: string | null;
};

/**
 * Every part at once, so a form posted without an address gets one error per missing part in
 * one answer; then the three codes must nest (a district of the city, a city of the province).
 */
export const postalAddressSchema = z
  .object({
    [ADDRESS_FIELDS.recipient]: text(50),
    [ADDRESS_FIELDS.mobile]: mobile(),
    [ADDRESS_FIELDS.province]: choice(ADDRESS_PROVINCES),
    [ADDRESS_FIELDS.city]: choice(ADDRESS_CITIES),
    [ADDRESS_FIELDS.district]: choice(ADDRESS_DISTRICTS),
    [ADDRESS_FIELDS.street]: text(200),
    [ADDRESS_FIELDS.postcode]: z
      .string()
      .trim()
      .regex(/^\d{6}$/, 'postcode.format')
      .optional(),
  })
  .superRefine((v, ctx) => {
    const province = v[ADDRESS_FIELDS.province];
    const city = v[ADDRESS_FIELDS.city];
    const district = v[ADDRESS_FIELDS.district];
    if (city.slice(0, 2) !== province.slice(0, 2)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [ADDRESS_FIELDS.city], message: 'address.regionMismatch' });
    } else if (district.slice(0, 4) !== city.slice(0, 4)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [ADDRESS_FIELDS.district], message: 'address.regionMismatch' });
    }
  });

/**
 * The address parts as a definition's schema declares them: loose strings, because they are
 * judged only when the post is chosen (requirePostalAddress), never for a pickup.
 */
export const postalAddressAnswers = () =>
  Object.fromEntries(ADDRESS_FIELD_NAMES.map((n) => [n, z.string().optional()])) as Record<
    (typeof ADDRESS_FIELDS)[AddressPart],
    z.ZodOptional<z.ZodString>
  >;

/**
 * Whole answers in, whole answers out: when `delivery` is 'mail' the address parts are checked
 * (issues at each part's path) and stored normalised; otherwise they are dropped, so an
 * address typed and then abandoned for a pickup is not kept (it is personal data).
 */
export function requirePostalAddress<T extends Record<string, unknown>>(answers: T, ctx: z.RefinementCtx): T {
  const rest: Record<string, unknown> = { ...answers };
  for (const n of ADDRESS_FIELD_NAMES) delete rest[n];
  if (answers.delivery !== 'mail') return rest as T;
  const parsed = postalAddressSchema.safeParse(Object.fromEntries(ADDRESS_FIELD_NAMES.map((n) => [n, answers[n]])));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: z.ZodIssueCode.custom, path: issue.path, message: issue.message });
    return z.NEVER;
  }
  const out: Record<string, unknown> = { ...rest };
  for (const [k, v] of Object.entries(parsed.data)) if (v !== undefined) out[k] = v;
  return out as T;
}

/** The address in stored answers, or null when the answers hold none (a pickup, an old application). */
export function postalAddressOf(answers: Record<string, unknown> | null | undefined): PostalAddress | null {
  if (!answers) return null;
  const get = (p: AddressPart) => {
    const v = answers[ADDRESS_FIELDS[p]];
    return typeof v === 'string' && v !== '' ? v : null;
  };
  const recipient = get('recipient');
  const mobileNo = get('mobile');
  const province = get('province');
  const city = get('city');
  const district = get('district');
  const street = get('street');
  if (!recipient || !mobileNo || !province || !city || !district || !street) return null;
  return { recipient, mobile: mobileNo, province, city, district, street, postcode: get('postcode') };
}

/**
 * What a list or the citizen's receipt may show: the district (its code, named by the page),
 * the street reduced to its first characters, the recipient's surname and the mobile's ends.
 * Enough to recognise one's own address, not enough to read it off a screen over a shoulder.
 */
export type MaskedAddress = { district: string; street: string; recipient: string; mobile: string };

export function maskAddress(a: PostalAddress): MaskedAddress {
  const chars = [...a.street];
  const keep = Math.min(4, Math.max(1, Math.floor(chars.length / 3)));
  return {
    district: a.district,
    street: chars.slice(0, keep).join('') + '****',
    recipient: maskName(a.recipient),
    mobile: maskMobile(a.mobile),
  };
}
