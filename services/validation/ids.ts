/**
 * The shapes of the identifiers that travel in URLs and hidden fields, one check per kind. A
 * value of the wrong shape cannot name anything, so callers answer 404 (or ignore it) before any
 * query: it never reaches PostgreSQL, where a NUL, a non-UUID in a uuid column or an overlong
 * number would be an error (a 500) rather than "not found".
 */

/**
 * The office's prefix ('GA' by default; 2–6 upper-case letters and digits, a letter first and
 * last), the China day of receipt (8 digits), the sequence padded to at least 6 (numbers.ts).
 */
const APPLICATION_NUMBER = /^[A-Z][A-Z0-9]{0,4}[A-Z]\d{8}\d{6,19}$/;
/** RFC 4122 text form (any version): what a uuid column accepts and prints. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Catalog codes as the definitions spell them (e.g. 'temporary-id-card'). */
const SERVICE_CODE = /^[a-z][a-z0-9-]{0,63}$/;

export const isApplicationNumber = (v: unknown): v is string => typeof v === 'string' && APPLICATION_NUMBER.test(v);
export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);
export const isServiceCode = (v: unknown): v is string => typeof v === 'string' && SERVICE_CODE.test(v);
