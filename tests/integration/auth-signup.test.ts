import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { sessions, users } from '../../db/schema/index.js';
import { action, loader } from '../../app/routes/signup.js';
import { idCheckCharacter } from '../../services/validation/identifiers.js';
import { appContext, createCitizen, fixedClock, makeIdNumber, makeMobile } from '../support/factories.js';
import { get, post, run } from '../support/requests.js';
import { codeNoticeOf, signupThroughPages } from '../support/codes.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const PASSWORD = 'a long enough passphrase';

function form(overrides: Record<string, string> = {}) {
  return {
    realName: '王小明',
    idNumber: makeIdNumber(),
    mobile: makeMobile(),
    password: PASSWORD,
    confirmPassword: PASSWORD,
    website: '',
    ...overrides,
  };
}

async function usersWithId(idNumber: string) {
  return h.db.select().from(users).where(eq(users.idNumber, idNumber.toUpperCase()));
}

type Reply = { lastResult: { error?: Record<string, string[] | null>; initialValue?: Record<string, unknown> } };

describe('sign-up', () => {
  it('sends a code to the mobile, creates nothing until it comes back, then creates one account, starts a session with a safe cookie and goes to /services', async () => {
    const f = form({ idNumber: makeIdNumber('310104', '19851120').toLowerCase(), mobile: `+86 ${makeMobile()}` });
    const { first, second: res } = await signupThroughPages(appContext(h.db), f);
    expect(first.status).toBe(302);
    expect(first.headers.get('Location')).toBe('/signup/verify');
    expect(first.headers.getSetCookie().some((c) => c.startsWith('__session='))).toBe(false);

    expect(res!.status).toBe(302);
    expect(res!.headers.get('Location')).toBe('/services');
    const cookie = res!.headers.getSetCookie().find((c) => c.startsWith('__session='))!;
    expect(cookie).toMatch(/^__session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);

    const rows = await usersWithId(f.idNumber);
    expect(rows).toHaveLength(1);
    // The (simulated) population registry confirmed the name against the ID number.
    expect(rows[0]).toMatchObject({ role: 'citizen', realName: '王小明', mobile: f.mobile.replace('+86 ', ''), identityVerified: true });
    expect(rows[0].passwordHash).not.toContain(PASSWORD);
    const own = await h.db.select().from(sessions).where(eq(sessions.userId, rows[0].id));
    expect(own).toHaveLength(1);

    // The cookie now identifies the new user: the sign-up page sends them on.
    const again = await run(loader, get('/signup', { cookie: cookie.split(';')[0] }), appContext(h.db));
    expect(again.status).toBe(302);
  });

  it('marks the flow cookie and the session cookie Secure in production', async () => {
    const { first, second } = await signupThroughPages({ ...appContext(h.db), production: true }, form());
    expect(first.headers.get('Set-Cookie')).toMatch(/Secure/i);
    expect(second!.status).toBe(302);
    for (const c of second!.headers.getSetCookie()) expect(c).toMatch(/Secure/i);
  });

  it('rejects a wrong check character with 400 on the idNumber field, keeps other values, echoes no password, stores nothing', async () => {
    const good = makeIdNumber();
    const wrong = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const f = form({ idNumber: wrong });
    const res = await run(action, post('/signup', f), appContext(h.db));

    expect(res.status).toBe(400);
    const body = (await res.json()) as Reply;
    expect(body.lastResult.error?.idNumber).toEqual(['idNumber.checksum']);
    expect(body.lastResult.initialValue).toMatchObject({ realName: f.realName, idNumber: wrong, mobile: f.mobile });
    expect(JSON.stringify(body)).not.toContain(PASSWORD);
    expect(res.headers.get('Set-Cookie')).toBeNull();
    expect(await usersWithId(wrong)).toHaveLength(0);
  });

  it('rejects a birth date after today (China time) with idNumber.birthInFuture', async () => {
    // The test clock is 2026-11-23; the ID says 2026-11-24.
    const first17 = '11010120261124001';
    const id = first17 + idCheckCharacter(first17);
    const res = await run(action, post('/signup', form({ idNumber: id })), appContext(h.db, fixedClock('2026-11-23T02:00:00Z')));
    expect(res.status).toBe(400);
    expect(((await res.json()) as Reply).lastResult.error?.idNumber).toEqual(['idNumber.birthInFuture']);
    expect(await usersWithId(id)).toHaveLength(0);

    // Just after midnight in Beijing (still the 23rd in UTC) that birthday is today: accepted.
    const later = await run(action, post('/signup', form({ idNumber: id })), appContext(h.db, fixedClock('2026-11-23T16:30:00Z')));
    expect(later.status).toBe(302);
    expect(later.headers.get('Location')).toBe('/signup/verify');
  });

  it('keeps an optional e-mail address and the language signed up in, for notifications; refuses a malformed address with 400', async () => {
    const withMail = form({ email: ' wang@example.org ' });
    expect((await signupThroughPages(appContext(h.db), withMail, { lng: 'en' })).second!.status).toBe(302);
    expect((await usersWithId(withMail.idNumber))[0]).toMatchObject({ email: 'wang@example.org', locale: 'en' });

    const without = form({ email: '' });
    expect((await signupThroughPages(appContext(h.db), without)).second!.status).toBe(302);
    expect((await usersWithId(without.idNumber))[0]).toMatchObject({ email: null, locale: 'zh-CN' });

    const bad = form({ email: 'wang@example' });
    const res = await run(action, post('/signup', bad), appContext(h.db));
    expect(res.status).toBe(400);
    expect(((await res.json()) as Reply).lastResult.error?.email).toEqual(['email.format']);
    expect(await usersWithId(bad.idNumber)).toHaveLength(0);
  });

  it('remembers the language a signed-in citizen switches to (?lng), for their messages', async () => {
    const { loader: rootLoader } = await import('../../app/root.js');
    const { sessionCookieFor } = await import('../support/factories.js');
    const citizen = await createCitizen(h.db, { idNumber: makeIdNumber('110101', '19900101'), mobile: makeMobile() });
    const cookie = await sessionCookieFor(h.db, fixedClock(), citizen.id);
    expect((await run(rootLoader, get('/services?lng=en', { cookie }), appContext(h.db))).status).toBe(200);
    expect((await h.db.select().from(users).where(eq(users.id, citizen.id)))[0].locale).toBe('en');
  });

  it('rejects mismatched passwords on the confirmation field', async () => {
    const f = form({ confirmPassword: 'a different passphrase' });
    const res = await run(action, post('/signup', f), appContext(h.db));
    expect(res.status).toBe(400);
    const body = (await res.json()) as Reply;
    expect(body.lastResult.error?.confirmPassword).toEqual(['password.mismatch']);
    expect(body.lastResult.initialValue).not.toHaveProperty('password');
    expect(body.lastResult.initialValue).not.toHaveProperty('confirmPassword');
    expect(await usersWithId(f.idNumber)).toHaveLength(0);
  });

  it('reports every missing field at once, and a short password, as keys of the validation namespace', async () => {
    const res = await run(action, post('/signup', { realName: ' ', idNumber: '', mobile: '12345', password: 'short', confirmPassword: 'short' }), appContext(h.db));
    expect(res.status).toBe(400);
    const { error } = ((await res.json()) as Reply).lastResult;
    expect(error).toMatchObject({
      realName: ['required'],
      idNumber: ['required'],
      mobile: ['mobile.format'],
      password: ['password.tooShort'],
    });
  });

  it('reports a password mismatch together with the other mistakes, not only once they are fixed', async () => {
    const res = await run(action, post('/signup', form({ realName: '', confirmPassword: 'another passphrase' })), appContext(h.db));
    expect(res.status).toBe(400);
    const { error } = ((await res.json()) as Reply).lastResult;
    expect(error).toMatchObject({ realName: ['required'], confirmPassword: ['password.mismatch'] });
  });

  it('answers an ID number that already has an account, once the mobile is proven, with one neutral notice on the sign-up form (see security-signup)', async () => {
    const existing = await createCitizen(h.db);
    const context = appContext(h.db);
    const { first, second: res } = await signupThroughPages(context, form({ idNumber: existing.idNumber!.toLowerCase() }));
    expect(first.status).toBe(302);
    // The flow has ended, so its page cannot show the answer: the form it goes back to does.
    expect(res!.status).toBe(302);
    expect(res!.headers.get('Location')).toBe('/signup');
    expect(await codeNoticeOf(context, res!, 'signup')).toBe('account.exists');
    expect(await usersWithId(existing.idNumber!)).toHaveLength(1);
  });

  it('answers a mobile number that already has an account with the code page too, sends it no code, refuses any code, and creates nothing', async () => {
    const existing = await createCitizen(h.db);
    const f = form({ mobile: existing.mobile! });
    const { first, second: res, code } = await signupThroughPages(appContext(h.db), f);
    expect(first.status).toBe(302);
    expect(first.headers.get('Location')).toBe('/signup/verify');
    expect(code).toBeNull();
    expect(res!.status).toBe(400);
    expect(((await res!.json()) as Reply).lastResult.error).toEqual({ '': ['errors:code.invalid|{"left":4}'], code: ['code.invalid'] });
    expect(await usersWithId(f.idNumber)).toHaveLength(0);
  });

  it('refuses a filled honeypot with 400 and stores nothing, even when everything else is valid', async () => {
    const f = form({ website: 'http://spam.example' });
    const res = await run(action, post('/signup', f), appContext(h.db));
    expect(res.status).toBe(400);
    expect(((await res.json()) as Reply).lastResult.error?.['']).toEqual(['errors:badRequest']);
    expect(await usersWithId(f.idNumber)).toHaveLength(0);
  });

  it('honours a same-site redirectTo through both steps and ignores an open one', async () => {
    const safe = await signupThroughPages(appContext(h.db), { ...form(), redirectTo: '/services/first-id-card/apply' });
    expect(safe.second!.headers.get('Location')).toBe('/services/first-id-card/apply');
    for (const evil of ['//evil.example', 'https://evil.example/', '/\\evil.example']) {
      const { second: res } = await signupThroughPages(appContext(h.db), { ...form(), redirectTo: evil });
      expect(res!.status).toBe(302);
      expect(res!.headers.get('Location')).toBe('/services');
    }
  });

  it('titles the page in the visitor’s language', async () => {
    const zh = (await (await run(loader, get('/signup'), appContext(h.db))).json()) as { title: string };
    expect(zh.title).toBe('注册实名账号 - 公安政务服务一窗通办');
    const en = (await (await run(loader, get('/signup?lng=en'), appContext(h.db))).json()) as { title: string; today: string };
    expect(en.title).toBe('Create a real-name account - Public Security One-Window Services');
    expect(en.today).toBe('2026-11-23');
  });
});
