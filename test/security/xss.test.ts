/**
 * XSS. Payloads sit in every user
 * attribute the default mapping shows (displayName, givenName, sn, mailPrimaryAddress, and the
 * uid itself — LDAP allows `<` there even if UDM does not), in pascom's words (a dead letter),
 * in the audit trail and in typed input that pages echo back (authentication test, login form).
 *
 * Each page is loaded in real Chromium with the CSP *bypassed*: the CSP would block inline
 * script anyway, and this file tests the escaping itself. A page passes when no payload
 * script ran, no payload element exists in the DOM, the payload shows as text, and the raw
 * HTML holds the escaped form only. Data attributes carry a tag naming where a payload came from.
 */
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../fixtures/wait.js';
import { startWebHarness, type WebHarness } from '../web/harness.js';
import { mintToken } from '../web/sso.js';
import { launchChromium } from '../fixtures/chromium.js';

/** Breaks out of attributes and text alike; lowercase, so the mapping's lowercase transform keeps it. */
const payload = (tag: string): string =>
  `"'><img src=x data-xss="${tag}" onerror="window.__xss='${tag}'"><script data-xss="${tag}">window.__xss='${tag}'</script>`;
const ATTRIBUTE_TAGS = ['displayname', 'givenname', 'sn', 'mail'];

let h: WebHarness;
let browser: Browser;
let context: BrowserContext;
let page: Page;

async function importAll(): Promise<void> {
  const client = await h.admin();
  const confirm = await client.follow(await client.post('/sync/import/prepare'));
  // The import is bound to the reviewed plan: its run id and delete count, as the form posts them.
  const runId = /name="runId" value="(\d+)"/.exec(confirm.body)?.[1] ?? '';
  const deletes = /name="deletes" value="(\d+)"/.exec(confirm.body)?.[1] ?? '';
  const started = await client.post('/sync/import/start', { runId, deletes });
  const id = client.pathOf(started.location).split('/').pop() ?? '';
  await waitFor(
    async () => {
      const job = JSON.parse((await client.get(`/api/import/${id}`)).body) as { state: string };
      return job.state === 'finished' || job.state === 'failed';
    },
    { timeoutMs: 20_000, intervalMs: 100, message: 'import finished' },
  );
}

/** A dead letter with pascom's error text, and an audit entry, both carrying payloads. */
function seedStatus(): void {
  const { outbox, audit } = h.app().store;
  const now = Date.now();
  // Enqueue, claim and mark dead in one synchronous run: the delivery loop cannot take the row.
  outbox.enqueue(
    {
      uuid: 'uuid-xss-dead',
      kind: 'apply',
      payload: { op: { kind: 'create', login: payload('deadlogin') }, actor: 'test' },
      source: 'poll',
    },
    now,
  );
  const [row] = outbox.claim(now, 1);
  if (row === undefined) throw new Error('no row claimed');
  outbox.markDead(row.id, `pascom rejected the identity (field 003use_bez): ${payload('pascomerror')}`);
  audit.record(
    {
      actor: `admin:${payload('actor')}`,
      login: payload('auditlogin'),
      action: 'retry-dead-letter',
      result: 'failed',
      detail: payload('auditdetail'),
    },
    now,
  );
}

beforeAll(async () => {
  h = await startWebHarness();
  await h.udm.createUser({
    username: 'xss.attrs',
    displayName: payload('displayname'),
    firstname: payload('givenname'),
    lastname: payload('sn'),
    mailPrimaryAddress: payload('mail'),
    activated: true,
  });
  await h.udm.createUser({ username: payload('uid'), lastname: 'Uid', activated: true });
  await importAll(); // pascom now holds the payloads too: the preview shows them as "before"
  // A newcomer after the import: the simulation lists it as a create with every field.
  await h.udm.createUser({
    username: 'xss.new',
    displayName: payload('displayname'),
    firstname: payload('givenname'),
    lastname: payload('sn'),
    mailPrimaryAddress: payload('mail'),
    activated: true,
  });
  seedStatus();
  browser = await launchChromium();
  context = await browser.newContext({ bypassCSP: true, locale: 'en-GB' });
  page = await context.newPage();
  await page.goto(`${h.server.url}/sso?token=${mintToken(h.ssoSecret)}`);
  await page.locator('h1', { hasText: 'Status' }).waitFor();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

interface Inspection {
  readonly ran: unknown;
  readonly injected: string[];
  readonly text: string;
  readonly inputs: string[];
}

/** Runs in the page (a string: the project's TypeScript has no DOM types). */
const INSPECT = `(() => ({
  ran: window.__xss ?? null,
  injected: [...document.querySelectorAll('[data-xss]')].map((el) => el.getAttribute('data-xss') ?? ''),
  text: document.body.innerText,
  inputs: [...document.querySelectorAll('input')].map((input) => input.value),
}))()`;

function inspect(target: Page): Promise<Inspection> {
  return target.evaluate<Inspection>(INSPECT);
}

/** The raw HTML of the next top-level page that is not a redirect, while `act` runs. */
async function rawOf(target: Page, act: () => Promise<unknown>): Promise<string> {
  const response = target.waitForResponse(
    (r: Response) =>
      r.request().isNavigationRequest() && r.frame() === target.mainFrame() && (r.status() < 300 || r.status() >= 400),
  );
  await act();
  return (await response).text();
}

function expectSafe(found: Inspection, raw: string, shownTags: readonly string[]): void {
  expect(found.ran).toBeNull();
  expect(found.injected).toEqual([]);
  for (const tag of shownTags) expect(found.text, `payload ${tag} shown as text`).toContain(payload(tag));
  expect(raw).not.toMatch(/<img src=x data-xss|<script data-xss/);
  expect(raw).toContain('&lt;img src=x data-xss=');
}

describe('payloads in directory data, pascom data and the audit trail', () => {
  it('the simulation result shows them as text and runs none', async () => {
    await page.goto(`${h.server.url}/sync`);
    const raw = await rawOf(page, () => page.locator('button', { hasText: 'Simulate' }).first().click());
    await page.locator('table.js-plan').waitFor();
    expectSafe(await inspect(page), raw, ATTRIBUTE_TAGS);
  });

  it('the Mapping preview of the first users shows them as text and runs none', async () => {
    const raw = await rawOf(page, () => page.goto(`${h.server.url}/mapping?preview=1`));
    await page.locator('.preview-user').first().waitFor();
    const found = await inspect(page);
    expectSafe(found, raw, ATTRIBUTE_TAGS);
    // Before (pascom) and after (mapping) columns: each payload at least twice.
    expect(found.text.split(payload('displayname')).length - 1).toBeGreaterThanOrEqual(2);
  });

  it('the Mapping preview of the user whose uid is a payload runs none', async () => {
    const raw = await rawOf(page, () =>
      page.goto(`${h.server.url}/mapping?login=${encodeURIComponent(payload('uid'))}`),
    );
    await page.locator('.preview-user').first().waitFor();
    const found = await inspect(page);
    expectSafe(found, raw, []);
    expect(found.inputs).toContain(payload('uid'));
  });

  it('the status page (dead letters, audit) shows them as text and runs none', async () => {
    const raw = await rawOf(page, () => page.goto(`${h.server.url}/status`));
    expectSafe(await inspect(page), raw, ['deadlogin', 'pascomerror', 'auditlogin', 'auditdetail', 'actor']);
  });
});

describe('payloads typed into forms and echoed back', () => {
  it.each([
    ['an unknown user name', 'authlogin'],
    ['the user name of the user whose uid is a payload', 'uid'],
  ])('the authentication test result for %s runs none', async (_case, tag) => {
    await page.goto(`${h.server.url}/authentication`);
    await page.locator('#auth-login').fill(payload(tag));
    await page.locator('#auth-password').fill('not-the-password');
    const raw = await rawOf(page, () => page.locator('form[action$="/authentication/test"] button').click());
    await page.locator('.test-result').waitFor();
    const found = await inspect(page);
    expectSafe(found, raw, [tag]);
    expect(found.inputs).toContain(payload(tag));
  });

  it('the login form after a failed login runs none', async () => {
    const anonymous = await context.browser()?.newContext({ bypassCSP: true, locale: 'en-GB' });
    if (anonymous === undefined) throw new Error('no browser');
    try {
      const login = await anonymous.newPage();
      await login.goto(`${h.server.url}/login`);
      await login.locator('input[name="username"]').fill(payload('loginname'));
      await login.locator('input[name="password"]').fill('not-the-password');
      const raw = await rawOf(login, () => login.locator('form[action$="/login"] button').click());
      await login.locator('.alert').first().waitFor();
      const found = await inspect(login);
      expectSafe(found, raw, []);
      expect(found.inputs).toContain(payload('loginname'));
    } finally {
      await anonymous.close();
    }
  });
});
