/**
 * The admin page in real Chromium: single sign-on, each section, the JS enhancements under
 * the strict CSP (no console errors), and a screenshot of every section in
 * test-artifacts/screenshots/.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../fixtures/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHarness, type WebHarness } from '../web/harness.js';
import { mintToken } from '../web/sso.js';
import { createSampleUsers, JDOE_PASSWORD } from './sample-users.js';

const SHOTS = 'test-artifacts/screenshots';

let h: WebHarness;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  h = await startWebHarness();
  await createSampleUsers(h.udm);
  await h.udm.createUser({
    username: 'xss',
    firstname: 'X',
    lastname: 'Ss',
    displayName: '<script>alert(1)</script>',
    activated: true,
  });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('dialog', (dialog) => void dialog.dismiss());
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

// One walk through the page: each step builds on the one before, so the order is fixed.
describe('the admin page in Chromium', { shuffle: false }, () => {
  it('signs in by single sign-on and shows the status', async () => {
    await page.goto(`${h.server.url}/sso?token=${mintToken(h.ssoSecret)}`);
    await expect.poll(() => page.url()).toContain('/status');
    expect(await page.locator('h1').first().textContent()).toBe('Status');
    await shot('01-status');
  });

  it('tests the UCS and pascom connections', async () => {
    await page.goto(`${h.server.url}/connection`);
    await page.locator('#ucs button[value="test"]').click();
    await page.locator('#ucs .test-result').waitFor();
    expect(await page.locator('#ucs .test-result .alert').textContent()).toContain('All checks passed');
    await page.locator('#pascom button[value="test"]').click();
    await page.locator('#pascom .test-result').waitFor();
    await shot('02-connection');
  });

  it('edits a mapping row, saves it and previews a user', async () => {
    await page.goto(`${h.server.url}/mapping`);
    await page.locator('textarea[name="rule1.sources"]').fill('{givenName} {sn}\ndisplayName');
    await page.locator('.actions button[value="save"]').click();
    await page.locator('.alert-ok').waitFor();
    expect(await page.locator('textarea[name="rule1.sources"]').inputValue()).toBe('{givenName} {sn}\ndisplayName');
    await page.locator('#preview-login').fill('jdoe');
    await page.locator('button[value="preview"]').click();
    await page.locator('.preview-user').first().waitFor();
    expect(await page.locator('.preview-user').first().textContent()).toContain('John Doe');
    await shot('03-mapping');
  });

  it('simulates and filters the result as you type', async () => {
    await page.goto(`${h.server.url}/sync`);
    await page.locator('button', { hasText: 'Simulate' }).first().click();
    await page.locator('table.js-plan').waitFor();
    expect(await page.locator('.summary-create .count').textContent()).toBe('4');
    expect(await page.content()).not.toContain('<script>alert(1)</script>');
    await shot('04-simulate');
    await page.locator('#q').fill('asmith');
    await expect.poll(() => page.locator('table.js-plan tbody tr:not([hidden])').count()).toBe(1);
  });

  it('imports after confirmation and shows live progress until done', async () => {
    await page.goto(`${h.server.url}/sync`);
    await page.locator('button', { hasText: 'Import now' }).click();
    await page.locator('h1', { hasText: 'Confirm the import' }).waitFor();
    await shot('05-import-confirm');
    await page.locator('button', { hasText: 'Start import' }).click();
    await page.locator('text=Import finished').waitFor({ timeout: 15_000 });
    expect(await page.locator('.js-result .alert').textContent()).toContain('4 delivered, 0 failed, 0 still queued');
    await shot('06-import-done');
  });

  it('shows the schedule in words with the next runs', async () => {
    await page.goto(`${h.server.url}/automate`);
    await page.locator('input[name="enabled"]').check();
    await page.locator('#schedule').fill('15 2 * * 1-5');
    await page.locator('button', { hasText: 'Save' }).click();
    await page.locator('.js-cron-description').waitFor();
    expect(await page.locator('.js-cron-description').textContent()).toBe('At 02:15, Monday through Friday');
    await shot('07-automate');
  });

  it('runs an authentication test step by step', async () => {
    await page.goto(`${h.server.url}/authentication`);
    await page.locator('#auth-login').fill('jdoe');
    await page.locator('#auth-password').fill(JDOE_PASSWORD);
    await page.locator('form[action$="/authentication/test"] button').click();
    await page.locator('.test-result').waitFor();
    expect(await page.locator('.test-result .alert').textContent()).toContain('Authentication of "jdoe" works');
    expect(await page.locator('#auth-password').inputValue()).toBe('');
    await shot('08-authentication');
  });

  it('switches to German with the language menu', async () => {
    await page.locator('#lang-select').selectOption('de');
    await page.locator('h1', { hasText: 'Authentifizierung' }).waitFor();
    await shot('09-authentication-de');
    await page.goto(`${h.server.url}/status`);
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    await shot('10-status-de');
  });

  it('logged no console errors (no CSP violations, no script failures)', () => {
    expect(consoleErrors).toEqual([]);
  });
});
