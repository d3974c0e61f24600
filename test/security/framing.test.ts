/**
 * Framing. The UMC module embeds the
 * page in an iframe; any other site must not (clickjacking). Two tiny parent pages on their own
 * ports play the allowed UCS origin (configured as `http.frameAncestors`) and a foreign one;
 * real Chromium loads each with the admin page in an iframe. The header check covers the
 * policy, the browser check that Chromium enforces it, with the allowed parent as the control.
 * (The UCS origin from the container's environment is checked in test/web/access.test.ts.)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, ConsoleMessage, Frame } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHarness, type WebHarness } from '../web/harness.js';
import { launchChromium } from '../fixtures/chromium.js';

let h: WebHarness;
let browser: Browser;
let allowed: { server: Server; origin: string };
let foreign: { server: Server; origin: string };

/** Serves `/?src=URL`: a page holding only an iframe of URL. */
async function parentSite(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const src = new URL(req.url ?? '/', 'http://parent').searchParams.get('src') ?? '';
    const attr = src.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>parent</title><iframe id="admin" src="${attr}" width="800" height="600"></iframe>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function closeServer(server: Server | undefined): Promise<void> {
  if (server === undefined) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

beforeAll(async () => {
  [allowed, foreign] = await Promise.all([parentSite(), parentSite()]);
  h = await startWebHarness({ config: { http: { frameAncestors: [allowed.origin] } } });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await Promise.all([closeServer(allowed?.server), closeServer(foreign?.server)]);
});

interface Embedding {
  readonly frame: Frame;
  readonly refusals: string[];
}

/** A browser context signed in as the administrator through the login form (top level, not framed). */
async function signedInContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto(`${h.server.url}/login`);
  await page.locator('#username').fill('Administrator');
  await page.locator('#password').fill(h.slapd.adminPassword);
  await page.locator('form[action$="/login"] button').click();
  await page.locator('h1', { hasText: 'Status' }).waitFor();
  await page.close();
  return context;
}

/** Opens `parent` with the admin page at `path` in its iframe. */
async function embed(context: BrowserContext, parent: string, path: string): Promise<Embedding> {
  const page = await context.newPage();
  const refusals: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (/frame-ancestors/.test(message.text())) refusals.push(message.text());
  });
  await page.goto(`${parent}/?src=${encodeURIComponent(`${h.server.url}${path}`)}`);
  const frame = await (await page.waitForSelector('#admin')).contentFrame();
  if (frame === null) throw new Error('the iframe has no frame');
  await frame.waitForLoadState('load');
  return { frame, refusals };
}

/** The h1 of our page in the frame; undefined when the frame shows something else (Chromium's "blocked" page). */
async function ourHeading(frame: Frame): Promise<string | undefined> {
  const ours = await frame
    .locator('body[data-base="/pascom-connector"] h1')
    .count()
    .catch(() => 0);
  return ours === 0 ? undefined : ((await frame.locator('h1').first().textContent()) ?? '');
}

describe('the Content-Security-Policy', () => {
  it('names only the page itself and the configured UCS origin in frame-ancestors', async () => {
    const csp = (await h.client().get('/login')).headers.get('content-security-policy') ?? '';
    const directive = /frame-ancestors ([^;]*)/.exec(csp)?.[1]?.trim().split(/\s+/);
    expect(directive).toEqual(["'self'", allowed.origin]);
  });

  it.each(['/login', '/status', '/static/style.css', '/nowhere'])('is sent on %s too', async (path) => {
    const res = await (await h.admin()).get(path);
    expect(res.headers.get('content-security-policy') ?? '').toContain('frame-ancestors');
  });
});

describe('in Chromium', () => {
  it('a foreign site cannot frame the login form: Chromium refuses and names the policy', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    try {
      const { frame, refusals } = await embed(context, foreign.origin, '/login');
      await expect.poll(() => refusals.length, { timeout: 15_000 }).toBeGreaterThan(0);
      expect(refusals[0]).toContain(allowed.origin);
      expect(await ourHeading(frame)).toBeUndefined();
    } finally {
      await context.close();
    }
  });

  it('a foreign site cannot frame the page of a signed-in administrator (clickjacking)', async () => {
    const context = await signedInContext();
    try {
      const { frame, refusals } = await embed(context, foreign.origin, '/status');
      await expect.poll(() => refusals.length, { timeout: 15_000 }).toBeGreaterThan(0);
      expect(await ourHeading(frame)).toBeUndefined();
    } finally {
      await context.close();
    }
  });

  it.each([
    ['the login form', '/login', 'Sign in'],
    ['the page of a signed-in administrator', '/status', 'Status'],
  ])('the configured UCS origin frames %s (the control)', async (_case, path, heading) => {
    const context = path === '/login' ? await browser.newContext({ locale: 'en-GB' }) : await signedInContext();
    try {
      const { frame, refusals } = await embed(context, allowed.origin, path);
      await frame.locator('h1', { hasText: heading }).waitFor({ timeout: 15_000 });
      expect(await ourHeading(frame)).toBe(heading);
      expect(refusals).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
