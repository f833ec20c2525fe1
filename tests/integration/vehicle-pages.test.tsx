import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { submitApplication } from '../../services/applications/submit.js';
import { getService } from '../../services/catalog/index.js';
import { mockServer } from '../mocks/node.js';
import { vehicleOwnedBy } from '../mocks/vehicle-records.js';
import { createTestDb } from '../setup/test-db.js';
import { createApplicant, sampleFileBytes } from '../support/applications.js';
import { actorOf, appContext, createStaff, fixedClock, sessionCookieFor, testConfig, testContext } from '../support/factories.js';
import { missingKeys, renderPage } from '../support/render-page.js';
import { get, run } from '../support/requests.js';
import { visibleText } from '../support/render-route.js';

/**
 * The vehicle items' pages as served, in both languages: the apply forms resolve every string, the
 * citizen's receipt says which answers the vehicle records corrected (both values), and the
 * clerk's review shows the registered owner from the records and both values beside the answer.
 */
vi.mock('@remix-run/react', async () => (await import('../support/render-page.js')).remixReactStub());

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const config = testConfig();
const clock = fixedClock();
const text = visibleText;

describe('vehicle pages', () => {
  it('the three apply forms render every string in both languages, with the new questions', async () => {
    const route = await import('../../app/routes/services.$code.apply.js');
    const citizen = await createApplicant(h.db);
    const cookie = await sessionCookieFor(h.db, clock, citizen.id);
    const expected: Record<string, string[]> = {
      'inspection-mark': ['filingAs', 'ownerName', 'ownerIdNumber'],
      'used-vehicle-transfer': ['vehicleType', 'buyerRegion', 'tradedAtBuyer', 'residenceBasis'],
      'motorcycle-registration': ['residenceRegion', 'exemptType', 'manufactureDate', 'accidentBeforeRegistration'],
    };
    for (const [code, names] of Object.entries(expected)) {
      const data = await (await run(route.loader, get(`/services/${code}/apply`, { cookie }), appContext(h.db, clock, config), { code })).json();
      for (const lng of ['zh-CN', 'en'] as const) {
        const html = await renderPage(route.default, data, lng);
        expect(missingKeys.splice(0), `${code} ${lng}`).toEqual([]);
        for (const n of names) expect(html, `${code} ${n}`).toContain(`name="${n}"`);
      }
      if (code === 'used-vehicle-transfer') expect(getService(code).fields.map((f) => f.name)).not.toContain('plateOption');
    }
  });

  it('the receipt and the review tell what the records corrected, and the clerk sees the owner from the records', async () => {
    const owner = await createApplicant(h.db, { realName: '车主丁' });
    mockServer.use(vehicleOwnedBy('京A12345', owner));
    const def = getService('inspection-mark');
    const files = await Promise.all(
      ['drivingLicense', 'compulsoryInsurance', 'vehicleTaxProof'].map(async (code) => ({
        materialCode: code,
        originalName: `${code}.pdf`,
        bytes: await sampleFileBytes(def.materials.find((m) => m.code === code)!.accept),
      })),
    );
    const { number } = await submitApplication(testContext(h.db, actorOf(owner), clock, config), {
      applicationId: randomUUID(),
      serviceCode: 'inspection-mark',
      rawAnswers: { plate: '京A12345', filingAs: 'owner', vehicleType: 'van', registrationDate: '2020-03-15', delivery: 'electronic' },
      files,
    });

    const receipt = await import('../../app/routes/applications.$number._index.js');
    const citizenCookie = await sessionCookieFor(h.db, clock, owner.id);
    const mine = await (await run(receipt.loader, get(`/applications/${number}`, { cookie: citizenCookie }), appContext(h.db, clock, config), { number })).json();
    const zh = text(await renderPage(receipt.default, mine, 'zh-CN'));
    expect(zh).toContain('您填写的初次登记日期为 2020-03-15，机动车登记信息为 2022-12-15，已按登记信息办理。');
    expect(zh).toContain('您填写的车辆类型为“面包车”，机动车登记信息为“非营运小型、微型载客汽车（9座及以下，面包车除外）”');
    const en = text(await renderPage(receipt.default, mine, 'en'));
    expect(en).toContain('You entered 2020-03-15 as the date of first registration; the vehicle records say 2022-12-15');
    expect(missingKeys.splice(0)).toEqual([]);

    const review = await import('../../app/routes/desk.applications.$number.js');
    const clerk = await createStaff(h.db, { officeCode: 'bj-dongcheng', skills: ['traffic'] });
    const clerkCookie = await sessionCookieFor(h.db, clock, clerk.id);
    const page = await (await run(review.loader, get(`/desk/applications/${number}`, { cookie: clerkCookie }), appContext(h.db, clock, config), { number })).json();
    const zhDesk = text(await renderPage(review.default, page, 'zh-CN'));
    expect(zhDesk).toContain('机动车登记信息');
    expect(zhDesk).toContain('登记的所有人 车主丁');
    expect(zhDesk).toContain('申请人即登记的所有人');
    // The owner's ID is masked in the records block (the applicant's own block shows theirs in full).
    const block = zhDesk.slice(zhDesk.indexOf('机动车登记信息'), zhDesk.indexOf('申请填写内容'));
    expect(block).not.toContain(owner.idNumber!);
    expect(block).toContain(`所有人身份号码 ${owner.idNumber!.slice(0, 4)}`);
    expect(zhDesk).toContain('申请人填写：2020-03-15；登记信息：2022-12-15（已按登记信息办理）');
    expect(zhDesk).toContain('申请人填写：面包车；登记信息：非营运小型、微型载客汽车');
    const enDesk = text(await renderPage(review.default, page, 'en'));
    expect(enDesk).toContain('Applicant entered: 2020-03-15; records: 2022-12-15');
    expect(missingKeys.splice(0)).toEqual([]);
  });
});
