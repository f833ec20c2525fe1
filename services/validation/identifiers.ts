/**
 * Checks for the identifiers citizens type in. Pure functions, shared by the zod schemas
 * (server and browser) and by sign-up. Each returns null when valid, or an error code that is
 * an i18n key under `validation:`.
 */

/** GB/T 2260 province-level codes: the first two digits of a resident ID. */
const PROVINCE_CODES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
]);

/**
 * Codes whose numbers carry no city/county part: Taiwan (71) and the residence permits of Hong
 * Kong, Macao and Taiwan residents (810000, 820000, 830000), which follow GB 11643 as well.
 */
const WHOLE_REGION_CODES = new Set(['71', '81', '82', '83']);

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** Upper-cases the check character and trims; does not validate. */
export function normalizeIdNumber(raw: string): string {
  return raw.trim().toUpperCase();
}

export function idCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

/** GB 11643-1999: region code, a real birth date not after `today`, MOD 11-2 check character. */
export function checkIdNumber(raw: string, today: string): string | null {
  const id = normalizeIdNumber(raw);
  if (!/^\d{17}[\dX]$/.test(id)) return 'idNumber.format';
  if (!PROVINCE_CODES.has(id.slice(0, 2)) || (id.slice(2, 6) === '0000' && !WHOLE_REGION_CODES.has(id.slice(0, 2)))) {
    return 'idNumber.region';
  }
  const birth = birthDateFromId(id);
  if (!birth) return 'idNumber.birthDate';
  if (birth > today) return 'idNumber.birthInFuture';
  if (idCheckCharacter(id.slice(0, 17)) !== id[17]) return 'idNumber.checksum';
  return null;
}

/** 'YYYY-MM-DD' from a resident ID, or null when the eight digits are not a real date. */
export function birthDateFromId(id: string): string | null {
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  if (y < 1900) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/** Whole years between a birth date and `today` (both 'YYYY-MM-DD'). */
export function ageOn(birth: string, today: string): number {
  const years = Number(today.slice(0, 4)) - Number(birth.slice(0, 4));
  return today.slice(5) >= birth.slice(5) ? years : years - 1;
}

/** Strips +86 / 0086, spaces and dashes. */
export function normalizeMobile(raw: string): string {
  return raw.replace(/[\s-]/g, '').replace(/^(\+86|0086)/, '');
}

export function checkMobile(raw: string): string | null {
  return /^1[3-9]\d{9}$/.test(normalizeMobile(raw)) ? null : 'mobile.format';
}

const PLATE_PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
// Letters I and O are never used in plate serials, to avoid confusion with 1 and 0.
const SERIAL = '[A-HJ-NP-Z0-9]';
const ORDINARY_PLATE = new RegExp(`^[${PLATE_PROVINCES}][A-HJ-NP-Z]${SERIAL}{5}$`);
// New-energy plates (GA 36-2018): small cars take a type letter then one serial character and
// four digits; large vehicles five digits then D/F. D/F were the only type letters at first; since
// the 2022 extension pure-electric small cars also get A/B/C/E and other new-energy cars G/H/J/K.
const NEW_ENERGY_PLATE = new RegExp(`^[${PLATE_PROVINCES}][A-HJ-NP-Z](?:[A-HJK]${SERIAL}\\d{4}|\\d{5}[DF])$`);

export function normalizePlate(raw: string): string {
  return raw.replace(/[\s·•.-]/g, '').toUpperCase();
}

export function checkPlate(raw: string): string | null {
  const plate = normalizePlate(raw);
  return ORDINARY_PLATE.test(plate) || NEW_ENERGY_PLATE.test(plate) ? null : 'plate.format';
}

export function isNewEnergyPlate(raw: string): boolean {
  return NEW_ENERGY_PLATE.test(normalizePlate(raw));
}

/** Ordinary e-passport: E + 8 digits, or E + a letter (not I/O) + 7 digits. */
export function checkPassportNumber(raw: string): string | null {
  return /^E(?:\d{8}|[A-HJ-NP-Z]\d{7})$/.test(raw.trim().toUpperCase()) ? null : 'passportNumber.format';
}

/** Exit-entry permit for HK/Macao: C + 8 digits, or C + a letter (not I/O) + 7 digits. */
export function checkHkMacaoPermitNumber(raw: string): string | null {
  return /^C(?:\d{8}|[A-HJ-NP-Z]\d{7})$/.test(raw.trim().toUpperCase()) ? null : 'hkMacaoPermitNumber.format';
}

/** Masks all but the first and last characters group, for lists, exports and logs. */
export function maskIdNumber(id: string | null | undefined): string {
  if (!id) return '';
  return id.length <= 8 ? '*'.repeat(id.length) : `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}`;
}

export function maskName(name: string | null | undefined): string {
  if (!name) return '';
  const chars = [...name];
  if (chars.length === 1) return '*';
  if (/^[\u4e00-\u9fff·]+$/.test(name)) return chars[0] + '*'.repeat(chars.length - 1);
  // Latin names: keep the first letter of each word.
  return name
    .split(/\s+/)
    .map((w) => [...w])
    .map((w) => (w.length ? w[0] + '*'.repeat(Math.max(1, w.length - 1)) : ''))
    .join(' ');
}

export function maskMobile(mobile: string | null | undefined): string {
  if (!mobile) return '';
  return mobile.length === 11 ? `${mobile.slice(0, 3)}****${mobile.slice(7)}` : '*'.repeat(mobile.length);
}
