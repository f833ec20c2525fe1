import fs from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applicationFiles, applications, auditEvents, messages, queueItems } from '../../db/schema/index.js';
import { resources } from '../../locales/index.js';
import { action, loader } from '../../app/routes/services.$code.apply.js';
import { loader as receiptLoader } from '../../app/routes/applications.$number._index.js';
import { loader as listLoader } from '../../app/routes/applications._index.js';
import { loader as fileLoader } from '../../app/routes/files.$id.js';
import type { ApplyFormView } from '../../services/applications/form-view.js';
import type { ApplicationDetail, ApplicationSummary } from '../../services/applications/read.js';
import type { Config } from '../../services/context.js';
import { appContext, createStaff, fixedClock, makeIdNumber, sessionCookieFor, testConfig } from '../support/factories.js';
import { createApplicant } from '../support/applications.js';
import { files, get, post, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';
import { FORBIDDEN_CHARACTERS_MESSAGE } from '../../services/validation/text.js';

let h: DbHandle;
let clock: ReturnType<typeof fixedClock>;
let config: Config;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());
beforeEach(() => {
  clock = fixedClock();
  config = testConfig();
});

const ctx = () => appContext(h.db, clock, config);
const APPLY = '/services/temporary-id-card/apply';
const params = { code: 'temporary-id-card' };
const ANSWERS = { hukouRegion: '110101', reason: 'applying', delivery: 'pickup' };

async function citizenCookie() {
  const citizen = await createApplicant(h.db);
  return { citizen, cookie: await sessionCookieFor(h.db, clock, citizen.id) };
}

async function formView(cookie: string, path = APPLY, p: Record<string, string> = params): Promise<ApplyFormView> {
  const res = await run(loader, get(path, { cookie }), ctx(), p);
  expect(res.status).toBe(200);
  return ((await res.json()) as { view: ApplyFormView }).view;
}

/** The three materials of the temporary ID card, each a valid file of an accepted type. */
const allMaterials = () => ({
  'material.hukouBook': files.pdf('户口簿.pdf'),
  'material.idCollectionReceipt': files.jpeg('receipt.jpg'),
  'material.photo': files.png('photo.png'),
});

type Reply = { lastResult: { status: string; initialValue: Record<string, unknown>; error: Record<string, string[] | null> } };

async function reply(res: Response): Promise<Reply['lastResult']> {
  return ((await res.json()) as Reply).lastResult;
}

const rowsOf = (applicationId: string) => h.db.select().from(applications).where(eq(applications.id, applicationId));
const uploadsOnDisk = () => (fs.existsSync(config.uploadDir) ? fs.readdirSync(config.uploadDir, { recursive: true }).filter((f) => String(f).includes('-')) : []);

describe('/services/:code/apply — access', () => {
  it('sends anonymous visitors to sign in and back', async () => {
    const res = await run(loader, get(APPLY), ctx(), params);
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe(`/login?redirectTo=${encodeURIComponent(APPLY)}`);
  });

  it('refuses staff with 403', async () => {
    const clerk = await createStaff(h.db);
    const res = await run(loader, get(APPLY, { cookie: await sessionCookieFor(h.db, clock, clerk.id) }), ctx(), params);
    expect(res.status).toBe(403);
  });

  it('answers an unknown service code with a localized 404, on GET and on POST', async () => {
    const { cookie } = await citizenCookie();
    const res = await run(loader, get('/services/no-such-thing/apply', { cookie }), ctx(), { code: 'no-such-thing' });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { code: string; params: Record<string, string> };
    // The code is not echoed: a path can carry any text, and the error page must not print it.
    expect(body).toEqual({ code: 'service.notFound', params: {} });
    expect(resources['zh-CN'].errors.service.notFound).not.toContain('{{code}}');
    expect(resources.en.errors.service.notFound).not.toContain('{{code}}');

    const posted = await run(action, post('/services/no-such-thing/apply', { intent: 'save', applicationId: crypto.randomUUID() }, { cookie }), ctx(), {
      code: 'no-such-thing',
    });
    expect(posted.status).toBe(404);
  });

  it('renders the form from the definition: fields with option lists, the checklist, and a fresh id', async () => {
    const { cookie } = await citizenCookie();
    const view = await formView(cookie);
    expect(view.applicationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(view.draft).toBeNull();
    const region = view.fields.find((f) => f.name === 'hukouRegion')!;
    expect(region.kind).toBe('region');
    expect(region.options).toContainEqual({ value: '110101', labelKey: 'common:regions.110101' });
    const reason = view.fields.find((f) => f.name === 'reason')!;
    expect(reason.options.map((o) => o.labelKey)).toContain('catalog:services.temporary-id-card.fields.reason.options.renewing');
    expect(view.materials.map((m) => m.field)).toEqual(['material.hukouBook', 'material.idCollectionReceipt', 'material.photo']);
    expect(view.materials.find((m) => m.code === 'photo')!.accept).toEqual(['jpeg', 'png']);
    // Two visits to the form before any save get two different ids: each form is its own application.
    expect((await formView(cookie)).applicationId).not.toBe(view.applicationId);
  });

  it('lists the offices handling the department for a chosen-office service', async () => {
    const { cookie } = await citizenCookie();
    const view = await formView(cookie, '/services/passport/apply', { code: 'passport' });
    const office = view.fields.find((f) => f.kind === 'office')!;
    expect(office.options.map((o) => o.value)).toEqual(['bj-chaoyang', 'bj-dongcheng', 'sh-huangpu']);
    expect(office.options[0].labelKey).toBe('common:offices.bj-chaoyang');
  });
});

describe('/services/:code/apply — drafts and submission', () => {
  it('saves a draft, brings it back, then submits it into the queue with a receipt', async () => {
    const { citizen, cookie } = await citizenCookie();
    const { applicationId } = await formView(cookie);

    // A half-filled form with one file saves without validation.
    const saved = await run(
      action,
      post(APPLY, { applicationId, intent: 'save', hukouRegion: '110101', 'material.hukouBook': files.pdf('户口簿.pdf') }, { cookie }),
      ctx(),
      params,
    );
    expect(saved.status).toBe(302);
    expect(saved.headers.get('Location')).toBe(`${APPLY}?draft=${applicationId}&saved=1`);

    const back = await formView(cookie, `${APPLY}?draft=${applicationId}&saved=1`);
    expect(back.applicationId).toBe(applicationId);
    expect(back.draft!.answers).toEqual({ hukouRegion: '110101' });
    expect(back.draft!.files.hukouBook).toMatchObject({ originalName: '户口簿.pdf', mimeType: 'application/pdf', sizeBytes: 1024 });
    // Coming back without the link finds the same draft.
    expect((await formView(cookie)).applicationId).toBe(applicationId);

    // Replacing the file supersedes the old row instead of deleting it.
    await run(action, post(APPLY, { applicationId, intent: 'save', ...ANSWERS, 'material.hukouBook': files.pdf('new.pdf', 2048) }, { cookie }), ctx(), params);
    const fileRows = await h.db.select().from(applicationFiles).where(eq(applicationFiles.applicationId, applicationId));
    expect(fileRows).toHaveLength(2);
    expect(fileRows.filter((f) => f.supersededAt === null).map((f) => f.originalName)).toEqual(['new.pdf']);
    expect(fileRows.every((f) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);

    const submitted = await run(
      action,
      post(APPLY, { applicationId, intent: 'submit', ...ANSWERS, 'material.idCollectionReceipt': files.jpeg(), 'material.photo': files.png() }, { cookie }),
      ctx(),
      params,
    );
    expect(submitted.status).toBe(302);
    const location = submitted.headers.get('Location')!;
    expect(location).toMatch(/^\/applications\/GA20261123\d{6}$/);
    const number = location.split('/').pop()!;

    const receipt = await run(receiptLoader, get(location, { cookie }), ctx(), { number });
    expect(receipt.status).toBe(200);
    const { application: a } = (await receipt.json()) as { application: ApplicationDetail };
    expect(a).toMatchObject({
      number,
      status: 'submitted',
      serviceCode: 'temporary-id-card',
      officeCode: 'bj-dongcheng',
      submittedAt: '2026-11-23T02:00:00.000Z',
      // Monday 23 Nov + 5 working days; + 1 committed working day.
      completenessDeadline: '2026-11-30',
      dueDate: '2026-11-24',
      fees: [{ key: 'card', amount: 10 }],
      feeTotal: 10,
      handling: { mode: 'online_then_visit', visits: 1 },
    });
    expect(a.files.map((f) => f.materialCode).sort()).toEqual(['hukouBook', 'idCollectionReceipt', 'photo']);
    expect(a.timeline).toEqual([
      { at: '2026-11-23T02:00:00.000Z', action: 'application.submitted', fromStatus: 'draft', toStatus: 'submitted', officeCode: 'bj-dongcheng', reason: null },
    ]);

    const [row] = await rowsOf(applicationId);
    expect(row).toMatchObject({ status: 'submitted', number, priority: 2, answers: ANSWERS });
    const queue = await h.db.select().from(queueItems).where(eq(queueItems.applicationId, applicationId));
    expect(queue).toEqual([
      expect.objectContaining({
        state: 'waiting',
        officeCode: 'bj-dongcheng',
        department: 'hukou',
        serviceCode: 'temporary-id-card',
        priority: 2,
        completenessDeadline: '2026-11-30',
        dueDate: '2026-11-24',
        receivedAt: new Date('2026-11-23T02:00:00.000Z'),
      }),
    ]);
    const audit = await h.db.select().from(auditEvents).where(eq(auditEvents.applicationId, applicationId));
    expect(audit).toEqual([
      expect.objectContaining({ action: 'application.submitted', fromStatus: 'draft', toStatus: 'submitted', actorId: citizen.id, actorRole: 'citizen' }),
    ]);
    const receiptMessages = await h.db.select().from(messages).where(eq(messages.applicationId, applicationId));
    expect(receiptMessages).toEqual([
      expect.objectContaining({ channel: 'sms', template: 'receipt', idempotencyKey: `receipt:${applicationId}`, userId: citizen.id, status: 'pending' }),
    ]);
    expect(receiptMessages[0].params).toMatchObject({ number, completenessDeadline: '2026-11-30', dueDate: '2026-11-24' });

    // The list shows it with its number; saving the submitted form as a draft is refused.
    const list = await run(listLoader, get('/applications', { cookie }), ctx());
    const { applications: mine } = (await list.json()) as { applications: ApplicationSummary[] };
    expect(mine).toEqual([expect.objectContaining({ number, status: 'submitted', dueDate: '2026-11-24' })]);
    const late = await run(action, post(APPLY, { applicationId, intent: 'save', ...ANSWERS }, { cookie }), ctx(), params);
    expect(late.status).toBe(409);
    // The form link of a submitted draft leads to its receipt.
    const old = await run(loader, get(`${APPLY}?draft=${applicationId}`, { cookie }), ctx(), params);
    expect(old.headers.get('Location')).toBe(`/applications/${number}`);
  });

  it('skips the National Day holidays and counts the make-up Saturday', async () => {
    clock.set('2026-09-29T02:00:00.000Z'); // Tuesday before National Day
    const { cookie } = await citizenCookie();
    const { applicationId } = await formView(cookie);
    const res = await run(action, post(APPLY, { applicationId, intent: 'submit', ...ANSWERS, ...allMaterials() }, { cookie }), ctx(), params);
    expect(res.status).toBe(302);
    const [row] = await rowsOf(applicationId);
    // 30 Sep (1), 1–7 Oct holidays, 8 Oct (2), 9 Oct (3), Sat 10 Oct worked (4), 12 Oct (5).
    expect(row.completenessDeadline).toBe('2026-10-12');
    expect(row.dueDate).toBe('2026-09-30');
    expect(row.number).toMatch(/^GA20260929\d{6}$/);
  });

  it('skips the Spring Festival and lands the due date on the make-up Saturday', async () => {
    clock.set('2026-02-13T02:00:00.000Z'); // Friday before Spring Festival
    const { cookie } = await citizenCookie();
    const { applicationId } = await formView(cookie);
    await run(action, post(APPLY, { applicationId, intent: 'submit', ...ANSWERS, ...allMaterials() }, { cookie }), ctx(), params);
    const [row] = await rowsOf(applicationId);
    // Sat 14 Feb worked (1), 15–23 Feb holidays, 24 (2), 25 (3), 26 (4), 27 (5).
    expect(row.completenessDeadline).toBe('2026-02-27');
    expect(row.dueDate).toBe('2026-02-14');
  });

  it('routes by jurisdiction: household region to the district office, chosen office as chosen', async () => {
    const { cookie } = await citizenCookie();
    for (const [region, office] of [
      ['110105', 'bj-chaoyang'],
      ['310104', 'sh-huangpu'],
    ]) {
      const { applicationId } = await formView(cookie);
      await run(action, post(APPLY, { applicationId, intent: 'submit', ...ANSWERS, hukouRegion: region, ...allMaterials() }, { cookie }), ctx(), params);
      expect((await rowsOf(applicationId))[0]).toMatchObject({ status: 'submitted', officeCode: office });
    }
  });

  it('refuses a chosen office that does not exist, beside the office field, and submits nothing', async () => {
    const { citizen, cookie } = await citizenCookie();
    const passport = '/services/passport/apply';
    const view = await formView(cookie, passport, { code: 'passport' });
    // The applicant's own number: an adult applies for themselves (护照法 art. 5).
    const answers = { idNumber: citizen.idNumber!, officeCode: 'bj-nowhere', applicationType: view.fields.find((f) => f.name === 'applicationType')!.options[0].value, stateFunctionary: 'no', delivery: 'pickup' };
    const fileFields = Object.fromEntries(view.materials.map((m) => [m.field, m.accept.includes('pdf') ? files.pdf() : files.png()]));
    const res = await run(action, post(passport, { applicationId: view.applicationId, intent: 'submit', ...answers, ...fileFields }, { cookie }), ctx(), { code: 'passport' });
    expect(res.status).toBe(400);
    const r = await reply(res);
    expect(r.error.officeCode).toEqual(['apply.officeNotHandling']);
    expect((await rowsOf(view.applicationId))[0].status).toBe('draft');
  });
});

describe('/services/:code/apply — bad input', () => {
  it('refuses an oversized file with 413 beside its field, keeps the values and stores nothing', async () => {
    const { cookie } = await citizenCookie();
    const { applicationId } = await formView(cookie);
    const big = files.pdf('big.pdf', config.maxFileBytes + 1);
    const res = await run(action, post(APPLY, { applicationId, intent: 'submit', ...ANSWERS, ...allMaterials(), 'material.hukouBook': big }, { cookie }), ctx(), params);
    expect(res.status).toBe(413);
    const r = await reply(res);
    expect(r.error['material.hukouBook']).toEqual(['apply.fileTooLarge|{"max":5}']);
    expect(r.error['']).toEqual(['errors:upload.tooLarge']);
    expect(r.initialValue).toMatchObject({ ...ANSWERS, applicationId });
    expect(await rowsOf(applicationId)).toEqual([]);
    expect(uploadsOnDisk()).toEqual([]);
    expect(resources.en.validation.apply.fileTooLarge).toContain('{{max}}');
  });

  it('refuses a text file dressed up as a PDF with 415 (judged by its bytes), keeping the values', async () => {
    const { cookie } = await citizenCookie();
    const { applicationId } = await formView(cookie);
    const res = await run(action, post(APPLY, { applicationId, intent: 'save', ...ANSWERS, 'material.hukouBook': files.fakePdf() }, { cookie }), ctx(), params);
    expect(res.status).toBe(415);
    const r = await reply(res);
    expect(r.error['material.hukouBook']).toEqual(['apply.fileType|{"kinds":"PDF / JPEG / PNG"}']);
    expect(r.initialValue).toMatchObject(ANSWERS);
    expect(await rowsOf(applicationId)).toEqual([]);
    expect(uploadsOnDisk()).toEqual([]);
  });

  it('a character no field may hold is named with every other problem at once, not in a second round', async () => {
    const { cookie } = await citizenCookie();
    const { applicationId } = await formView(cookie);
    const res = await run(action, post(APPLY, { applicationId, intent: 'submit', reason: '\u202eapplying', delivery: 'pickup' }, { cookie }), ctx(), params);
    expect(res.status).toBe(400);
    const r = await reply(res);
    expect(r.error.reason).toEqual([FORBIDDEN_CHARACTERS_MESSAGE]);
    expect(r.error.hukouRegion?.length).toBeGreaterThan(0);
    for (const m of ['hukouBook', 'idCollectionReceipt', 'photo']) expect(r.error[`material.${m}`], m).toEqual(['apply.materialMissing']);
    expect(await rowsOf(applicationId)).toEqual([]);
  });

  it('refuses a PDF for a material that takes only photos', async () => {
    const { cookie } = await citizenCookie();
    const { applicationId } = await formView(cookie);
    const res = await run(action, post(APPLY, { applicationId, intent: 'save', 'material.photo': files.pdf() }, { cookie }), ctx(), params);
    expect(res.status).toBe(415);
    expect((await reply(res)).error['material.photo']).toEqual(['apply.fileType|{"kinds":"JPEG / PNG"}']);
  });

  it('refuses a POST carrying extra fields such as status, and stores nothing', async () => {
    const { citizen, cookie } = await citizenCookie();
    const extras: Record<string, string>[] = [{ status: 'accepted' }, { applicantId: citizen.id }, { number: 'GA20261123999999' }];
    for (const extra of extras) {
      const { applicationId } = await formView(cookie);
      const res = await run(action, post(APPLY, { applicationId, intent: 'submit', ...ANSWERS, ...allMaterials(), ...extra }, { cookie }), ctx(), params);
      expect(res.status).toBe(400);
      const r = await reply(res);
      expect(r.error['']).toEqual([`errors:application.unexpectedFields|{"fields":"${Object.keys(extra)[0]}"}`]);
      expect(r.initialValue).toMatchObject(ANSWERS);
      expect(await rowsOf(applicationId)).toEqual([]);
    }
    // Also without files (urlencoded), and for an unknown file field.
    const { applicationId } = await formView(cookie);
    const plain = await run(action, post(APPLY, { applicationId, intent: 'save', status: 'submitted' }, { cookie }), ctx(), params);
    expect(plain.status).toBe(400);
    const stray = await run(action, post(APPLY, { applicationId, intent: 'save', 'material.passportScan': files.pdf() }, { cookie }), ctx(), params);
    expect(stray.status).toBe(400);
    expect(await rowsOf(applicationId)).toEqual([]);
    expect(uploadsOnDisk()).toEqual([]);
  });

  it('refuses a missing or unknown intent and a malformed application id', async () => {
    const { cookie } = await citizenCookie();
    const { applicationId } = await formView(cookie);
    const noIntent = await run(action, post(APPLY, { applicationId, ...ANSWERS }, { cookie }), ctx(), params);
    expect(noIntent.status).toBe(400);
    expect((await reply(noIntent)).error['']).toEqual(['errors:application.badIntent']);
    const badId = await run(action, post(APPLY, { applicationId: '1; drop table', intent: 'save' }, { cookie }), ctx(), params);
    expect(badId.status).toBe(400);
    expect(await rowsOf(applicationId)).toEqual([]);
  });

  it('creates one application when the same form is posted twice, one after the other or at once', async () => {
    const { cookie } = await citizenCookie();
    const { applicationId } = await formView(cookie);
    const body = () => post(APPLY, { applicationId, intent: 'submit', ...ANSWERS, ...allMaterials() }, { cookie });
    const first = await run(action, body(), ctx(), params);
    const second = await run(action, body(), ctx(), params);
    expect(first.status).toBe(302);
    expect(second.headers.get('Location')).toBe(first.headers.get('Location'));

    const other = await formView(cookie);
    const body2 = () => post(APPLY, { applicationId: other.applicationId, intent: 'submit', ...ANSWERS, ...allMaterials() }, { cookie });
    const [a, b] = await Promise.all([run(action, body2(), ctx(), params), run(action, body2(), ctx(), params)]);
    expect(a.status).toBe(302);
    expect(b.headers.get('Location')).toBe(a.headers.get('Location'));

    for (const id of [applicationId, other.applicationId]) {
      expect(await rowsOf(id)).toHaveLength(1);
      expect(await h.db.select().from(queueItems).where(eq(queueItems.applicationId, id))).toHaveLength(1);
      expect(await h.db.select().from(auditEvents).where(eq(auditEvents.applicationId, id))).toHaveLength(1);
      // The second post's files were not stored either.
      expect(await h.db.select().from(applicationFiles).where(eq(applicationFiles.applicationId, id))).toHaveLength(3);
    }
  });

  it('does not submit without a required material, says which, and keeps what was entered as a draft', async () => {
    const { cookie } = await citizenCookie();
    const { applicationId } = await formView(cookie);
    const res = await run(
      action,
      post(APPLY, { applicationId, intent: 'submit', ...ANSWERS, 'material.hukouBook': files.pdf() }, { cookie }),
      ctx(),
      params,
    );
    expect(res.status).toBe(400);
    const r = await reply(res);
    expect(r.error['']).toEqual(['errors:application.missingMaterials|{"count":2,"materials":"idCollectionReceipt,photo"}']);
    expect(r.error['material.idCollectionReceipt']).toEqual(['apply.materialMissing']);
    expect(r.error['material.photo']).toEqual(['apply.materialMissing']);
    expect(r.error['material.hukouBook']).toBeUndefined();
    const [row] = await rowsOf(applicationId);
    expect(row).toMatchObject({ status: 'draft', number: null, officeCode: null });
    expect(await h.db.select().from(queueItems).where(eq(queueItems.applicationId, applicationId))).toEqual([]);
    expect(await h.db.select().from(auditEvents).where(eq(auditEvents.applicationId, applicationId))).toEqual([]);
    // The file that was sent is kept, so the citizen does not upload it again.
    expect((await formView(cookie)).draft!.files.hukouBook).toBeDefined();
  });

  it('refuses an invalid ID number and a birth date in the future with field errors, keeping the values', async () => {
    const { cookie } = await citizenCookie();
    const path = '/services/first-id-card/apply';
    const p = { code: 'first-id-card' };
    const view = await formView(cookie, path, p);
    const good = makeIdNumber('110101', '20150307');
    const badChecksum = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const future = makeIdNumber('110101', '20270101');
    for (const [id, error] of [
      [badChecksum, 'idNumber.checksum'],
      [future, 'idNumber.birthInFuture'],
    ]) {
      const res = await run(action, post(path, { applicationId: view.applicationId, intent: 'submit', hukouRegion: '110101', idNumber: id, delivery: 'pickup' }, { cookie }), ctx(), p);
      expect(res.status).toBe(400);
      const r = await reply(res);
      expect(r.error.idNumber).toEqual([error]);
      expect(r.initialValue).toMatchObject({ idNumber: id, hukouRegion: '110101', delivery: 'pickup' });
      expect((await rowsOf(view.applicationId))[0].status).toBe('draft');
    }

    const birth = await formView(cookie, '/services/birth-registration/apply', { code: 'birth-registration' });
    const res = await run(
      action,
      post('/services/birth-registration/apply', { applicationId: birth.applicationId, intent: 'submit', childBirthDate: '2026-12-01', hukouRegion: '110101' }, { cookie }),
      ctx(),
      { code: 'birth-registration' },
    );
    expect(res.status).toBe(400);
    const r = await reply(res);
    expect(r.error.childBirthDate).toEqual(['date.inFuture']);
    expect(r.initialValue.childBirthDate).toBe('2026-12-01');
  });
});

describe('reading applications and files', () => {
  async function submitted() {
    const { citizen, cookie } = await citizenCookie();
    const { applicationId } = await formView(cookie);
    const res = await run(action, post(APPLY, { applicationId, intent: 'submit', ...ANSWERS, ...allMaterials() }, { cookie }), ctx(), params);
    const number = res.headers.get('Location')!.split('/').pop()!;
    const fileRows = await h.db.select().from(applicationFiles).where(eq(applicationFiles.applicationId, applicationId));
    return { citizen, cookie, number, applicationId, fileRows };
  }

  it('downloads the owner’s file as an attachment with its checked type, never sniffed or cached', async () => {
    const { cookie, fileRows } = await submitted();
    const f = fileRows.find((x) => x.materialCode === 'hukouBook')!;
    const res = await run(fileLoader, get(`/files/${f.id}`, { cookie }), ctx(), { id: f.id });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/pdf');
    expect(res.headers.get('Content-Disposition')).toBe(`attachment; filename="___.pdf"; filename*=UTF-8''${encodeURIComponent('户口簿.pdf')}`);
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.byteLength).toBe(1024);
    expect(Buffer.from(bytes.slice(0, 5)).toString('latin1')).toBe('%PDF-');
  });

  it('hides another citizen’s application and files behind 404', async () => {
    const { number, fileRows } = await submitted();
    const { cookie: stranger } = await citizenCookie();
    const receipt = await run(receiptLoader, get(`/applications/${number}`, { cookie: stranger }), ctx(), { number });
    expect(receipt.status).toBe(404);
    expect(((await receipt.json()) as { code: string }).code).toBe('application.notFound');
    const file = await run(fileLoader, get(`/files/${fileRows[0].id}`, { cookie: stranger }), ctx(), { id: fileRows[0].id });
    expect(file.status).toBe(404);
    const nonsense = await run(fileLoader, get('/files/not-a-uuid', { cookie: stranger }), ctx(), { id: 'not-a-uuid' });
    expect(nonsense.status).toBe(404);
    const list = await run(listLoader, get('/applications', { cookie: stranger }), ctx());
    expect(((await list.json()) as { applications: unknown[] }).applications).toEqual([]);
  });

  it('lets a clerk of the handling office download (audited) but not a clerk of another office', async () => {
    const { fileRows, applicationId } = await submitted();
    const here = await createStaff(h.db, { officeCode: 'bj-dongcheng', skills: ['hukou'] });
    const there = await createStaff(h.db, { officeCode: 'sh-huangpu' });
    const f = fileRows[0];
    const ok = await run(fileLoader, get(`/files/${f.id}`, { cookie: await sessionCookieFor(h.db, clock, here.id) }), ctx(), { id: f.id });
    expect(ok.status).toBe(200);
    const no = await run(fileLoader, get(`/files/${f.id}`, { cookie: await sessionCookieFor(h.db, clock, there.id) }), ctx(), { id: f.id });
    expect(no.status).toBe(404);
    const audit = await h.db.select().from(auditEvents).where(eq(auditEvents.applicationId, applicationId));
    expect(audit.map((a) => [a.action, a.actorId])).toContainEqual(['file.viewed', here.id]);
  });

  it('lists drafts with a way back to the form', async () => {
    const { cookie } = await citizenCookie();
    const { applicationId } = await formView(cookie);
    await run(action, post(APPLY, { applicationId, intent: 'save', reason: 'renewing' }, { cookie }), ctx(), params);
    const list = await run(listLoader, get('/applications', { cookie }), ctx());
    const { applications: mine } = (await list.json()) as { applications: ApplicationSummary[] };
    expect(mine).toEqual([expect.objectContaining({ id: applicationId, status: 'draft', number: null, serviceCode: 'temporary-id-card' })]);
  });
});
