import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_TOTP_SECRETS } from '../../db/seed-data.js';
import { totpCodeAt, totpStep } from '../../services/auth/totp.js';
import { expectAccessible, launch } from './browser.js';

/**
 * The narrowest phone an outside probe used (360 × 740): the pages it found scrolling sideways or
 * failing axe (a wide table or key that widened the page, a scrolling table without tabindex,
 * landmarks sharing a name) fit the width and pass, in both languages.
 */
const base = inject('e2eBase');
const WIDTH = 360;
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function expectFits(page: Page, label: string) {
  await expectAccessible(page, label);
  expect(await page.evaluate(() => document.documentElement.scrollWidth), `${label} fits ${WIDTH} px`).toBeLessThanOrEqual(WIDTH);
}

/**
 * Signs a demo staff member in. The other stories sign staff in on the same server, and a TOTP
 * code is taken once: a refused code is retried with the next time step's.
 */
async function signInStaff(page: Page, staffNo: string, lng: string) {
  await page.goto(`${base}/login?lng=${lng}`);
  await page.fill('input[name="identifier"]', staffNo);
  await page.fill('input[name="password"]', DEMO_PASSWORD);
  await Promise.all([page.waitForURL(/\/login\/totp/), page.click('main form button[type="submit"]')]);
  for (let attempt = 0; attempt < 3; attempt++) {
    const step = totpStep(new Date());
    await page.fill('input[name="code"]', totpCodeAt(DEMO_TOTP_SECRETS[staffNo], step));
    await page.click('main form button[type="submit"]');
    await page.waitForLoadState('networkidle');
    if (!/\/login\/totp/.test(page.url())) return;
    // Taken already in this step: wait for the next one.
    while (totpStep(new Date()) === step) await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${staffNo} could not sign in`);
}

for (const lng of ['zh-CN', 'en'] as const) {
  describe(`at ${WIDTH} px in ${lng}`, () => {
    it('the signing keys and the guides with wide tables fit and pass axe', async () => {
      const context = await browser.newContext({ locale: lng, viewport: { width: WIDTH, height: 740 } });
      const page = await context.newPage();
      for (const path of ['/verify/keys', '/services/passport', '/services/used-vehicle-transfer', '/services/hk-macao-permit']) {
        await page.goto(`${base}${path}?lng=${lng}`);
        await expectFits(page, `${path} (${lng})`);
      }
      await context.close();
    });

    it("a clerk's review page and a city manager's reports fit and pass axe", async () => {
      const context = await browser.newContext({ locale: lng, viewport: { width: WIDTH, height: 740 } });
      const clerk = await context.newPage();
      await signInStaff(clerk, '010002', lng);
      await clerk.goto(`${base}/desk?lng=${lng}`);
      await expectFits(clerk, `desk (${lng})`);
      const review = await clerk.locator('main a[href^="/desk/applications/"]').first().getAttribute('href');
      expect(review).toBeTruthy();
      await clerk.goto(`${base}${review}?lng=${lng}`);
      await expectFits(clerk, `review (${lng})`);
      await context.close();

      const managerContext = await browser.newContext({ locale: lng, viewport: { width: WIDTH, height: 740 } });
      const manager = await managerContext.newPage();
      await signInStaff(manager, '019000', lng);
      await manager.goto(`${base}/reports?lng=${lng}`);
      await expectFits(manager, `reports (${lng})`);
      await managerContext.close();
    });
  });
}
