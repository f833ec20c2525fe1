import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { auditEvents, users } from '../../db/schema/index.js';
import ProfilePage, { action, loader } from '../../app/routes/account.js';
import { loader as rootLoader } from '../../app/root.js';
import { loader as applyLoader } from '../../app/routes/services.$code.apply.js';
import type { ApplyFormView } from '../../services/applications/form-view.js';
import { maskName } from '../../services/validation/identifiers.js';
import { appContext, fixedClock, sessionCookieFor } from '../support/factories.js';
import { createApplicant } from '../support/applications.js';
import { renderRoute, visibleText } from '../support/render-route.js';
import { get, post, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
const clock = fixedClock();
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());
const ctx = () => appContext(h.db, clock);

const ADDRESS = {
  addressRecipient: '张三',
  addressMobile: '13800138000',
  addressProvince: '110000',
  addressCity: '110100',
  addressDistrict: '110101',
  addressStreet: '东华门街道 2 号',
  addressPostcode: '100010',
};

describe('/account — the citizen’s profile', () => {
  it('shows the identity masked and names every problem of a bad post at once, storing nothing', async () => {
    const citizen = await createApplicant(h.db, { realName: '张三丰' });
    const cookie = await sessionCookieFor(h.db, clock, citizen.id);
    const page = await run(loader, get('/account', { cookie }), ctx());
    expect(page.status).toBe(200);
    const html = await renderRoute(ProfilePage, '/account', page);
    expect(visibleText(html)).toContain('张**');
    expect(visibleText(html)).not.toContain(citizen.idNumber!);

    const res = await run(action, post('/account', { locale: 'zh-CN', email: 'not-an-email', addressStreet: '某街 1 号' }, { cookie }), ctx());
    expect(res.status).toBe(400);
    const errors = ((await res.clone().json()) as { lastResult: { error: Record<string, string[]> } }).lastResult.error;
    expect(Object.keys(errors)).toEqual(expect.arrayContaining(['email', 'addressRecipient', 'addressMobile', 'addressProvince', 'addressCity', 'addressDistrict']));
    expect(errors.addressStreet).toBeUndefined();
    const [row] = await h.db.select().from(users).where(eq(users.id, citizen.id));
    expect(row).toMatchObject({ email: citizen.email, postalAddress: null });
  });

  it('keeps language, e-mail and address (audited without the values); the forms that post start with the address', async () => {
    const citizen = await createApplicant(h.db);
    const cookie = await sessionCookieFor(h.db, clock, citizen.id);
    const res = await run(action, post('/account', { locale: 'en', email: 'me@example.cn', ...ADDRESS }, { cookie }), ctx());
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/account?saved=1&lng=en');
    const [row] = await h.db.select().from(users).where(eq(users.id, citizen.id));
    expect(row.locale).toBe('en');
    expect(row.email).toBe('me@example.cn');
    expect(row.postalAddress).toEqual({ recipient: '张三', mobile: '13800138000', province: '110000', city: '110100', district: '110101', street: '东华门街道 2 号', postcode: '100010' });
    const [audit] = await h.db.select().from(auditEvents).where(eq(auditEvents.actorId, citizen.id));
    expect(audit).toMatchObject({ action: 'profile.updated', data: { locale: 'en', email: true, address: true } });
    expect(JSON.stringify(audit.data)).not.toContain('东华门');

    const form = await run(applyLoader, get('/services/first-id-card/apply', { cookie }), ctx(), { code: 'first-id-card' });
    const view = ((await form.json()) as { view: ApplyFormView }).view;
    expect(view.prefill).toMatchObject(ADDRESS);
    // An item without the post prefills no address.
    const other = await run(applyLoader, get('/services/hukou-migration/apply', { cookie }), ctx(), { code: 'hukou-migration' });
    expect(Object.keys(((await other.json()) as { view: ApplyFormView }).view.prefill)).toEqual([]);

    // Clearing every part keeps no address.
    const cleared = await run(action, post('/account', { locale: 'zh-CN', email: '' }, { cookie }), ctx());
    expect(cleared.status).toBe(302);
    const [after] = await h.db.select().from(users).where(eq(users.id, citizen.id));
    expect(after).toMatchObject({ locale: 'zh-CN', email: null, postalAddress: null });
  });

  it('the header names the person (masked), not the role', async () => {
    const citizen = await createApplicant(h.db, { realName: '李四' });
    const cookie = await sessionCookieFor(h.db, clock, citizen.id);
    const res = await run(rootLoader, get('/', { cookie }), ctx());
    const data = (await res.json()) as { user: { role: string; name: string } };
    expect(data.user).toEqual({ role: 'citizen', home: '/applications', name: maskName('李四') });
    expect(data.user.name).toBe('李*');
  });
});
