import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from './client.js';
import { applications, users } from './schema/index.js';
import { DEMO_USERS } from './seed-data.js';
import { submitApplication } from '../services/applications/submit.js';
import type { RawAnswers } from '../services/applications/apply-input.js';
import { getService } from '../services/catalog/index.js';
import { EXAMPLE_ADDRESS } from '../services/catalog/examples.js';
import { systemClock, type Clock, type Config } from '../services/context.js';

/** Smallest files whose bytes say what they are, as the upload checks require. */
const SAMPLE = {
  pdf: () => new Uint8Array(Buffer.concat([Buffer.from('%PDF-1.7\n%\xE2\xE3\xCF\xD3\n', 'latin1'), Buffer.alloc(1024, 0x20)])),
  jpeg: () => new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0]), Buffer.alloc(1024, 0x20)])),
};

const DEMO_FILINGS: { serviceCode: string; answers: RawAnswers }[] = [
  { serviceCode: 'temporary-id-card', answers: { hukouRegion: '110101', reason: 'applying', delivery: 'pickup' } },
  {
    serviceCode: 'household-certificate',
    answers: { kind: 'kinship', hukouRegion: '110101', purpose: '办理继承公证', filingAs: 'self' },
  },
  // By post, so the desk shows a postal address (张三's, as the demo citizen gave it).
  { serviceCode: 'temporary-id-card', answers: { hukouRegion: '110101', reason: 'replacing', delivery: 'mail', ...EXAMPLE_ADDRESS } },
];

/**
 * Files a few applications for the demo citizen through the real submit service, so the
 * Dongcheng desk has work on first start. Does nothing when the demo citizen is missing or
 * already has applications. Not called anywhere yet: the server's demo seeding may call it
 * after seedDemo(). Returns the application numbers it filed.
 */
export async function seedDemoApplications(db: Db, opts: { config: Config; clock?: Clock }): Promise<string[]> {
  const demo = DEMO_USERS.find((u) => u.key === 'citizen');
  const mobile = demo && 'mobile' in demo ? demo.mobile : undefined;
  if (!mobile) return [];
  const [citizen] = await db.select().from(users).where(eq(users.mobile, mobile)).limit(1);
  if (!citizen) return [];
  const [existing] = await db.select({ id: applications.id }).from(applications).where(eq(applications.applicantId, citizen.id)).limit(1);
  if (existing) return [];
  const ctx = {
    db,
    clock: opts.clock ?? systemClock,
    config: opts.config,
    actor: { kind: 'user' as const, id: citizen.id, role: 'citizen' as const, officeCode: null, skills: [], managerScope: null, cityCode: null, orgUnitCode: null },
  };
  const numbers: string[] = [];
  for (const filing of DEMO_FILINGS) {
    const def = getService(filing.serviceCode);
    const files = def.materials
      .filter((m) => m.required === 'always')
      .map((m) => {
        const kind = !m.accept || m.accept.includes('pdf') ? 'pdf' : 'jpeg';
        return { materialCode: m.code, originalName: `${m.code}.${kind === 'pdf' ? 'pdf' : 'jpg'}`, bytes: SAMPLE[kind]() };
      });
    const { number } = await submitApplication(ctx, { applicationId: randomUUID(), serviceCode: filing.serviceCode, rawAnswers: filing.answers, files });
    numbers.push(number);
  }
  return numbers;
}
