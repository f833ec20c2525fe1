import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { documentCounters, type DocumentKind } from '../../db/schema/index.js';

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

/** e.g. BJ-DONGCHENG-2026-SL-000123: office, China year of issue, kind, serial of that year. */
export function formatDocumentNumber(officeCode: string, year: number, kind: DocumentKind, serial: number): string {
  return `${officeCode.toUpperCase()}-${year}-${KIND_CODES[kind]}-${String(serial).padStart(6, '0')}`;
}

/**
 * The next number of an office's year for a kind, inside the issuing transaction. One upsert on
 * the counter row: it stays locked until the transaction ends, so two issuers of the same office,
 * year and kind queue behind each other (on PostgreSQL and PGlite alike) and never draw the same
 * serial; a rolled-back issue gives its serial back, so a year's serials have no gaps.
 */
export async function nextDocumentNumber(tx: Db, officeCode: string, year: number, kind: DocumentKind): Promise<string> {
  const [row] = await tx
    .insert(documentCounters)
    .values({ officeCode, year, kind, last: 1 })
    .onConflictDoUpdate({
      target: [documentCounters.officeCode, documentCounters.year, documentCounters.kind],
      set: { last: sql`document_counters.last + 1` },
    })
    .returning({ last: documentCounters.last });
  return formatDocumentNumber(officeCode, year, kind, row.last);
}
