import { createElement, type ReactNode } from 'react';
import { createInstance } from 'i18next';
import { renderToString } from 'react-dom/server';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import { StaticRouter } from 'react-router-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { i18nConfig } from '../../app/i18n.js';
import { resources } from '../../locales/index.js';
import { loader as catalogLoader } from '../../app/routes/services._index.js';
import { loader as guideLoader } from '../../app/routes/services.$code._index.js';
import { CatalogList } from '../../app/components/catalog/catalog-list.js';
import { ServiceGuide } from '../../app/components/catalog/service-guide.js';
import { SERVICES } from '../../services/catalog/index.js';
import type { CatalogEntry, ServiceGuide as Guide } from '../../services/catalog/guide.js';
import { appContext } from '../support/factories.js';
import { get, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

type GuideData = { locale: string; guide: Guide; title: string; description: string };
type CatalogData = { locale: string; count: number; title: string; departments: { department: string; services: CatalogEntry[] }[] };

async function guide(code: string, lng = 'zh-CN') {
  return run(guideLoader, get(`/services/${encodeURIComponent(code)}`, { lng }), appContext(h.db), { code });
}

async function render(node: ReactNode, lng: string): Promise<string> {
  const i18n = createInstance();
  await i18n.use(initReactI18next).init({ ...i18nConfig, lng, resources });
  return renderToString(createElement(I18nextProvider, { i18n }, createElement(StaticRouter, { location: '/services' }, node)));
}

/** Text of the HTML without tags, with entities that React escapes turned back. */
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');

describe('/services', () => {
  it('lists every item grouped by department, in Chinese by default', async () => {
    const res = await run(catalogLoader, get('/services'), appContext(h.db));
    expect(res.status).toBe(200);
    const data = (await res.json()) as CatalogData;
    expect(data.locale).toBe('zh-CN');
    expect(data.title).toContain('服务事项');
    expect(data.departments.map((d) => d.department)).toEqual(['hukou', 'traffic', 'exit_entry']);
    expect(data.count).toBe(SERVICES.length);
    const passport = data.departments[2].services.find((s) => s.code === 'passport');
    expect(passport).toMatchObject({ committedWorkingDays: 7, fee: { kind: 'fixed', amount: 120 }, visits: 1, crossProvince: true, guideHref: '/services/passport' });
  });

  it('answers in English when asked', async () => {
    const res = await run(catalogLoader, get('/services', { lng: 'en' }), appContext(h.db));
    const data = (await res.json()) as CatalogData;
    expect(data.locale).toBe('en');
    expect(data.title).toMatch(/^Services/);
  });

  it('renders a card per item with its committed limit, fee, visits, badge and a link to the guide', async () => {
    const res = await run(catalogLoader, get('/services'), appContext(h.db));
    const data = (await res.json()) as CatalogData;
    const zh = await render(createElement(CatalogList, { departments: data.departments.map((d) => ({ ...d, departmentKey: `common:departments.${d.department}` })), locale: 'zh-CN' }), 'zh-CN');
    for (const def of SERVICES) expect(zh).toContain(`href="/services/${def.code}"`);
    const zhText = text(zh);
    for (const heading of ['户政', '交管', '出入境']) expect(zhText).toContain(heading);
    expect(zhText).toContain('跨省通办');
    expect(zhText).toContain('全国通办');
    expect(zhText).toContain('¥120');
    expect(zhText).toContain('当场办结');
    expect(zhText).toContain('¥15 起');
    const en = text(await render(createElement(CatalogList, { departments: data.departments.map((d) => ({ ...d, departmentKey: `common:departments.${d.department}` })), locale: 'en' }), 'en'));
    expect(en).toContain('Ordinary passport');
    expect(en).toMatch(/CNY\s120/);
    expect(en).toMatch(/\bFree\b/);
  });
});

describe('/services/:code', () => {
  it('returns every item’s guide', async () => {
    for (const def of SERVICES) {
      const res = await guide(def.code);
      expect(res.status, def.code).toBe(200);
      const data = (await res.json()) as GuideData;
      expect(data.guide.code).toBe(def.code);
      expect(data.guide.materials).toHaveLength(def.materials.length);
    }
  });

  it('gives the passport guide with its conditions, limits and fee, titled in Chinese', async () => {
    const res = await guide('passport');
    const data = (await res.json()) as GuideData;
    expect(data.title).toMatch(/^普通护照签发/);
    const g = data.guide;
    expect(g.materials.find((m) => m.code === 'idCard')?.conditionKey).toBeNull();
    expect(g.materials.find((m) => m.code === 'guardianIdCard')?.conditionKey).toBe('catalog:conditions.under16');
    expect(g.materials.find((m) => m.code === 'unitApproval')?.conditionKey).toBe('catalog:conditions.stateFunctionary');
    expect(g.timeLimits).toEqual({
      statutory: { days: 15, unit: 'calendar', basisKey: 'catalog:basis.passportLaw6' },
      committedWorkingDays: 7,
      // 7 working days at the hukou province, 20 days elsewhere (docs/catalog-sources.md).
      cases: [
        { labelKey: 'catalog:services.passport.commitments.hukouProvince', days: 7, unit: 'working', visits: 1, basisKey: 'catalog:basis.exitEntryReform2018' },
        { labelKey: 'catalog:services.passport.commitments.elsewhere', days: 20, unit: 'calendar', visits: 1, basisKey: 'catalog:basis.passportElsewhere' },
      ],
    });
    expect(g.fee).toMatchObject({ lines: [{ key: 'catalog:services.passport.fees.passport', amount: 120 }], basisKey: 'catalog:basis.passportFee2019' });
    expect(g.jurisdiction.kind).toBe('chosen');
    expect(g.applyHref).toBe('/services/passport/apply');
  });

  it('titles the guide in English when asked', async () => {
    const data = (await (await guide('passport', 'en')).json()) as GuideData;
    expect(data.locale).toBe('en');
    expect(data.title).toMatch(/^Ordinary passport/);
    expect(data.description).toContain('7 working days');
  });

  it('renders materials with their requirement and condition, limits, fees, basis and the apply link', async () => {
    const data = (await (await guide('birth-registration')).json()) as GuideData;
    const html = await render(createElement(ServiceGuide, { guide: data.guide, locale: 'zh-CN' }), 'zh-CN');
    const t = text(html);
    expect(html).toContain('href="/services/birth-registration/apply"');
    expect(t).toContain('出生医学证明');
    expect(t).toContain('亲子鉴定证明');
    expect(t).toContain('非婚生育且随父亲登记的');
    expect(t).toContain('当场办结');
    expect(t).toContain('无全国统一的法定时限');
    expect(t).toContain('不收费');
    expect(t).toContain('《中华人民共和国户口登记条例》');
    expect(t).toMatch(/最多到现场 1 次/);
  });

  it('is organised as the 一网通办 guides are, each fact once, in both languages', async () => {
    for (const def of SERVICES) {
      for (const lng of ['zh-CN', 'en'] as const) {
        const data = (await (await guide(def.code, lng)).json()) as GuideData;
        const html = await render(createElement(ServiceGuide, { guide: data.guide, locale: lng }), lng);
        for (const s of ['conditions', 'materials', 'process', 'limits', 'basis', 'faq']) {
          expect(html, `${def.code} has ${s}`).toContain(`id="guide-${s}"`);
          expect(html).toContain(`href="#guide-${s}"`);
        }
        const t = text(html);
        const i18n = resources[lng].catalog as Record<string, unknown>;
        const at = (key: string) => key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], i18n) as string;
        // Facts that once stood in two or three places (overview, aside, sections) now stand in one.
        for (const key of [`services.${def.code}.eligibility`, `services.${def.code}.place`, 'guide.oneTimeNotice', 'guide.sameDayRule']) {
          const once = at(key);
          expect(t.split(once).length - 1, `${def.code} ${lng}: ${key} once`).toBe(1);
        }
        // Visits: once in the steps, and per case only where cases differ.
        const visitsOne = at('guide.visitsOneSentence');
        expect(t.split(visitsOne).length - 1 + t.split(at('guide.visitsNoneSentence')).length - 1).toBe(1);
        expect(t.split(at('guide.visitsOne')).length - 1).toBe(data.guide.timeLimits.cases.filter((k) => k.visits === 1).length);
      }
    }
  });

  it('renders statutory limits in their unit and fees with the basis, in English', async () => {
    const data = (await (await guide('hk-macao-permit', 'en')).json()) as GuideData;
    const t = text(await render(createElement(ServiceGuide, { guide: data.guide, locale: 'en' }), 'en'));
    expect(t).toContain('60 days');
    expect(t).toContain('7 working days');
    expect(t).toMatch(/CNY\s60/);
    expect(t).toMatch(/CNY\s240/);
    expect(t).toContain('[2017] No. 1186 (endorsements)');
    expect(t).toContain('For a family-visit endorsement (T)');
    expect(t).toContain('Apply online');
  });

  it('shows on-the-spot and zero visits for the record inquiry', async () => {
    const data = (await (await guide('entry-exit-records', 'en')).json()) as GuideData;
    expect(data.guide.timeLimits.committedWorkingDays).toBe(0);
    expect(data.guide.handling.visits).toBe(0);
    const t = text(await render(createElement(ServiceGuide, { guide: data.guide, locale: 'en' }), 'en'));
    expect(t).toContain('On the spot');
    expect(t).toContain('1 working day');
    expect(t).toContain('Free of charge');
  });

  it('shows both HK/Macao cases, endorsement alone on the spot with no visit, in both languages', async () => {
    const en = text(await render(createElement(ServiceGuide, { guide: ((await (await guide('hk-macao-permit', 'en')).json()) as GuideData).guide, locale: 'en' }), 'en'));
    expect(en).toContain('Endorsement only, on a valid e-permit (issued on the spot at a self-service machine)');
    expect(en).toMatch(/Endorsement only[^]*On the spot[^]*None/);
    expect(en).toContain('received during office hours on a working day (9:00–17:00), done that day');
    const zh = text(await render(createElement(ServiceGuide, { guide: ((await (await guide('hk-macao-permit')).json()) as GuideData).guide, locale: 'zh-CN' }), 'zh-CN'));
    expect(zh).toContain('已持有效电子通行证，仅办理签注');
    expect(zh).toContain('自助签注机办理签注，立等可取');
  });

  it('shows the passport’s 20 days outside the hukou province and the first ID card’s 45 days, in both languages', async () => {
    const pEn = text(await render(createElement(ServiceGuide, { guide: ((await (await guide('passport', 'en')).json()) as GuideData).guide, locale: 'en' }), 'en'));
    expect(pEn).toMatch(/At an exit-entry window in another province\s*20 days/);
    const pZh = text(await render(createElement(ServiceGuide, { guide: ((await (await guide('passport')).json()) as GuideData).guide, locale: 'zh-CN' }), 'zh-CN'));
    expect(pZh).toContain('跨省异地申请普通护照签发时限为20日');
    const idEn = text(await render(createElement(ServiceGuide, { guide: ((await (await guide('first-id-card', 'en')).json()) as GuideData).guide, locale: 'en' }), 'en'));
    expect(idEn).toContain('45 days');
    expect(idEn).not.toContain('60 days');
    expect(idEn).toContain('art. 80');
  });

  it('answers 404 with the localized not-found code for an unknown item', async () => {
    for (const lng of ['zh-CN', 'en']) {
      const res = await guide('no-such-item', lng);
      expect(res.status).toBe(404);
      const body = (await res.json()) as { code: string; params: Record<string, string> };
      expect(body).toEqual({ code: 'service.notFound', params: {} });
    }
    const i18n = createInstance();
    await i18n.init({ ...i18nConfig, lng: 'zh-CN', resources });
    expect(i18n.getFixedT('en')('errors:service.notFound')).not.toEqual(i18n.t('errors:service.notFound'));
  });

  it('does not echo what was typed in the path on the not-found page (text a link can carry)', async () => {
    const typed = '请拨打010-12345678';
    for (const lng of ['zh-CN', 'en']) {
      const res = await guide(typed, lng);
      expect(res.status).toBe(404);
      expect(JSON.stringify(await res.json())).not.toContain('12345678');
    }
    for (const lng of ['zh-CN', 'en'] as const) {
      for (const text of Object.values(resources[lng].errors.service)) expect(text).not.toContain('{{code}}');
    }
  });

  it('does not treat inherited property names as codes', async () => {
    for (const code of ['constructor', '__proto__', 'toString', '']) {
      const res = await guide(code);
      expect(res.status).toBe(404);
    }
  });
});
