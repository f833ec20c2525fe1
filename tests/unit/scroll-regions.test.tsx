import fs from 'node:fs';
import path from 'node:path';
import { createInstance } from 'i18next';
import { renderToString } from 'react-dom/server';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { resources } from '../../locales/index.js';
import { i18nConfig } from '../../app/i18n.js';
import { PreScroll, TableScroll } from '../../app/components/scroll-region.js';

/**
 * Wide blocks scroll inside themselves at phone width, and a scrolling box must be focusable and
 * named (axe scrollable-region-focusable) with a name unlike its section's (landmark-unique). One
 * component does that; these tests hold every table and pre of app/ to it.
 */
async function render(node: React.ReactNode, lng: 'zh-CN' | 'en') {
  const i18n = createInstance();
  await i18n.use(initReactI18next).init({ ...i18nConfig, lng, resources });
  return renderToString(<I18nextProvider i18n={i18n}>{node}</I18nextProvider>);
}

const APP = path.resolve(__dirname, '../../app');
const sources = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.tsx') ? [p] : [];
  });
const COMPONENT = path.join(APP, 'components/scroll-region.tsx');

describe('scrolling regions', () => {
  it('a table wrapper and a pre are focusable regions named for their kind, in both languages', async () => {
    const en = await render(<TableScroll label="Notifications sent"><table /></TableScroll>, 'en');
    expect(en).toContain('tabindex="0"');
    expect(en).toContain('role="region"');
    expect(en).toContain('aria-label="Table: Notifications sent"');
    const zh = await render(<PreScroll label="核验命令">openssl</PreScroll>, 'zh-CN');
    expect(zh).toMatch(/^<pre[^>]*tabindex="0"/);
    expect(zh).toContain('aria-label="文本：核验命令"');
  });

  it('every table and pre in app/ goes through the one component', () => {
    const strays: string[] = [];
    for (const file of sources(APP).filter((f) => f !== COMPONENT)) {
      const text = fs.readFileSync(file, 'utf8');
      const rel = path.relative(APP, file);
      if (/table-wrap|<pre[\s>]/.test(text)) strays.push(`${rel}: a hand-made scroll wrapper or <pre>`);
      const tables = (text.match(/<table[\s>]/g) ?? []).length;
      const wrappers = (text.match(/<TableScroll[\s>]/g) ?? []).length;
      // A file may hold more tables than wrappers: the reports drill shows one of two tables in one.
      if (tables > 0 && wrappers === 0) strays.push(`${rel}: ${tables} table(s) without TableScroll`);
    }
    expect(strays).toEqual([]);
  });
});
