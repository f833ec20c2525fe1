import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { decisionDocuments, documentSeals } from '../../db/schema/index.js';
import { eLicencePushOf, pushCompletionsToELicence } from '../../services/documents/e-licence-push.js';
import { claimNext } from '../../services/queue/claim.js';
import { acceptApplication, completeApplication } from '../../services/review/decisions.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { eLicenceLog, eLicenceRoutes } from '../mocks/e-licence.js';
import { mockServer } from '../mocks/node.js';
import { failures } from '../mocks/scenarios.js';
import { createTestDb } from '../setup/test-db.js';
import { createSubmittedApplication } from '../support/applications.js';
import { actorOf, createStaff, fixedClock, testConfig, testContext } from '../support/factories.js';
import { fastIntegrations } from '../support/integrations.js';

/** Completion documents reach the national e-licence system from the worker, once each (decision 0034). */
let h: DbHandle;
const clock = fixedClock();
const config = testConfig({ integrations: fastIntegrations(), publicUrl: 'https://portal.example.gov.cn' });
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());
afterEach(() => mockServer.resetHandlers());

async function complete() {
  const sub = await createSubmittedApplication(h.db, { clock, config });
  const ctx = testContext(h.db, actorOf(await createStaff(h.db)), clock, config);
  const { leaseVersion } = (await claimNext(ctx))!;
  for (const materialCode of ['hukouBook', 'idCollectionReceipt', 'photo']) await recordVerdict(ctx, sub.number, { leaseVersion, materialCode, verdict: 'ok' });
  await acceptApplication(ctx, sub.number, { leaseVersion });
  await completeApplication(ctx, sub.number, { leaseVersion, documentNumber: 'L110101202611230009', delivery: 'pickup' });
  const [doc] = await h.db
    .select()
    .from(decisionDocuments)
    .where(and(eq(decisionDocuments.applicationId, sub.applicationId), eq(decisionDocuments.kind, 'completion')));
  return doc;
}

describe('the hand-over to the e-licence system', () => {
  it('the decision issues nothing to it; the worker seals the completion and registers it once', async () => {
    const job = { db: h.db, clock, config };
    await pushCompletionsToELicence(job); // whatever earlier tests left
    eLicenceLog.reset();
    const doc = await complete();
    // The decision's transaction called nothing: no request until the worker runs.
    expect(eLicenceLog.requests).toBe(0);
    expect(await eLicencePushOf(h, doc.id)).toBeNull();
    await pushCompletionsToELicence(job);
    const push = await eLicencePushOf(h, doc.id);
    expect(push).toMatchObject({ status: 'sent', attempts: 1, licenceId: `EL-${doc.id.slice(0, 8)}` });
    const [seal] = await h.db.select().from(documentSeals).where(eq(documentSeals.sourceId, doc.id));
    expect(eLicenceLog.registered.get(doc.id)).toMatchObject({
      documentNumber: doc.number,
      certificateNumber: 'L110101202611230009',
      officeCode: 'bj-dongcheng',
      pdfSha256: seal.sha256,
      verifyUrl: `https://portal.example.gov.cn/verify/${seal.token}`,
    });
    // Nothing more to do on the next round.
    await pushCompletionsToELicence(job);
    expect(eLicenceLog.requests).toBe(1);
  });

  it('an outage is retried later; a refusal is final', async () => {
    const job = { db: h.db, clock, config };
    await pushCompletionsToELicence(job);
    const doc = await complete();
    mockServer.use(failures.serverError(eLicenceRoutes.register));
    await pushCompletionsToELicence(job);
    expect(await eLicencePushOf(h, doc.id)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'unavailable' });
    // Not due again before its backoff.
    await pushCompletionsToELicence(job);
    expect((await eLicencePushOf(h, doc.id))?.attempts).toBe(1);
    mockServer.resetHandlers();
    clock.advance(60_000);
    await pushCompletionsToELicence(job);
    expect(await eLicencePushOf(h, doc.id)).toMatchObject({ status: 'sent', attempts: 2 });

    const refused = await complete();
    mockServer.use(failures.notFound(eLicenceRoutes.register));
    await pushCompletionsToELicence(job);
    expect(await eLicencePushOf(h, refused.id)).toMatchObject({ status: 'failed', lastError: 'rejected' });
  });
});
