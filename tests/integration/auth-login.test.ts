import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { sessions } from '../../db/schema/index.js';
import { action, loader } from '../../app/routes/login.js';
import { action as logoutAction, loader as logoutLoader } from '../../app/routes/logout.js';
import { getActor } from '../../app/utils/session.server.js';
import { translateError } from '../../app/components/forms/translate-error.js';
import { getFixedT } from '../../app/i18next.server.js';
import { appContext, createCitizen, createStaff, makeIdNumber, sessionCookieFor, fixedClock, TEST_PASSWORD, testConfig } from '../support/factories.js';
import { get, post, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';
import { enrollTotp } from '../../services/auth/totp.js';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const cookieOf = (res: Response) => res.headers.get('Set-Cookie')!.split(';')[0];

async function actorFor(cookie: string) {
  return getActor(get('/', { cookie }), appContext(h.db));
}

describe('sign-in', () => {
  it('refuses a filled honeypot with 400 before checking the password, and starts no session', async () => {
    const user = await createCitizen(h.db);
    const res = await run(action, post('/login', { identifier: user.mobile!, password: TEST_PASSWORD, website: 'http://spam.example' }), appContext(h.db));
    expect(res.status).toBe(400);
    expect(res.headers.get('Set-Cookie')).toBeNull();
    expect(await h.db.select().from(sessions).where(eq(sessions.userId, user.id))).toEqual([]);
  });

  it('signs a citizen in with the mobile number (spaces and +86 tolerated) and lands on their applications', async () => {
    const user = await createCitizen(h.db);
    const res = await run(action, post('/login', { identifier: `+86 ${user.mobile}`, password: TEST_PASSWORD }), appContext(h.db));
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/applications');
    expect(res.headers.get('Set-Cookie')).toMatch(/HttpOnly/i);
    expect(res.headers.get('Set-Cookie')).toMatch(/SameSite=Lax/i);
    expect(await actorFor(cookieOf(res))).toMatchObject({ kind: 'user', id: user.id, role: 'citizen' });
  });

  it('accepts the resident ID number with a lower-case x', async () => {
    let idNumber = makeIdNumber();
    while (!idNumber.endsWith('X')) idNumber = makeIdNumber();
    const user = await createCitizen(h.db, { idNumber });
    const res = await run(action, post('/login', { identifier: ` ${idNumber.toLowerCase()} `, password: TEST_PASSWORD }), appContext(h.db));
    expect(res.status).toBe(302);
    expect(await actorFor(cookieOf(res))).toMatchObject({ kind: 'user', id: user.id });
  });

  it('takes staff from their staff number and password to the code page, not yet to a session (see security-two-factor)', async () => {
    const clerk = await createStaff(h.db);
    await enrollTotp(h.db, testConfig().dataKeys, clerk.id, 'JBSWY3DPEHPK3PXP');
    const res = await run(action, post('/login', { identifier: clerk.staffNo!, password: TEST_PASSWORD }), appContext(h.db));
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/login/totp');
    expect(res.headers.get('Set-Cookie')).toMatch(/^__pending_login=/);
    expect(await actorFor(cookieOf(res))).toEqual({ kind: 'anonymous' });
  });

  it('gives a wrong password and an unknown account the same 401 answer, without a cookie or the password', async () => {
    const user = await createCitizen(h.db);
    const unknownMobile = '13999999999';
    const wrong = await run(action, post('/login', { identifier: user.mobile!, password: 'not the password' }), appContext(h.db));
    const unknown = await run(action, post('/login', { identifier: unknownMobile, password: 'not the password' }), appContext(h.db));

    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.headers.get('Set-Cookie')).toBeNull();
    const wrongBody = await wrong.text();
    const unknownBody = await unknown.text();
    // Only the echoed identifier differs.
    expect(wrongBody.replaceAll(user.mobile!, 'ID')).toBe(unknownBody.replaceAll(unknownMobile, 'ID'));
    expect(wrongBody).not.toContain('not the password');
    expect(JSON.parse(wrongBody).lastResult.error['']).toEqual(['errors:auth.invalidCredentials']);
  });

  it('refuses a disabled account with the same answer', async () => {
    const user = await createCitizen(h.db, { disabledAt: new Date('2026-01-01T00:00:00Z') });
    const res = await run(action, post('/login', { identifier: user.mobile!, password: TEST_PASSWORD }), appContext(h.db));
    expect(res.status).toBe(401);
    expect(JSON.parse(await res.text()).lastResult.error['']).toEqual(['errors:auth.invalidCredentials']);
  });

  it('answers 400 with field errors when a field is empty', async () => {
    const res = await run(action, post('/login', { identifier: '  ', password: '' }), appContext(h.db));
    expect(res.status).toBe(400);
    expect(JSON.parse(await res.text()).lastResult.error).toMatchObject({ identifier: ['required'], password: ['required'] });
  });

  it('the error message reads in English when the visitor asks for English', async () => {
    const res = await run(action, post('/login', { identifier: '13999999998', password: 'nope nope' }, { lng: 'en' }), appContext(h.db));
    const [key] = JSON.parse(await res.text()).lastResult.error[''];
    const t = await getFixedT(get('/login?lng=en'), 'common');
    expect(translateError(t, key)).toBe('The account or password is not correct.');
    const title = (await (await run(loader, get('/login', { lng: 'en' }), appContext(h.db))).json()) as { title: string };
    expect(title.title).toBe('Sign in - Public Security One-Window Services');
  });

  it('honours a same-site redirectTo and ignores an open one', async () => {
    const user = await createCitizen(h.db);
    const ok = await run(action, post('/login', { identifier: user.mobile!, password: TEST_PASSWORD, redirectTo: '/applications/abc?tab=notice' }), appContext(h.db));
    expect(ok.headers.get('Location')).toBe('/applications/abc?tab=notice');
    for (const redirectTo of ['//evil.example', '/\t/evil.example', '/\n/evil.example', '/\\evil.example', 'https://evil.example']) {
      const evil = await run(action, post('/login', { identifier: user.mobile!, password: TEST_PASSWORD, redirectTo }), appContext(h.db));
      expect(evil.status, JSON.stringify(redirectTo)).toBe(302);
      expect(evil.headers.get('Location')).toBe('/applications');
    }
  });

  it('sends signed-in visitors on from the login page (to a safe redirectTo only)', async () => {
    const user = await createCitizen(h.db);
    const cookie = await sessionCookieFor(h.db, fixedClock(), user.id);
    const res = await run(loader, get('/login?redirectTo=%2F%2Fevil.example', { cookie }), appContext(h.db));
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/applications');
    const anon = await run(loader, get('/login'), appContext(h.db));
    expect(anon.status).toBe(200);
  });

  it('rotates the session at sign-in: the cookie held before no longer works', async () => {
    const user = await createCitizen(h.db);
    const before = await sessionCookieFor(h.db, fixedClock(), user.id);
    const res = await run(action, post('/login', { identifier: user.mobile!, password: TEST_PASSWORD }, { cookie: before }), appContext(h.db));
    const after = cookieOf(res);
    expect(after).not.toBe(before);
    expect(await actorFor(before)).toEqual({ kind: 'anonymous' });
    expect(await actorFor(after)).toMatchObject({ kind: 'user', id: user.id });
  });
});

describe('sign-out', () => {
  it('revokes the session on POST: the replayed cookie is anonymous afterwards', async () => {
    const user = await createCitizen(h.db);
    const login = await run(action, post('/login', { identifier: user.mobile!, password: TEST_PASSWORD }), appContext(h.db));
    const cookie = cookieOf(login);
    expect(await actorFor(cookie)).toMatchObject({ kind: 'user' });

    const res = await run(logoutAction, post('/logout', {}, { cookie }), appContext(h.db));
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/');
    expect(res.headers.get('Set-Cookie')).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);

    expect(await actorFor(cookie)).toEqual({ kind: 'anonymous' });
    // The login page treats the replayed cookie as nobody.
    expect((await run(loader, get('/login', { cookie }), appContext(h.db))).status).toBe(200);
    const rows = await h.db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(rows.every((r) => r.revokedAt !== null)).toBe(true);
  });

  it('GET asks for confirmation when signed in and does not sign out; anonymous visitors go home', async () => {
    const user = await createCitizen(h.db);
    const cookie = await sessionCookieFor(h.db, fixedClock(), user.id);
    const page = await run(logoutLoader, get('/logout', { cookie }), appContext(h.db));
    expect(page.status).toBe(200);
    expect(((await page.json()) as { title: string }).title).toBe('退出登录 - 公安政务服务一窗通办');
    expect(await actorFor(cookie)).toMatchObject({ kind: 'user', id: user.id });

    const anon = await run(logoutLoader, get('/logout'), appContext(h.db));
    expect(anon.status).toBe(302);
    expect(anon.headers.get('Location')).toBe('/');
  });

  it('POST without a session simply clears the cookie', async () => {
    const res = await run(logoutAction, post('/logout', {}), appContext(h.db));
    expect(res.status).toBe(302);
    expect(res.headers.get('Set-Cookie')).toMatch(/^__session=;/);
  });
});

