import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications, queueItems } from '../../db/schema/index.js';
import ApplyPage, { action, loader } from '../../app/routes/services.$code.apply.js';
import CheckPage, { action as checkAction, loader as checkLoader } from '../../app/routes/services.$code.apply_.check.js';
import { loader as receiptLoader } from '../../app/routes/applications.$number._index.js';
import type { ApplyFormView } from '../../services/applications/form-view.js';
import type { CheckView } from '../../services/applications/check-view.js';
import type { ApplicationDetail } from '../../services/applications/read.js';
import { parseAnswers } from '../../services/applications/parse-answers.js';
import { chinaDate } from '../../services/calendar/working-days.js';
import { SERVICES, materialRequired, type ServiceDefinition } from '../../services/catalog/index.js';
import type { Config } from '../../services/context.js';
import { appContext, fixedClock, sessionCookieFor, testConfig } from '../support/factories.js';
import { createApplicant } from '../support/applications.js';
import { renderRoute, visibleText } from '../support/render-route.js';
import { files, get, post, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
let clock: ReturnType<typeof fixedClock>;
let config: Config;
let cookie: string;
let idNumber: string;
beforeAll(async () => {
  h = await createTestDb();
  clock = fixedClock();
  const citizen = await createApplicant(h.db);
  idNumber = citizen.idNumber!;
  cookie = await sessionCookieFor(h.db, clock, citizen.id);
});
afterAll(() => h.close());
beforeEach(() => {
  config = testConfig();
});

const ctx = () => appContext(h.db, clock, config);
const applyPath = (code: string) => `/services/${code}/apply`;

async function formView(code: string, query = ''): Promise<Response> {
  return run(loader, get(`${applyPath(code)}${query}`, { cookie }), ctx(), { code });
}

/** The error summary at the top of the rendered page: the one place every problem must be listed. */
function summaryOf(html: string): string {
  const start = html.indexOf('class="error-summary"');
  expect(start, 'the page shows an error summary').toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</div>', start));
}

/** A value a citizen might type or pick for a field: valid or not, the server must name every problem. */
function valueFor(f: ApplyFormView['fields'][number]): fc.Arbitrary<string> {
  if (f.options.length > 0) return fc.constantFrom(...f.options.map((o) => o.value));
  switch (f.kind) {
    case 'checkbox':
      return fc.constant('on');
    case 'date':
      return fc.constantFrom('2000-02-29', '2099-01-01', 'not a date');
    case 'idNumber':
      return fc.constantFrom(idNumber, '110101201901010000', '12345');
    case 'mobile':
      return fc.constantFrom('13800138000', '999');
    case 'plate':
      return fc.constantFrom('京A12345', 'XX');
    default:
      return fc.constantFrom('北京市东城区某街道1号', 'x');
  }
}

type Posted = { answers: Record<string, string>; uploads: Record<string, File>; bad: string | null };

/** Partial answers (at least one required field left out) and uploads for some materials, one maybe of the wrong kind. */
function partialPost(view: ApplyFormView): fc.Arbitrary<Posted> {
  const required = view.fields.filter((f) => f.required);
  return fc
    .record({
      omit: fc.constantFrom(...required.map((f) => f.name)),
      answers: fc.record(Object.fromEntries(view.fields.map((f) => [f.name, valueFor(f)])), { requiredKeys: [] }),
      uploaded: fc.subarray(view.materials.map((m) => m.code)),
      bad: fc.option(fc.constantFrom(...view.materials.map((m) => m.code)), { nil: null, freq: 2 }),
    })
    .map(({ omit, answers, uploaded, bad }) => {
      const a = Object.fromEntries(Object.entries(answers).filter(([k]) => k !== omit)) as Record<string, string>;
      const uploads: Record<string, File> = {};
      for (const code of uploaded) {
        const m = view.materials.find((x) => x.code === code)!;
        uploads[`material.${code}`] = m.accept.includes('pdf') ? files.pdf() : files.png();
      }
      if (bad) uploads[`material.${bad}`] = files.fakePdf();
      return { answers: a, uploads, bad };
    });
}

/** What must be named: every field the schema refuses, and every material the answers call for without a good file. */
function expectedProblems(def: ServiceDefinition, p: Posted): string[] {
  const today = chinaDate(clock.now());
  const parsed = parseAnswers(def, p.answers, { today });
  const fields = parsed.ok ? [] : Object.keys(parsed.fieldErrors);
  const materials = def.materials
    // Materials the population registry may confirm instead depend on its answer: not judged here.
    .filter((m) => !m.sharedFact && materialRequired(m, p.answers, { today }) && !(`material.${m.code}` in p.uploads && p.bad !== m.code))
    .map((m) => `material.${m.code}`);
  return [...fields, ...materials, ...(p.bad ? [`material.${p.bad}`] : [])];
}

describe('one submit names every problem at once (一次性告知)', () => {
  for (const def of SERVICES) {
    it(`${def.code}: the error summary lists every field and every material problem of a partial form`, async () => {
      const view = ((await (await formView(def.code)).json()) as { view: ApplyFormView }).view;
      await fc.assert(
        fc.asyncProperty(partialPost(view), async (p) => {
          const applicationId = crypto.randomUUID();
          const res = await run(action, post(applyPath(def.code), { applicationId, intent: 'review', ...p.answers, ...p.uploads }, { cookie }), ctx(), {
            code: def.code,
          });
          expect([400, 413, 415]).toContain(res.status);
          const body = (await res.clone().json()) as { lastResult: { error: Record<string, string[]> } };
          const expected = expectedProblems(def, p);
          expect(Object.keys(body.lastResult.error).sort()).toEqual(expect.arrayContaining(expected.sort()));
          // A good file sent now is never reported missing.
          for (const key of Object.keys(p.uploads)) if (key !== `material.${p.bad}`) expect(body.lastResult.error[key]).toBeUndefined();
          // Kept as a draft unless a file was refused (then nothing of the request is stored).
          const stored = (await h.db.select().from(applications).where(eq(applications.id, applicationId))).length > 0;
          expect(stored).toBe(!p.bad);
          const page = await renderRoute(ApplyPage, applyPath(def.code), await formView(def.code, stored ? `?draft=${applicationId}` : ''), res);
          const summary = summaryOf(page);
          for (const key of expected) expect(summary, `${key} is linked from the summary`).toContain(`href="#apply-${key}"`);
        }),
        { numRuns: 8 },
      );
    });
  }
});

describe('only the materials that apply', () => {
  it('after 工作调动 the server-rendered form sets the other reasons’ proofs apart as not needed, and the check asks only for what applies', async () => {
    const code = 'hukou-migration';
    const applicationId = crypto.randomUUID();
    const res = await run(action, post(applyPath(code), { applicationId, intent: 'review', category: 'jobTransfer' }, { cookie }), ctx(), { code });
    expect(res.status).toBe(400);
    const errors = ((await res.clone().json()) as { lastResult: { error: Record<string, string[]> } }).lastResult.error;
    expect(errors['material.jobTransferProof']).toEqual(['apply.materialMissing']);
    expect(errors['material.marriageCertificate']).toBeUndefined();
    expect(errors['material.admissionNotice']).toBeUndefined();
    const loaded = await formView(code, `?draft=${applicationId}`);
    const view = ((await loaded.clone().json()) as { view: ApplyFormView }).view;
    const applies = Object.fromEntries(view.materials.map((m) => [m.code, m.applies]));
    expect(applies).toMatchObject({ hukouBook: true, jobTransferProof: true, marriageCertificate: false, admissionNotice: false, kinshipProof: false });
    const html = await renderRoute(ApplyPage, applyPath(code), loaded);
    const notNeeded = html.slice(html.indexOf('class="not-applying"'));
    expect(html.indexOf('class="not-applying"')).toBeGreaterThan(-1);
    expect(visibleText(notNeeded)).toContain('结婚证');
    expect(visibleText(html.slice(0, html.indexOf('class="not-applying"')))).toContain('需要，因为');
  });

  it('shows the four inspection-mark declarations without a required mark', async () => {
    const html = await renderRoute(ApplyPage, applyPath('inspection-mark'), await formView('inspection-mark'));
    for (const name of ['injuryAccident', 'illegalModification', 'convertedFromOperating', 'lateFirstRegistration']) {
      const at = html.indexOf(`id="apply-${name}"`);
      expect(at).toBeGreaterThan(-1);
      const label = html.slice(at, html.indexOf('</label>', at));
      expect(label).not.toContain('required-mark');
      expect(html.slice(at - 200, at)).not.toContain('aria-required');
    }
  });
});

describe('check your answers', () => {
  const code = 'temporary-id-card';
  const answers = { hukouRegion: '110101', reason: 'applying', delivery: 'pickup' };
  const all = () => ({ 'material.hukouBook': files.pdf('户口簿.pdf'), 'material.idCollectionReceipt': files.jpeg('receipt.jpg'), 'material.photo': files.png('photo.png') });

  it('a complete form leads to the review (nothing filed), whose confirmation files it; the receipt shows the answers', async () => {
    const applicationId = crypto.randomUUID();
    const res = await run(action, post(applyPath(code), { applicationId, intent: 'review', ...answers, ...all() }, { cookie }), ctx(), { code });
    expect(res.status).toBe(302);
    const checkPath = `${applyPath(code)}/check?draft=${applicationId}`;
    expect(res.headers.get('Location')).toBe(checkPath);
    const [draft] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
    expect(draft).toMatchObject({ status: 'draft', number: null });
    expect(await h.db.select().from(queueItems).where(eq(queueItems.applicationId, applicationId))).toEqual([]);

    const loaded = await run(checkLoader, get(checkPath, { cookie }), ctx(), { code });
    expect(loaded.status).toBe(200);
    const view = ((await loaded.clone().json()) as { view: CheckView }).view;
    expect(view.answers.map((l) => l.field)).toEqual(['hukouRegion', 'reason', 'delivery']);
    expect(view.materials.map((m) => m.file?.originalName)).toEqual(['户口簿.pdf', 'receipt.jpg', 'photo.png']);
    const html = await renderRoute(CheckPage, checkPath, loaded);
    expect(html).toContain(`href="/services/${code}/apply?draft=${applicationId}#apply-reason"`);
    expect(visibleText(html)).toContain('确认并提交申请');

    // "Change" goes back to the same draft, answers and files kept.
    const back = ((await (await formView(code, `?draft=${applicationId}`)).json()) as { view: ApplyFormView }).view;
    expect(back.draft?.answers).toMatchObject(answers);
    expect(Object.keys(back.draft?.files ?? {})).toHaveLength(3);

    const confirmed = await run(checkAction, post(checkPath, { applicationId }, { cookie }), ctx(), { code });
    expect(confirmed.status).toBe(302);
    const number = confirmed.headers.get('Location')!.replace('/applications/', '');
    const receipt = await run(receiptLoader, get(`/applications/${number}`, { cookie }), ctx(), { number });
    const detail = ((await receipt.json()) as { application: ApplicationDetail }).application;
    expect(detail.status).toBe('submitted');
    expect(detail.answers.map((l) => [l.field, l.values])).toEqual([
      ['hukouRegion', [{ key: 'common:regions.110101' }]],
      ['reason', [{ key: 'catalog:services.temporary-id-card.fields.reason.options.applying' }]],
      ['delivery', [{ key: 'catalog:services.temporary-id-card.fields.delivery.options.pickup' }]],
    ]);
    // Confirming again answers with the same receipt; the review of a filed draft is its receipt.
    const again = await run(checkAction, post(checkPath, { applicationId }, { cookie }), ctx(), { code });
    expect(again.headers.get('Location')).toBe(`/applications/${number}`);
    expect((await run(checkLoader, get(checkPath, { cookie }), ctx(), { code })).headers.get('Location')).toBe(`/applications/${number}`);
  });

  it('another citizen’s draft, or none, is 404 on the review and on confirming', async () => {
    const applicationId = crypto.randomUUID();
    await run(action, post(applyPath(code), { applicationId, intent: 'save', ...answers }, { cookie }), ctx(), { code });
    const other = await createApplicant(h.db);
    const otherCookie = await sessionCookieFor(h.db, clock, other.id);
    const checkPath = `${applyPath(code)}/check?draft=${applicationId}`;
    expect((await run(checkLoader, get(checkPath, { cookie: otherCookie }), ctx(), { code })).status).toBe(404);
    expect((await run(checkAction, post(checkPath, { applicationId }, { cookie: otherCookie }), ctx(), { code })).status).toBe(404);
    expect((await run(checkAction, post(checkPath, { applicationId: crypto.randomUUID() }, { cookie }), ctx(), { code })).status).toBe(404);
    expect((await run(checkLoader, get(`${applyPath(code)}/check`, { cookie }), ctx(), { code })).status).toBe(404);
  });

  it('a draft that no longer passes (a file missing) is not filed: the review names the problem, linked to the form', async () => {
    const applicationId = crypto.randomUUID();
    await run(action, post(applyPath(code), { applicationId, intent: 'save', ...answers, 'material.hukouBook': files.pdf() }, { cookie }), ctx(), { code });
    const checkPath = `${applyPath(code)}/check?draft=${applicationId}`;
    const res = await run(checkAction, post(checkPath, { applicationId }, { cookie }), ctx(), { code });
    expect(res.status).toBe(400);
    const html = await renderRoute(CheckPage, checkPath, await run(checkLoader, get(checkPath, { cookie }), ctx(), { code }), res);
    expect(html).toContain(`#apply-material.photo`);
    const [row] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
    expect(row.status).toBe('draft');
  });
});

describe('no retyping', () => {
  it('an item about the citizen starts with their own ID number, read-only; filing for a child clears it', async () => {
    // A new form (?new=1): the property test above may have left a passport draft naming someone else.
    const res = await formView('passport', '?new=1');
    const view = ((await res.clone().json()) as { view: ApplyFormView }).view;
    expect(view.prefill).toEqual({ idNumber });
    expect(view.fields.find((f) => f.name === 'idNumber')?.locked).toBe(true);
    const html = await renderRoute(ApplyPage, `${applyPath('passport')}?new=1`, res);
    const input = html.slice(html.indexOf('id="apply-idNumber"') - 300, html.indexOf('id="apply-idNumber"') + 300);
    expect(input).toContain(`value="${idNumber}"`);
    expect(input).toMatch(/readonly=""/i);
    expect(html).toContain('href="/services/passport/apply?new=1&amp;for=child"');

    const forChild = ((await (await formView('passport', '?new=1&for=child')).json()) as { view: ApplyFormView }).view;
    expect(forChild.prefill).toEqual({});
    expect(forChild.fields.find((f) => f.name === 'idNumber')?.locked).toBe(false);
    // Items that never name another person by ID number prefill nothing.
    expect(((await (await formView('temporary-id-card')).json()) as { view: ApplyFormView }).view.prefill).toEqual({});
  });

  it('opening the form again offers the saved draft, with a way to start afresh instead', async () => {
    const code = 'household-certificate';
    const applicationId = crypto.randomUUID();
    clock.advance(60_000);
    await run(action, post(applyPath(code), { applicationId, intent: 'save', filingAs: 'self' }, { cookie }), ctx(), { code });
    const res = await formView(code);
    const view = ((await res.clone().json()) as { view: ApplyFormView }).view;
    expect(view.applicationId).toBe(applicationId);
    expect(view.draft?.answers).toMatchObject({ filingAs: 'self' });
    expect(await renderRoute(ApplyPage, applyPath(code), res)).toContain(`href="/services/${code}/apply?new=1"`);
    const fresh = ((await (await formView(code, '?new=1')).json()) as { view: ApplyFormView }).view;
    expect(fresh.draft).toBeNull();
    expect(fresh.applicationId).not.toBe(applicationId);
  });
});
