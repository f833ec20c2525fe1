import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications, auditEvents, messages, queueItems } from '../../db/schema/index.js';
import { saveDraft } from '../../services/applications/drafts.js';
import { applicationNumberPrefix, formatApplicationNumber, nextApplicationNumberSql } from '../../services/applications/numbers.js';
import { getApplyForm } from '../../services/applications/form-view.js';
import { getMyApplication, listMyApplications, timelineOf } from '../../services/applications/read.js';
import { submitApplication } from '../../services/applications/submit.js';
import { getService } from '../../services/catalog/index.js';
import { isDomainError, type DomainError } from '../../services/errors.js';
import { createApplicant, createSubmittedApplication, sampleFileBytes, VALID_ANSWERS } from '../support/applications.js';
import { actorOf, createStaff, fixedClock, testConfig, testContext } from '../support/factories.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

async function failure(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (isDomainError(e)) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

const allFiles = async () =>
  Promise.all(
    getService('temporary-id-card').materials.map(async (m) => ({ materialCode: m.code, originalName: `${m.code}.bin`, bytes: await sampleFileBytes(m.accept) })),
  );

describe('submitApplication (service)', () => {
  it('submits once when the same form is posted twice at the same time', async () => {
    const citizen = await createApplicant(h.db);
    const ctx = testContext(h.db, actorOf(citizen));
    const input = { applicationId: randomUUID(), serviceCode: 'temporary-id-card', rawAnswers: VALID_ANSWERS['temporary-id-card'], files: await allFiles() };
    const [a, b] = await Promise.all([submitApplication(ctx, input), submitApplication(ctx, input)]);
    expect(a.number).toMatch(/^GA20261123\d{6}$/);
    expect(b.number).toBe(a.number);
    const again = await submitApplication(ctx, input);
    expect(again.number).toBe(a.number);
    expect(await h.db.select().from(queueItems).where(eq(queueItems.applicationId, input.applicationId))).toHaveLength(1);
    expect(await h.db.select().from(messages).where(eq(messages.applicationId, input.applicationId))).toHaveLength(1);
    const audits = await h.db.select().from(auditEvents).where(eq(auditEvents.applicationId, input.applicationId));
    expect(audits.map((x) => x.action)).toEqual(['application.submitted']);
  });

  it('refuses a draft id that belongs to someone else with 404', async () => {
    const owner = await createApplicant(h.db);
    const other = await createApplicant(h.db);
    const applicationId = randomUUID();
    await saveDraft(testContext(h.db, actorOf(owner)), { applicationId, serviceCode: 'temporary-id-card', rawAnswers: { reason: 'applying' }, files: [] });
    const e = await failure(
      saveDraft(testContext(h.db, actorOf(other)), { applicationId, serviceCode: 'temporary-id-card', rawAnswers: { reason: 'renewing' }, files: [] }),
    );
    expect(e.status).toBe(404);
    const [row] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
    expect(row.answers).toEqual({ reason: 'applying' });
  });

  it('refuses to change a submitted application as a draft (409)', async () => {
    const { applicationId, ctx } = await createSubmittedApplication(h.db);
    const e = await failure(saveDraft(ctx, { applicationId, serviceCode: 'temporary-id-card', rawAnswers: {}, files: [] }));
    expect(e.status).toBe(409);
    expect(e.code).toBe('application.notDraft');
  });

  it('refuses staff as applicants', async () => {
    const clerk = await createStaff(h.db);
    const e = await failure(getApplyForm(testContext(h.db, actorOf(clerk)), 'temporary-id-card'));
    expect(e.status).toBe(403);
  });

  it('lists only the citizen’s own applications and builds the timeline from the audit trail', async () => {
    const { number, applicationId, ctx, citizen } = await createSubmittedApplication(h.db);
    await createSubmittedApplication(h.db);
    const mine = await listMyApplications(ctx);
    expect(mine.map((a) => a.number)).toEqual([number]);
    const detail = await getMyApplication(ctx, number);
    expect(detail.officeCode).toBe('bj-dongcheng');
    expect(detail.fees).toEqual([{ key: 'card', amount: 10 }]);
    const timeline = await timelineOf(testContext(h.db, actorOf(citizen)), applicationId);
    expect(timeline).toEqual([expect.objectContaining({ action: 'application.submitted', toStatus: 'submitted', officeCode: 'bj-dongcheng' })]);
    const stranger = testContext(h.db, actorOf(await createApplicant(h.db)));
    expect((await failure(getMyApplication(stranger, number))).status).toBe(404);
    expect((await failure(timelineOf(stranger, applicationId))).status).toBe(404);
  });

  it('lets a clerk of the handling office read the timeline, not a clerk elsewhere', async () => {
    const { applicationId } = await createSubmittedApplication(h.db);
    const here = await createStaff(h.db, { officeCode: 'bj-dongcheng', skills: ['hukou'] });
    const there = await createStaff(h.db, { officeCode: 'sh-huangpu' });
    expect(await timelineOf(testContext(h.db, actorOf(here)), applicationId)).toHaveLength(1);
    expect((await failure(timelineOf(testContext(h.db, actorOf(there)), applicationId))).status).toBe(404);
  });

  it('writes no blobs when the request is refused, and numbers submissions on the China date', async () => {
    const citizen = await createApplicant(h.db);
    // 2026-11-23 17:30 UTC is already 24 November in China.
    const ctx = testContext(h.db, actorOf(citizen), fixedClock('2026-11-23T17:30:00Z'), testConfig());
    const r = await submitApplication(ctx, {
      applicationId: randomUUID(),
      serviceCode: 'temporary-id-card',
      rawAnswers: VALID_ANSWERS['temporary-id-card'],
      files: await allFiles(),
    });
    expect(r.number.slice(0, 10)).toBe('GA20261124');
  });

  it('draws numbers in SQL exactly as formatApplicationNumber formats them, past six digits too', async () => {
    const drawn = async () =>
      ((await h.db.execute(sql`select ${nextApplicationNumberSql(applicationNumberPrefix('2026-11-23'))} as n`)) as unknown as { rows: { n: string }[] }).rows[0].n;
    const [{ seq }] = ((await h.db.execute(sql`select nextval('application_number_seq')::text as seq`)) as unknown as { rows: { seq: string }[] }).rows;
    expect(await drawn()).toBe(formatApplicationNumber('2026-11-23', BigInt(seq) + 1n));
    await h.db.execute(sql`select setval('application_number_seq', 1234566)`);
    expect(await drawn()).toBe(formatApplicationNumber('2026-11-23', 1234567));
  });
});
