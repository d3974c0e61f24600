/**
 * Inside the App Center container the LDAP connection is encrypted by default: when ucs.url
 * comes from the container's environment and the UCS CA exists, the config uses StartTLS with
 * that CA, so the machine secret, admins' passwords at the login form and the authentication
 * test's passwords never travel in clear. Real slapd offering StartTLS; the proof that TLS is
 * really used is that a wrong CA in the UCS CA's place makes the directory refuse the server.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config/load.js';
import { toSyncRules } from '../../app/config/index.js';
import { LdapTlsError } from '../../app/ldap/errors.js';
import { createDirectory } from '../../app/main.js';
import { startSlapd, type SlapdHandle } from '../fixtures/slapd/index.js';

let slapd: SlapdHandle;
let dir: string;
let configPath: string;
let machineSecretPath: string;

beforeAll(async () => {
  slapd = await startSlapd({ tls: true });
  dir = await mkdtemp(join(tmpdir(), 'pascom-container-tls-'));
  configPath = join(dir, 'config.yaml');
  machineSecretPath = join(dir, 'machine.secret');
  // Only pascom is configured: every ucs.* value comes from the container.
  await writeFile(configPath, 'pascom:\n  url: https://pbx.example.com\n  instance: acme\n  password: p\n');
  await writeFile(machineSecretPath, `${slapd.computerPassword}\n`, { mode: 0o600 });
});
afterAll(async () => {
  await slapd.stop();
  await rm(dir, { recursive: true, force: true });
});

async function containerConfig(ucsCaPath: string) {
  const url = new URL(slapd.url);
  const env = {
    LDAP_SERVER_NAME: url.hostname,
    LDAP_SERVER_PORT: url.port,
    LDAP_BASE: slapd.baseDn,
    LDAP_HOSTDN: slapd.computerDn,
  };
  const loaded = await loadConfig({ path: configPath, env, machineSecretPath, ucsCaPath });
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
  return loaded;
}

describe('the container defaults', () => {
  it('choose StartTLS with the UCS CA', async () => {
    const { config, sources } = await containerConfig(slapd.caFile ?? '');
    expect([config.ucs.url, config.ucs.starttls, config.ucs.caFile]).toEqual([slapd.url, true, slapd.caFile]);
    expect(sources.container).toContain('ucs.starttls');
  });

  it('read users over it as the machine account', async () => {
    const { config } = await containerConfig(slapd.caFile ?? '');
    const users = await createDirectory(config, toSyncRules(config)).findByLogin('Administrator');
    expect(users.map((u) => u.dn)).toEqual([slapd.adminDn]);
  });

  it('really encrypt: a server whose certificate the UCS CA did not sign is refused', async () => {
    const { config } = await containerConfig(slapd.wrongCaFile ?? '');
    await expect(createDirectory(config, toSyncRules(config)).findByLogin('Administrator')).rejects.toBeInstanceOf(
      LdapTlsError,
    );
  });
});
