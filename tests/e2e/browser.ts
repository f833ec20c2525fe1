import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const ARTIFACTS = path.resolve(__dirname, 'artifacts');

/** Debian's Chromium; Playwright's own browser downloads are not available here. */
export async function launch(): Promise<Browser> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * WCAG 2.1 A/AA checks of the page as it is now, plus the best-practice rules an outside probe held
 * us to (same-role landmarks need distinct names; a scrolling box must be reachable by keyboard);
 * any violation fails with its ids and targets.
 */
export async function expectAccessible(page: Page, label: string) {
  const wcag = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const practice = await new AxeBuilder({ page }).withRules(['landmark-unique', 'scrollable-region-focusable']).analyze();
  const violations = [...wcag.violations, ...practice.violations].map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(violations, `axe violations on ${label}`).toEqual([]);
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Small files whose first bytes say what they are, as a scanner would produce. */
export function sampleFiles(dir: string) {
  fs.mkdirSync(dir, { recursive: true });
  const pdf = path.join(dir, 'document.pdf');
  fs.writeFileSync(pdf, Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2048, 0x20)]));
  const png = path.join(dir, 'photo.png');
  fs.writeFileSync(
    png,
    Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    ),
  );
  return { pdf, png };
}

/**
 * The six digits of the latest SMS of `template` to `mobile`, as the simulated gateway logged it to
 * `smsLog` (MOCKS only; README, demo). The outbox worker sends within a poll or two, so it waits a little.
 */
export async function codeSentTo(smsLog: string, mobile: string, template: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const lines = fs.existsSync(smsLog) ? fs.readFileSync(smsLog, 'utf8').split('\n').filter(Boolean) : [];
    const sms = lines
      .map((l) => JSON.parse(l) as { to: string; template: string; text: string })
      .filter((m) => m.to === mobile && m.template === template)
      .pop();
    // Six digits standing alone: an application number in the text is a longer run of digits.
    const code = sms?.text.match(/(?<!\d)\d{6}(?!\d)/)?.[0];
    if (code) return code;
    if (Date.now() > deadline) throw new Error(`no ${template} SMS to ${mobile} in ${smsLog}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
