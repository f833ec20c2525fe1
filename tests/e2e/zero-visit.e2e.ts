import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_TOTP_SECRETS } from '../../db/seed-data.js';
import { totpCodeAt, totpStep } from '../../services/auth/totp.js';
import { idCheckCharacter } from '../../services/validation/identifiers.js';
import { expectAccessible, launch, sampleFiles, screenshot, codeSentTo as sentCode } from './browser.js';

/**
 * Zero visits where the law allows (issue 20), in a real browser against the production build
 * with the simulated payment platform and courier (MOCKS):
 * a. a passport filed for delivery by post, paid online, its one visit (photo and fingerprints)
 *    booked and kept, and the passport posted — the citizen follows the waybill on their page;
 * b. a record inquiry issued electronically, its PDF's QR link opened by anyone: valid, with the
 *    document number and a masked name.
 * A clerk records a visit kept only on or after its day, so for that step the server's simulated
 * clock (server/simulated-clock.ts) is moved to the visit's day, and moved back at the end. The
 * clerk is Chaoyang's (010101), whom the other story does not sign in: a second factor taken at a
 * later time step is not taken again at an earlier one.
 */
const base = inject('e2eBase');
const smsLog = inject('e2eSmsLog');
const clockFile = inject('e2eClockFile');
const lng = 'en';
const CLERK = '010101';
const OFFICE = 'bj-chaoyang';

let offsetMs = 0;
function moveServerClock(ms: number) {
  offsetMs = ms;
  fs.writeFileSync(clockFile, String(ms));
}
const serverNow = () => new Date(Date.now() + offsetMs);

const codeSentTo = (mobile: string, template: string) => sentCode(smsLog, mobile, template);

/** Time steps already used per staff member: the server takes each step's code once. */
const usedSteps = new Map<string, number>();
async function unusedCode(staffNo: string): Promise<string> {
  for (;;) {
    const now = totpStep(serverNow());
    const last = usedSteps.get(staffNo) ?? -Infinity;
    // The server also takes the next step's code (one step of drift either side).
    const step = Math.max(now, last + 1);
    if (step <= now + 1) {
      usedSteps.set(staffNo, step);
      return totpCodeAt(DEMO_TOTP_SECRETS[staffNo], step);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function signInStaff(page: Page, staffNo: string, landing = /\/desk/) {
  await page.goto(`${base}/login?lng=${lng}`);
  await page.fill('input[name="identifier"]', staffNo);
  await page.fill('input[name="password"]', DEMO_PASSWORD);
  await Promise.all([page.waitForURL(/\/login\/totp/), page.click('main form button[type="submit"]')]);
  await page.fill('input[name="code"]', await unusedCode(staffNo));
  await Promise.all([page.waitForURL(landing), page.click('main form button[type="submit"]')]);
}

/** Posts one of the review page's forms, identified by its intent, and waits for the reload. */
async function submitDeskForm(page: Page, intent: string, fill?: (form: ReturnType<Page['locator']>) => Promise<void>) {
  const form = page.locator(`form:has(input[name="intent"][value="${intent}"])`).first();
  if (fill) await fill(form);
  try {
    await Promise.all([page.waitForURL(new RegExp(`done=${intent}`)), form.locator('button[type="submit"]').first().click()]);
  } catch (e) {
    // Say what the page said instead (a refusal is shown at its form): a timeout alone explains nothing.
    const said = (await page.locator('[role="alert"], .field-error:not([hidden]), h1').allTextContents().catch(() => [])).join(' | ');
    throw new Error(`${intent}: no done=${intent} at ${page.url()}; the page says: ${said.slice(0, 500)}`, { cause: e });
  }
  await page.waitForLoadState('networkidle');
}

/** Claims (when not yet claimed), judges every material fine and accepts. */
async function claimJudgeAccept(clerk: Page, number: string, materials: string[]) {
  await clerk.goto(`${base}/desk/applications/${number}`);
  if (await clerk.locator('form:has(input[name="intent"][value="claim"])').count()) await submitDeskForm(clerk, 'claim');
  await submitDeskForm(clerk, 'judge', async (form) => {
    for (const m of materials) await form.locator(`#item-${m} input[type="radio"][value="ok"]`).check();
  });
  await submitDeskForm(clerk, 'accept');
  await clerk.waitForFunction(() => /accepted/i.test(document.querySelector('main')?.textContent ?? ''));
}

/** Files from the apply page through "check your answers"; returns the application number. */
async function fileFromApplyPage(page: Page): Promise<string> {
  await Promise.all([page.waitForURL(/\/apply\/check\?draft=/), page.click('button[name="intent"][value="review"]')]);
  await expectAccessible(page, 'check your answers');
  await Promise.all([page.waitForURL(/\/applications\/[A-Z0-9]+/), page.click('main form button[type="submit"]')]);
  const number = page.url().split('/').pop()!.split('?')[0];
  await page.waitForFunction((n) => document.querySelector('main')?.textContent?.includes(n), number);
  return number;
}

let browser: Browser;
const files = sampleFiles(path.join(os.tmpdir(), 'onewindow-e2e-files'));
const first17 = `110105${1970 + randomInt(0, 30)}0${randomInt(1, 10)}1${randomInt(0, 10)}${String(randomInt(0, 1000)).padStart(3, '0')}`;
const citizen = {
  realName: '王芳',
  idNumber: first17 + idCheckCharacter(first17),
  mobile: `13${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`,
  password: 'a long enough passphrase',
};
let citizenContext: BrowserContext;
let page: Page;
let clerkContext: BrowserContext;
let clerk: Page;

beforeAll(async () => {
  moveServerClock(0);
  browser = await launch();
  citizenContext = await browser.newContext({ locale: lng, viewport: { width: 1280, height: 900 } });
  page = await citizenContext.newPage();
  clerkContext = await browser.newContext({ locale: lng, viewport: { width: 1280, height: 900 } });
  clerk = await clerkContext.newPage();
  for (const p of [page, clerk]) {
    p.on('pageerror', (e) => {
      throw e;
    });
  }
});
afterAll(async () => {
  moveServerClock(0);
  await browser?.close();
});

describe('zero visits where the law allows', () => {
  it('a citizen signs up; Chaoyang’s clerk signs in', async () => {
    await page.goto(`${base}/signup?lng=${lng}`);
    await page.fill('input[name="realName"]', citizen.realName);
    await page.fill('input[name="idNumber"]', citizen.idNumber);
    await page.fill('input[name="mobile"]', citizen.mobile);
    await page.fill('input[name="password"]', citizen.password);
    await page.fill('input[name="confirmPassword"]', citizen.password);
    await Promise.all([page.waitForURL(/\/signup\/verify/), page.click('main form button[type="submit"]')]);
    await page.fill('input[name="code"]', await codeSentTo(citizen.mobile, 'signupCode'));
    await Promise.all([page.waitForURL(/\/services/), page.click('main form button[type="submit"]')]);
    await signInStaff(clerk, CLERK);
  });

  describe('b. a record inquiry issued electronically and verified through its QR link', () => {
    let number = '';

    it('the citizen files it for an electronic result', async () => {
      await page.goto(`${base}/services/entry-exit-records/apply?new=1`);
      await page.selectOption('select[name="officeCode"]', OFFICE);
      await page.check('input[name="filingAs"][value="self"]');
      await page.check('input[name="delivery"][value="electronic"]');
      await page.setInputFiles('input[name="material.identityDocument"]', files.pdf);
      await expectAccessible(page, 'record inquiry apply');
      number = await fileFromApplyPage(page);
      expect(await page.getAttribute('[data-status]', 'data-status')).toBe('submitted');
    });

    it('the clerk accepts and completes it electronically; the result is issued as a document', async () => {
      await claimJudgeAccept(clerk, number, ['identityDocument']);
      await submitDeskForm(clerk, 'complete', async (form) => {
        await form.locator('input[name="documentNumber"]').fill(`CX2026-${randomInt(1000, 9999)}`);
        await form.locator('input[name="delivery"][value="electronic"]').check();
      });
      await clerk.waitForFunction(() => /completed/i.test(document.querySelector('main')?.textContent ?? ''));
      await expectAccessible(clerk, 'review completed electronically');
    });

    it('the citizen opens the electronic result, downloads its PDF, and anyone verifies it from the QR link', async () => {
      await page.goto(`${base}/applications/${number}`);
      expect(await page.getAttribute('[data-status]', 'data-status')).toBe('completed');
      const row = page.locator('tr').filter({ hasText: '-DZJG-' }).first();
      const docNumber = (await row.locator('td').first().textContent())!.trim();
      expect(docNumber).toMatch(/-DZJG-/);
      await Promise.all([page.waitForURL(/\/documents\/[0-9a-f-]{36}$/), row.locator('a').first().click()]);
      await expectAccessible(page, 'electronic result');
      await screenshot(page, 'zero-visit-01-electronic-result');
      expect(await page.textContent('main')).toContain(docNumber);

      const pdfHref = await page.getAttribute('a[href$="/pdf"]', 'href');
      expect(pdfHref).toBeTruthy();
      const pdf = await page.request.get(`${base}${pdfHref}`);
      expect(pdf.status()).toBe(200);
      expect(pdf.headers()['content-type']).toContain('application/pdf');
      const bytes = await pdf.body();
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      // The QR code carries the verify URL; the PDF also links it (a URI annotation beside the QR).
      const token = bytes.toString('latin1').match(/\/verify\/([A-Za-z0-9_-]{20,})/)?.[1];
      expect(token, 'the verify URL in the PDF').toBeTruthy();

      const visitorContext = await browser.newContext({ locale: lng, viewport: { width: 390, height: 844 } });
      const visitor = await visitorContext.newPage();
      await visitor.goto(`${base}/verify/${token}`);
      await expectAccessible(visitor, 'verify');
      await screenshot(visitor, 'zero-visit-02-verify');
      expect(await visitor.getAttribute('strong[data-status]', 'data-status')).toBe('valid');
      const main = (await visitor.textContent('main'))!;
      expect(main).toContain('Valid');
      expect(main).toContain(docNumber);
      expect(main).toContain('王*');
      expect(main).not.toContain(citizen.realName);
      expect(main).not.toContain(citizen.idNumber);
      await visitorContext.close();
    });
  });

  describe('a. a passport paid online, its one visit booked and kept, delivered by post', () => {
    let number = '';
    let visitDay = '';

    it('the citizen files it, choosing delivery by post', async () => {
      await page.goto(`${base}/services/passport/apply?new=1`);
      // An adult's passport is their own: the ID number is the account's, shown and not editable.
      expect(await page.inputValue('input[name="idNumber"]')).toBe(citizen.idNumber);
      await page.selectOption('select[name="officeCode"]', OFFICE);
      await page.check('input[name="applicationType"][value="first"]');
      await page.check('input[name="stateFunctionary"][value="no"]');
      await page.check('input[name="delivery"][value="mail"]');
      await page.fill('input[name="addressRecipient"]', citizen.realName);
      await page.fill('input[name="addressMobile"]', citizen.mobile);
      await page.selectOption('select[name="addressProvince"]', '110000');
      await page.selectOption('select[name="addressCity"]', '110100');
      await page.selectOption('select[name="addressDistrict"]', '110105');
      await page.fill('input[name="addressStreet"]', '朝阳门外大街 8 号');
      await page.fill('input[name="addressPostcode"]', '100020');
      for (const m of ['idCard', 'photoReceipt']) await page.setInputFiles(`input[name="material.${m}"]`, files.pdf);
      await expectAccessible(page, 'passport apply, by post');
      number = await fileFromApplyPage(page);
      expect(await page.getAttribute('[data-status]', 'data-status')).toBe('submitted');
      await expectAccessible(page, 'passport receipt');
    });

    it('the clerk accepts it; the citizen sees the fee to pay online and the visit to book', async () => {
      await claimJudgeAccept(clerk, number, ['idCard', 'photoReceipt']);
      await page.goto(`${base}/applications/${number}`);
      expect(await page.getAttribute('[data-status]', 'data-status')).toBe('accepted');
      expect(await page.locator(`a[href="/applications/${number}/pay"]`).count()).toBeGreaterThan(0);
      expect(await page.locator(`a[href="/applications/${number}/appointment"]`).count()).toBe(1);
      await expectAccessible(page, 'receipt, accepted');
    });

    it('the citizen pays through the simulated cashier and comes back paid', async () => {
      await page.goto(`${base}/applications/${number}/pay`);
      await expectAccessible(page, 'pay');
      expect(await page.textContent('main')).toContain('120');
      await Promise.all([page.waitForURL(/\/_simulated\/payment-platform\/cashier\//), page.click('button[name="intent"][value="pay"]')]);
      await expectAccessible(page, 'simulated cashier');
      await screenshot(page, 'zero-visit-03-cashier');
      await Promise.all([page.waitForURL(new RegExp(`/applications/${number}/pay\\?returned=1`)), page.click('main form button[type="submit"]')]);
      // Back on the portal's page, which asked the platform: the order is paid.
      await page.locator('dl.facts dd strong', { hasText: /^Paid$/ }).waitFor();
      await expectAccessible(page, 'paid');
      expect(await page.locator('button[name="intent"][value="pay"]').count()).toBe(0);
    });

    it('the citizen books the one visit (photo and fingerprints)', async () => {
      await page.goto(`${base}/applications/${number}/appointment`);
      await expectAccessible(page, 'appointment days');
      const firstDay = page.locator('a[href*="/appointment?day="]').first();
      visitDay = new URL((await firstDay.getAttribute('href'))!, base).searchParams.get('day')!;
      expect(visitDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      await Promise.all([page.waitForURL(new RegExp(`day=${visitDay}`)), firstDay.click()]);
      await page.locator('input[name="time"]').first().waitFor();
      await expectAccessible(page, 'appointment times');
      const time = (await page.locator('input[name="time"]').first().getAttribute('value'))!;
      await page.locator('input[name="time"]').first().check();
      await page.click('button[name="intent"][value="book"]');
      await page.locator('#booked-heading').waitFor();
      await expectAccessible(page, 'appointment booked');
      await screenshot(page, 'zero-visit-04-booked');
      expect(await page.textContent('main')).toContain(time);
      expect(await page.locator('time').first().getAttribute('datetime')).toContain(visitDay);
    });

    it('on the day of the visit, the clerk marks it kept on the day’s list', async () => {
      // The server moves to 10:30 China time on the visit's day; every session there is new.
      moveServerClock(new Date(`${visitDay}T02:30:00.000Z`).getTime() - Date.now());
      await clerkContext.close();
      clerkContext = await browser.newContext({ locale: lng, viewport: { width: 1280, height: 900 } });
      clerk = await clerkContext.newPage();
      await signInStaff(clerk, CLERK);
      await clerk.goto(`${base}/desk/appointments`);
      await expectAccessible(clerk, 'desk appointments');
      const row = clerk.locator('tbody tr').filter({ hasText: number });
      expect(await row.count()).toBe(1);
      await Promise.all([clerk.waitForLoadState('networkidle'), row.locator('button[name="outcome"][value="kept"]').click()]);
      await clerk.waitForFunction((n) => {
        const tr = [...document.querySelectorAll('tbody tr')].find((r) => r.textContent?.includes(n));
        return tr !== undefined && tr.querySelector('button[name="outcome"]') === null;
      }, number);
      expect(await clerk.locator('tbody tr').filter({ hasText: number }).textContent()).toContain('Came');
      await expectAccessible(clerk, 'desk appointments, marked');
      await screenshot(clerk, 'zero-visit-05-kept');
    });

    it('the clerk completes it by post; the courier is booked and the citizen sees the waybill', async () => {
      await clerk.goto(`${base}/desk/applications/${number}`);
      if (await clerk.locator('form:has(input[name="intent"][value="claim"])').count()) await submitDeskForm(clerk, 'claim');
      await submitDeskForm(clerk, 'complete', async (form) => {
        await form.locator('input[name="documentNumber"]').fill(`E${randomInt(10_000_000, 99_999_999)}`);
        await form.locator('input[name="delivery"][value="mail"]').check();
      });
      await clerk.waitForFunction(() => /completed/i.test(document.querySelector('main')?.textContent ?? ''));
      await expectAccessible(clerk, 'review completed by post');

      // The citizen's session of the day before has ended: they sign in again.
      await page.goto(`${base}/login?redirectTo=${encodeURIComponent(`/applications/${number}`)}`);
      await page.fill('input[name="identifier"]', citizen.mobile);
      await page.fill('input[name="password"]', citizen.password);
      await Promise.all([page.waitForURL(new RegExp(`/applications/${number}`)), page.click('main form button[type="submit"]')]);
      // The worker books the courier from the job the completion left (decision 0035): the page shows the waybill once it has.
      const deadline = Date.now() + 45_000;
      for (;;) {
        const waybill = await page.locator('#tracking-heading ~ dl .application-number').textContent().catch(() => null);
        if (waybill && /^EA\d{9}CN$/.test(waybill.trim())) break;
        if (Date.now() > deadline) throw new Error('no waybill on the citizen’s page');
        await new Promise((r) => setTimeout(r, 1000));
        await page.reload();
      }
      expect(await page.getAttribute('[data-status]', 'data-status')).toBe('completed');
      expect(await page.textContent('main')).toContain('Delivery by post');
      await expectAccessible(page, 'receipt with tracking');
      await screenshot(page, 'zero-visit-06-tracking');
    });
  });

  it('an administrator sets the office’s capacity for booked visits, seeing an out-of-range figure refused first', async () => {
    moveServerClock(0);
    // The root administrator: the other story signs in Beijing's, and each time step's code is taken once.
    const adminContext = await browser.newContext({ locale: lng, viewport: { width: 390, height: 844 } });
    const admin = await adminContext.newPage();
    await signInStaff(admin, '000001', /\/admin/);
    await admin.goto(`${base}/admin/offices/${OFFICE}`);
    await Promise.all([admin.waitForURL(new RegExp(`/admin/offices/${OFFICE}/appointments$`)), admin.click(`a[href="/admin/offices/${OFFICE}/appointments"]`)]);
    await expectAccessible(admin, 'admin capacity');
    // Chaoyang's three visits an hour are three windows of one person each (decision 0039).
    const office = '#office-capacity';
    expect(await admin.inputValue(`${office} input[name="windows"]`)).toBe('3');
    expect(await admin.inputValue(`${office} input[name="perWindow"]`)).toBe('1');
    await admin.fill(`${office} input[name="windows"]`, '0');
    await admin.click(`${office} button[type="submit"]`);
    await admin.waitForSelector('.error-summary');
    expect(await admin.textContent('main')).toContain('Enter a whole number of windows from 1 to 100.');
    await expectAccessible(admin, 'admin capacity with errors');
    await admin.fill(`${office} input[name="windows"]`, '2');
    await Promise.all([admin.waitForURL(/saved=1/), admin.click(`${office} button[type="submit"]`)]);
    await admin.locator('[role="status"]', { hasText: 'Capacity saved.' }).waitFor();
    expect(await admin.inputValue(`${office} input[name="windows"]`)).toBe('2');
    await expectAccessible(admin, 'admin capacity saved');
    await screenshot(admin, 'zero-visit-07-admin-capacity');
    await adminContext.close();
  });
});
