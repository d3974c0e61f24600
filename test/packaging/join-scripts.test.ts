/** appcenter/inst and appcenter/uinst on a fake UCS host (appcenter-rules.md §C, §D, §F). */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildUmc } from '../../umc/build.mjs';
import { BIND_ARGS, FakeUcsHost, LDAP_BASE } from './helpers/ucs-host.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ACCOUNT_DN = `cn=pascom,cn=computers,${LDAP_BASE}`;
const OPSET_DN = `cn=pascom-connector,cn=operations,cn=UMC,cn=univention,${LDAP_BASE}`;
const POLICY_DN = `cn=default-umc-all,cn=UMC,cn=policies,${LDAP_BASE}`;
const UMC_FILES = [
  '/usr/share/univention-management-console/modules/pascomconnector.xml',
  '/usr/share/univention-management-console/i18n/de/pascomconnector.mo',
  '/usr/lib/python3/dist-packages/univention/management/console/modules/pascomconnector/__init__.py',
  '/usr/share/univention-management-console-frontend/js/umc/modules/pascomconnector.js',
  '/usr/share/univention-management-console-frontend/js/umc/modules/i18n/de/pascomconnector.json',
  '/usr/share/univention-management-console-frontend/js/dijit/themes/umc/icons/scalable/pascomconnector.svg',
];

let umcBuild: string;
let host: FakeUcsHost;
let inst: string;
let uinst: string;

beforeAll(() => {
  umcBuild = buildUmc(mkdtempSync(join(tmpdir(), 'umc-build-')));
});
afterAll(() => rmSync(umcBuild, { recursive: true, force: true }));

beforeEach(() => {
  host = new FakeUcsHost(umcBuild);
  inst = host.install(join(ROOT, 'appcenter', 'inst'), '50pascom-connector.inst');
  uinst = host.install(join(ROOT, 'appcenter', 'uinst'), '51pascom-connector-uninstall.uinst');
});
afterEach(() => host.cleanup());

const runInst = (env: Record<string, string> = {}) => host.run(inst, BIND_ARGS, env);
const runUinst = (env: Record<string, string> = {}) => host.run(uinst, BIND_ARGS, env);
const conf = (name: string): string => readFileSync(join(host.confDir, name), 'utf8');
const udmCalls = (): string[][] => host.calls().filter((call) => call[0] === 'udm');

describe('join script (inst)', () => {
  it('succeeds and records its version in the join status', () => {
    const result = runInst();
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(join(host.root, 'status'), 'utf8')).toBe('pascom-connector v1 successful\n');
  });

  it('has a header, exactly one valid VERSION line and calls joinscript_init first (INST-01..INST-04)', () => {
    const text = readFileSync(join(ROOT, 'appcenter', 'inst'), 'utf8');
    expect(text.split('\n').slice(0, 2)).toEqual(['#!/bin/bash', '## joinscript api: bindpwdfile']);
    expect(text.match(/^[ \t]*VERSION=([1-9][0-9]*|"[1-9][0-9]*"|'[1-9][0-9]*')[ \t]*$/gm)).toHaveLength(1);
    runInst();
    expect(host.calls().find((call) => call[0] !== 'umc.sh-sourced')?.[0]).toBe('joinscript_init');
  });

  it('writes a 32-byte SSO secret, readable by root only', () => {
    runInst();
    expect(conf('sso.secret')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(statSync(join(host.confDir, 'sso.secret')).mode & 0o777).toBe(0o600);
  });

  it('creates the pascom computer account with a strong password it stores privately', () => {
    runInst();
    const password = conf('pascom-account.secret').trim();
    expect(password).toMatch(/^[0-9a-f]{48}$/);
    expect(statSync(join(host.confDir, 'pascom-account.secret')).mode & 0o777).toBe(0o600);
    expect(conf('pascom-account.dn')).toBe(`${ACCOUNT_DN}\n`);
    expect(host.object(ACCOUNT_DN)).toContain(`password: ${password}\n`);
    expect(host.object(ACCOUNT_DN)).toContain('__module: computers/linux\n');
  });

  it('leaves a pascom account made by hand alone', () => {
    host.addObject(ACCOUNT_DN, ['__module: computers/linux', 'name: pascom', 'password: admins-own']);
    runInst();
    expect(host.object(ACCOUNT_DN)).toContain('password: admins-own');
    expect(udmCalls().filter((call) => call[1] === 'computers/linux' && call[2] !== 'list')).toEqual([]);
  });

  it('grants the module to Domain Admins through an operation set in default-umc-all (UMC-10)', () => {
    runInst();
    expect(host.object(OPSET_DN)).toContain('operation: pascomconnector/*\n');
    expect(host.object(POLICY_DN)).toContain(`allow: ${OPSET_DN}\n`);
  });

  it('installs the UMC module files from the container image and reloads the UMC server', () => {
    runInst();
    for (const file of UMC_FILES) expect(statSync(host.path(file)).isFile(), file).toBe(true);
    expect(host.calls()).toContainEqual(['systemctl', 'reload', 'univention-management-console-server']);
  });

  it('tolerates a UMC server that cannot be reloaded', () => {
    const result = runInst({ SYSTEMCTL_EXIT: '1' });
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/could not reload/);
  });

  it('passes the join credentials to every udm call and to umc.sh at source time (INST-05, INST-10)', () => {
    runInst();
    expect(udmCalls().length).toBeGreaterThan(0);
    expect(udmCalls().filter((call) => !BIND_ARGS.every((arg) => call.includes(arg)))).toEqual([]);
    expect(
      host
        .calls()
        .find((call) => call[0] === 'umc.sh-sourced')
        ?.slice(1),
    ).toEqual(BIND_ARGS);
  });

  it('hands the new files to the app user inside the container', () => {
    runInst();
    expect(host.calls()).toContainEqual(['joinscript_run_in_container', '/app/appcenter/image/fix-permissions']);
  });

  it('fails, so that it is run again, while the container is not running (INST-15)', () => {
    expect(runInst({ FAKE_CONTAINER_STOPPED: '1' }).status).not.toBe(0);
    expect(readFileSync(join(host.root, 'status'), 'utf8')).toBe('');
  });

  it('does not run again once its version is recorded', () => {
    runInst();
    const before = host.calls().length;
    expect(runInst().status).toBe(1);
    expect(
      host
        .calls()
        .slice(before)
        .map((call) => call[0]),
    ).toEqual(['umc.sh-sourced', 'joinscript_init']);
  });

  it('is idempotent: a forced second run creates nothing and changes nothing', () => {
    runInst();
    const state = host.snapshot();
    const events = host.events().length;
    expect(runInst({ JOIN_FORCE: '1' }).status).toBe(0);
    expect(
      host
        .events()
        .slice(events)
        .filter((event) => /^(CREATED|REMOVED)/.test(event)),
    ).toEqual([]);
    expect(host.snapshot()).toEqual(state);
  });

  it('never registers or removes an LDAP schema (INST-07, UINST-04)', () => {
    runInst();
    runUinst();
    const schemaCalls = host
      .calls()
      .filter((call) => /LDAPExtension|register_schema/.test(call[0] ?? '') || call[1] === 'settings/ldapschema');
    expect(schemaCalls).toEqual([]);
  });
});

describe('unjoin script (uinst)', () => {
  it('reverses the join script completely when this was the last host with the app', () => {
    const before = host.snapshot();
    runInst();
    const result = runUinst();
    expect(result.status, result.stderr).toBe(0);
    expect(host.snapshot()).toEqual(before);
  });

  it('removes the module files and secrets on this host but keeps domain objects another host still uses', () => {
    runInst();
    host.offerServiceElsewhere('pascom Connector');
    runUinst();
    for (const file of UMC_FILES) expect(() => statSync(host.path(file))).toThrow();
    expect(() => statSync(join(host.confDir, 'sso.secret'))).toThrow();
    expect(host.object(ACCOUNT_DN)).toBeDefined();
    expect(host.object(OPSET_DN)).toBeDefined();
  });

  it('keeps a pascom account the administrator made by hand', () => {
    host.addObject(ACCOUNT_DN, ['__module: computers/linux', 'name: pascom', 'password: admins-own']);
    runInst();
    runUinst();
    expect(host.object(ACCOUNT_DN)).toContain('password: admins-own');
  });

  it('lets a reinstall run the join script again (UINST-03) and never saves its own version (UINST-02)', () => {
    runInst();
    runUinst();
    expect(host.calls()).toContainEqual(['joinscript_remove_script_from_status_file', 'pascom-connector']);
    expect(host.calls().filter((call) => call[0] === 'joinscript_save_current_version')).toHaveLength(1);
    expect(runInst().status).toBe(0);
  });

  it('uses no container helper: the container is already gone (UINST-06)', () => {
    runInst();
    const before = host.calls().length;
    expect(runUinst({ FAKE_CONTAINER_STOPPED: '1' }).status).toBe(0);
    expect(
      host
        .calls()
        .slice(before)
        .filter(
          (call) => (call[0] ?? '').startsWith('joinscript_container') || call[0] === 'joinscript_run_in_container',
        ),
    ).toEqual([]);
  });
});
