import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications, auditEvents } from '../../db/schema/index.js';
import { bookAppointment, markAppointment } from '../../services/appointments/appointments.js';
import { applicableMaterials, getService } from '../../services/catalog/index.js';
import { claimApplication } from '../../services/queue/claim.js';
import { visitsOf, type ReportFacts } from '../../services/reports/mapping.js';
import { acceptApplication, completeApplication } from '../../services/review/decisions.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { createTestDb } from '../setup/test-db.js';
import { createApplicant, createSubmittedApplication } from '../support/applications.js';
import { actorOf, createStaff, fixedClock, testConfig, testContext } from '../support/factories.js';

/**
 * The completion's audit row carries what happened on the way (decision 0038), read from the
 * application's own records in the completion's transaction: the appointment the clerk marked
 * kept, the item's step in person and fee, how the result goes.
 */
let h: DbHandle;
const config = testConfig();
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

async function passportCompleted(opts: { keep: boolean }) {
  const clock = fixedClock();
  const citizen = await createApplicant(h.db);
  const answers = { idNumber: citizen.idNumber!, officeCode: 'bj-dongcheng', applicationType: 'first', stateFunctionary: 'no', delivery: 'pickup' };
  const sub = await createSubmittedApplication(h.db, { citizen, serviceCode: 'passport', answers, clock, config });
  const clerk = testContext(h.db, actorOf(await createStaff(h.db, { officeCode: 'bj-dongcheng', skills: ['exit_entry'] })), clock, config);
  const { leaseVersion } = await claimApplication(clerk, sub.number);
  const [app] = await h.db.select().from(applications).where(eq(applications.id, sub.applicationId));
  for (const m of applicableMaterials(getService('passport'), app.answers, { today: '2026-11-23' })) {
    await recordVerdict(clerk, sub.number, { leaseVersion, materialCode: m.code, verdict: 'ok' });
  }
  await acceptApplication(clerk, sub.number, { leaseVersion });
  if (opts.keep) {
    const visit = await bookAppointment(sub.ctx, sub.number, { day: '2026-11-24', time: '10:00' });
    clock.set('2026-11-24T03:00:00.000Z');
    await markAppointment(clerk, { id: visit.id, outcome: 'kept' });
  }
  const again = await claimApplication(clerk, sub.number);
  await completeApplication(clerk, sub.number, { leaseVersion: again.leaseVersion, documentNumber: 'E12345678', delivery: 'pickup' });
  const [row] = await h.db
    .select({ facts: auditEvents.facts })
    .from(auditEvents)
    .where(and(eq(auditEvents.applicationId, sub.applicationId), eq(auditEvents.toStatus, 'completed')));
  return (row.facts as ReportFacts).visits!;
}

describe('the visits a completion records', () => {
  it('a passport: the photo appointment kept and the passport collected in person is two visits', async () => {
    const v = await passportCompleted({ keep: true });
    expect(v).toEqual({ kept: 1, onSiteStep: true, result: 'pickup', fee: true, paidOnline: false, suppliedOnSite: 0 });
    expect(visitsOf(v)).toBe(2);
  });

  it('with no appointment recorded the step in person still counts (a walk-in)', async () => {
    const v = await passportCompleted({ keep: false });
    expect(v).toMatchObject({ kept: 0, onSiteStep: true });
    expect(visitsOf(v)).toBe(2);
  });
});
