import { and, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications, auditEvents, itemVersions } from '../../db/schema/index.js';
import { getMyApplication } from '../../services/applications/read.js';
import { guideInForce } from '../../services/catalog/guide-in-force.js';
import { getService, SERVICES } from '../../services/catalog/index.js';
import { factsOfDefinition, type ItemFacts } from '../../services/catalog/item-facts.js';
import { factsFromForm, getItem, listItems, publishItemDraft, saveItemDraft, setItemOfferings } from '../../services/catalog/item-admin.js';
import { isDomainError } from '../../services/errors.js';
import { fixedClock, testContext } from '../support/factories.js';
import { adminActor, createAdmin } from '../support/admin-staff.js';
import { createSubmittedApplication } from '../support/applications.js';
import { createTestDb } from '../setup/test-db.js';

/**
 * The list of items (事项清单, docs/decisions/0036): published versions of each item's facts, the
 * version an application was filed under kept for good, and who may change what.
 */
let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

async function refusal(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (isDomainError(e)) return { status: e.status, code: e.code, params: e.params, fields: e.fieldErrors };
    throw e;
  }
  throw new Error('expected a refusal');
}

const CODE = 'temporary-id-card';
const facts = (patch: Partial<ItemFacts> = {}): ItemFacts => ({ ...factsOfDefinition(getService(CODE)), ...patch });

async function root(clock = fixedClock()) {
  const row = await createAdmin(h.db, null);
  return testContext(h.db, adminActor(row), clock);
}

describe('versions of the list', () => {
  it('every item has version 1 with the code’s facts, in force, and a filing carries its id', async () => {
    const rows = await h.db.select().from(itemVersions).where(eq(itemVersions.version, 1));
    expect(rows.map((r) => r.serviceCode).sort()).toEqual(SERVICES.map((s) => s.code).sort());
    for (const r of rows) expect(r.facts).toEqual(factsOfDefinition(getService(r.serviceCode)));
    const filed = await createSubmittedApplication(h.db);
    const [app] = await h.db.select().from(applications).where(eq(applications.id, filed.applicationId));
    expect(app.itemVersionId).toBe(rows.find((r) => r.serviceCode === CODE)!.id);
  });

  it('an application filed before a fee and time-limit change keeps its figures; one filed after gets the new ones', async () => {
    const clock = fixedClock();
    const admin = await root(clock);
    const before = await createSubmittedApplication(h.db, { clock });
    const [oldRow] = await h.db.select().from(applications).where(eq(applications.id, before.applicationId));

    expect(await saveItemDraft(admin, CODE, facts({ fees: { card: 25 }, committedWorkingDays: 4 }))).toBe(2);
    // A draft changes nothing yet.
    expect((await guideInForce(admin, CODE)).fee.lines[0].amount).toBe(10);
    expect(await publishItemDraft(admin, CODE, { effectiveFrom: '2026-11-23' })).toBe(2);

    const after = await createSubmittedApplication(h.db, { clock });
    const [newRow] = await h.db.select().from(applications).where(eq(applications.id, after.applicationId));
    expect(newRow.itemVersionId).not.toBe(oldRow.itemVersionId);
    expect(newRow.dueDate! > oldRow.dueDate!).toBe(true);

    const oldReceipt = await getMyApplication(before.ctx, oldRow.number!);
    const newReceipt = await getMyApplication(after.ctx, newRow.number!);
    expect([oldReceipt.feeTotal, oldReceipt.committed?.days]).toEqual([10, 1]);
    expect([newReceipt.feeTotal, newReceipt.committed?.days]).toEqual([25, 4]);
    const [still] = await h.db.select().from(applications).where(eq(applications.id, before.applicationId));
    expect(still.dueDate).toBe(oldRow.dueDate);

    const guide = await guideInForce(admin, CODE);
    expect(guide.version).toEqual({ number: 2, effectiveFrom: '2026-11-23' });
    expect(guide.fee.lines[0].amount).toBe(25);
  });

  it('a version effective later leaves today’s filings on the version in force', async () => {
    const clock = fixedClock();
    const admin = await root(clock);
    await saveItemDraft(admin, CODE, facts({ fees: { card: 30 } }));
    await publishItemDraft(admin, CODE, { effectiveFrom: '2026-12-01' });
    const filed = await createSubmittedApplication(h.db, { clock });
    expect((await getMyApplication(filed.ctx, filed.number)).feeTotal).toBe(10);
    clock.set('2026-12-01T02:00:00.000Z');
    const later = await createSubmittedApplication(h.db, { clock });
    expect((await getMyApplication(later.ctx, later.number)).feeTotal).toBe(30);
  });

  it('a published version cannot be edited or deleted: the database refuses', async () => {
    const [v1] = await h.db.select().from(itemVersions).where(and(eq(itemVersions.serviceCode, CODE), eq(itemVersions.version, 1)));
    await expect(h.db.update(itemVersions).set({ facts: {} }).where(eq(itemVersions.id, v1.id))).rejects.toThrow();
    await expect(h.db.delete(itemVersions).where(eq(itemVersions.id, v1.id))).rejects.toThrow();
    await expect(h.db.execute(sql`update item_versions set status = 'draft' where id = ${v1.id}`)).rejects.toThrow();
    const [same] = await h.db.select().from(itemVersions).where(eq(itemVersions.id, v1.id));
    expect(same.facts).toEqual(v1.facts);
  });

  it('a fee line the definition does not know is refused by name, and nothing is saved', async () => {
    const admin = await root();
    const form = factsFromForm([
      ['committedWorkingDays', '1'],
      ['statutoryDays', '3'],
      ['fees.card', '10'],
      ['fees.express', '12'],
      ['feeBasisKey', 'fee2003_2322'],
      ['offered', 'on'],
    ]);
    const r = await refusal(saveItemDraft(admin, CODE, form));
    expect(r).toMatchObject({ status: 400, code: 'admin.items.unknownFeeLine', params: { line: 'express', known: 'card' } });
    expect(r.fields['fees.express']).toEqual(['admin.items.unknownFeeLine']);
    expect(await h.db.select().from(itemVersions).where(eq(itemVersions.status, 'draft'))).toEqual([]);
  });

  it('limits out of bounds, a text in one language only and a past effective date are refused beside their fields', async () => {
    const admin = await root();
    const r = await refusal(
      saveItemDraft(admin, CODE, { ...facts(), committedWorkingDays: 400, notes: { zh: '请带原件', en: '' }, fees: { card: -1 } }),
    );
    expect(r.fields).toMatchObject({ committedWorkingDays: ['admin.items.limitRange'], 'notes.en': ['admin.items.bothLanguages'], 'fees.card': ['admin.items.feeRange'] });
    await saveItemDraft(admin, CODE, facts());
    expect(await refusal(publishItemDraft(admin, CODE, { effectiveFrom: '2026-11-22' }))).toMatchObject({ status: 400, fields: { effectiveFrom: ['date.tooEarly'] } });
  });

  it('every change is in the audit trail, with what it was before', async () => {
    const admin = await root();
    await saveItemDraft(admin, CODE, facts({ fees: { card: 12 } }));
    await saveItemDraft(admin, CODE, facts({ fees: { card: 15 } }));
    await publishItemDraft(admin, CODE, { effectiveFrom: '2026-11-24' });
    await setItemOfferings(admin, CODE, { offices: ['bj-chaoyang'], offered: [] });
    const rows = await h.db.select().from(auditEvents).where(sql`${auditEvents.action} like 'admin.item.%'`).orderBy(auditEvents.at, auditEvents.id);
    expect(rows.map((r) => r.action)).toEqual(['admin.item.draftSaved', 'admin.item.draftSaved', 'admin.item.published', 'admin.item.offeringChanged']);
    expect((rows[1].data as { before: ItemFacts }).before.fees).toEqual({ card: 12 });
    expect(rows[2].data).toMatchObject({ serviceCode: CODE, version: 2, effectiveFrom: '2026-11-24' });
    expect(rows[3]).toMatchObject({ officeCode: 'bj-chaoyang', data: { serviceCode: CODE, before: true, after: false } });
    expect(rows.every((r) => r.actorId === (admin.actor.kind === 'user' ? admin.actor.id : null))).toBe(true);
  });

  it('an item withdrawn from the list is not filed; an office that stops offering it takes none', async () => {
    const clock = fixedClock();
    const admin = await root(clock);
    await setItemOfferings(admin, CODE, { offices: ['bj-dongcheng'], offered: [] });
    const r = await refusal(createSubmittedApplication(h.db, { clock }));
    expect(r.status).toBe(400);
    expect(r.fields.hukouRegion).toEqual(['apply.noOfficeForRegion']);
    await setItemOfferings(admin, CODE, { offices: ['bj-dongcheng'], offered: ['bj-dongcheng'] });
    await createSubmittedApplication(h.db, { clock });
    await saveItemDraft(admin, CODE, facts({ offered: false }));
    await publishItemDraft(admin, CODE, { effectiveFrom: '2026-11-23' });
    expect(await refusal(createSubmittedApplication(h.db, { clock }))).toMatchObject({ status: 409, code: 'service.notOffered' });
    expect((await guideInForce(admin, CODE)).offered).toBe(false);
  });
});

describe('scope', () => {
  it('a city administrator sees and sets only their own offices’ offerings; another city’s office is 404 and nothing changes', async () => {
    const beijing = testContext(h.db, adminActor(await createAdmin(h.db, '1101')));
    const item = await getItem(beijing, CODE);
    expect(item.canEdit).toBe(false);
    expect(item.offerings.map((o) => o.officeCode)).toEqual(['bj-chaoyang', 'bj-dongcheng']);
    expect(await refusal(setItemOfferings(beijing, CODE, { offices: ['sh-huangpu'], offered: [] }))).toMatchObject({ status: 404 });
    expect(await refusal(setItemOfferings(beijing, CODE, { offices: ['bj-dongcheng'], offered: ['bj-dongcheng', 'sh-huangpu'] }))).toMatchObject({ status: 404 });
    const shanghai = testContext(h.db, adminActor(await createAdmin(h.db, '3101')));
    expect((await getItem(shanghai, CODE)).offerings.map((o) => o.officeCode)).toEqual(['sh-huangpu']);
    expect((await getItem(shanghai, CODE)).offerings[0].offered).toBe(true);
    // The national facts are the root administrator's.
    expect(await refusal(saveItemDraft(beijing, CODE, facts()))).toMatchObject({ status: 403 });
    expect(await refusal(publishItemDraft(beijing, CODE, { effectiveFrom: '2026-11-30' }))).toMatchObject({ status: 403 });
    expect((await listItems(beijing)).canEdit).toBe(false);
  });

  it('an unknown item code is the localized 404', async () => {
    const admin = await root();
    expect(await refusal(getItem(admin, 'no-such-item'))).toMatchObject({ status: 404, code: 'service.notFound' });
  });
});
