/**
 * apply-settings.mjs runs as root while the app user owns conf/: whatever the app process put
 * into conf/ (symbolic links, hard links, FIFOs, a file at a guessable temp name) must never make
 * root read or write a file outside conf/.
 */
import {
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SettingsPaths } from '../../appcenter/image/apply-settings.mjs';
import { applySettings, writePrivate } from '../../appcenter/image/apply-settings.mjs';

const SCRIPT = join(import.meta.dirname, '..', '..', 'appcenter', 'image', 'apply-settings.mjs');
const VICTIM_TEXT = 'root-only: the contents of a file outside conf/\n';
let dir: string;
let conf: string;
let victim: string;
let paths: SettingsPaths;
const env = { PASCOM_CONNECTOR_PASCOM_URL: 'https://pbx.example.com' };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'apply-settings-links-'));
  conf = join(dir, 'conf');
  mkdirSync(conf);
  mkdirSync(join(dir, 'etc'));
  victim = join(dir, 'etc', 'shadow');
  writeFileSync(victim, VICTIM_TEXT, { mode: 0o600 });
  paths = {
    ucr: join(dir, 'base.conf'),
    config: join(conf, 'config.yaml'),
    state: join(conf, 'appcenter-settings.json'),
    passwordSetting: join(dir, 'etc', 'pascom-password'),
    passwordFile: join(conf, 'pascom-rest.secret'),
  };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const victimUntouched = (): void => {
  expect(readFileSync(victim, 'utf8')).toBe(VICTIM_TEXT);
  expect(statSync(victim).mode & 0o777).toBe(0o600);
};
/** Whether a plain file in conf/ (the app user can read them all) holds the victim's text. */
const confLeaksVictim = (): boolean =>
  readdirSync(conf)
    .filter((name) => lstatSync(join(conf, name)).isFile())
    .some((name) => readFileSync(join(conf, name), 'utf8').includes('root-only'));

describe('apply-settings.mjs and links the app user put into conf/', () => {
  it('refuses a config.yaml that is a symbolic link, and copies nothing of its target into conf/', () => {
    symlinkSync(victim, paths.config);
    expect(() => applySettings(paths, env)).toThrow(/symbolic link/);
    expect(confLeaksVictim()).toBe(false);
    victimUntouched();
  });

  it('refuses a settings state file that is a symbolic link', () => {
    symlinkSync(victim, paths.state);
    expect(() => applySettings(paths, env)).toThrow(/symbolic link/);
    victimUntouched();
  });

  it('refuses a config.yaml that is a hard link to another file', () => {
    linkSync(victim, paths.config);
    expect(() => applySettings(paths, env)).toThrow(/hard links/);
    expect(readFileSync(victim, 'utf8')).toBe(VICTIM_TEXT);
  });

  it('refuses a FIFO instead of blocking on it', () => {
    expect(spawnSync('mkfifo', [paths.config]).status).toBe(0);
    // In a child process: a blocking read would never return to this test.
    const args = Object.entries(paths).flatMap(([key, value]) => [
      `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
      value,
    ]);
    const run = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', timeout: 20_000, env });
    expect(run.signal, 'apply-settings.mjs blocked on the FIFO').toBeNull();
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/not a regular file/);
  });

  it('never writes through a link planted at a guessable temp name', () => {
    // The names a writer would use with the process id: every one a link to the victim.
    for (const file of [paths.config, paths.state])
      for (const name of [`${file}.${process.pid}.tmp`, `${file}.tmp`]) symlinkSync(victim, name);
    expect(applySettings(paths, env)).toContain('pascom-connector/pascom/url');
    victimUntouched();
    expect(readFileSync(paths.config, 'utf8')).toContain('https://pbx.example.com');
  });

  it('replaces a link at the target itself instead of writing through it', () => {
    symlinkSync(victim, paths.passwordFile);
    writePrivate(paths.passwordFile, 'new\n');
    victimUntouched();
    expect(readFileSync(paths.passwordFile, 'utf8')).toBe('new\n');
    expect(statSync(paths.passwordFile).mode & 0o777).toBe(0o600);
  });

  it('leaves no temp file behind', () => {
    applySettings(paths, env);
    expect(readdirSync(conf).sort()).toEqual(['appcenter-settings.json', 'config.yaml']);
  });
});
