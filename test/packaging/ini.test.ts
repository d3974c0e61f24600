/** ucs-app.ini against the mechanically checkable App Center rules (docs/appcenter-rules.md §A, §G). */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_APPCENTER_DIR, DEFAULT_SSO_SECRET_FILE, httpShape } from '../../app/config/schema.js';
import {
  BOOLEAN_KEYS,
  BOOLEAN_WORDS,
  CODE_PATTERN,
  DOCKER_SCRIPT_KEYS,
  ID_PATTERN,
  INT_KEYS,
  KNOWN_APP_FILES,
  KNOWN_APP_KEYS,
  LOCALISABLE_KEYS,
  UCS_OVERVIEW_CATEGORIES,
  UCS_VERSION_PATTERN,
  UDM_MODULE_PATTERN,
  normalizeKey,
} from './helpers/appcenter-rules.js';
import { IniError, iniList, iniValue, parseStrictIni } from './helpers/strict-ini.js';

const ROOT = join(import.meta.dirname, '..', '..');
const INI_TEXT = readFileSync(join(ROOT, 'ucs-app.ini'), 'utf8');
const ini = parseStrictIni(INI_TEXT);
const app = (key: string): string | undefined => iniValue(ini, 'Application', key);
const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const PACKAGE = z.object({ version: z.string() }).parse(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')));
const HTTP_DEFAULTS = z.strictObject(httpShape).parse({});

describe('strict INI reader (configparser rules)', () => {
  it.each([
    ['a duplicate key, compared case-insensitively', '[Application]\nID = a\nid = b\n'],
    ['a duplicate section', '[Application]\nID = a\n[Application]\nCode = b\n'],
    ['a key before the first section', 'ID = a\n[Application]\n'],
    ['a line without a delimiter', '[Application]\nID\n'],
    ['an indented line without a key before it', '[Application]\n  continued\n'],
  ])('rejects %s', (_name, text) => {
    expect(() => parseStrictIni(text)).toThrow(IniError);
  });

  it('joins indented continuation lines into the value', () => {
    expect(iniValue(parseStrictIni('[A]\nKey = one\n\ttwo\n'), 'A', 'key')).toBe('one\ntwo');
  });
});

describe('ucs-app.ini', () => {
  it('parses with Python RawConfigParser in strict mode (INI-01)', () => {
    const script =
      'import configparser,sys; p=configparser.RawConfigParser(); p.read_file(open(sys.argv[1])); print(",".join(p.sections()))';
    const sections = execFileSync('python3', ['-c', script, join(ROOT, 'ucs-app.ini')], { encoding: 'utf8' }).trim();
    expect(sections.split(',')).toEqual([...ini.keys()]);
  });

  it('has an [Application] section with ID, Code, Name and Version (INI-02, INI-03)', () => {
    expect(['ID', 'Code', 'Name', 'Version'].map(app).every((value) => value !== undefined && value !== '')).toBe(true);
  });

  it('uses the app ID pascom-connector, which matches the App Center pattern (INI-04)', () => {
    expect(app('ID')).toBe('pascom-connector');
    expect(app('ID')).toMatch(ID_PATTERN);
  });

  it('has a two-character Code (INI-05)', () => {
    expect(app('Code')).toMatch(CODE_PATTERN);
  });

  it('carries the version of package.json, also as the image tag (INI-34)', () => {
    expect(app('Version')).toBe(PACKAGE.version);
    expect(app('DockerImage')).toMatch(new RegExp(`:${PACKAGE.version.replace(/\./g, '\\.')}$`));
  });

  it('uses only keys the App Center knows (INI-29)', () => {
    const known = new Set(KNOWN_APP_KEYS.map(normalizeKey));
    const unknown = [...(ini.get('Application')?.values() ?? [])]
      .map((entry) => entry.key)
      .filter((key) => !known.has(normalizeKey(key)));
    expect(unknown).toEqual([]);
  });

  it('puts only localisable keys into locale sections (INI-30)', () => {
    const localisable = new Set(LOCALISABLE_KEYS.map(normalizeKey));
    const misplaced = [...ini.entries()]
      .filter(([section]) => section !== 'Application')
      .flatMap(([, entries]) => [...entries.values()].map((entry) => entry.key))
      .filter((key) => !localisable.has(normalizeKey(key)));
    expect(misplaced).toEqual([]);
  });

  it('has a German description', () => {
    expect(iniValue(ini, 'de', 'Description')).toMatch(/\S/);
    expect(iniValue(ini, 'de', 'LongDescription')).toMatch(/\S/);
  });

  it.each(BOOLEAN_KEYS.filter((key) => app(key) !== undefined))(
    'gives the boolean %s a boolean word (INI-06)',
    (key) => {
      expect(BOOLEAN_WORDS).toContain(app(key)?.toLowerCase());
    },
  );

  it.each(INT_KEYS.filter((key) => app(key) !== undefined))('gives the integer %s a whole number (INI-07)', (key) => {
    expect(app(key)).toMatch(/^\d+$/);
  });

  it('lists UCS 5.0, 5.1 and 5.2 in SupportedUCSVersions, each in the App Center pattern (INI-11, INI-14)', () => {
    const versions = iniList(app('SupportedUCSVersions'));
    expect(versions.every((version) => UCS_VERSION_PATTERN.test(version))).toBe(true);
    expect(versions.map((version) => version.split('-')[0])).toEqual(['5.0', '5.1', '5.2']);
  });

  it('shows the web interface in the admin area of the UCS overview (INI-09)', () => {
    expect(UCS_OVERVIEW_CATEGORIES).toContain(app('UCSOverviewCategory'));
    expect(app('UCSOverviewCategory')).toBe('admin');
  });

  it('proxies the web interface path that the app serves by default (INI-23)', () => {
    expect(app('AutoModProxy')?.toLowerCase()).toBe('true');
    expect(app('WebInterface')).toBe(HTTP_DEFAULTS.basePath);
    expect(app('WebInterfacePortHTTP')).toBe(String(HTTP_DEFAULTS.port));
    expect(['http', 'https', 'both']).toContain(app('WebInterfaceProxyScheme'));
  });

  it('is proxied over HTTPS too: both ports are the container port, to plain HTTP inside', () => {
    // UCS's Apache writes the 443 ProxyPass only when WebInterfacePortHTTPS equals the container
    // port (10univention-appcenter in sites-available/ssl.d); "http" proxies both schemes to it.
    expect(app('WebInterfacePortHTTPS')).toBe(String(HTTP_DEFAULTS.port));
    expect(app('WebInterfacePortHTTP')).toBe(String(HTTP_DEFAULTS.port));
    expect(app('WebInterfaceProxyScheme')).toBe('http');
    expect(DOCKERFILE).toMatch(new RegExp(`^EXPOSE ${HTTP_DEFAULTS.port}$`, 'm'));
  });

  it('has a square SVG logo beside the ini and App catalog categories', () => {
    const logo = app('Logo') ?? '';
    expect(logo).toMatch(/^[\w.-]+\.svg$/);
    const svg = readFileSync(join(ROOT, 'appcenter', logo), 'utf8');
    const script =
      'import sys, xml.etree.ElementTree as ET; r=ET.parse(sys.argv[1]).getroot(); print(r.tag, r.get("viewBox"))';
    const [tag, ...viewBox] = execFileSync('python3', ['-c', script, join(ROOT, 'appcenter', logo)], {
      encoding: 'utf8',
    })
      .trim()
      .split(' ');
    expect(tag).toBe('{http://www.w3.org/2000/svg}svg');
    expect(viewBox[2]).toBe(viewBox[3]);
    expect(svg).not.toMatch(/<script|xlink:href="http|href="http/);
    expect(iniList(app('AppCategories')).length).toBeGreaterThan(0);
  });

  it('listens to users/user with listener format version 2 and ships a listener_trigger (INI-24, INI-25)', () => {
    const modules = iniList(app('ListenerUDMModules'));
    expect(modules).toEqual(['users/user']);
    expect(modules.every((module) => UDM_MODULE_PATTERN.test(module))).toBe(true);
    expect(app('ListenerUDMVersion')).toBe('2');
    expect(existsSync(join(ROOT, 'appcenter', 'listener_trigger'))).toBe(true);
  });

  it('keeps the listener directory and SSO secret of the config defaults inside this app ID', () => {
    const appDir = `/var/lib/univention-appcenter/apps/${app('ID') ?? ''}/`;
    expect(DEFAULT_APPCENTER_DIR.startsWith(appDir)).toBe(true);
    expect(DEFAULT_SSO_SECRET_FILE.startsWith(appDir)).toBe(true);
  });

  it('is a single-container Docker app (INI-15)', () => {
    expect(app('DockerImage')).toMatch(/^[\w.-]+(\/[\w.-]+)+:[\w.-]+$/);
    expect(app('DockerMainService')).toBeUndefined();
  });

  it('sets DockerScriptInit explicitly to the command the image runs (INI-21)', () => {
    expect(app('DockerScriptInit')).toBe('node /app/dist/app/cli/main.js serve');
    expect(DOCKERFILE).toContain('CMD ["node", "/app/dist/app/cli/main.js", "serve"]');
  });

  it.each(Object.entries(DOCKER_SCRIPT_KEYS))(
    'sets %s explicitly: empty, or the absolute image path of the shipped %s (INI-16..INI-20)',
    (key, file) => {
      const value = app(key);
      expect(value).toBeDefined();
      if (value === '') return expect(existsSync(join(ROOT, 'appcenter', file))).toBe(false);
      expect(value).toBe(`/app/appcenter/${file}`);
      expect(existsSync(join(ROOT, 'appcenter', file))).toBe(true);
    },
  );

  it('copies the appcenter directory into /app/appcenter of the image', () => {
    expect(DOCKERFILE).toMatch(/^COPY appcenter \.\/appcenter$/m);
    expect(DOCKERFILE).toMatch(/^WORKDIR \/app$/m);
  });

  it('names a shell that exists in the Debian-based image (INI-22)', () => {
    expect(app('DockerShellCommand')).toBe('/bin/bash');
    expect(DOCKERFILE).toMatch(/bookworm-slim/);
  });

  it('depends on mobydick somewhere in the domain, not as a plugin (INI-31)', () => {
    expect(iniList(app('RequiredAppsInDomain'))).toEqual(['mobydick']);
    expect(app('PluginOf')).toBeUndefined();
  });

  it('names the UMC module it installs (UMC-11)', () => {
    const xml = readFileSync(join(ROOT, 'umc', 'pascomconnector.xml'), 'utf8');
    expect(xml).toContain(`<module id="${app('UmcModuleName') ?? ''}"`);
  });

  it('has no inline comments in values (INI-35)', () => {
    const values = [...ini.values()].flatMap((section) => [...section.values()].map((entry) => entry.value));
    expect(values.filter((value) => /\s[#;]\s/.test(value))).toEqual([]);
  });
});

describe('appcenter/ upload files', () => {
  const shipped = readdirSync(join(ROOT, 'appcenter')).filter((name) =>
    statSync(join(ROOT, 'appcenter', name)).isFile(),
  );
  const scripts = shipped.filter((name) => !name.startsWith('README') && name !== 'settings' && !name.endsWith('.svg'));

  it('holds only file names the App Center knows (FILE-01)', () => {
    const logos = [app('Logo'), app('LogoDetailPage')];
    expect(
      shipped.filter((name) => !KNOWN_APP_FILES.includes(name) && !/^README(_|$)/.test(name) && !logos.includes(name)),
    ).toEqual([]);
  });

  it.each(scripts)('starts %s with a shebang and uses LF line endings (FILE-02)', (name) => {
    const text = readFileSync(join(ROOT, 'appcenter', name), 'utf8');
    expect(text.startsWith('#!/bin/sh\n') || text.startsWith('#!/bin/bash\n')).toBe(true);
    expect(text).not.toContain('\r');
  });
});
