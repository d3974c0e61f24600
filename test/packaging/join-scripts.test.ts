/** appcenter/inst and appcenter/uinst on a fake UCS host (docs/appcenter-rules.md §C, §D, §F). */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildUmc } from '../../umc/build.mjs';
import { BIND_ARGS, FakeUcsHost, LDAP_BASE, SCHEMA_WITH_MOBYDICK } from './helpers/ucs-host.js';

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
const INST_TEXT = readFileSync(join(ROOT, 'appcenter', 'inst'), 'utf8');
const INST_VERSION = Number(/^VERSION=(\d+)$/m.exec(INST_TEXT)?.[1]);

/** SHA-256 over the built UMC module files (path and content), the files the join script copies. */
function umcDigest(dir: string): string {
  const files = (at: string): string[] =>
    readdirSync(at).flatMap((name) =>
      statSync(join(at, name)).isDirectory() ? files(join(at, name)) : [join(at, name)],
    );
  const hash = createHash('sha256');
  for (const file of files(dir).sort())
    hash
      .update(`${relative(dir, file)}\0`)
      .update(readFileSync(file))
      .update('\0');
  return hash.digest('hex');
}

describe('join script (inst)', () => {
  it('succeeds and records its version in the join status', () => {
    const result = runInst();
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(join(host.root, 'status'), 'utf8')).toBe(`pascom-connector v${INST_VERSION} successful\n`);
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
    expect(host.calls().filter((call) => call[0] === 'udm-python' && call[1] === 'save')).toEqual([]);
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

  it('ties its VERSION to the UMC module files it copies: a changed module needs a new VERSION (INST-12)', () => {
    const recorded = /^UMC_MODULE_DIGEST=([0-9a-f]{64})$/m.exec(INST_TEXT)?.[1];
    expect(
      recorded,
      `the UMC module changed: raise VERSION in appcenter/inst (now ${INST_VERSION}) and set UMC_MODULE_DIGEST=${umcDigest(umcBuild)}`,
    ).toBe(umcDigest(umcBuild));
    expect(INST_VERSION).toBeGreaterThanOrEqual(2);
  });

  it('still succeeds when the container stops before the files are handed over: the next start does it', () => {
    // The status checks before copying the UMC module succeed; the one before fix-permissions does not.
    const result = runInst({ FAKE_CONTAINER_RUNNING_CHECKS: '2' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/it happens at the next start of the app/);
    expect(readFileSync(join(host.root, 'status'), 'utf8')).toBe(`pascom-connector v${INST_VERSION} successful\n`);
    expect(host.calls()).not.toContainEqual([
      'univention-app',
      'shell',
      'pascom-connector',
      '/app/appcenter/image/fix-permissions',
    ]);
  });

  it('runs fix-permissions in the container through univention-app shell while it runs', () => {
    runInst();
    expect(host.calls()).toContainEqual([
      'univention-app',
      'shell',
      'pascom-connector',
      '/app/appcenter/image/fix-permissions',
    ]);
  });

  it('never puts the pascom account’s password on a command line; UDM’s Python API reads it from the file', () => {
    runInst();
    const password = conf('pascom-account.secret').trim();
    expect(host.object(ACCOUNT_DN)).toContain(`password: ${password}\n`);
    expect(host.calls().filter((call) => call.some((arg) => arg.includes(password)))).toEqual([]);
    expect(host.calls()).toContainEqual(['udm-python', 'credentials', BIND_ARGS[1], 'password-ok', LDAP_BASE]);
  });

  it('gives its own account a new password through the Python API when the password file is gone', () => {
    runInst();
    rmSync(join(host.confDir, 'pascom-account.secret'));
    expect(runInst({ JOIN_FORCE: '1' }).status).toBe(0);
    const password = conf('pascom-account.secret').trim();
    expect(password).toMatch(/^[0-9a-f]{48}$/);
    expect(host.object(ACCOUNT_DN)).toContain(`password: ${password}\n`);
    expect(host.calls().filter((call) => call.some((arg) => arg.includes(password)))).toEqual([]);
  });

  it('keeps the pascom account’s password file root-only after handing conf/ to the app', () => {
    const fixPermissions = readFileSync(join(ROOT, 'appcenter', 'image', 'fix-permissions'), 'utf8');
    expect(fixPermissions).toMatch(/ROOT_ONLY="\$CONF_DIR\/pascom-account\.secret"/);
    expect(fixPermissions).toMatch(/! -path "\$ROOT_ONLY"/);
  });

  it('fails with what to install when the schema lacks mobydickActivated, after setting up everything else', () => {
    host.setSchema(SCHEMA_WITH_MOBYDICK.replace(/^.*mobydickActivated.*\n/m, ''));
    const result = runInst();
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/no attribute mobydickActivated/);
    expect(result.stderr).toMatch(/univention-app install mobydick/);
    expect(result.stderr).toMatch(/univention-run-join-scripts --force --run-scripts 50pascom-connector\.inst/);
    expect(readFileSync(join(host.root, 'status'), 'utf8')).toBe('');
    for (const file of UMC_FILES) expect(statSync(host.path(file)).isFile(), file).toBe(true);
    expect(host.calls()).toContainEqual([
      'univention-ldapsearch',
      '-LLL',
      '-o',
      'ldif-wrap=no',
      '-b',
      'cn=Subschema',
      '-s',
      'base',
      'attributeTypes',
    ]);
  });

  it('checks the attributes of the user filter the admin configured in config.yaml', () => {
    host.writeConfig('ucs:\n  userFilter: "(&(univentionObjectType=users/user)(pascomEnabled=1))"\n');
    const result = runInst();
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/no attribute pascomEnabled\./);
    host.writeConfig("ucs:\n  userFilter: '(&(objectClass=*)(CN=x)(uid=y))'\n");
    expect(runInst().status).toBe(0);
  });

  it('does not follow a config.yaml that is a symbolic link (the app user owns conf/)', () => {
    const outside = join(host.root, 'outside.yaml');
    writeFileSync(outside, 'ucs:\n  userFilter: (unknownAttribute=1)\n');
    symlinkSync(outside, join(host.confDir, 'config.yaml'));
    expect(runInst().status).toBe(0);
  });

  it('only warns when the schema cannot be read', () => {
    const result = runInst({ LDAPSEARCH_EXIT: '1' });
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/could not read the LDAP schema/);
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
