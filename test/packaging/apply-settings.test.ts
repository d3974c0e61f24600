/** appcenter/image/apply-settings.mjs: App settings → config.yaml without clobbering the admin page's edits. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { SettingsPaths } from '../../appcenter/image/apply-settings.mjs';
import { applySettings, envName } from '../../appcenter/image/apply-settings.mjs';
import { validateConfig } from '../../app/config/validate.js';

let dir: string;
let paths: SettingsPaths;

const ucr = (values: Record<string, string>): void =>
  writeFileSync(
    paths.ucr,
    `# univention_ base.conf\n\n${Object.entries(values)
      .map(([k, v]) => `${k}: ${v}\n`)
      .join('')}`,
  );
const config = (): Record<string, unknown> => parse(readFileSync(paths.config, 'utf8')) as Record<string, unknown>;
const INSTALL = {
  'pascom-connector/pascom/url': 'https://pbx.example.com',
  'pascom-connector/pascom/instance': 'acme',
  'pascom-connector/pascom/user': 'moby',
  'pascom-connector/deletes/mode': 'delete',
  'pascom-connector/deletes/maxperrun': '10',
  'pascom-connector/auth/ucs': 'true',
  'pascom-connector/listener/mode': 'auto',
  'pascom-connector/schedule': '0 3 * * *',
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'apply-settings-'));
  paths = {
    ucr: join(dir, 'base.conf'),
    config: join(dir, 'conf', 'config.yaml'),
    state: join(dir, 'conf', 'appcenter-settings.json'),
    passwordSetting: join(dir, 'etc', 'pascom-password'),
    passwordFile: join(dir, 'conf', 'pascom-rest.secret'),
  };
  mkdirSync(join(dir, 'etc'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('applySettings()', () => {
  it('writes the install settings into a new config.yaml with typed values, mode 0600', () => {
    ucr(INSTALL);
    applySettings(paths, {});
    expect(config()).toEqual({
      pascom: { url: 'https://pbx.example.com', instance: 'acme', user: 'moby' },
      deletes: { mode: 'delete', maxPerRun: 10 },
      auth: { ucs: true },
      listener: { mode: 'auto' },
      schedule: '0 3 * * *',
    });
    expect(statSync(paths.config).mode & 0o777).toBe(0o600);
  });

  it('produces a config the app accepts once the password is set', () => {
    ucr(INSTALL);
    writeFileSync(paths.passwordSetting, 'rest-secret\n', { mode: 0o600 });
    applySettings(paths, {});
    const env = {
      LDAP_SERVER_NAME: 'ucs.example.intranet',
      LDAP_BASE: 'dc=example,dc=intranet',
      LDAP_HOSTDN: 'cn=pc,cn=memberserver,cn=computers,dc=example,dc=intranet',
    };
    const result = validateConfig(config(), {
      env,
      machineSecretPath: '/etc/machine.secret',
      ucsCaPath: '/nonexistent',
      ucsCaExists: false,
    });
    expect(result.ok).toBe(true);
  });

  it('falls back to the install-time environment before the container UCR exists', () => {
    applySettings(paths, { [envName('pascom-connector/pascom/instance')]: 'acme' });
    expect(config()).toEqual({ pascom: { instance: 'acme' } });
  });

  it('keeps what the admin page changed when another setting changes later', () => {
    ucr(INSTALL);
    applySettings(paths, {});
    writeFileSync(
      paths.config,
      readFileSync(paths.config, 'utf8').replace('https://pbx.example.com', 'https://pbx2.example.com') +
        '# mapping edited on the page\nextensions:\n  pool: "100-199"\n',
    );
    ucr({ ...INSTALL, 'pascom-connector/deletes/mode': 'keep' });
    expect(applySettings(paths, {})).toEqual(['pascom-connector/deletes/mode']);
    const text = readFileSync(paths.config, 'utf8');
    expect(config()).toMatchObject({
      pascom: { url: 'https://pbx2.example.com' },
      deletes: { mode: 'keep' },
      extensions: { pool: '100-199' },
    });
    expect(text).toContain('# mapping edited on the page');
  });

  it('leaves config.yaml untouched when no setting changed', () => {
    ucr(INSTALL);
    applySettings(paths, {});
    writeFileSync(paths.config, 'edited: by hand\n');
    expect(applySettings(paths, {})).toEqual([]);
    expect(readFileSync(paths.config, 'utf8')).toBe('edited: by hand\n');
  });

  it('switches the schedule off when the field is emptied, and drops other cleared keys to their default', () => {
    ucr(INSTALL);
    applySettings(paths, {});
    const { 'pascom-connector/schedule': _schedule, 'pascom-connector/listener/mode': _mode, ...rest } = INSTALL;
    ucr(rest);
    applySettings(paths, {});
    expect(config()['schedule']).toBe('');
    expect(config()['listener']).toEqual({});
  });

  it('moves a new password into a private file, never into config.yaml or the state, and deletes the setting file', () => {
    ucr(INSTALL);
    writeFileSync(paths.passwordSetting, 'rest-secret\n', { mode: 0o600 });
    applySettings(paths, {});
    expect(readFileSync(paths.passwordFile, 'utf8')).toBe('rest-secret\n');
    expect(statSync(paths.passwordFile).mode & 0o777).toBe(0o600);
    expect(existsSync(paths.passwordSetting)).toBe(false);
    expect(config()['pascom']).toMatchObject({ passwordFile: paths.passwordFile });
    expect(readFileSync(paths.config, 'utf8') + readFileSync(paths.state, 'utf8')).not.toContain('rest-secret');
  });

  it('keeps the stored password when the password field is left empty', () => {
    ucr(INSTALL);
    writeFileSync(paths.passwordSetting, 'rest-secret\n');
    applySettings(paths, {});
    writeFileSync(paths.passwordSetting, '');
    applySettings(paths, {});
    expect(readFileSync(paths.passwordFile, 'utf8')).toBe('rest-secret\n');
  });

  it('replaces an inline password of config.yaml by the password file', () => {
    ucr(INSTALL);
    applySettings(paths, {});
    writeFileSync(
      paths.config,
      readFileSync(paths.config, 'utf8').replace('user: moby', 'user: moby\n  password: old'),
    );
    writeFileSync(paths.passwordSetting, 'new');
    applySettings(paths, {});
    expect(config()['pascom']).not.toHaveProperty('password');
  });

  it.each([
    ['pascom-connector/deletes/maxperrun', 'ten', /not a whole number/],
    ['pascom-connector/auth/ucs', 'maybe', /not yes or no/],
  ])('refuses %s = %s with a message for the administrator', (key, bad, message) => {
    ucr({ ...INSTALL, [key]: bad });
    expect(() => applySettings(paths, {})).toThrow(message);
  });
});
