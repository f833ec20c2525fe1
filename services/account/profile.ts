import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '../../db/schema/index.js';
import { SUPPORTED_LANGUAGES } from '../../locales/index.js';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import { DomainError, notFound } from '../errors.js';
import { authorize } from '../permissions.js';
import { ADDRESS_FIELD_NAMES, ADDRESS_FIELDS, postalAddressOf, postalAddressSchema, type PostalAddress } from '../validation/address.js';
import { maskIdNumber, maskMobile, maskName } from '../validation/identifiers.js';
import { FORBIDDEN_CHARACTERS_MESSAGE, hasForbiddenCharacters } from '../validation/text.js';

/** What the profile page shows: the identity as registered (masked, not editable here) and what the citizen keeps. */
export type ProfileView = {
  realName: string;
  idNumber: string;
  mobile: string;
  locale: string;
  email: string;
  /** The postal address as form answers (addressRecipient, …), empty strings when none is kept. */
  address: Record<string, string>;
};

function addressAnswers(a: PostalAddress | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [part, name] of Object.entries(ADDRESS_FIELDS)) out[name] = a ? (a[part as keyof PostalAddress] ?? '') : '';
  return out;
}

export async function getProfile(ctx: ServiceContext): Promise<ProfileView> {
  const { actor } = authorize(ctx.actor, 'profile:update');
  const [u] = await ctx.db.select().from(users).where(eq(users.id, actor.id));
  if (!u) throw notFound();
  return {
    realName: maskName(u.realName),
    idNumber: maskIdNumber(u.idNumber ?? ''),
    mobile: maskMobile(u.mobile ?? ''),
    locale: u.locale,
    email: u.email ?? '',
    address: addressAnswers(u.postalAddress ?? null),
  };
}

/** The address parts are all left empty (no address kept) or all checked, as the post needs them. */
const profileSchema = z
  .object({
    locale: z.enum(SUPPORTED_LANGUAGES, { message: 'choice' }),
    email: z
      .string()
      .trim()
      .max(254, 'email.format')
      .regex(/^$|^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'email.format'),
  })
  .passthrough();

/**
 * Saves the citizen's preferred language (messages are written in it), e-mail and postal address
 * (offered on forms that post the result). Audited without the values (personal data).
 */
export async function updateProfile(ctx: ServiceContext, raw: Record<string, string>): Promise<void> {
  const { actor } = authorize(ctx.actor, 'profile:update');
  const fieldErrors: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(raw)) if (hasForbiddenCharacters(v, { multiline: false })) fieldErrors[k] = [FORBIDDEN_CHARACTERS_MESSAGE];
  const base = profileSchema.safeParse({ locale: raw.locale ?? '', email: raw.email ?? '' });
  if (!base.success) for (const i of base.error.issues) (fieldErrors[String(i.path[0])] ??= []).push(i.message);
  const parts = Object.fromEntries(ADDRESS_FIELD_NAMES.map((n) => [n, (raw[n] ?? '').trim()]));
  const anyPart = Object.entries(parts).some(([k, v]) => v !== '' && k !== ADDRESS_FIELDS.postcode);
  let address: PostalAddress | null = null;
  if (anyPart) {
    const parsed = postalAddressSchema.safeParse({ ...parts, [ADDRESS_FIELDS.postcode]: parts[ADDRESS_FIELDS.postcode] || undefined });
    if (!parsed.success) for (const i of parsed.error.issues) (fieldErrors[String(i.path[0])] ??= []).push(i.message);
    else address = postalAddressOf(parsed.data);
  }
  if (Object.keys(fieldErrors).length > 0 || !base.success) throw new DomainError('form.invalid', 400, { fieldErrors });
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ locale: base.data.locale, email: base.data.email === '' ? null : base.data.email, postalAddress: address })
      .where(eq(users.id, actor.id));
    await recordAudit(tx, ctx, { action: 'profile.updated', data: { locale: base.data.locale, email: base.data.email !== '', address: address !== null } });
  });
}

/** The kept postal address as apply-form answers, for forms that offer the post; {} when none is kept. */
export async function postalAddressPrefill(ctx: ServiceContext, userId: string): Promise<Record<string, string>> {
  const [u] = await ctx.db.select({ a: users.postalAddress }).from(users).where(eq(users.id, userId));
  if (!u?.a) return {};
  return Object.fromEntries(Object.entries(addressAnswers(u.a)).filter(([, v]) => v !== ''));
}

