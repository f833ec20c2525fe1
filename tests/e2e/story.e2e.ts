import os from 'node:os';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_TOTP_SECRETS } from '../../db/seed-data.js';
import { TOTP_PERIOD_SECONDS, totpCodeAt, totpStep } from '../../services/auth/totp.js';
import { idCheckCharacter } from '../../services/validation/identifiers.js';
import { expectAccessible, launch, sampleFiles, screenshot, codeSentTo as sentCode } from './browser.js';

/**
 * The whole story in a real browser, once per language: a citizen signs up and files a hukou
 * migration with uploads; every page visited, in every state shown, passes axe.
 */
const base = inject('e2eBase');
const smsLog = inject('e2eSmsLog');

const codeSentTo = (mobile: string, template: string) => sentCode(smsLog, mobile, template);
let browser: Browser;
const files = sampleFiles(path.join(os.tmpdir(), 'onewindow-e2e-files'));

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

function newCitizen() {
  const first17 = `110101${1970 + randomInt(0, 30)}0${randomInt(1, 10)}1${randomInt(0, 10)}${String(randomInt(0, 1000)).padStart(3, '0')}`;
  return {
    idNumber: first17 + idCheckCharacter(first17),
    mobile: `13${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`,
    password: 'a long enough passphrase',
  };
}

/**
 * The time step of the code each demo staff member last signed in with. The server takes a step's
 * code once (replay protection), and both stories sign the same clerk in, often within one 30 s
 * step; it also takes the next step's code (one step of drift either side), so a second sign-in
 * within a step uses that one, waiting for the step to turn only if that one is used too.
 */
const usedSteps = new Map<string, number>();

async function unusedCode(staffNo: string): Promise<string> {
  const last = usedSteps.get(staffNo) ?? -Infinity;
  while (last + 1 > totpStep(new Date()) + 1) {
    await new Promise((r) => setTimeout(r, TOTP_PERIOD_SECONDS * 1000 - (Date.now() % (TOTP_PERIOD_SECONDS * 1000)) + 50));
  }
  const step = Math.max(totpStep(new Date()), last + 1);
  usedSteps.set(staffNo, step);
  return totpCodeAt(DEMO_TOTP_SECRETS[staffNo], step);
}

/** Signs a demo clerk in with password and a TOTP code not used before. */
async function signInStaff(page: Page, staffNo: string, landing = /\/desk/) {
  await page.goto(`${base}/login`);
  await page.fill('input[name="identifier"]', staffNo);
  await page.fill('input[name="password"]', DEMO_PASSWORD);
  await Promise.all([page.waitForURL(/\/login\/totp/), page.click('main form button[type="submit"]')]);
  await expectAccessible(page, 'second factor');
  await page.fill('input[name="code"]', await unusedCode(staffNo));
  await Promise.all([page.waitForURL(landing), page.click('main form button[type="submit"]')]);
}

/** Posts one of the review page's forms, identified by its intent (and material), and waits for the reload. */
async function submitDeskForm(page: Page, intent: string, fill?: (form: ReturnType<Page['locator']>) => Promise<void>, material?: string) {
  const selector = material
    ? `form:has(input[name="intent"][value="${intent}"]):has(input[name="materialCode"][value="${material}"])`
    : `form:has(input[name="intent"][value="${intent}"])`;
  const form = page.locator(selector).first();
  if (fill) await fill(form);
  await Promise.all([page.waitForURL(new RegExp(`done=${intent}`)), form.locator('button[type="submit"]').first().click()]);
  await page.waitForLoadState('networkidle');
}

for (const lng of ['zh-CN', 'en'] as const) {
  describe(`the story in ${lng}`, () => {
    let context: BrowserContext;
    let page: Page;
    const citizen = newCitizen();
    let applicationNumber = '';

    beforeAll(async () => {
      context = await browser.newContext({ locale: lng, viewport: { width: 1280, height: 900 } });
      page = await context.newPage();
      page.on('pageerror', (e) => {
        throw e;
      });
    });
    afterAll(async () => {
      await context?.close();
    });

    it('shows the home page and the catalog in the chosen language', async () => {
      await page.goto(`${base}/?lng=${lng}`);
      expect(await page.getAttribute('html', 'lang')).toBe(lng);
      // A citizen's page is a document without JavaScript (decision 0044).
      expect(await page.locator('script, link[rel="modulepreload"]').count()).toBe(0);
      await expectAccessible(page, `home (${lng})`);
      await screenshot(page, `${lng}-01-home`);
      await page.goto(`${base}/services`);
      await expectAccessible(page, `catalog (${lng})`);
      await screenshot(page, `${lng}-02-catalog`);
      await page.goto(`${base}/services/hukou-migration`);
      await expectAccessible(page, `guide (${lng})`);
      await screenshot(page, `${lng}-03-guide`);
    });

    it('a citizen signs up, seeing errors first', async () => {
      await page.goto(`${base}/signup`);
      await expectAccessible(page, `signup empty (${lng})`);
      await page.fill('input[name="realName"]', lng === 'en' ? 'Wang Fang' : '王芳');
      await page.fill('input[name="idNumber"]', citizen.idNumber.slice(0, 17) + (citizen.idNumber[17] === '0' ? '1' : '0'));
      await page.fill('input[name="mobile"]', citizen.mobile);
      await page.fill('input[name="password"]', citizen.password);
      await page.fill('input[name="confirmPassword"]', citizen.password);
      await page.click('main form button[type="submit"]');
      await page.waitForSelector('.error-summary');
      await expectAccessible(page, `signup with errors (${lng})`);
      await screenshot(page, `${lng}-04-signup-errors`);
      await page.fill('input[name="idNumber"]', citizen.idNumber);
      await page.fill('input[name="password"]', citizen.password);
      await page.fill('input[name="confirmPassword"]', citizen.password);
      // The mobile is proven by a code before the account exists (decision 0024).
      await Promise.all([page.waitForURL(/\/signup\/verify/), page.click('main form button[type="submit"]')]);
      await expectAccessible(page, `signup code (${lng})`);
      await screenshot(page, `${lng}-04b-signup-code`);
      await page.fill('input[name="code"]', await codeSentTo(citizen.mobile, 'signupCode'));
      await Promise.all([page.waitForURL(/\/services/), page.click('main form button[type="submit"]')]);
    });

    it('files a hukou migration with uploads and gets a receipt', async () => {
      await page.goto(`${base}/services/hukou-migration/apply`);
      // The apply form loads its own small script, not React and Remix: its fields and checklist follow the answers (decision 0046).
      expect(await page.locator('script[type="module"][src^="/build/enhance/apply-form-"]').count()).toBe(1);
      expect(await page.locator('link[rel="modulepreload"]').count()).toBe(0);
      await expectAccessible(page, `apply empty (${lng})`);
      // Submitting with nothing filled shows every problem at once.
      await page.click('button[name="intent"][value="review"]');
      await page.waitForSelector('.error-summary');
      // Fields and materials in the one summary (一次性告知), each linked to its input.
      expect(await page.locator('.error-summary a[href="#apply-category"]').count()).toBe(1);
      expect(await page.locator('.error-summary a[href="#apply-material.hukouBook"]').count()).toBe(1);
      await expectAccessible(page, `apply with errors (${lng})`);
      await screenshot(page, `${lng}-05-apply-errors`);

      await page.check('input[name="category"][value="joinSpouse"]');
      await page.selectOption('select[name="officeCode"]', 'bj-dongcheng');
      await page.fill('input[name="originAddress"]', '河北省保定市竞秀区朝阳南大街 1 号');
      await page.fill('input[name="destinationAddress"]', '北京市东城区东华门街道 2 号');
      await page.selectOption('select[name="movers"]', '1');
      for (const m of ['hukouBook', 'idCard', 'residenceProof', 'marriageCertificate']) {
        await page.setInputFiles(`input[name="material.${m}"]`, files.pdf);
      }
      // The checklist follows the answer: another reason's proof is not asked for.
      expect(await page.locator('input[name="material.admissionNotice"]').isVisible()).toBe(false);
      await Promise.all([page.waitForURL(/\/apply\/check\?draft=/), page.click('button[name="intent"][value="review"]')]);
      // Check your answers: what will be filed, each with a way back; nothing is filed yet.
      await page.waitForSelector('a.change-link');
      expect(await page.textContent('main')).toContain('北京市东城区东华门街道 2 号');
      await expectAccessible(page, `check your answers (${lng})`);
      await screenshot(page, `${lng}-05b-check-answers`);
      await Promise.all([page.waitForURL(/\/applications\/[A-Z0-9]+/), page.click('main form button[type="submit"]')]);
      applicationNumber = page.url().split('/').pop() ?? '';
      expect(applicationNumber).toMatch(/^[A-Z0-9]{8,}$/);
      // With JavaScript the URL changes before the receipt renders.
      await page.waitForFunction((n) => document.querySelector('main h1')?.textContent?.includes(n) || document.querySelector('main')?.textContent?.includes(n), applicationNumber);
      await page.waitForSelector('.error-summary', { state: 'detached' });
      await expectAccessible(page, `receipt (${lng})`);
      await screenshot(page, `${lng}-06-receipt`);

      await page.goto(`${base}/applications`);
      expect(await page.textContent('main')).toContain(applicationNumber);
      await expectAccessible(page, `my applications (${lng})`);
    });

    it('files a record inquiry for a child as guardian; the receipt says for whom', async () => {
      // A child under 16 (born 2014–2017): the guardian's documents are asked for, not a power of attorney.
      const first17 = `110101${2014 + randomInt(0, 4)}0${randomInt(1, 10)}1${randomInt(0, 10)}${String(randomInt(0, 1000)).padStart(3, '0')}`;
      const childName = lng === 'en' ? 'Wang Xiaoming' : '王小明';
      await page.goto(`${base}/services/entry-exit-records/apply?new=1`);
      await page.selectOption('select[name="officeCode"]', 'bj-dongcheng');
      await page.check('input[name="filingAs"][value="agent"]');
      await page.fill('input[name="subjectName"]', childName);
      await page.fill('input[name="subjectIdNumber"]', first17 + idCheckCharacter(first17));
      await page.check('input[name="delivery"][value="electronic"]');
      for (const m of ['identityDocument', 'guardianIdCard', 'guardianshipProof']) {
        await page.setInputFiles(`input[name="material.${m}"]`, files.pdf);
      }
      await expectAccessible(page, `apply for a child (${lng})`);
      await Promise.all([page.waitForURL(/\/apply\/check\?draft=/), page.click('button[name="intent"][value="review"]')]);
      await Promise.all([page.waitForURL(/\/applications\/[A-Z0-9]+/), page.click('main form button[type="submit"]')]);
      const number = page.url().split('/').pop() ?? '';
      await page.waitForFunction((n) => document.querySelector('main')?.textContent?.includes(n), number);
      // The receipt names the relation and the child (masked), decision 0031.
      expect(await page.textContent('main')).toMatch(lng === 'en' ? /You filed this as guardian of/ : /您以监护人身份为/);
      await expectAccessible(page, `receipt for a child (${lng})`);
      await screenshot(page, `${lng}-06c-receipt-for-a-child`);
    });

    it('on a phone (390 px): no sideways scrolling, and the list shows each status and action', async () => {
      const phone = await browser.newContext({ locale: lng, viewport: { width: 390, height: 844 }, storageState: await context.storageState() });
      const p = await phone.newPage();
      for (const [path, label] of [
        ['/applications', 'my applications'],
        [`/applications/${applicationNumber}`, 'receipt'],
        ['/services/hukou-migration', 'guide'],
        ['/services/hukou-migration/apply', 'apply'],
      ] as const) {
        await p.goto(`${base}${path}`);
        await expectAccessible(p, `${label} on a phone (${lng})`);
        expect(await p.evaluate(() => document.documentElement.scrollWidth), `${label} fits 390 px`).toBeLessThanOrEqual(390);
      }
      await p.goto(`${base}/applications`);
      const row = p.locator('table.stack-table tbody tr').filter({ hasText: applicationNumber }).first();
      for (const part of [row.locator('[data-status], .badge').first(), row.locator('a').first()]) {
        const box = await part.boundingBox();
        expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
      }
      await screenshot(p, `${lng}-06b-my-applications-phone`);
      await phone.close();
    });

    let clerkContext: BrowserContext;
    let clerk: Page;
    const materials = ['hukouBook', 'idCard', 'residenceProof', 'marriageCertificate'];

    it('a clerk takes it and issues one notice listing the missing material', async () => {
      clerkContext = await browser.newContext({ locale: lng, viewport: { width: 1280, height: 900 } });
      clerk = await clerkContext.newPage();
      await signInStaff(clerk, '010001');
      await clerk.goto(`${base}/desk?lng=${lng}`);
      expect(await clerk.textContent('main')).toContain(applicationNumber);
      await expectAccessible(clerk, `desk (${lng})`);
      await screenshot(clerk, `${lng}-07-desk`);

      await clerk.goto(`${base}/desk/applications/${applicationNumber}`);
      await expectAccessible(clerk, `review before claim (${lng})`);
      await submitDeskForm(clerk, 'claim');
      // Every material judged in the one form: first with the deficient item's reason forgotten,
      // which the summary names while keeping every other choice; then with the reason.
      const judge = clerk.locator('form:has(input[name="intent"][value="judge"])');
      for (const m of materials) {
        await judge.locator(`#item-${m} input[type="radio"][value="${m === 'marriageCertificate' ? 'deficient' : 'ok'}"]`).check();
      }
      await judge.locator('button[type="submit"]').last().click();
      await judge.locator('.error-summary').waitFor();
      await expectAccessible(clerk, `review with a judging error (${lng})`);
      expect(await judge.locator('#item-hukouBook input[type="radio"][value="ok"]').isChecked()).toBe(true);
      await submitDeskForm(clerk, 'judge', (form) => form.locator('#item-marriageCertificate select').selectOption({ index: 1 }).then(() => undefined));
      await expectAccessible(clerk, `review with verdicts (${lng})`);
      await screenshot(clerk, `${lng}-08-review`);
      await submitDeskForm(clerk, 'notice');
      // Client-side navigation may show the URL before the page; wait for the new status to render.
      await clerk.waitForFunction(() => /needs_supplement|补正|supplement/i.test(document.querySelector('main')?.textContent ?? ''));
    });

    it('the citizen reads the notice and supplements only the flagged item', async () => {
      await page.goto(`${base}/applications/${applicationNumber}/notice`);
      await expectAccessible(page, `notice (${lng})`);
      await screenshot(page, `${lng}-09-notice`);
      await page.goto(`${base}/applications/${applicationNumber}/supplement`);
      await expectAccessible(page, `supplement (${lng})`);
      const fileInputs = page.locator('input[type="file"]');
      expect(await fileInputs.count()).toBe(1);
      expect(await fileInputs.first().getAttribute('name')).toContain('marriageCertificate');
      await fileInputs.first().setInputFiles(files.png);
      await Promise.all([page.waitForURL(new RegExp(`/applications/${applicationNumber}(\\?|$)`)), page.click('main form button[type="submit"]')]);
      await page.waitForLoadState('networkidle');
    });

    it('the clerk accepts and completes it; the citizen sees it completed', async () => {
      await clerk.goto(`${base}/desk/applications/${applicationNumber}`);
      if (await clerk.locator('form:has(input[name="intent"][value="claim"])').count()) await submitDeskForm(clerk, 'claim');
      await submitDeskForm(clerk, 'judge', (form) => form.locator('#item-marriageCertificate input[type="radio"][value="ok"]').check());
      await submitDeskForm(clerk, 'accept');
      await submitDeskForm(clerk, 'complete', async (form) => {
        await form.locator('input[name="documentNumber"]').fill('HJ2026-0001');
        await form.locator('input[name="delivery"][value="pickup"]').check();
      });
      await expectAccessible(clerk, `review completed (${lng})`);
      await clerkContext.close();

      await page.goto(`${base}/applications/${applicationNumber}`);
      await expectAccessible(page, `receipt completed (${lng})`);
      await screenshot(page, `${lng}-10-completed`);
      expect(await page.getAttribute('[data-status]', 'data-status')).toBe('completed');
      // The timeline, read from the audit trail, shows every step: submitted, review, notice,
      // supplement, review again, accepted, completed.
      expect(await page.locator('ol.timeline li').count()).toBeGreaterThanOrEqual(7);
    });

    it('anyone with the number and the code sent to the applicant follows it without signing in', async () => {
      const visitorContext = await browser.newContext({ locale: lng, viewport: { width: 390, height: 844 } });
      const visitor = await visitorContext.newPage();
      await visitor.goto(`${base}/`);
      await Promise.all([visitor.waitForURL(/\/track$/), visitor.click('a[href="/track"]')]);
      await expectAccessible(visitor, `track (${lng})`);
      await visitor.fill('input[name="number"]', applicationNumber);
      await Promise.all([visitor.waitForURL(/\/track\/code/), visitor.click('main form button[type="submit"]')]);
      await expectAccessible(visitor, `track code (${lng})`);
      await visitor.fill('input[name="code"]', await codeSentTo(citizen.mobile, 'trackCode'));
      await Promise.all([visitor.waitForURL(/\/track\/view/), visitor.click('main form button[type="submit"]')]);
      await expectAccessible(visitor, `track view (${lng})`);
      await screenshot(visitor, `${lng}-10b-track-view`);
      expect(await visitor.getAttribute('[data-status]', 'data-status')).toBe('completed');
      expect(await visitor.textContent('main')).not.toContain(citizen.idNumber);
      // The forgotten-password pages, reached from sign-in, pass axe too (the reset itself is in the integration tests).
      await visitor.goto(`${base}/login`);
      await Promise.all([visitor.waitForURL(/\/forgot-password$/), visitor.click('a[href="/forgot-password"]')]);
      await expectAccessible(visitor, `forgot password (${lng})`);
      await visitor.fill('input[name="identifier"]', citizen.mobile);
      await Promise.all([visitor.waitForURL(/\/forgot-password\/reset/), visitor.click('main form button[type="submit"]')]);
      await expectAccessible(visitor, `reset password (${lng})`);
      await visitorContext.close();
    });

    it('the citizen rates the service (好差评), seeing the error for a missing score first', async () => {
      await page.goto(`${base}/applications/${applicationNumber}/rate`);
      await expectAccessible(page, `rating empty (${lng})`);
      await page.click('main form button[type="submit"]');
      await page.waitForSelector('.error-summary');
      await expectAccessible(page, `rating with errors (${lng})`);
      await page.check('input[name="score"][value="5"]');
      await page.fill('textarea[name="comment"]', lng === 'en' ? 'Quick and clear.' : '办理很快，告知清楚。');
      await page.click('main form button[type="submit"]');
      await page.waitForSelector('.error-summary', { state: 'detached' });
      await page.waitForLoadState('networkidle');
      await expectAccessible(page, `rating done (${lng})`);
      await screenshot(page, `${lng}-11-rated`);
    });

    it('the office manager sees it in the reports and can export them', async () => {
      const managerContext = await browser.newContext({ locale: lng, viewport: { width: 1280, height: 900 } });
      const manager = await managerContext.newPage();
      await signInStaff(manager, '019001');
      await manager.goto(`${base}/reports?lng=${lng}`);
      await expectAccessible(manager, `reports (${lng})`);
      await screenshot(manager, `${lng}-12-reports`);
      expect(await manager.locator('svg[role="img"]').count()).toBeGreaterThan(0);
      // The CSV of the satisfaction table counts this citizen's rating among the satisfied ones.
      const csv = await (await manager.request.get(`${base}/reports/csv?table=satisfaction`)).text();
      const satisfied = Number(csv.replace(/^\uFEFF/, '').split(/\r?\n/)[1]?.split(',').pop());
      expect(satisfied).toBeGreaterThanOrEqual(1);
      // The office manager's own pages (decision 0026), at desk and at phone width.
      for (const path of ['/desk/board', '/desk/overrides']) {
        await manager.goto(`${base}${path}`);
        await expectAccessible(manager, `${path} (${lng})`);
        await manager.setViewportSize({ width: 390, height: 844 });
        await expectAccessible(manager, `${path} at phone width (${lng})`);
        await manager.setViewportSize({ width: 1280, height: 900 });
      }
      await managerContext.close();
    });

    it('an administrator creates a clerk, who activates with the QR code page and reaches the desk (phone width)', async () => {
      const adminContext = await browser.newContext({ locale: lng, viewport: { width: 390, height: 844 } });
      const admin = await adminContext.newPage();
      await signInStaff(admin, '019900', /\/admin/);
      await admin.goto(`${base}/admin?lng=${lng}`);
      await expectAccessible(admin, `admin home (${lng})`);
      await admin.goto(`${base}/admin/offices/bj-chaoyang`);
      await expectAccessible(admin, `admin office (${lng})`);
      await admin.goto(`${base}/admin/staff/new`);
      await Promise.all([admin.waitForLoadState('networkidle'), admin.click('main form button[type="submit"]')]);
      await expectAccessible(admin, `admin staff form with errors (${lng})`);
      const staffNo = `E${randomInt(100000, 999999)}`;
      await admin.fill('input[name="staffNo"]', staffNo);
      await admin.fill('input[name="realName"]', '郑警官');
      await admin.check('input[name="role"][value="clerk"]');
      await admin.selectOption('select[name="officeCode"]', 'bj-chaoyang');
      await admin.check('input[name="skills"][value="hukou"]');
      await Promise.all([admin.waitForSelector('.activation-code code'), admin.click('main form button[type="submit"]')]);
      await expectAccessible(admin, `admin activation code (${lng})`);
      const activationCode = (await admin.textContent('.activation-code code'))!.trim();
      await admin.goto(`${base}/admin/staff`);
      await expectAccessible(admin, `admin staff list (${lng})`);
      await adminContext.close();

      const clerkContext = await browser.newContext({ locale: lng, viewport: { width: 390, height: 844 } });
      const clerk = await clerkContext.newPage();
      await clerk.goto(`${base}/activate?lng=${lng}`);
      await expectAccessible(clerk, `activate (${lng})`);
      await clerk.fill('input[name="staffNo"]', staffNo);
      await clerk.fill('input[name="code"]', activationCode);
      await clerk.fill('input[name="password"]', 'river stones at dusk');
      await clerk.fill('input[name="confirmPassword"]', 'river stones at dusk');
      await Promise.all([clerk.waitForSelector('img.qr-code'), clerk.click('main form button[type="submit"]')]);
      await expectAccessible(clerk, `activate: enrol authenticator (${lng})`);
      await screenshot(clerk, `${lng}-13-activate-qr`);
      const secret = (await clerk.textContent('.totp-secret'))!.replace(/\s+/g, '');
      await clerk.fill('input[name="totp"]', totpCodeAt(secret, totpStep(new Date())));
      await Promise.all([clerk.waitForURL(/\/desk/), clerk.click('main form button[type="submit"]')]);
      await clerkContext.close();
    });
  });
}
