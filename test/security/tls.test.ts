/**
 * TLS certificates are verified by default, towards UCS (ldaps:// and StartTLS)
 * and towards pascom (https): a server whose certificate a *wrong* CA is offered for is refused
 * by the page's connection tests and by the readers the sync uses (the CLI's `simulate`), with
 * a message that names the certificate. Only the explicit `tlsVerify: false` lets it through.
 * Each refusal has a control with the right CA, so a refusal for another reason cannot pass.
 */
import { createServer as createHttpsServer, type Server } from 'node:https';
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseConfigFor, merge } from '../fixtures/connector.js';
import { writeTestPki, type TestPki } from '../fixtures/slapd/tls.js';
import { cli } from '../integration/cli/cli-harness.js';
import { startWebHarness, type WebHarness } from '../web/harness.js';

let h: WebHarness;
let pki: TestPki;
let pkiDir: string;
let pascomHttps: Server;
let pascomHttpsUrl: string;
const CERTIFICATE = /certificate|self.signed|unable to verify|UNABLE_TO_VERIFY|SELF_SIGNED/i;

/** pascom over https: TLS in front of the simulator, with the test CA's certificate for 127.0.0.1. */
async function startHttpsFront(target: string): Promise<Server> {
  const server = createHttpsServer({ key: readFileSync(pki.keyFile), cert: readFileSync(pki.certFile) }, (req, res) => {
    const upstream = httpRequest(`${target}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

beforeAll(async () => {
  pkiDir = await mkdtemp(join(tmpdir(), 'pascom-sec-tls-'));
  // The same process-wide test CA that signs slapd's certificate, plus the unrelated wrong CA.
  pki = await writeTestPki(pkiDir);
  h = await startWebHarness({ slapd: { tls: true }, config: { pascom: { caFile: pki.wrongCaFile } } });
  await h.udm.createUser({ username: 'jdoe', lastname: 'Doe', activated: true });
  pascomHttps = await startHttpsFront(h.sim.url);
  pascomHttpsUrl = `https://127.0.0.1:${(pascomHttps.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  pascomHttps.closeAllConnections();
  await new Promise((resolve) => pascomHttps.close(resolve));
  await h.close();
  await rm(pkiDir, { recursive: true, force: true });
});

/** Runs `simulate` with the harness's directory and simulator, changed by `overrides`. */
async function simulateWith(overrides: Record<string, unknown>): Promise<{ code: number; output: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pascom-sec-tls-run-'));
  try {
    const configPath = join(dataDir, 'config.yaml');
    const config = merge(baseConfigFor(h.slapd, h.sim, dataDir), overrides);
    await writeFile(configPath, stringify(config), { mode: 0o600 });
    const result = await cli(['simulate', '--json', '--config', configPath]);
    return { code: result.code, output: `${result.stdout}\n${result.stderr}` };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

function ldapsUrl(): string {
  if (h.slapd.ldapsUrl === undefined) throw new Error('slapd was started without tls');
  return h.slapd.ldapsUrl;
}

describe('UCS over TLS: the connection test on the page', () => {
  const testUcs = async (form: Record<string, string>): Promise<string> => {
    const res = await (
      await h.admin()
    ).post('/connection/ucs', {
      baseDn: h.slapd.baseDn,
      bindDn: h.slapd.computerDn,
      password: h.slapd.computerPassword,
      userFilter: '(&(univentionObjectType=users/user)(mobydickActivated=TRUE))',
      action: 'test',
      ...form,
    });
    expect(res.status).toBe(200);
    return res.body;
  };
  const tlsRow = (page: string): string =>
    /<tr class="step-\w+">\s*<td>TLS and certificate<\/td>[\s\S]*?<\/tr>/.exec(page)?.[0] ?? '';

  it.each([
    ['ldaps://', () => ({ url: ldapsUrl(), tls: 'ldaps' })],
    ['StartTLS', () => ({ url: h.slapd.url, tls: 'starttls' })],
  ])('refuses %s with the wrong CA at the TLS step, naming the certificate', async (_mode, target) => {
    const page = await testUcs({ ...target(), caFile: pki.wrongCaFile });
    expect(page).toContain('The connection test failed.');
    expect(tlsRow(page)).toContain('step-failed');
    expect(tlsRow(page)).toContain('The certificate is not trusted.');
    expect(tlsRow(page)).toMatch(CERTIFICATE);
    // The test stops there: nothing was sent over the untrusted connection.
    expect(page).not.toContain('Sign-in (bind)');
  });

  it('refuses ldaps:// without a CA file (the system CAs do not know the UCS CA)', async () => {
    const page = await testUcs({ url: ldapsUrl(), tls: 'ldaps', caFile: '' });
    expect(tlsRow(page)).toContain('step-failed');
  });

  it.each([
    ['ldaps://', () => ({ url: ldapsUrl(), tls: 'ldaps' })],
    ['StartTLS', () => ({ url: h.slapd.url, tls: 'starttls' })],
  ])('passes %s with the right CA (the control)', async (_mode, target) => {
    const page = await testUcs({ ...target(), caFile: pki.caFile });
    expect(tlsRow(page)).toContain('step-ok');
    expect(page).toContain('All checks passed.');
  });
});

describe('UCS over TLS: the directory reader (simulate)', () => {
  it.each([
    ['ldaps://', () => ({ url: ldapsUrl() })],
    ['StartTLS', () => ({ url: h.slapd.url, starttls: true })],
  ])('refuses %s with the wrong CA and says what to check', async (_mode, target) => {
    const { code, output } = await simulateWith({ ucs: { ...target(), caFile: pki.wrongCaFile } });
    expect(code).not.toBe(0);
    expect(output).toMatch(CERTIFICATE);
    expect(output).toContain('ucs.caFile');
  });

  it.each([
    ['ldaps://', () => ({ url: ldapsUrl() })],
    ['StartTLS', () => ({ url: h.slapd.url, starttls: true })],
  ])('reads %s with the right CA (the control)', async (_mode, target) => {
    expect((await simulateWith({ ucs: { ...target(), caFile: pki.caFile } })).code).toBe(0);
  });

  it('reads with the wrong CA only when ucs.tlsVerify is false', async () => {
    const result = await simulateWith({ ucs: { url: ldapsUrl(), caFile: pki.wrongCaFile, tlsVerify: false } });
    expect(result.code).toBe(0);
  });
});

describe('pascom over https', () => {
  it('the page’s connection test refuses the wrong CA at the TLS step, naming the certificate', async () => {
    const res = await (
      await h.admin()
    ).post('/connection/pascom', {
      url: pascomHttpsUrl,
      instance: h.sim.instance,
      user: h.sim.user,
      password: h.sim.password,
      action: 'test',
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain('The connection test failed.');
    expect(res.body).toMatch(CERTIFICATE);
    expect(res.body).not.toContain('REST credentials</td>');
  });

  it('simulate refuses the wrong CA and names pascom.caFile', async () => {
    const { code, output } = await simulateWith({ pascom: { url: pascomHttpsUrl, caFile: pki.wrongCaFile } });
    expect(code).not.toBe(0);
    expect(output).toMatch(CERTIFICATE);
    expect(output).toContain('pascom.caFile');
  });

  it('simulate refuses a certificate the system CAs do not know', async () => {
    const { code, output } = await simulateWith({ pascom: { url: pascomHttpsUrl } });
    expect(code).not.toBe(0);
    expect(output).toMatch(CERTIFICATE);
  });

  it('simulate works with the right CA (the control)', async () => {
    expect((await simulateWith({ pascom: { url: pascomHttpsUrl, caFile: pki.caFile } })).code).toBe(0);
  });

  it('simulate works with the wrong CA only when pascom.tlsVerify is false', async () => {
    const result = await simulateWith({ pascom: { url: pascomHttpsUrl, caFile: pki.wrongCaFile, tlsVerify: false } });
    expect(result.code).toBe(0);
  });
});
