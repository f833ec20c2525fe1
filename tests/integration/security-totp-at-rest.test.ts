import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { totpCredentials, users } from '../../db/schema/index.js';
import { seedDemo } from '../../db/seed.js';
import { DEMO_PASSWORD, DEMO_TOTP_SECRETS } from '../../db/seed-data.js';
import { action as loginAction } from '../../app/routes/login.js';
import { action as totpAction } from '../../app/routes/login_.totp.js';
import { newKeyRingSpec, parseKeyRing, SecretBoxError, type KeyRing } from '../../services/auth/secret-box.js';
import { checkTotp, currentTotpCode, enrollTotp, newTotpSecret, resealTotpSecrets, totpCodeAt, totpStep } from '../../services/auth/totp.js';
import { appContext, createStaff, fixedClock, TEST_PASSWORD, testConfig } from '../support/factories.js';
import { post, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const specA = newKeyRingSpec('2026-a');
const specB = newKeyRingSpec('2026-b');
const ringA = parseKeyRing(specA);
/** Rotation: B seals from now on, A still opens what it sealed. */
const ringBA = parseKeyRing(`${specB},${specA}`);
const ringB = parseKeyRing(specB);
/** The same key id as A with other key bytes: a wrong key. */
const ringWrongA = parseKeyRing(newKeyRingSpec('2026-a'));

const rowOf = async (userId: string) => (await h.db.select().from(totpCredentials).where(eq(totpCredentials.userId, userId)))[0];

/** A staff member enrolled under `keys`, with a clock whose every code is fresh. */
async function enrolled(keys: KeyRing) {
  const staff = await createStaff(h.db);
  const secret = await newTotpSecret();
  await enrollTotp(h.db, keys, staff.id, secret);
  return { staff, secret };
}

/** Password, then code, through the routes, with the server's key ring; the final status. */
async function signIn(staffNo: string, secret: string, keys: KeyRing, clock = fixedClock(), on: DbHandle = h, password = TEST_PASSWORD) {
  const ctx = appContext(on.db, clock, testConfig({ dataKeys: keys }));
  const login = await run(loginAction, post('/login', { identifier: staffNo, password }), ctx);
  expect(login.status).toBe(302);
  const pending = login.headers.getSetCookie().find((c) => c.startsWith('__pending_login='))!.split(';')[0];
  const res = await run(totpAction, post('/login/totp', { code: currentTotpCode(secret, clock) }, { cookie: pending }), ctx);
  return res.status;
}

describe('TOTP secrets at rest', () => {
  it('stores no clear secret at enrolment: the column holds AES-GCM output under the current key id, and the code still works', async () => {
    const { staff, secret } = await enrolled(ringA);
    const row = await rowOf(staff.id);
    expect(row.keyId).toBe('2026-a');
    expect(row.secret).not.toContain(secret);
    expect(row.secret.toUpperCase()).not.toContain(secret.toUpperCase());
    // 12-byte IV + the 16 base32 characters + 16-byte tag, base64url.
    expect(Buffer.from(row.secret, 'base64url').length).toBe(12 + secret.length + 16);
    expect(await signIn(staff.staffNo!, secret, ringA)).toBe(302);
  });

  it('seals the demo staff’s secrets when seeding: no row holds a demo secret', async () => {
    // The demo is seeded only into an empty users table: a database of its own.
    const fresh = await createTestDb();
    try {
      await seedDemo(fresh.db, ringA);
      const demo = await fresh.db
        .select({ staffNo: users.staffNo, secret: totpCredentials.secret, keyId: totpCredentials.keyId })
        .from(totpCredentials)
        .innerJoin(users, eq(users.id, totpCredentials.userId))
        .where(inArray(users.staffNo, Object.keys(DEMO_TOTP_SECRETS)));
      expect(demo).toHaveLength(Object.keys(DEMO_TOTP_SECRETS).length);
      for (const row of demo) {
        expect(row.keyId).toBe('2026-a');
        for (const s of Object.values(DEMO_TOTP_SECRETS)) expect(row.secret).not.toContain(s);
      }
      // The demo clerk of the README and the browser story still signs in with `npm run totp`'s code.
      expect(await signIn('010001', DEMO_TOTP_SECRETS['010001'], ringA, fixedClock(), fresh, DEMO_PASSWORD)).toBe(302);
    } finally {
      await fresh.close();
    }
  });

  it('opens a secret sealed under an older key after rotation, and reseals it under the new one', async () => {
    const { staff, secret } = await enrolled(ringA);
    const clock = fixedClock();
    // The new ring lists the old key after the new one: the row still opens before any reseal.
    expect(await signIn(staff.staffNo!, secret, ringBA, clock)).toBe(302);

    const before = await rowOf(staff.id);
    const { sealed } = await resealTotpSecrets(h.db, ringBA);
    expect(sealed).toBeGreaterThanOrEqual(1);
    const after = await rowOf(staff.id);
    expect(after.keyId).toBe('2026-b');
    expect(after.secret).not.toBe(before.secret);
    expect(after.lastUsedStep).toBe(before.lastUsedStep);

    // Now the old key can be dropped: the new one alone opens it.
    clock.advance(30_000);
    expect(await signIn(staff.staffNo!, secret, ringB, clock)).toBe(302);
    expect(await resealTotpSecrets(h.db, ringB)).toEqual({ sealed: 0 });
  });

  it('refuses to open a secret with a wrong key or a ring without its key, and startup says which key', async () => {
    const { staff, secret } = await enrolled(ringA);
    const code = totpCodeAt(secret, totpStep(fixedClock().now()));
    await expect(checkTotp(h.db, ringWrongA, fixedClock(), staff.id, code)).rejects.toBeInstanceOf(SecretBoxError);
    await expect(checkTotp(h.db, ringB, fixedClock(), staff.id, code)).rejects.toThrow(/"2026-a" is not among the configured keys/);
    const before = await rowOf(staff.id);
    // A ring without the row's key, and one with other key bytes under the row's (current) key id.
    for (const ring of [ringB, ringWrongA]) {
      const refusal = (await resealTotpSecrets(h.db, ring).catch((e: unknown) => e)) as Error;
      expect(refusal.message).toMatch(/under key "2026-a".*DATA_ENCRYPTION_KEYS/);
      expect(refusal.message).not.toContain(secret);
      expect(refusal.message).not.toContain(specA.split(':')[1]);
    }
    // Nothing was rewritten, and the right key still opens it.
    expect(await rowOf(staff.id)).toEqual(before);
    expect(await checkTotp(h.db, ringA, fixedClock(), staff.id, code)).toBe('ok');
  });

  it('does not open a sealed secret copied onto another staff member’s row', async () => {
    const victim = await enrolled(ringA);
    const other = await enrolled(ringA);
    const stolen = await rowOf(victim.staff.id);
    await h.db.update(totpCredentials).set({ secret: stolen.secret, keyId: stolen.keyId }).where(eq(totpCredentials.userId, other.staff.id));
    const code = totpCodeAt(victim.secret, totpStep(fixedClock().now()));
    await expect(checkTotp(h.db, ringA, fixedClock(), other.staff.id, code)).rejects.toBeInstanceOf(SecretBoxError);
  });

  it('keeps clear rows of an existing database working, then seals them all at startup, once, even with two processes at once', async () => {
    // Startup reseals the whole table: start from only the rows this test writes.
    await h.db.delete(totpCredentials);
    // Rows as the previous version wrote them: the secret itself, no key id.
    const legacy = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const staff = await createStaff(h.db);
        const secret = await newTotpSecret();
        await h.db.insert(totpCredentials).values({ userId: staff.id, secret });
        return { staff, secret };
      }),
    );
    const clock = fixedClock();
    expect(await signIn(legacy[0].staff.staffNo!, legacy[0].secret, ringA, clock)).toBe(302);

    const [one, two] = await Promise.all([resealTotpSecrets(h.db, ringA), resealTotpSecrets(h.db, ringA)]);
    // Each row sealed exactly once between the two.
    expect(one.sealed + two.sealed).toBe(legacy.length);
    clock.advance(30_000);
    for (const { staff, secret } of legacy) {
      const row = await rowOf(staff.id);
      expect(row.keyId).toBe('2026-a');
      expect(row.secret).not.toContain(secret);
      expect(await signIn(staff.staffNo!, secret, ringA, clock)).toBe(302);
    }
    expect(await resealTotpSecrets(h.db, ringA)).toEqual({ sealed: 0 });
  });
});
