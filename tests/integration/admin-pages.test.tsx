import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import * as units from '../../app/routes/admin.units.js';
import * as activate from '../../app/routes/activate.js';
import * as adminHome from '../../app/routes/admin._index.js';
import * as staffList from '../../app/routes/admin.staff._index.js';
import * as staffNew from '../../app/routes/admin.staff.new.js';
import * as staffEdit from '../../app/routes/admin.staff.$id.js';
import * as officeList from '../../app/routes/admin.offices._index.js';
import * as officeNew from '../../app/routes/admin.offices.new.js';
import * as officeEdit from '../../app/routes/admin.offices.$code.js';
import { appContext, createStaff, fixedClock, sessionCookieFor, testConfig } from '../support/factories.js';
import { createAdmin } from '../support/admin-staff.js';
import { renderRoute, visibleText } from '../support/render-route.js';
import { get, post, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';

/** The administration pages as a browser without JavaScript receives them, in both languages. */
let h: DbHandle;
const clock = fixedClock();
const config = testConfig();
const ctx = () => appContext(h.db, clock, config);
let cookie = '';
let clerkId = '';

beforeAll(async () => {
  h = await createTestDb();
  cookie = await sessionCookieFor(h.db, clock, (await createAdmin(h.db, '1101')).id);
  clerkId = (await createStaff(h.db, { officeCode: 'bj-chaoyang', skills: ['hukou'] })).id;
});
afterAll(() => h.close());

/** No i18n key left untranslated on the page (a missing key renders as itself). */
const expectTranslated = (html: string) => expect(visibleText(html)).not.toMatch(/\b(admin|common|validation|errors):[a-zA-Z]/);

describe('administration pages', () => {
  for (const lng of ['zh-CN', 'en']) {
    it(`render in ${lng} from their real loaders`, async () => {
      const pages = [
        { C: adminHome.default, path: '/admin', res: await run(adminHome.loader, get('/admin', { cookie, lng }), ctx()) },
        { C: staffList.default, path: '/admin/staff', res: await run(staffList.loader, get('/admin/staff', { cookie, lng }), ctx()) },
        { C: staffNew.default, path: '/admin/staff/new', res: await run(staffNew.loader, get('/admin/staff/new', { cookie, lng }), ctx()) },
        { C: staffEdit.default, path: `/admin/staff/${clerkId}`, res: await run(staffEdit.loader, get(`/admin/staff/${clerkId}`, { cookie, lng }), ctx(), { id: clerkId }) },
        { C: officeList.default, path: '/admin/offices', res: await run(officeList.loader, get('/admin/offices', { cookie, lng }), ctx()) },
        { C: officeNew.default, path: '/admin/offices/new', res: await run(officeNew.loader, get('/admin/offices/new', { cookie, lng }), ctx()) },
        { C: units.default, path: '/admin/units?created=1101', res: await run(units.loader, get('/admin/units?created=1101', { cookie, lng }), ctx()) },
        { C: officeEdit.default, path: '/admin/offices/bj-chaoyang', res: await run(officeEdit.loader, get('/admin/offices/bj-chaoyang', { cookie, lng }), ctx(), { code: 'bj-chaoyang' }) },
        { C: activate.default, path: '/activate', res: await run(activate.loader, get('/activate', { lng }), ctx()) },
      ];
      for (const p of pages) {
        expect(p.res.status, p.path).toBe(200);
        const html = await renderRoute(p.C, p.path, p.res, undefined, lng);
        expect(html, p.path).toContain('<h1');
        expectTranslated(html);
      }
    });
  }

  it("shows a new account's activation code once, and the edit form keeps the account's values", async () => {
    const created = await run(
      staffNew.action,
      post('/admin/staff/new', { staffNo: 'P20001', realName: '孙警官', role: 'clerk', officeCode: 'bj-chaoyang', skills: 'hukou' }, { cookie }),
      ctx(),
    );
    const { created: c } = (await created.clone().json()) as { created: { id: string; activationCode: string } };
    const html = await renderRoute(staffNew.default, '/admin/staff/new', await run(staffNew.loader, get('/admin/staff/new', { cookie }), ctx()), created);
    expect(visibleText(html)).toContain(c.activationCode);
    expectTranslated(html);
    const edit = await renderRoute(staffEdit.default, `/admin/staff/${c.id}`, await run(staffEdit.loader, get(`/admin/staff/${c.id}`, { cookie }), ctx(), { id: c.id }));
    expect(edit).toContain('value="孙警官"');
    expect(edit).not.toContain(c.activationCode);
  });

  it('a refusal from the service marks the field it is about: an administrator below the root must name a unit', async () => {
    for (const lng of ['zh-CN', 'en'] as const) {
      const refused = await run(staffNew.action, post('/admin/staff/new', { staffNo: 'P20077', realName: '钱警官', role: 'admin' }, { cookie, lng }), ctx());
      expect(refused.status).toBe(400);
      const body = (await refused.clone().json()) as { lastResult: { error: Record<string, string[]> } };
      expect(Object.keys(body.lastResult.error)).toContain('orgUnitCode');
      const html = await renderRoute(staffNew.default, '/admin/staff/new', await run(staffNew.loader, get('/admin/staff/new', { cookie, lng }), ctx()), refused, lng);
      expect(html).toMatch(/<select[^>]*name="orgUnitCode"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*name="orgUnitCode"/);
      expect(visibleText(html)).toContain(lng === 'en' ? 'Choose the unit this administrator manages' : '请选择该管理员所管理的单位');
      expect(visibleText(html)).not.toContain(lng === 'en' ? 'within your administration' : '管理范围内');
      expectTranslated(html);
    }
  });

  it("an administrator changing their own role is told so beside the role, not only above the form", async () => {
    const self = await createAdmin(h.db, '1101');
    const own = await sessionCookieFor(h.db, clock, self.id);
    const refused = await run(staffEdit.action, post(`/admin/staff/${self.id}`, { intent: 'update', realName: '自己', role: 'clerk', officeCode: 'bj-chaoyang', skills: 'hukou' }, { cookie: own, lng: 'en' }), ctx(), { id: self.id });
    expect(refused.status).toBe(409);
    const body = (await refused.clone().json()) as { lastResult: { error: Record<string, string[]> } };
    expect(body.lastResult.error.role).toEqual(['admin.selfChange']);
  });

  it('names offices and units in the reader\'s language, never by code: seeded ones from the locales, created ones by their stored names', async () => {
    const created = await run(
      officeNew.action,
      post('/admin/offices/new', { code: 'bj-xicheng', nameZh: '西城分局综合服务窗口', nameEn: 'Xicheng Service Window', phone: '010-12345602', orgUnitCode: '110101', departments: 'hukou' }, { cookie }),
      ctx(),
    );
    expect(created.status).toBeLessThan(400);
    await createStaff(h.db, { officeCode: 'bj-xicheng', skills: ['hukou'] });
    const said = {
      'zh-CN': { chaoyang: '北京市公安局朝阳分局综合服务窗口', xicheng: '西城分局综合服务窗口', unit: '北京市公安局' },
      en: { chaoyang: 'Beijing PSB Chaoyang Branch', xicheng: 'Xicheng Service Window', unit: 'Beijing Municipal Public Security Bureau' },
    } as const;
    for (const lng of ['zh-CN', 'en'] as const) {
      const list = visibleText(await renderRoute(staffList.default, '/admin/staff', await run(staffList.loader, get('/admin/staff', { cookie, lng }), ctx()), undefined, lng));
      expect(list).toContain(said[lng].chaoyang);
      expect(list).toContain(said[lng].xicheng);
      expect(list).not.toMatch(/\bbj-(chaoyang|dongcheng|xicheng)\b/);
      for (const code of ['bj-chaoyang', 'bj-xicheng'] as const) {
        const res = await run(officeEdit.loader, get(`/admin/offices/${code}`, { cookie, lng }), ctx(), { code });
        const html = await renderRoute(officeEdit.default, `/admin/offices/${code}`, res, undefined, lng);
        const h1 = /<h1[^>]*>([^]*?)<\/h1>/.exec(html)![1];
        expect(h1).toContain(code === 'bj-chaoyang' ? said[lng].chaoyang : said[lng].xicheng);
        expect(h1).not.toContain(code);
        // A seeded office's form starts from the names citizens read, in both languages.
        if (code === 'bj-chaoyang') {
          expect(html).toContain('value="北京市公安局朝阳分局综合服务窗口"');
          expect(html).toContain('value="Beijing PSB Chaoyang Branch, service window"');
        }
      }
      const form = visibleText(await renderRoute(staffNew.default, '/admin/staff/new', await run(staffNew.loader, get('/admin/staff/new', { cookie, lng }), ctx()), undefined, lng));
      expect(form).toContain(said[lng].chaoyang);
      expect(form).not.toMatch(/\bbj-(chaoyang|dongcheng)\b/);
    }
  });

  it('places a city or province manager by the area they see, not by the office their account hangs on', async () => {
    const city = await createStaff(h.db, { role: 'manager', managerScope: 'city', officeCode: 'bj-dongcheng' });
    const province = await createStaff(h.db, { role: 'manager', managerScope: 'province', officeCode: 'bj-dongcheng' });
    const office = await createStaff(h.db, { role: 'manager', managerScope: 'office', officeCode: 'bj-dongcheng' });
    const said = {
      'zh-CN': { city: '全市：北京市公安局', province: '全省', office: '北京市公安局东城分局' },
      en: { city: 'Whole city: Beijing Municipal Public Security Bureau', province: 'Whole province', office: 'Dongcheng' },
    } as const;
    for (const lng of ['zh-CN', 'en'] as const) {
      const html = await renderRoute(staffList.default, '/admin/staff', await run(staffList.loader, get('/admin/staff', { cookie, lng }), ctx()), undefined, lng);
      const row = (u: { staffNo: string | null }) => visibleText(new RegExp(`<tr>(?:(?!</tr>).)*${u.staffNo}(?:(?!</tr>).)*</tr>`, 's').exec(html)![0]);
      expect(row(city)).toContain(said[lng].city);
      expect(row(province)).toContain(said[lng].province);
      expect(row(province)).not.toMatch(/东城|Dongcheng/);
      expect(row(office)).toContain(said[lng].office);
    }
  });

  it('a refused form says why beside the field', async () => {
    const refused = await run(officeNew.action, post('/admin/offices/new', { code: 'BAD', nameZh: '', phone: 'x' }, { cookie, lng: 'en' }), ctx());
    expect(refused.status).toBe(400);
    const html = await renderRoute(officeNew.default, '/admin/offices/new', await run(officeNew.loader, get('/admin/offices/new', { cookie, lng: 'en' }), ctx()), refused, 'en');
    expect(visibleText(html)).toContain('Enter a telephone number of digits and dashes');
    expectTranslated(html);
  });
});
