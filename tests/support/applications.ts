import { randomInt, randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.js';
import type { users } from '../../db/schema/index.js';
import { submitApplication } from '../../services/applications/submit.js';
import type { RawAnswers } from '../../services/applications/apply-input.js';
import { getService, type FileKind } from '../../services/catalog/index.js';
import type { Clock, Config } from '../../services/context.js';
import { actorOf, createCitizen, fixedClock, makeIdNumber, testConfig, testContext } from './factories.js';
import { files } from './requests.js';

/**
 * A citizen whose ID number is unlikely to collide with others in the same database:
 * makeIdNumber's default varies only a 3-digit sequence, so dozens of citizens per file clash.
 */
export async function createApplicant(db: Db, overrides: Partial<typeof users.$inferInsert> = {}) {
  const day = randomInt(0, 365 * 40);
  const birth = new Date(Date.UTC(1960, 0, 1) + day * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  return createCitizen(db, { idNumber: makeIdNumber('110101', birth), ...overrides });
}

/** Answers that pass each known definition's schema; other services must pass `answers`. */
export const VALID_ANSWERS: Record<string, RawAnswers> = {
  'temporary-id-card': { hukouRegion: '110101', reason: 'applying', delivery: 'pickup' },
};

/** Bytes of a small valid file of a kind the material accepts. */
export async function sampleFileBytes(accept: readonly FileKind[] = ['pdf']): Promise<Uint8Array> {
  const f = accept.includes('pdf') ? files.pdf() : accept.includes('png') ? files.png() : files.jpeg();
  return new Uint8Array(await f.arrayBuffer());
}

/**
 * A submitted application created through the real submit service (so it has a number, an
 * office, deadlines, a queue item, an audit row and a receipt message), with a file for every
 * material of the checklist.
 */
export async function createSubmittedApplication(
  db: Db,
  opts: {
    citizen?: typeof users.$inferSelect;
    serviceCode?: string;
    answers?: RawAnswers;
    clock?: Clock;
    config?: Config;
  } = {},
) {
  const serviceCode = opts.serviceCode ?? 'temporary-id-card';
  const def = getService(serviceCode);
  const answers = opts.answers ?? VALID_ANSWERS[serviceCode];
  if (!answers) throw new Error(`createSubmittedApplication: pass answers for ${serviceCode}`);
  const citizen = opts.citizen ?? (await createApplicant(db));
  const ctx = testContext(db, actorOf(citizen), opts.clock ?? fixedClock(), opts.config ?? testConfig());
  const attached = await Promise.all(
    def.materials.map(async (m) => ({ materialCode: m.code, originalName: `${m.code}.bin`, bytes: await sampleFileBytes(m.accept) })),
  );
  const result = await submitApplication(ctx, { applicationId: randomUUID(), serviceCode, rawAnswers: answers, files: attached });
  return { ...result, citizen, ctx };
}
