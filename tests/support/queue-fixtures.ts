import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { applicationFiles, applications, queueItems, type users } from '../../db/schema/index.js';
import { formatApplicationNumber } from '../../services/applications/numbers.js';
import { getService } from '../../services/catalog/index.js';
import { createCitizen } from './factories.js';

/**
 * A submitted application with its queue item and file rows, inserted directly with chosen
 * deadlines: for queue-ordering and concurrency tests that need many items of several
 * departments at precise dates. Review tests use createSubmittedApplication (tests/support/
 * applications.ts), which goes through the real submit service and stores real files.
 */
export async function insertQueuedApplication(
  db: Db,
  opts: {
    citizen?: typeof users.$inferSelect;
    serviceCode?: string;
    answers?: Record<string, unknown>;
    officeCode?: string;
    receivedAt?: string;
    completenessDeadline?: string;
    dueDate?: string;
    frontOfQueue?: number;
  } = {},
) {
  const serviceCode = opts.serviceCode ?? 'temporary-id-card';
  const def = getService(serviceCode);
  const citizen = opts.citizen ?? (await createCitizen(db));
  const receivedAt = new Date(opts.receivedAt ?? '2026-11-23T01:00:00.000Z');
  const completenessDeadline = opts.completenessDeadline ?? '2026-11-30';
  const dueDate = opts.dueDate ?? '2026-11-24';
  const officeCode = opts.officeCode ?? 'bj-dongcheng';
  const id = randomUUID();
  const res = await db.execute(sql`select nextval('application_number_seq')::text as seq`);
  const seq = (res as unknown as { rows: { seq: string }[] }).rows[0].seq;
  const number = formatApplicationNumber('2026-11-23', seq);
  const [app] = await db
    .insert(applications)
    .values({
      id,
      number,
      applicantId: citizen.id,
      serviceCode,
      department: def.department,
      status: 'submitted',
      answers: opts.answers ?? { hukouRegion: '110101', reason: 'applying', delivery: 'pickup' },
      officeCode,
      submittedAt: receivedAt,
      completenessDeadline,
      dueDate,
      createdAt: receivedAt,
      updatedAt: receivedAt,
    })
    .returning();
  await db.insert(queueItems).values({
    applicationId: id,
    officeCode,
    department: def.department,
    serviceCode,
    receivedAt,
    completenessDeadline,
    dueDate,
    frontOfQueue: opts.frontOfQueue ?? 0,
  });
  for (const m of def.materials) {
    await db.insert(applicationFiles).values({
      applicationId: id,
      materialCode: m.code,
      storageKey: randomUUID(),
      originalName: `${m.code}.pdf`,
      mimeType: 'application/pdf',
      sizeBytes: 2048,
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      uploadedAt: receivedAt,
    });
  }
  return { app, number, citizen };
}
