import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { resources } from '../../locales/index.js';
import ApplyPage, { action as applyAction, loader as applyLoader } from '../../app/routes/services.$code.apply.js';
import Receipt, { loader as receiptLoader } from '../../app/routes/applications.$number._index.js';
import MyApplications, { loader as listLoader } from '../../app/routes/applications._index.js';
import { createApplicant } from '../support/applications.js';
import { appContext, fixedClock, sessionCookieFor, testConfig } from '../support/factories.js';
import { files, get, post, run } from '../support/requests.js';
import { renderRoute as render, visibleText } from '../support/render-route.js';
import { createTestDb } from '../setup/test-db.js';

/**
 * Server-renders the pages as a browser without JavaScript receives them, from the real loaders
 * and actions, to check the markup the forms and receipt depend on.
 */
let h: DbHandle;
const clock = fixedClock();
const config = testConfig();
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());
const ctx = () => appContext(h.db, clock, config);
const APPLY = '/services/temporary-id-card/apply';
const ANSWERS = { hukouRegion: '110101', reason: 'applying', delivery: 'pickup' };


/** Attributes of the first element matching `selector` (tag plus an attribute=value pair). */
function attrs(html: string, tag: string, attr: string, value: string): Record<string, string> | null {
  const re = new RegExp(`<${tag}\\b([^>]*\\s${attr}="${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*)>`);
  const m = re.exec(html);
  if (!m) return null;
  const out: Record<string, string> = {};
  for (const a of m[1].matchAll(/([\w-]+)(?:="([^"]*)")?/g)) out[a[1].toLowerCase()] = a[2] ?? '';
  return out;
}

type CatalogTexts = { services: Record<string, { name: string; fields: Record<string, { label: string }>; fees: Record<string, string> }> };
const catalog = (lng: 'zh-CN' | 'en') => (resources[lng].catalog as unknown as CatalogTexts).services['temporary-id-card'];

const text = visibleText;

describe('apply page markup', () => {
  it('is a multipart form that works without JS: labelled fields, radio fieldsets, a file input per material, two intents', async () => {
    const citizen = await createApplicant(h.db);
    const cookie = await sessionCookieFor(h.db, clock, citizen.id);
    const html = await render(ApplyPage, APPLY, await run(applyLoader, get(APPLY, { cookie }), ctx(), { code: 'temporary-id-card' }));
    const form = attrs(html, 'form', 'method', 'post')!;
    expect(form.enctype).toBe('multipart/form-data');
    expect(attrs(html, 'input', 'name', 'applicationId')).toMatchObject({ type: 'hidden' });
    // The region select is labelled, and lists the seeded regions by name.
    const select = attrs(html, 'select', 'name', 'hukouRegion')!;
    expect(html).toContain(`<label for="${select.id}">`);
    expect(text(html)).toContain('北京市东城区');
    // Radios sit in a fieldset whose legend is the question.
    expect(html).toMatch(new RegExp(`<fieldset[^>]*>\\s*<legend>${catalog('zh-CN').fields.reason.label}`));
    for (const m of ['hukouBook', 'idCollectionReceipt', 'photo']) {
      const input = attrs(html, 'input', 'name', `material.${m}`)!;
      expect(input.type).toBe('file');
      expect(html).toContain(`for="${input.id}"`);
    }
    expect(attrs(html, 'input', 'name', 'material.photo')!.accept).toBe('image/jpeg,.jpg,.jpeg,image/png,.png');
    expect(attrs(html, 'button', 'value', 'save')).toMatchObject({ name: 'intent', type: 'submit' });
    expect(attrs(html, 'button', 'value', 'review')).toMatchObject({ name: 'intent', type: 'submit' });
  });

  it('after a refused upload shows the summary, the error beside the file field, and the values entered', async () => {
    const citizen = await createApplicant(h.db);
    const cookie = await sessionCookieFor(h.db, clock, citizen.id);
    const params = { code: 'temporary-id-card' };
    const loaderRes = await run(applyLoader, get(APPLY, { cookie }), ctx(), params);
    const { view } = (await loaderRes.clone().json()) as { view: { applicationId: string } };
    const actionRes = await run(
      applyAction,
      post(APPLY, { applicationId: view.applicationId, intent: 'submit', ...ANSWERS, 'material.hukouBook': files.fakePdf() }, { cookie }),
      ctx(),
      params,
    );
    expect(actionRes.status).toBe(415);
    const html = await render(ApplyPage, APPLY, loaderRes, actionRes);
    expect(html).toContain('class="error-summary"');
    const file = attrs(html, 'input', 'name', 'material.hukouBook')!;
    expect(file['aria-invalid']).toBe('true');
    const errorId = file['aria-describedby'].split(' ').find((id) => id.endsWith('-error'))!;
    expect(html).toMatch(new RegExp(`id="${errorId.replace(/\./g, '\\.')}"[^>]*>.*不接受该文件`));
    expect(html).toContain(`href="#${file.id}"`);
    // Values survive: the chosen region and radios, and the same application id.
    expect(html).toMatch(/<option value="110101" selected="">/);
    expect(attrs(html, 'input', 'value', 'applying')).toHaveProperty('checked');
    expect(attrs(html, 'input', 'name', 'applicationId')!.value).toBe(view.applicationId);
  });
});

describe('receipt and list markup', () => {
  it('prints the receipt facts in the reader’s language, with a print button outside the printout and the timeline', async () => {
    const citizen = await createApplicant(h.db);
    const cookie = await sessionCookieFor(h.db, clock, citizen.id);
    const params = { code: 'temporary-id-card' };
    const { view } = (await (await run(applyLoader, get(APPLY, { cookie }), ctx(), params)).json()) as { view: { applicationId: string } };
    const submitted = await run(
      applyAction,
      post(
        APPLY,
        { applicationId: view.applicationId, intent: 'submit', ...ANSWERS, 'material.hukouBook': files.pdf(), 'material.idCollectionReceipt': files.pdf(), 'material.photo': files.png() },
        { cookie },
      ),
      ctx(),
      params,
    );
    const number = submitted.headers.get('Location')!.split('/').pop()!;

    const en = await render(Receipt, `/applications/${number}`, await run(receiptLoader, get(`/applications/${number}`, { cookie, lng: 'en' }), ctx(), { number }), undefined, 'en');
    const t = text(en);
    expect(t).toContain('Application receipt');
    expect(t).toContain(number);
    expect(t).toContain(catalog('en').name);
    expect(t).toContain('Beijing PSB Dongcheng Branch');
    expect(t).toContain('November 30, 2026');
    expect(t).toContain('November 24, 2026');
    expect(t).toContain(catalog('en').fees.card);
    expect(t).toMatch(/CN¥10\.00|¥10\.00/);
    expect(t).toContain('Application submitted to Beijing PSB Dongcheng Branch');
    // No print button on a page without JavaScript (decision 0044): the browser's command, or the PDF.
    expect(en).not.toContain('window.print');
    expect(t).toContain("To print this receipt, use your browser's Print command");
    expect(en).toContain('<ol class="timeline">');

    const zh = await render(Receipt, `/applications/${number}`, await run(receiptLoader, get(`/applications/${number}`, { cookie }), ctx(), { number }));
    expect(text(zh)).toContain('受理回执');
    expect(text(zh)).toContain('2026年11月30日');
    expect(text(zh)).toContain('已提交，待审查');

    const list = await render(MyApplications, '/applications', await run(listLoader, get('/applications', { cookie }), ctx()));
    expect(list).toContain(`href="/applications/${number}"`);
    expect(text(list)).toContain(catalog('zh-CN').name);
  });
});
