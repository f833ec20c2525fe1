import { z } from 'zod';
import { password } from '../auth/schemas.js';
import { DEPARTMENTS } from '../catalog/types.js';
import { DEFAULT_NUMBER_PREFIX, NUMBER_PREFIX } from '../applications/numbers.js';
import { choice, int32, isRealIsoDate, listCode, officeCode, optionalText, text } from '../validation/zod.js';

/**
 * The administration forms' input. Messages are `validation` keys. Whether an office or unit is
 * one the administrator may use is the services' check (services/admin/staff.ts, offices.ts).
 */
const required = { required_error: 'required', invalid_type_error: 'required' };

/** Ticked checkboxes of one name: absent, one value or several. */
const checked = <T extends z.ZodTypeAny>(item: T) =>
  z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item).max(20, 'choice'));

/**
 * 警号/工号: letters and digits, as printed on the warrant card. Never shaped like a mobile number
 * or a resident ID number: one sign-in field takes all three, and a staff account numbered like
 * a citizen's mobile took that citizen's sign-in.
 */
export const staffNumber = () =>
  z
    .string(required)
    .trim()
    .min(1, 'required')
    .regex(/^[A-Za-z0-9]{4,20}$/, 'staffNo.format')
    .refine((v) => !/^1\d{10}$/.test(v) && !/^\d{17}[\dXx]$/.test(v) && !/^\d{15}$/.test(v), 'staffNo.likeCitizenId');

const optionalCode = (max = 40) =>
  z.preprocess((v) => (v === '' ? undefined : v), listCode(max).optional());

const staffFields = {
  realName: text(50),
  role: choice(['clerk', 'manager', 'admin'] as const),
  officeCode: optionalCode(),
  orgUnitCode: optionalCode(),
  skills: checked(choice(DEPARTMENTS)),
  managerScope: z.preprocess((v) => (v === '' ? undefined : v), choice(['office', 'city', 'province'] as const).optional()),
};

export const staffCreateSchema = z.object({ staffNo: staffNumber(), ...staffFields });
export type StaffCreateInput = z.infer<typeof staffCreateSchema>;

export const staffUpdateSchema = z.object(staffFields);
export type StaffUpdateInput = z.infer<typeof staffUpdateSchema>;

/** A comma- or space-separated list, each entry matching `item`. */
const list = (item: RegExp, message: string, max = 50) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.split(/[\s,，、]+/).filter(Boolean) : v === undefined ? [] : v),
    // A file or other non-text value where the list belongs gets the list's own message.
    z.array(z.string({ invalid_type_error: message }).regex(item, message), { invalid_type_error: message }).max(max, 'tooLong'),
  );

const officeFields = {
  nameZh: text(60),
  nameEn: text(120),
  address: optionalText(200),
  hours: optionalText(200),
  phone: z.string(required).trim().min(1, 'required').regex(/^[0-9-]{5,20}$/, 'phone.format'),
  orgUnitCode: listCode(40),
  departments: checked(choice(DEPARTMENTS)).refine((v) => v.length > 0, 'required'),
  /** GB/T 2260 prefixes: 2, 4 or 6 digits. */
  regionPrefixes: list(/^(\d{2}|\d{4}|\d{6})$/, 'regionPrefix.format'),
  /** A province's plate character, optionally with the issuing authority's letter (京, 沪A). */
  platePrefixes: list(/^[\u4e00-\u9fff][A-Z]?$/, 'platePrefix.format'),
  /** What the office's application numbers start with (numbers.ts); empty: the default 'GA'. Typed case is forgiven. */
  numberPrefix: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toUpperCase() || null : v === undefined ? null : v),
    z
      .string({ invalid_type_error: 'numberPrefix.format' })
      .regex(NUMBER_PREFIX, 'numberPrefix.format')
      .refine((v) => v !== DEFAULT_NUMBER_PREFIX, 'numberPrefix.reserved')
      .nullable(),
  ).optional(),
};

export const officeCreateSchema = z.object({ code: officeCode(), ...officeFields });
export type OfficeCreateInput = z.infer<typeof officeCreateSchema>;

export const officeUpdateSchema = z.object(officeFields);
export type OfficeUpdateInput = z.infer<typeof officeUpdateSchema>;

export const officeCloseSchema = z.object({ transferTo: officeCode() });

export const activationStartSchema = z
  .object({
    staffNo: staffNumber(),
    code: z.string(required).trim().min(1, 'required').max(40, 'activation.format'),
    password: password(),
    confirmPassword: z.string(required),
  })
  .refine((v) => v.password === v.confirmPassword, { message: 'password.mismatch', path: ['confirmPassword'] });

export const activationConfirmSchema = z.object({
  staffNo: staffNumber(),
  code: z.string(required).trim().min(1, 'required').max(40, 'activation.format'),
  totp: z.preprocess(
    (v) => (typeof v === 'string' ? v.replace(/\s+/g, '') : v),
    z.string(required).min(1, 'required').regex(/^\d{6}$/, 'totp.format'),
  ),
});

/**
 * An office's capacity for booked visits (docs/decisions/0033, 0039): its windows that take booked
 * visits × people per window and hour (the slot's figure is their product, at most 500, the
 * bound the product's message names) and how many working days ahead it books (1–60, the table's check).
 */
export const MAX_SEATS_PER_SLOT = 500;
const perWindow = () => int32({ min: 1, max: 100, message: 'capacity.perWindowRange' });
/** A product past 500 is the people field's error: that is the figure most likely mistyped. */
const productAtMost500 = (v: { windows: number; perWindow: number }, ctx: z.RefinementCtx) => {
  if (v.windows * v.perWindow > MAX_SEATS_PER_SLOT) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['perWindow'], message: 'capacity.productRange' });
};
export const appointmentCapacitySchema = z
  .object({
    windows: int32({ min: 1, max: 100, message: 'capacity.windowsRange' }),
    perWindow: perWindow(),
    daysAhead: int32({ min: 1, max: 60, message: 'capacity.daysRange' }),
  })
  .superRefine(productAtMost500);

/** A day's own figure: windows staffed that day (0: no booked visits that day) × people per window. */
export const dayCapacitySchema = z
  .object({
    day: z.string(required).regex(/^\d{4}-\d{2}-\d{2}$/, 'capacity.dayFormat').refine(isRealIsoDate, 'capacity.dayFormat'),
    windows: int32({ min: 0, max: 100, message: 'capacity.dayWindowsRange' }),
    perWindow: perWindow(),
  })
  .superRefine(productAtMost500);
export type DayCapacityInput = z.infer<typeof dayCapacitySchema>;

/** Removing a day's own figure: the day returns to the office's. */
export const removeDayCapacitySchema = z.object({
  day: z.string(required).regex(/^\d{4}-\d{2}-\d{2}$/, 'capacity.dayFormat').refine(isRealIsoDate, 'capacity.dayFormat'),
});
export type AppointmentCapacityInput = z.infer<typeof appointmentCapacitySchema>;

/**
 * A new org unit (decision 0040): its GB/T 2260 code — 2 digits for a province, 4 for a city, 6 for
 * a district, each starting with its parent's (the service checks the shape against the parent) —
 * its parent (blank: a province, which only the national administrator creates) and its names.
 */
export const orgUnitCreateSchema = z.object({
  code: z.string(required).trim().min(1, 'required').regex(/^(\d{2}|\d{4}|\d{6})$/, 'orgUnit.codeFormat'),
  parentCode: optionalCode(),
  nameZh: text(60),
  nameEn: text(120),
});
export type OrgUnitCreateInput = z.infer<typeof orgUnitCreateSchema>;
