import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { auditEvents, messages, oneTimeCodes, sessions, users } from '../../db/schema/index.js';
import { authenticate, completeSignUp, startSignUp } from '../../services/auth/accounts.js';
import { CODE_MAX_WRONG, CODE_TTL_MS } from '../../services/auth/one-time-codes.js';
import { newKeyRingSpec, parseKeyRing } from '../../services/auth/secret-box.js';
import { completePasswordReset, startPasswordReset } from '../../services/auth/password-reset.js';
import { proveTracking, startTracking, trackedApplication, TRACK_GRANT_MS } from '../../services/applications/track.js';
import { CODE_CHECK_PER_IP, CODE_ISSUE_PER_IP, CODE_ISSUE_PER_TARGET, CODE_SMS_PER_RECIPIENT } from '../../services/security/rate-limit.js';
import { deliverDueMessages } from '../../services/notifications/worker.js';
import { gatewayLog } from '../mocks/gateways.js';
import { createTestDb } from '../setup/test-db.js';
import { createSubmittedApplication } from '../support/applications.js';
import { flowMessage, sentCode } from '../support/codes.js';
import { createCitizen, createStaff, fixedClock, makeIdNumber, makeMobile, testContext, TEST_PASSWORD } from '../support/factories.js';
import { fastConfig } from '../support/integrations.js';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const config = fastConfig();
const NEW_PASSWORD = 'a brand new passphrase';
let ipSeq = 0;
const freshIp = () => `198.51.100.${++ipSeq}`;

const ctx = (clock = fixedClock()) => testContext(h.db, { kind: 'anonymous' }, clock, config);
const person = () => ({ realName: '王小明', idNumber: makeIdNumber(), mobile: makeMobile(), password: 'a long enough password', confirmPassword: 'a long enough password' });
const wrongCodeFor = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('one-time codes', () => {
  it('are stored only as a keyed hash, and travel sealed: no row of the database holds the six digits', async () => {
    const input = person();
    const { token } = await startSignUp(ctx(), input, { ip: freshIp() });
    const code = (await sentCode(h.db, config.dataKeys, token))!;
    expect(code).toMatch(/^\d{6}$/);
    const msg = (await flowMessage(h.db, token))!;
    const [row] = await h.db.select().from(oneTimeCodes).where(eq(oneTimeCodes.id, (msg.params as { codeId: string }).codeId));
    expect(JSON.stringify(row)).not.toContain(code);
    expect(JSON.stringify(msg)).not.toContain(code);
    expect(row.codeHash).not.toBe(code);
    // The flow token is kept as its hash too.
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it('reach the phone through the outbox: the worker opens the code for the text only, the gateway gets no code in its parameters', async () => {
    gatewayLog.reset();
    const input = person();
    const { token } = await startSignUp(ctx(), input, { ip: freshIp(), locale: 'en' });
    const code = (await sentCode(h.db, config.dataKeys, token))!;
    const msg = (await flowMessage(h.db, token))!;
    await deliverDueMessages({ db: h.db, clock: fixedClock(), config });
    const sms = gatewayLog.delivered.find((d) => d.key === msg.idempotencyKey)!;
    expect(sms).toMatchObject({ channel: 'sms', to: input.mobile, template: 'signupCode', locale: 'en' });
    expect(sms.text).toContain(code);
    expect(sms.text).toMatch(/valid for 10 minutes/);
    expect(JSON.stringify(sms.params)).not.toContain(code);
    expect(sms.params).not.toHaveProperty('sealedCode');
  });

  it('a code sealed under a key the worker no longer holds is a dead letter, not a garbled SMS', async () => {
    const { token } = await startSignUp(ctx(), person(), { ip: freshIp() });
    const msg = (await flowMessage(h.db, token))!;
    const otherKeys = parseKeyRing(newKeyRingSpec('rotated'));
    await deliverDueMessages({ db: h.db, clock: fixedClock(), config: { ...config, dataKeys: otherKeys } });
    const [after] = await h.db.select().from(messages).where(eq(messages.id, msg.id));
    expect(after).toMatchObject({ status: 'dead', lastError: 'notifications.codeUnreadable' });
  });

  it('are not sent once they have expired (a gateway down past their life)', async () => {
    const clock = fixedClock();
    const { token } = await startSignUp(ctx(clock), person(), { ip: freshIp() });
    const msg = (await flowMessage(h.db, token))!;
    clock.advance(CODE_TTL_MS);
    await deliverDueMessages({ db: h.db, clock, config });
    const [after] = await h.db.select().from(messages).where(eq(messages.id, msg.id));
    expect(after).toMatchObject({ status: 'dead', lastError: 'notifications.codeExpired' });
  });

  it('are single-use: the same code a second time is refused and creates nothing more', async () => {
    const input = person();
    const { token } = await startSignUp(ctx(), input, { ip: freshIp() });
    const code = (await sentCode(h.db, config.dataKeys, token))!;
    await completeSignUp(ctx(), token, code);
    await expect(completeSignUp(ctx(), token, code)).rejects.toMatchObject({ code: 'code.expired', status: 400 });
    expect(await h.db.select().from(users).where(eq(users.mobile, input.mobile))).toHaveLength(1);
  });

  it(`expire after ${CODE_TTL_MS / 60_000} minutes`, async () => {
    const clock = fixedClock();
    const { token } = await startSignUp(ctx(clock), person(), { ip: freshIp() });
    const code = (await sentCode(h.db, config.dataKeys, token))!;
    clock.advance(CODE_TTL_MS);
    await expect(completeSignUp(ctx(clock), token, code)).rejects.toMatchObject({ code: 'code.expired' });
  });

  it(`die after ${CODE_MAX_WRONG} wrong tries, even for the right code afterwards`, async () => {
    const { token } = await startSignUp(ctx(), person(), { ip: freshIp() });
    const code = (await sentCode(h.db, config.dataKeys, token))!;
    for (let i = 1; i < CODE_MAX_WRONG; i++) {
      await expect(completeSignUp(ctx(), token, wrongCodeFor(code))).rejects.toMatchObject({ code: 'code.invalid', params: { left: CODE_MAX_WRONG - i } });
    }
    await expect(completeSignUp(ctx(), token, wrongCodeFor(code))).rejects.toMatchObject({ code: 'code.expired' });
    await expect(completeSignUp(ctx(), token, code)).rejects.toMatchObject({ code: 'code.expired' });
  });

  it('are bound to their purpose and flow: a sign-up code does not reset a password, nor open another flow', async () => {
    const a = await startSignUp(ctx(), person(), { ip: freshIp() });
    const b = await startSignUp(ctx(), person(), { ip: freshIp() });
    const codeA = (await sentCode(h.db, config.dataKeys, a.token))!;
    await expect(completeSignUp(ctx(), b.token, codeA)).rejects.toMatchObject({ status: 400 });
    await expect(completePasswordReset(ctx(), a.token, { code: codeA, password: NEW_PASSWORD })).rejects.toMatchObject({ code: 'code.expired' });
  });

  it(`are sent at most ${CODE_ISSUE_PER_TARGET.limit} times an hour to one target, whatever the address, and ${CODE_ISSUE_PER_IP.limit} times from one address`, async () => {
    const citizen = await createCitizen(h.db);
    for (let i = 0; i < CODE_ISSUE_PER_TARGET.limit; i++) await startPasswordReset(ctx(), citizen.mobile!, { ip: freshIp() });
    await expect(startPasswordReset(ctx(), citizen.mobile!, { ip: freshIp() })).rejects.toMatchObject({ code: 'code.tooMany', status: 429 });
    // An identifier with no account is counted the same way: the limit says nothing about accounts.
    const nobody = makeMobile();
    for (let i = 0; i < CODE_ISSUE_PER_TARGET.limit; i++) await startPasswordReset(ctx(), nobody, { ip: freshIp() });
    await expect(startPasswordReset(ctx(), nobody, { ip: freshIp() })).rejects.toMatchObject({ code: 'code.tooMany', status: 429 });

    const ip = freshIp();
    for (let i = 0; i < CODE_ISSUE_PER_IP.limit; i++) await startTracking(ctx(), `GA20261123${String(i).padStart(6, '0')}`, { ip });
    await expect(startTracking(ctx(), 'GA20261123999999', { ip })).rejects.toMatchObject({ code: 'code.tooMany', status: 429 });
  });

  it(`are checked at most ${CODE_CHECK_PER_IP.limit} times in ten minutes from one address, across flows`, async () => {
    const ip = freshIp();
    const tokens = await Promise.all(Array.from({ length: 7 }, () => startPasswordReset(ctx(), makeMobile(), { ip: freshIp() })));
    let refused = 0;
    for (let i = 0; i < CODE_CHECK_PER_IP.limit + 1; i++) {
      const { token } = tokens[i % tokens.length];
      try {
        await completePasswordReset(ctx(), token, { code: '123456', password: NEW_PASSWORD }, { ip });
      } catch (e) {
        // Too many codes ENTERED: its own message, not the one about requesting codes.
        if ((e as { status?: number }).status === 429) {
          expect(e).toMatchObject({ code: 'code.tooManyChecks' });
          refused++;
        }
      }
    }
    expect(refused).toBe(1);
  });

  it(`reach one person at most ${CODE_SMS_PER_RECIPIENT.limit} times an hour, however the mobile is written, by ID number too, and across every purpose`, async () => {
    const citizen = await createCitizen(h.db);
    const app = await createSubmittedApplication(h.db, { citizen, clock: fixedClock(), config });
    const m = citizen.mobile!;
    const toCitizen = async () => (await h.db.select({ id: messages.id }).from(messages).where(eq(messages.userId, citizen.id))).length;
    const before = await toCitizen();
    // One typed target under four spellings: the fifth spelling is the same target's sixth request.
    const spellings = [`+86${m}`, `${m.slice(0, 3)}-${m.slice(3, 7)}-${m.slice(7)}`, `0086 ${m}`, ` +86 ${m.slice(0, 3)} ${m.slice(3)}`, m];
    for (const s of spellings) await startPasswordReset(ctx(), s, { ip: freshIp() });
    await expect(startPasswordReset(ctx(), `+86-${m}`, { ip: freshIp() })).rejects.toMatchObject({ code: 'code.tooMany', status: 429 });
    expect((await toCitizen()) - before).toBe(CODE_SMS_PER_RECIPIENT.limit);
    // Other targets that reach the same phone: same neutral answers, and nothing more is sent.
    const byId = await startPasswordReset(ctx(), citizen.idNumber!, { ip: freshIp() });
    await startTracking(ctx(), app.number, { ip: freshIp() });
    await startSignUp(ctx(), { ...person(), mobile: m }, { ip: freshIp() });
    const { token: other } = await startSignUp(ctx(), { ...person(), idNumber: citizen.idNumber! }, { ip: freshIp() });
    await completeSignUp(ctx(), other, (await sentCode(h.db, config.dataKeys, other))!, { ip: freshIp() }).catch(() => undefined);
    expect((await toCitizen()) - before).toBe(CODE_SMS_PER_RECIPIENT.limit);
    // The flow that sent nothing refuses every code, as an unknown account's does.
    await expect(completePasswordReset(ctx(), byId.token, { code: '123456', password: NEW_PASSWORD })).rejects.toMatchObject({ code: 'code.invalid' });
  });

  it('are pruned a day after they expire, pending sign-ups and their password hashes with them', async () => {
    const clock = fixedClock();
    const { token } = await startSignUp(ctx(clock), person(), { ip: freshIp() });
    const { pruneOneTimeCodes, tokenHashOf } = await import('../../services/auth/one-time-codes.js');
    const mine = () => h.db.select().from(oneTimeCodes).where(eq(oneTimeCodes.tokenHash, tokenHashOf(token)));
    clock.advance(CODE_TTL_MS + 23 * 60 * 60 * 1000);
    await pruneOneTimeCodes(h.db, clock);
    expect(await mine()).toHaveLength(1);
    clock.advance(2 * 60 * 60 * 1000);
    await pruneOneTimeCodes(h.db, clock);
    expect(await mine()).toEqual([]);
  });
});

describe('password reset by code', () => {
  it('sets the new password, ends every session of the account, and audits it', async () => {
    const citizen = await createCitizen(h.db);
    const clock = fixedClock();
    const { createSession } = await import('../../services/auth/sessions.js');
    await createSession(h.db, clock, citizen.id);
    await createSession(h.db, clock, citizen.id);
    const { token } = await startPasswordReset(ctx(clock), citizen.idNumber!.toLowerCase(), { ip: freshIp() });
    expect((await flowMessage(h.db, token))).toMatchObject({ userId: citizen.id, template: 'resetCode' });
    const code = (await sentCode(h.db, config.dataKeys, token))!;
    await completePasswordReset(ctx(clock), token, { code, password: NEW_PASSWORD });
    const live = await h.db.select().from(sessions).where(and(eq(sessions.userId, citizen.id), isNull(sessions.revokedAt)));
    expect(live).toEqual([]);
    await expect(authenticate(ctx(clock), { identifier: citizen.mobile!, password: TEST_PASSWORD })).rejects.toMatchObject({ status: 401 });
    await expect(authenticate(ctx(clock), { identifier: citizen.mobile!, password: NEW_PASSWORD })).resolves.toMatchObject({ kind: 'signedIn' });
    const [audit] = await h.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'auth.password.reset'), eq(auditEvents.actorId, citizen.id)));
    expect(audit.data).toMatchObject({ sessionsEnded: 2 });
  });

  it('refuses a weak or personal password beside the field without using the code up', async () => {
    const citizen = await createCitizen(h.db);
    const { token } = await startPasswordReset(ctx(), citizen.mobile!, { ip: freshIp() });
    const code = (await sentCode(h.db, config.dataKeys, token))!;
    await expect(completePasswordReset(ctx(), token, { code, password: citizen.mobile! })).rejects.toMatchObject({ status: 400, fieldErrors: { password: ['password.personal'] } });
    await expect(completePasswordReset(ctx(), token, { code, password: NEW_PASSWORD })).resolves.toEqual({ userId: citizen.id });
  });

  it('answers an unknown identifier like a known one, sends nothing, and refuses every code', async () => {
    const { token } = await startPasswordReset(ctx(), makeMobile(), { ip: freshIp() });
    expect(await flowMessage(h.db, token)).toBeNull();
    await expect(completePasswordReset(ctx(), token, { code: '123456', password: NEW_PASSWORD })).rejects.toMatchObject({ code: 'code.invalid' });
  });

  it('does not reset staff passwords: a code to a phone must not stand in for the second factor', async () => {
    const clerk = await createStaff(h.db, { role: 'clerk' });
    const mobile = makeMobile();
    await h.db.update(users).set({ mobile }).where(eq(users.id, clerk.id));
    const { token } = await startPasswordReset(ctx(), mobile, { ip: freshIp() });
    expect(await flowMessage(h.db, token)).toBeNull();
    const { token: byNumber } = await startPasswordReset(ctx(), clerk.staffNo!, { ip: freshIp() });
    expect(await flowMessage(h.db, byNumber)).toBeNull();
  });
});

describe('following an application by its number', () => {
  it('sends the code to the applicant on file, and the right code shows status and timeline with the name masked, nothing more', async () => {
    const citizen = await createCitizen(h.db, { realName: '王小明', mobile: makeMobile() });
    const application = await createSubmittedApplication(h.db, { citizen });
    const clock = fixedClock();
    const { token } = await startTracking(ctx(clock), application.number.toLowerCase(), { ip: freshIp() });
    expect(await flowMessage(h.db, token)).toMatchObject({ userId: citizen.id, applicationId: application.applicationId, template: 'trackCode' });
    expect(await trackedApplication(ctx(clock), token)).toBeNull();
    const code = (await sentCode(h.db, config.dataKeys, token))!;
    await proveTracking(ctx(clock), token, code);
    const view = (await trackedApplication(ctx(clock), token))!;
    expect(view).toMatchObject({ number: application.number, status: 'submitted', applicantName: '王**' });
    expect(view.timeline.map((e) => e.action)).toContain('application.submitted');
    expect(Object.keys(view).sort()).toEqual(['applicantName', 'dueDate', 'grantExpiresAt', 'number', 'officeCode', 'serviceCode', 'status', 'submittedAt', 'timeline']);
    expect(JSON.stringify(view)).not.toContain(citizen.idNumber!);
    expect(JSON.stringify(view)).not.toContain(citizen.mobile!);

    clock.advance(TRACK_GRANT_MS);
    expect(await trackedApplication(ctx(clock), token)).toBeNull();
  });

  it('shows nothing of another person\'s application without the code sent to that application\'s mobile', async () => {
    const mine = await createSubmittedApplication(h.db);
    const theirs = await createSubmittedApplication(h.db);
    const a = await startTracking(ctx(), mine.number, { ip: freshIp() });
    const b = await startTracking(ctx(), theirs.number, { ip: freshIp() });
    const codeA = (await sentCode(h.db, config.dataKeys, a.token))!;
    // My code is wrong for their flow (unless the two six-digit codes happen to agree).
    const codeB = (await sentCode(h.db, config.dataKeys, b.token))!;
    if (codeA !== codeB) await expect(proveTracking(ctx(), b.token, codeA)).rejects.toMatchObject({ code: 'code.invalid' });
    expect(await trackedApplication(ctx(), b.token)).toBeNull();
    // My grant opens mine only.
    await proveTracking(ctx(), a.token, codeA);
    expect((await trackedApplication(ctx(), a.token))!.number).toBe(mine.number);
    expect(await trackedApplication(ctx(), b.token)).toBeNull();
  });

  it('answers a number that does not exist like one that does, and sends nothing', async () => {
    const { token } = await startTracking(ctx(), 'GA20991231999999', { ip: freshIp() });
    expect(await flowMessage(h.db, token)).toBeNull();
    await expect(proveTracking(ctx(), token, '123456')).rejects.toMatchObject({ code: 'code.invalid' });
    const garbage = await startTracking(ctx(), 'not a number at all', { ip: freshIp() });
    expect(await flowMessage(h.db, garbage.token)).toBeNull();
  });

  it('keeps the code out of the outbox rows that the desk lists for the application', async () => {
    const application = await createSubmittedApplication(h.db);
    const { token } = await startTracking(ctx(), application.number, { ip: freshIp() });
    const code = (await sentCode(h.db, config.dataKeys, token))!;
    const rows = await h.db.select().from(messages).where(eq(messages.applicationId, application.applicationId));
    expect(JSON.stringify(rows)).not.toContain(`"${code}"`);
  });
});
