/**
 * The admin's first hour in real Chromium, against the connector as `serve` runs it: a fresh
 * install greets with "waiting for the first import" and a checklist; the admin tests both
 * connections, reviews the mapping (in words, codes second), simulates (a report: causes on top,
 * labelled tables, a filter by cause), imports from the report, and live sync starts by itself.
 * Every page is checked and photographed in English and German at 1280 and 1000 px (the UMC
 * iframe): nothing sideways, nothing cut off, no untranslated key.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../fixtures/chromium.js';
import { waitFor } from '../fixtures/wait.js';
import { mintToken } from '../web/sso.js';
import { layoutProblems, unlabelledControls } from './layout.js';
import { startServeHarness, type ServeHarness } from './serve-harness.js';
import { createSampleUsers, JDOE_PASSWORD } from './sample-users.js';

const SHOTS = 'test-artifacts/screenshots';
const WIDTHS = [1280, 1000] as const;
const LANGS = ['en', 'de'] as const;
type Lang = (typeof LANGS)[number];

let h: ServeHarness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let reportUrl = '';
let jobUrl = '';
const consoleErrors: string[] = [];

async function setLang(lang: Lang): Promise<void> {
  await context.addCookies([{ name: 'lang', value: lang, domain: '127.0.0.1', path: '/' }]);
}

/**
 * Shows a page in both languages at both widths (`show` brings it up, again for each variant),
 * checks the layout and the translations, and writes `<name>-<lang>-<width>.png`.
 */
async function capture(
  name: string,
  show: (lang: Lang) => Promise<void>,
  expected?: Readonly<Record<Lang, string>>,
): Promise<void> {
  try {
    for (const lang of LANGS) {
      await setLang(lang);
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 900 });
        await show(lang);
        // Written before the checks: a failing layout is easiest to judge on its picture.
        await page.screenshot({ path: `${SHOTS}/${name}-${lang}-${width}.png`, fullPage: true });
        expect(await page.locator('html').getAttribute('lang')).toBe(lang);
        const text = await page.locator('body').innerText();
        expect(text, `${name} ${lang}: an untranslated key`).not.toContain('⟦');
        if (expected !== undefined) expect(text, `${name} ${lang}`).toContain(expected[lang]);
        expect(await layoutProblems(page), `${name} ${lang} at ${width} px`).toEqual([]);
        expect(await unlabelledControls(page), `${name}: controls without a name`).toEqual([]);
      }
    }
  } finally {
    await setLang('en');
    await page.setViewportSize({ width: 1280, height: 900 });
  }
}

async function stepState(step: string): Promise<string | null> {
  return page.locator(`.checklist li[data-step="${step}"]`).getAttribute('data-state');
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  h = await startServeHarness({ deletes: { mode: 'delete', maxPerRun: 10 } });
  await createSampleUsers(h.udm);
  await h.udm.createUser({
    username: 'mhohenzollern',
    firstname: 'Maximiliane Alexandra',
    lastname: 'von Hohenzollern-Sigmaringen',
    activated: true,
    phone: ['+49 441 1234-103'],
    mailPrimaryAddress: 'maximiliane.alexandra.von.hohenzollern-sigmaringen@example.intranet',
    homeTelephoneNumber: ['+49 441 98765432'],
  });
  // Two users whose numbers give the same extension: one cause with a count, a hint, examples.
  await h.udm.createUser({
    username: 'cdup1',
    firstname: 'Carla',
    lastname: 'Dup',
    activated: true,
    phone: ['+49 441 1234-150'],
  });
  await h.udm.createUser({
    username: 'cdup2',
    firstname: 'Chris',
    lastname: 'Dup',
    activated: true,
    phone: ['+49 441 1234-150'],
  });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

// One walk from a fresh install to live sync: each step builds on the one before.
describe('the first run, from a fresh install to live sync', { shuffle: false, timeout: 60_000 }, () => {
  it('greets a fresh install with "waiting for the first import" and the checklist, not "degraded"', async () => {
    await page.goto(`${h.web.url}/sso?token=${mintToken(h.ssoSecret)}`);
    await expect.poll(() => page.url()).toContain('/status');
    // Keyboard first: the first Tab lands on "Skip to the content", which moves focus to the page's content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Skip to the content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('main');
    const health = page.locator('.js-health');
    expect(await health.textContent()).toBe('waiting for the first import');
    expect(await health.getAttribute('class')).toContain('badge-info');
    expect(await page.locator('body').innerText()).not.toContain('degraded');
    const steps = page.locator('.checklist li');
    expect(await steps.count()).toBe(6);
    for (const step of ['ucs', 'pascom', 'mapping', 'simulate', 'import', 'live'])
      expect(await stepState(step)).toBe('open');
    expect(await page.locator('.checklist li.check-next').getAttribute('data-step')).toBe('ucs');
    await capture('01-status-first-run', () => page.goto(`${h.web.url}/status`).then(() => undefined), {
      en: 'Waiting for the first import'.toLowerCase(),
      de: 'wartet auf den ersten Import',
    });
  });

  it('tests both connections from the checklist and marks them passed', async () => {
    await page.goto(`${h.web.url}/status`);
    await page.locator('.checklist li[data-step="ucs"] a').click();
    await expect.poll(() => page.url()).toContain('/connection');
    await page.locator('#ucs button[value="test"]').click();
    await page.locator('#ucs .test-result').waitFor();
    expect(await page.locator('#ucs .test-result .alert').textContent()).toContain('All checks passed');
    await page.locator('#pascom button[value="test"]').click();
    await page.locator('#pascom .test-result').waitFor();
    expect(await page.locator('#pascom .test-result .alert').textContent()).toContain('All checks passed');
    await page.goto(`${h.web.url}/status`);
    expect(await stepState('ucs')).toBe('done');
    expect(await stepState('pascom')).toBe('done');
    expect(await page.locator('.checklist li.check-next').getAttribute('data-step')).toBe('mapping');
    await capture('02-connection', async () => {
      await page.goto(`${h.web.url}/connection`);
      await page.locator('#ucs button[value="test"]').click();
      await page.locator('#ucs .test-result').waitFor();
      await page.locator('#pascom button[value="test"]').click();
      await page.locator('#pascom .test-result').waitFor();
    });
  });

  it('shows the mapping in words, codes second, in both languages, and marks it reviewed', async () => {
    await page.goto(`${h.web.url}/mapping`);
    const login = page.locator('fieldset.rule').first().locator('legend.rule-title');
    expect(await login.innerText()).toContain('Login name');
    expect(await login.locator('code').textContent()).toBe('003use_name');
    const extension = page.locator('fieldset.rule', { has: page.locator('input[value="009ext_extension"]') });
    expect(await extension.locator('legend.rule-title').innerText()).toContain('Extension');
    expect(await extension.locator('.reads').innerText()).toContain('Telephone number (Contact) telephoneNumber');
    expect(await extension.locator('select').inputValue()).toBe('force');
    // Every field's label is reachable by its name for screen readers.
    expect(await page.getByLabel('Sources').count()).toBeGreaterThanOrEqual(9);
    await page.locator('button[value="reviewed"]').click();
    await page.locator('.alert-ok').waitFor();
    expect(await page.locator('.alert-ok').textContent()).toContain('marked as reviewed');
    await capture(
      '03-mapping',
      async () => {
        await page.goto(`${h.web.url}/mapping?login=jdoe`);
        await page.locator('.preview-user').first().waitFor();
      },
      { en: 'Telephone number (Contact)', de: 'Telefonnummer (Kontakt)' },
    );
    await setLang('de');
    await page.goto(`${h.web.url}/mapping?login=jdoe`);
    expect(await page.locator('fieldset.rule').first().locator('legend.rule-title').innerText()).toContain(
      'Anmeldename',
    );
    expect(await page.locator('.preview-user th', { hasText: 'Anzeigename' }).first().innerText()).toContain(
      '003use_bez',
    );
    await setLang('en');
    await page.goto(`${h.web.url}/status`);
    expect(await stepState('mapping')).toBe('done');
  });

  it('simulates: the report has the causes on top, labelled tables and a filter by cause', async () => {
    await page.goto(`${h.web.url}/sync`);
    await page.locator('button', { hasText: 'Simulate' }).first().click();
    await page.locator('table.js-plan').waitFor();
    reportUrl = page.url();
    const cause = page.locator('.causes .cause[data-cause="extension-conflict:009ext_extension"]');
    expect(await cause.locator('.cause-count').textContent()).toBe('1 affected');
    expect(await cause.locator('.cause-hint').innerText()).toContain('Telephone number');
    const heads = (await page.locator('table.plan-create thead th').allTextContents()).map((head) =>
      head.replace(/\s+/g, ' ').trim(),
    );
    expect(heads).toContain('Display name 003use_bez');
    expect(heads).toContain('Extension 009ext_extension');
    expect(await page.locator('.summary-create .count').textContent()).toBe('5');
    await cause.locator('a', { hasText: 'Show these users' }).click();
    await page.locator('table.plan-rejected').waitFor();
    expect(await page.locator('table.plan-rejected tbody tr').count()).toBe(1);
    expect(await page.locator('table.plan-rejected tbody').innerText()).toContain('cdup2');
    expect(await page.locator('#cause').inputValue()).toBe('extension-conflict:009ext_extension');
    await page.goto(`${h.web.url}/status`);
    expect(await stepState('simulate')).toBe('done');
    expect(await page.locator('.checklist li[data-step="simulate"]').innerText()).toContain('5 created');
    await capture('04-simulate', () => page.goto(reportUrl).then(() => undefined), {
      en: 'Why users are not synced',
      de: 'Warum Benutzer nicht abgeglichen werden',
    });
  });

  it('imports from the report, bound to it, with progress read out', async () => {
    await page.goto(reportUrl);
    expect(await page.locator('.import-form input[name="deletes"]').inputValue()).toBe('0');
    await page.locator('.import-form button[type="submit"]').click();
    await page.locator('text=Import finished').waitFor({ timeout: 20_000 });
    jobUrl = page.url();
    expect(await page.locator('.js-result .alert').textContent()).toContain('5 delivered, 0 failed, 0 still queued');
    expect(await page.locator('.js-progress-text').getAttribute('aria-live')).toBe('polite');
    expect(h.sim.identities().map((identity) => identity['003use_name'])).toContain('jdoe');
    await capture('06-import-done', () => page.goto(jobUrl).then(() => undefined));
  });

  it('starts live sync by itself: Status turns to running, the checklist is done, a change reaches pascom', async () => {
    await waitFor(
      async () => {
        await page.goto(`${h.web.url}/status`);
        return (await page.locator('.js-health').textContent()) === 'running';
      },
      { timeoutMs: 20_000, intervalMs: 250, message: 'the listener runs after the first import' },
    );
    for (const step of ['ucs', 'pascom', 'mapping', 'simulate', 'import', 'live'])
      expect(await stepState(step)).toBe('done');
    expect(await page.locator('.first-run details').count()).toBe(1);
    const jdoe = h.udm.modifyUser(`uid=jdoe,cn=users,${h.slapd.baseDn}`, { displayName: 'John Live Doe' });
    await jdoe;
    await waitFor(
      () =>
        h.sim.identities().find((identity) => identity['003use_name'] === 'jdoe')?.['003use_bez'] === 'John Live Doe',
      { timeoutMs: 15_000, intervalMs: 50, message: 'the live change reached pascom' },
    );
    await capture('07-status-live', () => page.goto(`${h.web.url}/status`).then(() => undefined), {
      en: 'Display name',
      de: 'Anzeigename',
    });
  });

  it('fits every other page at 1000 and 1280 px in both languages', async () => {
    await capture('08-sync', () => page.goto(`${h.web.url}/sync`).then(() => undefined));
    await capture('09-automate', () => page.goto(`${h.web.url}/automate`).then(() => undefined));
    await capture('10-authentication', async () => {
      await page.goto(`${h.web.url}/authentication`);
      await page.locator('#auth-login').fill('jdoe');
      await page.locator('#auth-password').fill(JDOE_PASSWORD);
      await page.locator('form[action$="/authentication/test"] button').click();
      await page.locator('.test-result').waitFor();
    });
    await capture('05-import-confirm', async () => {
      await page.goto(`${h.web.url}/sync`);
      await page.locator('button', { hasText: /Import now|Jetzt importieren/ }).click();
      await page.locator('form[action$="/sync/import/start"]').waitFor();
    });
    // The error page answers 404 on purpose: Chromium logs that as a failed resource.
    const before = consoleErrors.length;
    await capture('11-error', () => page.goto(`${h.web.url}/sync/simulate/999999`).then(() => undefined));
    consoleErrors.splice(before);
    const signedOut = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const previous = { context, page };
    context = signedOut;
    page = await signedOut.newPage();
    await capture('12-login', () => page.goto(`${h.web.url}/login`).then(() => undefined));
    await signedOut.close();
    ({ context, page } = previous);
  });

  it('logged no console errors (no CSP violations, no script failures)', () => {
    expect(consoleErrors).toEqual([]);
  });
});
