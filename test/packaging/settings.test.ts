/** appcenter/settings against the App Center rules (docs/appcenter-rules.md §B) and apply-settings.mjs. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY_CATALOG } from '../../app/config/schema.js';
import { PASSWORD_SETTING_KEY, SETTINGS } from '../../appcenter/image/apply-settings.mjs';
import { SETTING_SCOPES, SETTING_SHOW, SETTING_TYPES, UCR_TRUTH_WORDS } from './helpers/appcenter-rules.js';
import { iniList, iniValue, parseStrictIni } from './helpers/strict-ini.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FILE = join(ROOT, 'appcenter', 'settings');
const settings = parseStrictIni(readFileSync(FILE, 'utf8'));
const names = [...settings.keys()];
const value = (name: string, key: string): string | undefined => iniValue(settings, name, key);
const typeOf = (name: string): string => value(name, 'Type') ?? 'String';

describe('appcenter/settings', () => {
  it('parses with Python RawConfigParser in strict mode (SET-01)', () => {
    const script =
      'import configparser,sys; p=configparser.RawConfigParser(); p.read_file(open(sys.argv[1])); print(len(p.sections()))';
    expect(execFileSync('python3', ['-c', script, FILE], { encoding: 'utf8' }).trim()).toBe(String(names.length));
  });

  it.each(names)('names %s as a UCR key prefixed with the app ID (SET-10)', (name) => {
    expect(name).toMatch(/^pascom-connector\/[a-z0-9/_-]+$/);
  });

  it.each(names)(
    'gives %s a known type, shown at known times, scoped inside the container (SET-02, SET-06, SET-07)',
    (name) => {
      expect(SETTING_TYPES).toContain(typeOf(name));
      expect(iniList(value(name, 'Show')).every((show) => SETTING_SHOW.includes(show))).toBe(true);
      expect(iniList(value(name, 'Scope'))).toEqual(['inside']);
      expect(SETTING_SCOPES).toContain('inside');
    },
  );

  it.each(names)('describes %s in English and German (SET-03, SET-11)', (name) => {
    expect(value(name, 'Description')).toMatch(/\S/);
    expect(value(name, 'Description[de]')).toMatch(/\S/);
  });

  it.each(names)('uses only known keys in %s', (name) => {
    const known = [
      'type',
      'description',
      'description[de]',
      'group',
      'group[de]',
      'show',
      'showreadonly',
      'initialvalue',
      'required',
      'scope',
      'values',
      'labels',
      'filename',
    ];
    expect([...(settings.get(name)?.keys() ?? [])].filter((key) => !known.includes(key))).toEqual([]);
  });

  it.each(names.filter((name) => value(name, 'Required') !== undefined))(
    'gives %s a boolean Required (SET-08)',
    (name) => {
      expect(['true', 'false', 'yes', 'no', '1', '0', 'on', 'off']).toContain(value(name, 'Required')?.toLowerCase());
    },
  );

  it.each(names.filter((name) => typeOf(name) === 'List'))(
    'gives the list %s values, matching labels and a valid initial value (SET-05)',
    (name) => {
      const values = iniList(value(name, 'Values'));
      expect(values.length).toBeGreaterThan(0);
      expect(iniList(value(name, 'Labels'))).toHaveLength(values.length);
      expect(values).toContain(value(name, 'InitialValue'));
    },
  );

  it.each(names.filter((name) => typeOf(name) === 'Int'))(
    'gives the number %s a whole initial value (SET-09)',
    (name) => {
      expect(value(name, 'InitialValue')).toMatch(/^\d+$/);
    },
  );

  it.each(names.filter((name) => typeOf(name) === 'Bool'))(
    'gives the switch %s a truth word as initial value (SET-09)',
    (name) => {
      expect(UCR_TRUTH_WORDS).toContain(value(name, 'InitialValue')?.toLowerCase());
    },
  );

  it('keeps the pascom password in a PasswordFile setting with an absolute file name (SET-04)', () => {
    expect(typeOf(PASSWORD_SETTING_KEY)).toBe('PasswordFile');
    expect(value(PASSWORD_SETTING_KEY, 'Filename')).toBe('/etc/pascom-connector/pascom-password');
  });

  it('has no Password setting, whose value the settings form would show back', () => {
    expect(names.filter((name) => typeOf(name) === 'Password')).toEqual([]);
  });

  it('maps every other setting to a config.yaml key, and nothing else', () => {
    expect(SETTINGS.map((setting) => setting.key).sort()).toEqual(
      names.filter((name) => name !== PASSWORD_SETTING_KEY).sort(),
    );
  });

  it.each(SETTINGS.map((setting) => [setting.key, setting.path] as const))(
    'writes %s to a key the config schema knows',
    (_key, path) => {
      const section = path.length === 1 ? '' : (path[0] ?? '');
      expect(KEY_CATALOG[section]).toContain(path[path.length - 1]);
    },
  );
});
