import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { notices } from '../../db/schema/index.js';
import { getApplyForm } from '../../services/applications/form-view.js';
import { getService } from '../../services/catalog/index.js';
import { factsOfDefinition, type ItemFacts, type LocalText } from '../../services/catalog/item-facts.js';
import { publishItemDraft, saveItemDraft } from '../../services/catalog/item-admin.js';
import { readSource } from '../../services/documents/sources.js';
import { claimNext } from '../../services/queue/claim.js';
import { getNotice, issueNotice } from '../../services/review/notice.js';
import { getReview } from '../../services/review/review-page.js';
import { getSupplementForm } from '../../services/review/supplement.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { actorOf, createStaff, fixedClock, testConfig, testContext } from '../support/factories.js';
import { adminActor, createAdmin } from '../support/admin-staff.js';
import { createSubmittedApplication } from '../support/applications.js';
import { createTestDb } from '../setup/test-db.js';

/**
 * The clerk's review page, the one-time notice (page, supplement form and sealed text) and the
 * apply form word each material as the version of the list the application was filed under
 * (docs/decisions/0040): a requirement published after filing never reaches the old application.
 */
let h: DbHandle;
beforeEach(async () => {
  h = await createTestDb();
});
afterEach(() => h.close());

const CODE = 'temporary-id-card';
const config = testConfig();
const OLD: LocalText = { zh: '白底免冠彩色照片，旧版要求', en: 'Colour photo on white, old wording' };
const NEW: LocalText = { zh: '蓝底免冠彩色照片，新版要求', en: 'Colour photo on blue, new wording' };
const withPhoto = (requirement: LocalText): ItemFacts => ({
  ...factsOfDefinition(getService(CODE)),
  materials: { photo: { requirement, example: { zh: `示例：${requirement.zh}`, en: `Example: ${requirement.en}` } } },
});

describe('material texts of the application’s own version', () => {
  it('the old application keeps the text it was filed under on the review page and in its notice; a new one shows the new text', async () => {
    const clock = fixedClock();
    const day = clock.now().toISOString().slice(0, 10);
    const admin = testContext(h.db, adminActor(await createAdmin(h.db, null)), clock, config);
    await saveItemDraft(admin, CODE, withPhoto(OLD));
    await publishItemDraft(admin, CODE, { effectiveFrom: day });

    const old = await createSubmittedApplication(h.db, { clock, config });
    const clerk = await createStaff(h.db);
    const ctx = testContext(h.db, actorOf(clerk), clock, config);
    const { leaseVersion } = (await claimNext(ctx))!;
    await recordVerdict(ctx, old.number, { leaseVersion, materialCode: 'hukouBook', verdict: 'ok' });
    await recordVerdict(ctx, old.number, { leaseVersion, materialCode: 'idCollectionReceipt', verdict: 'ok' });
    await recordVerdict(ctx, old.number, { leaseVersion, materialCode: 'photo', verdict: 'deficient', reasonCode: 'photoSpec' });

    // The list changes after the filing, before the notice is issued.
    await saveItemDraft(admin, CODE, withPhoto(NEW));
    await publishItemDraft(admin, CODE, { effectiveFrom: day });

    const review = await getReview(ctx, old.number);
    expect(review.checklist.find((i) => i.code === 'photo')?.requirementText).toEqual(OLD);
    expect(review.checklist.find((i) => i.code === 'hukouBook')?.requirementText).toBeNull();

    await issueNotice(ctx, old.number, leaseVersion);
    const view = await getNotice(old.ctx, old.number, null);
    expect(view.notice.items).toEqual([expect.objectContaining({ materialCode: 'photo', requirementText: OLD })]);
    const form = await getSupplementForm(old.ctx, old.number);
    expect(form.notice?.items[0].requirementText).toEqual(OLD);
    const [row] = await h.db.select({ id: notices.id }).from(notices).where(eq(notices.applicationId, old.applicationId));
    const sealed = await readSource(h.db, 'notice', row.id);
    const printed = sealed!.text.paragraphs.join('\n');
    expect(printed).toContain(OLD.zh);
    expect(printed).not.toContain(NEW.zh);

    // A newer version still: the issued notice is a document as issued, not re-read.
    await saveItemDraft(admin, CODE, withPhoto({ zh: '第三版', en: 'Third' }));
    await publishItemDraft(admin, CODE, { effectiveFrom: day });
    expect((await getNotice(old.ctx, old.number, null)).notice.items[0].requirementText).toEqual(OLD);

    const fresh = await createSubmittedApplication(h.db, { clock, config });
    const freshReview = await getReview(ctx, fresh.number);
    expect(freshReview.checklist.find((i) => i.code === 'photo')?.requirementText).toEqual({ zh: '第三版', en: 'Third' });
    // The old application's review page still reads its own version.
    expect((await getReview(ctx, old.number)).checklist.find((i) => i.code === 'photo')?.requirementText).toEqual(OLD);
  });

  it('the apply form shows the requirement and example of the version in force; the catalog’s text when the list has none', async () => {
    const clock = fixedClock();
    const day = clock.now().toISOString().slice(0, 10);
    const admin = testContext(h.db, adminActor(await createAdmin(h.db, null)), clock, config);
    const citizen = (await createSubmittedApplication(h.db, { clock, config })).ctx;
    const before = await getApplyForm(citizen, CODE, { fresh: true });
    expect(before.materials.map((m) => m.requirementText)).toEqual(before.materials.map(() => null));

    await saveItemDraft(admin, CODE, withPhoto(NEW));
    await publishItemDraft(admin, CODE, { effectiveFrom: day });
    const after = await getApplyForm(citizen, CODE, { fresh: true });
    const photo = after.materials.find((m) => m.code === 'photo')!;
    expect([photo.requirementText, photo.exampleText?.en]).toEqual([NEW, `Example: ${NEW.en}`]);
  });
});
