import { sql } from 'drizzle-orm';
import type { DocumentKind } from '../../db/schema/index.js';

/** The letters of each kind in a document number (pinyin initials: 受理, 视为受理, 不予受理, …). */
export const KIND_CODES: Record<DocumentKind, string> = {
  acceptance: 'SL',
  deemedAcceptance: 'SSL',
  nonAcceptance: 'BSL',
  completion: 'BJ',
  refusal: 'BYXK',
  withdrawal: 'CH',
  deemedWithdrawal: 'SCH',
  electronicResult: 'DZJG',
};

/** e.g. BJ-DONGCHENG-2026-SL-000123: office, China year of issue, kind, serial (nextDocumentSerial). */
export function formatDocumentNumber(officeCode: string, year: number, kind: DocumentKind, serial: number | string): string {
  return `${officeCode.toUpperCase()}-${year}-${KIND_CODES[kind]}-${String(serial).padStart(6, '0')}`;
}

/**
 * The next serial of a document number, as a column of the statement that reads the application
 * being decided, so numbering costs no round trip of its own. One sequence for every office, year
 * and kind (decision 0043): it locks nothing, so decisions never queue behind each other for a
 * number, and numbers stay unique because the serial is; a rollback leaves its serial unused.
 */
export const nextDocumentSerial = sql<string>`nextval('document_number_seq')::text`;
