import { describe, expect, it } from 'vitest';
import { dateTimeFormat, numberFormat } from '../../app/components/intl.js';
import { getFixedT, i18nFor } from '../../app/i18next.server.js';

const get = (path: string, headers: Record<string, string> = {}) => new Request(`http://localhost${path}`, { headers });

describe('server i18n', () => {
  it('shares one instance per language, which keeps its language whatever other requests ask', async () => {
    const en = await i18nFor('en');
    expect(await i18nFor('en')).toBe(en);
    const zh = await i18nFor('zh-CN');
    expect(zh).not.toBe(en);
    const tZh = await getFixedT(get('/services'), 'common');
    const tEn = await getFixedT(get('/services?lng=en'), 'common');
    const tHeader = await getFixedT(get('/services', { 'accept-language': 'en-US,en;q=0.9' }), 'common');
    expect(tZh('siteName')).not.toBe(tEn('siteName'));
    expect(tHeader('siteName')).toBe(tEn('siteName'));
    expect(en.language).toBe('en');
    expect(zh.language).toBe('zh-CN');
    expect(zh.t('siteName')).toBe(tZh('siteName'));
  });
});

describe('Intl formatters', () => {
  it('are built once per locale and options and format as Intl does', () => {
    expect(numberFormat('zh-CN', { style: 'currency', currency: 'CNY' })).toBe(numberFormat('zh-CN', { style: 'currency', currency: 'CNY' }));
    expect(numberFormat('en', { maximumFractionDigits: 1 })).not.toBe(numberFormat('en', { maximumFractionDigits: 2 }));
    expect(numberFormat('en', { maximumFractionDigits: 1 }).format(1.25)).toBe(new Intl.NumberFormat('en', { maximumFractionDigits: 1 }).format(1.25));
    const d = new Date('2026-12-01T00:00:00Z');
    expect(dateTimeFormat('zh-CN', { dateStyle: 'long', timeZone: 'UTC' }).format(d)).toBe(new Intl.DateTimeFormat('zh-CN', { dateStyle: 'long', timeZone: 'UTC' }).format(d));
  });
});
