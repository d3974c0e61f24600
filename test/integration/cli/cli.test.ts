/** The documented command line contract (README), against the real directory and the simulator. */
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFixture, type ConnectorFixture } from '../../fixtures/connector.js';
import { startPascomSimulator, type PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import { startSlapd, type SlapdHandle } from '../../fixtures/slapd/index.js';
import { Udm } from '../../fixtures/udm.js';
import { cli } from './cli-harness.js';

let slapd: SlapdHandle;
let sim: PascomSimulator;
let udm: Udm;
let fixture: ConnectorFixture;
const users: Array<{ login: string; dn: string }> = [];

beforeAll(async () => {
  [slapd, sim] = await Promise.all([startSlapd(), startPascomSimulator()]);
  udm = new Udm(slapd);
  for (const login of ['cli.anna', 'cli.bert', 'cli.carl']) {
    const { dn } = await udm.createUser({
      username: login,
      firstname: 'C',
      lastname: login,
      password: 'Correct-Horse-1',
      activated: true,
    });
    users.push({ login, dn });
  }
  fixture = await connectorFixture(slapd, sim, { deletes: { mode: 'delete', maxPerRun: 1 } });
});
afterAll(async () => {
  await udm.close();
  await Promise.all([slapd.stop(), sim.stop(), fixture.cleanup()]);
});

const config = () => ['--config', fixture.configPath];

describe('pascom-connector CLI', () => {
  it('--help prints the commands and exits 0', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/simulate \[--json\]/);
  });

  it('an unknown command exits 1 with the usage', async () => {
    const result = await cli(['frobnicate', ...config()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it('an invalid config names the key and the value, and exits 1', async () => {
    const bad = `${fixture.dataDir}/bad.yaml`;
    await writeFile(bad, 'ucs:\n  url: "ldp://x"\n', { mode: 0o600 });
    const result = await cli(['status', '--config', bad]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ucs\.url: "ldp:\/\/x"/);
  });

  it('simulate --json prints exactly the documented object and changes nothing', async () => {
    sim.reset();
    const fresh = await connectorFixture(slapd, sim);
    const result = await cli(['simulate', '--json', '--config', fresh.configPath]);
    await fresh.cleanup();
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(result.code).toBe(0);
    expect(Object.keys(json).sort()).toEqual(['causes', 'create', 'delete', 'rejected', 'summary', 'update']);
    expect(Object.keys(json['summary'] as object).sort()).toEqual([
      'blocked',
      'create',
      'delete',
      'rejected',
      'unchanged',
      'update',
    ]);
    const creates = json['create'] as Array<Record<string, unknown>>;
    expect(Object.keys(creates[0] ?? {}).sort()).toEqual(['dn', 'login', 'record', 'uuid']);
    expect(creates.map((c) => c['login'])).toEqual(expect.arrayContaining(users.map((u) => u.login)));
    expect(sim.identities()).toEqual([]);
  });

  it('import applies the plan and exits 0; status then shows the managed users', async () => {
    const result = await cli(['import', ...config()]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Import done/);
    const status = JSON.parse((await cli(['status', '--json', ...config()])).stdout) as {
      managed: number;
      lastImport: { status: string };
    };
    expect(status.managed).toBe(sim.identities().length);
    expect(status.lastImport.status).toBe('done');
  });

  it('import exits 2 when deletes exceed maxPerRun, and --confirm-deletes applies them', async () => {
    await cli(['import', ...config()]);
    await udm.deactivate(users[1]!.dn);
    await udm.deactivate(users[2]!.dn);

    const blocked = await cli(['import', ...config()]);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toMatch(/maxPerRun/);
    expect(sim.identities().map((i) => i['003use_name'])).toContain('cli.bert');

    const confirmed = await cli(['import', '--confirm-deletes', ...config()]);
    expect(confirmed.code).toBe(0);
    expect(sim.identities().map((i) => i['003use_name'])).not.toContain('cli.bert');
    await udm.activate(users[1]!.dn);
    await udm.activate(users[2]!.dn);
  });
});

describe('auth-test', () => {
  it('passes for an enabled user with the right password', async () => {
    await cli(['import', '--confirm-deletes', ...config()]);
    const result = await cli(['auth-test', '--user', 'cli.anna', '--json', ...config()], 'Correct-Horse-1\n');
    const json = JSON.parse(result.stdout) as { passed: boolean; steps: Array<{ name: string; ok: boolean }> };
    expect(result.code).toBe(0);
    expect(json.steps.map((s) => [s.name, s.ok])).toEqual([
      ['find-user', true],
      ['enabled-for-pascom', true],
      ['account-active', true],
      ['password', true],
      ['pascom-identity', true],
    ]);
  });

  it('fails the password step for a wrong password and never prints it', async () => {
    const result = await cli(['auth-test', '--user', 'cli.anna', ...config()], 'Wrong-Guess-9\n');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL\s+password/);
    expect(result.stdout + result.stderr).not.toContain('Wrong-Guess-9');
  });

  it('refuses an empty password even though LDAP would treat it as an anonymous bind', async () => {
    const result = await cli(['auth-test', '--user', 'cli.anna', ...config()], '\n');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL\s+password/);
  });

  it('names a user who is not enabled for pascom', async () => {
    const { dn } = await udm.createUser({
      username: 'cli.off',
      firstname: 'O',
      lastname: 'Ff',
      password: 'Correct-Horse-1',
      activated: false,
    });
    const result = await cli(['auth-test', '--user', 'cli.off', ...config()], 'Correct-Horse-1\n');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL\s+enabled-for-pascom.*enable for pascom/);
    await udm.deleteUser(dn);
  });

  it('names a locked account', async () => {
    const { dn } = await udm.createUser({
      username: 'cli.lock',
      firstname: 'L',
      lastname: 'Ock',
      password: 'Correct-Horse-1',
      activated: true,
    });
    await udm.lockUser(dn);
    const result = await cli(['auth-test', '--user', 'cli.lock', ...config()], 'Correct-Horse-1\n');
    expect(result.stdout).toMatch(/FAIL\s+account-active.*locked/);
    await udm.deleteUser(dn);
  });

  it.each(['*', '*)(uid=*', 'cli.anna)(|(uid=*'])('treats %j as a literal user name, not a filter', async (name) => {
    const result = await cli(['auth-test', '--user', name, ...config()], 'Correct-Horse-1\n');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL\s+find-user/);
  });
});
