import { z } from 'zod';
import type { IntegrationsConfig } from './config.js';
import { callJson } from './http.js';

/**
 * The national e-licence system (全国一体化政务服务平台电子证照库): where the licences the portal
 * issues are registered, so other agencies and the citizen's e-licence wallet can use them
 * (decision 0034). The portal hands over each completion document: what was issued, to whom,
 * by which office, and the signed PDF's hash and verify URL. The Idempotency-Key (the document's
 * id) makes a repeated hand-over a no-op. Called by the worker (services/documents/e-licence-push.ts),
 * never inside a decision's transaction.
 */
export const licenceAcceptedSchema = z.object({
  licenceId: z.string().min(1),
  /** True when this document had already been registered and nothing was added. */
  duplicate: z.boolean().default(false),
});
export type LicenceAccepted = z.infer<typeof licenceAcceptedSchema>;

export type LicenceRecord = {
  documentId: string;
  documentNumber: string;
  /** The certificate or document number the office issued (办结 facts). */
  certificateNumber: string | null;
  serviceCode: string;
  officeCode: string;
  issueDate: string;
  holderName: string;
  holderIdNumber: string | null;
  /** SHA-256 of the signed PDF and where anyone can verify it. */
  pdfSha256: string;
  verifyUrl: string;
};

export async function registerLicence(cfg: IntegrationsConfig, record: LicenceRecord): Promise<LicenceAccepted> {
  const out = await callJson(
    'eLicence',
    cfg.eLicence,
    { method: 'POST', path: '/v1/licences', headers: { 'idempotency-key': record.documentId }, body: record, idempotent: true },
    licenceAcceptedSchema,
  );
  return out!;
}
