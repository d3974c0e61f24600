/**
 * "Test connection" and "Save" with "use this app's machine account" send the machine secret
 * only to the container's own LDAP server ($LDAP_SERVER_NAME) and only over TLS. A form that
 * names another host, or the own host without TLS, is refused before anything is sent: a
 * listening socket stands for the other host and must see no connection at all.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHarness, type WebHarness } from '../web/harness.js';

let h: WebHarness;
let elsewhere: Server;
let elsewhereUrl: string;
const received: Buffer[] = [];
let connections = 0;
const env: Record<string, string> = {};

beforeAll(async () => {
  h = await startWebHarness({ slapd: { tls: true }, env });
  // The page reads its environment on each request: the container's own server and account.
  env['LDAP_SERVER_NAME'] = new URL(h.slapd.url).hostname;
  env['LDAP_HOSTDN'] = h.slapd.computerDn;
  elsewhere = createServer((socket) => {
    connections += 1;
    socket.on('data', (chunk: Buffer) => received.push(chunk));
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.2', resolve));
  elsewhereUrl = `ldap://127.0.0.2:${(elsewhere.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => elsewhere.close(resolve));
  await h.close();
});

function form(overrides: Record<string, string>): Record<string, string> {
  return {
    url: h.slapd.url,
    tls: 'starttls',
    caFile: h.slapd.caFile ?? '',
    baseDn: h.slapd.baseDn,
    bindDn: '',
    password: '',
    useMachine: '1',
    userFilter: '(univentionObjectType=users/user)',
    action: 'test',
    ...overrides,
  };
}

const secretSent = async (): Promise<boolean> => {
  const secret = (await readFile(h.machineSecretFile, 'utf8')).trim();
  return Buffer.concat(received).includes(Buffer.from(secret));
};

describe('with "use this app\'s machine account"', () => {
  it.each(['test', 'save'])('refuses to %s against another host, and connects to nothing', async (action) => {
    const before = await readFile(h.fixture.configPath, 'utf8');
    const res = await (await h.admin()).post('/connection/ucs', form({ url: elsewhereUrl, tls: 'none', action }));
    expect(res.status).toBe(422);
    expect(res.body).toContain('sent only to this UCS');
    expect(connections).toBe(0);
    expect(await secretSent()).toBe(false);
    expect(await readFile(h.fixture.configPath, 'utf8')).toBe(before);
  });

  it('refuses the own server without TLS', async () => {
    const res = await (await h.admin()).post('/connection/ucs', form({ tls: 'none', caFile: '' }));
    expect(res.status).toBe(422);
    expect(res.body).toContain('only with StartTLS or LDAPS');
  });

  it('tests the own server over StartTLS: the machine account binds', async () => {
    const res = await (await h.admin()).post('/connection/ucs', form({}));
    expect(res.status).toBe(200);
    expect(res.body).toContain('All checks passed.');
  });

  it('does not send the stored machine secret in clear when the box is not ticked either', async () => {
    const client = await h.admin();
    // Save the machine account for the own server first (the stored password is the secret).
    expect((await client.post('/connection/ucs', form({ action: 'save' }))).status).toBe(303);
    const res = await client.post(
      '/connection/ucs',
      form({ useMachine: '', bindDn: h.slapd.computerDn, url: h.slapd.url, tls: 'none', caFile: '' }),
    );
    expect(res.status).toBe(422);
    expect(res.body).toContain('only with StartTLS or LDAPS');
  });
});
