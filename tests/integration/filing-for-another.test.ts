import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications } from '../../db/schema/index.js';
import { getMyApplication, listMyApplications, timelineOf } from '../../services/applications/read.js';
import { submitApplication } from '../../services/applications/submit.js';
import { withdrawApplication } from '../../services/applications/withdraw.js';
import { getService } from '../../services/catalog/index.js';
import { DomainError } from '../../services/errors.js';
import { getFile } from '../../services/files/files.js';
import { searchDesk } from '../../services/queue/desk.js';
import { getReview } from '../../services/review/review-page.js';
import Receipt, { action as receiptAction, loader as receiptLoader } from '../../app/routes/applications.$number._index.js';
import MyApplications, { loader as listLoader } from '../../app/routes/applications._index.js';
import { get, post, run } from '../support/requests.js';
import { renderRoute as render, visibleText } from '../support/render-route.js';
import { createTestDb } from '../setup/test-db.js';
import { createApplicant, sampleFileBytes } from '../support/applications.js';
import { actorOf, appContext, createStaff, fixedClock, makeIdNumber, sessionCookieFor, testContext } from '../support/factories.js';
import { fastConfig } from '../support/integrations.js';

/**
 * Issue 19, "file for a family member": the relation stored at filing (guardian of a minor, agent
 * of an adult), the subject's read-only view, and the clerk's line naming who filed for whom.
 */

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const config = fastConfig();
/** Monday 2026-11-23, 10:00 in China. */
const MORNING = '2026-11-23T02:00:00.000Z';
const clock = fixedClock(MORNING);

type Citizen = Awaited<ReturnType<typeof createApplicant>>;

async function filesFor(serviceCode: string) {
  const def = getService(serviceCode);
  return Promise.all(def.materials.map(async (m) => ({ materialCode: m.code, originalName: `${m.code}.pdf`, bytes: await sampleFileBytes(m.accept) })));
}

async function file(citizen: Citizen, serviceCode: string, rawAnswers: Record<string, string>) {
  const applicationId = randomUUID();
  await submitApplication(testContext(h.db, actorOf(citizen), clock, config), { applicationId, serviceCode, rawAnswers, files: await filesFor(serviceCode) });
  const [app] = await h.db.select().from(applications).where(eq(applications.id, applicationId));
  return app!;
}

async function failure(p: Promise<unknown>): Promise<DomainError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DomainError);
  return e as DomainError;
}

const passport = (idNumber: string) => ({ idNumber, officeCode: 'bj-dongcheng', applicationType: 'first', stateFunctionary: 'no', delivery: 'pickup' });
const records = (extra: Record<string, string>) => ({ officeCode: 'bj-dongcheng', filingAs: 'agent', delivery: 'electronic', ...extra });
const ctxOf = (c: Citizen) => testContext(h.db, actorOf(c), clock, config);

describe('the relation, stored at filing', () => {
  it('a parent files a passport for their child: guardian, and the child’s account is the subject', async () => {
    const parent = await createApplicant(h.db, { realName: '张三' });
    const child = await createApplicant(h.db, { realName: '李小四', idNumber: makeIdNumber('110101', '20150601') });
    const app = await file(parent, 'passport', passport(child.idNumber!));
    expect(app).toMatchObject({
      status: 'submitted',
      subjectRelation: 'guardian',
      subjectIdNumber: child.idNumber,
      subjectName: '李小四',
      subjectUserId: child.id,
    });
  });

  it('a guardian “of” an adult is refused on the ID field; one’s own passport is “self” with no subject', async () => {
    const parent = await createApplicant(h.db);
    const adult = makeIdNumber('110105', '19900101');
    const e = await failure(
      submitApplication(ctxOf(parent), { applicationId: randomUUID(), serviceCode: 'passport', rawAnswers: passport(adult), files: await filesFor('passport') }),
    );
    expect(e).toMatchObject({ status: 400, fieldErrors: { idNumber: ['apply.notYourIdNumber'] } });
    const own = await file(parent, 'passport', passport(parent.idNumber!));
    expect(own).toMatchObject({ status: 'submitted', subjectRelation: 'self', subjectName: null, subjectIdNumber: null, subjectUserId: null });
  });

  it('filing a record inquiry “as agent” is agent for an adult (no account: no subject user), guardian under 16 and agent from the 16th birthday, as the materials ask', async () => {
    const filer = await createApplicant(h.db);
    const adult = makeIdNumber('110105', '19800101');
    expect(await file(filer, 'entry-exit-records', records({ subjectName: '王五', subjectIdNumber: adult }))).toMatchObject({
      subjectRelation: 'agent',
      subjectName: '王五',
      subjectIdNumber: adult,
      subjectUserId: null,
    });
    // 15 on the China day of filing (born 2010-11-24: 16 tomorrow); 16 since yesterday is filed as an agent.
    const minor = makeIdNumber('110105', '20101124');
    expect(await file(filer, 'entry-exit-records', records({ subjectName: '赵六', subjectIdNumber: minor }))).toMatchObject({ subjectRelation: 'guardian' });
    const sixteen = makeIdNumber('110105', '20101123');
    expect(await file(filer, 'entry-exit-records', records({ subjectName: '钱七', subjectIdNumber: sixteen }))).toMatchObject({ subjectRelation: 'agent' });
  });
});

describe('the subject reads it; acting on it stays with the filer; nobody else sees it', () => {
  it('the child sees it marked as filed for them, read-only; a third citizen gets 404; the clerk sees both names masked', async () => {
    const parent = await createApplicant(h.db, { realName: '张三' });
    const child = await createApplicant(h.db, { realName: '李小四', idNumber: makeIdNumber('110101', '20160301') });
    const stranger = await createApplicant(h.db);
    const app = await file(parent, 'passport', passport(child.idNumber!));
    const number = app.number!;

    const list = await listMyApplications(ctxOf(child));
    expect(list.map((a) => a.number)).toContain(number);
    expect(list.find((a) => a.number === number)!.filing).toEqual({ filedAs: 'guardian', filerName: '张*', subjectName: '李**', forYou: true });
    const seen = await getMyApplication(ctxOf(child), number);
    expect(seen.filing).toMatchObject({ forYou: true, filerName: '张*' });
    expect(seen.timeline.map((e) => e.action)).toContain('application.submitted');
    expect((await timelineOf(ctxOf(child), app.id)).length).toBeGreaterThan(0);

    // The filer sees their own filing, not marked as for them.
    expect((await getMyApplication(ctxOf(parent), number)).filing).toMatchObject({ filedAs: 'guardian', subjectName: '李**', forYou: false });

    const withdrawn = await failure(withdrawApplication(ctxOf(child), { number, confirmed: true }));
    expect([403, 404]).toContain(withdrawn.status);
    expect((await h.db.select({ status: applications.status }).from(applications).where(eq(applications.id, app.id)))[0]!.status).toBe('submitted');

    // The files filed with it: the subject may download them, like the filer; a stranger may not.
    const fileId = seen.files[0]!.id;
    expect((await getFile(ctxOf(child), fileId)).sizeBytes).toBeGreaterThan(0);
    expect((await failure(getFile(ctxOf(stranger), fileId))).status).toBe(404);

    expect((await failure(getMyApplication(ctxOf(stranger), number))).status).toBe(404);
    expect((await failure(timelineOf(ctxOf(stranger), app.id))).status).toBe(404);
    expect((await listMyApplications(ctxOf(stranger))).map((a) => a.number)).not.toContain(number);

    const clerk = await createStaff(h.db, { role: 'clerk', officeCode: 'bj-dongcheng', skills: ['exit_entry'] });
    const review = await getReview(testContext(h.db, actorOf(clerk), clock, config), number);
    expect(review.filing).toEqual({ filedAs: 'guardian', filerName: '张*', subjectName: '李**', forYou: false });
    const desk = await searchDesk(testContext(h.db, actorOf(clerk), clock, config), { kind: 'number', term: number });
    expect(desk.rows.find((r) => r.number === number)?.filing).toEqual({ filedAs: 'guardian', filerName: '张*', subjectName: '李**', forYou: false });
  });
});

describe('the pages', () => {
  it('the child’s receipt says who filed for them and offers no withdrawal; a posted withdrawal is refused; the filer keeps the form', async () => {
    const parent = await createApplicant(h.db, { realName: '张三' });
    const child = await createApplicant(h.db, { realName: '李小四', idNumber: makeIdNumber('110101', '20170301') });
    const number = (await file(parent, 'passport', passport(child.idNumber!))).number!;
    const path = `/applications/${number}`;
    const app = () => appContext(h.db, clock, config);
    const childCookie = await sessionCookieFor(h.db, clock, child.id);
    const parentCookie = await sessionCookieFor(h.db, clock, parent.id);

    const zh = await render(Receipt, path, await run(receiptLoader, get(path, { cookie: childCookie }), app(), { number }));
    expect(visibleText(zh)).toContain('张*（监护人）为您申请');
    expect(zh).not.toContain('withdraw-heading');
    const en = await render(Receipt, path, await run(receiptLoader, get(path, { cookie: childCookie, lng: 'en' }), app(), { number }), undefined, 'en');
    expect(visibleText(en)).toContain('Filed for you by 张* (guardian)');
    const list = await render(MyApplications, '/applications', await run(listLoader, get('/applications', { cookie: childCookie }), app()));
    expect(visibleText(list)).toContain('张*（监护人）为您申请');

    const posted = await run(receiptAction, post(path, { intent: 'withdraw', confirm: 'on' }, { cookie: childCookie }), app(), { number });
    expect([403, 404]).toContain(posted.status);
    expect((await h.db.select({ status: applications.status }).from(applications).where(eq(applications.number, number)))[0]!.status).toBe('submitted');

    const filerPage = await render(Receipt, path, await run(receiptLoader, get(path, { cookie: parentCookie }), app(), { number }));
    expect(filerPage).toContain('withdraw-heading');
    expect(visibleText(filerPage)).toContain('您以监护人身份为 李** 申请');
  });
});

describe('hostile subject inputs', () => {
  it('any name or ID number typed for the subject is a 4xx or a filing, never a 500', async () => {
    const filer = await createApplicant(h.db);
    const files = await filesFor('entry-exit-records');
    const hostile = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      fc.constantFrom('\u0000', '\u202e李四', ' ', '110101201506010000', "'; drop table applications; --", filer.idNumber!, 'x'.repeat(5000)),
    );
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (subjectName, subjectIdNumber) => {
        const result = await submitApplication(ctxOf(filer), {
          applicationId: randomUUID(),
          serviceCode: 'entry-exit-records',
          rawAnswers: records({ subjectName, subjectIdNumber }),
          files,
        }).then(
          () => null,
          (e: unknown) => e,
        );
        if (result === null) return;
        expect(result).toBeInstanceOf(DomainError);
        expect((result as DomainError).status).toBeGreaterThanOrEqual(400);
        expect((result as DomainError).status).toBeLessThan(500);
      }),
      { numRuns: 25 },
    );
  });
});
