import os from 'node:os';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { idCheckCharacter } from '../../services/validation/identifiers.js';
import { expectAccessible, launch, sampleFiles, screenshot } from './browser.js';

/**
 * The whole story in a real browser, once per language: a citizen signs up and files a hukou
 * migration with uploads; every page visited, in every state shown, passes axe.
 */
const base = inject('e2eBase');
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
      await page.click('form button[type="submit"]');
      await page.waitForSelector('.error-summary');
      await expectAccessible(page, `signup with errors (${lng})`);
      await screenshot(page, `${lng}-04-signup-errors`);
      await page.fill('input[name="idNumber"]', citizen.idNumber);
      await page.fill('input[name="password"]', citizen.password);
      await page.fill('input[name="confirmPassword"]', citizen.password);
      await Promise.all([page.waitForURL(/\/services/), page.click('form button[type="submit"]')]);
    });

    it('files a hukou migration with uploads and gets a receipt', async () => {
      await page.goto(`${base}/services/hukou-migration/apply`);
      await expectAccessible(page, `apply empty (${lng})`);
      // Submitting with nothing filled shows every problem at once.
      await page.click('button[name="intent"][value="submit"]');
      await page.waitForSelector('.error-summary');
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
      await Promise.all([page.waitForURL(/\/applications\/[A-Z0-9]+/), page.click('button[name="intent"][value="submit"]')]);
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
  });
}
