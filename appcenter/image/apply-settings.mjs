#!/usr/bin/env node
/**
 * Writes the App settings (appcenter/settings) into config.yaml. Runs in the container as root
 * from `entrypoint`, `setup` and `configure`.
 *
 * The App Center keeps the settings in the container's UCR file (/etc/univention/base.conf;
 * docs/appcenter-rules.md SET-12); settings shown at install also arrive as environment variables
 * before that file exists. The admin page edits the same config.yaml, so only settings whose
 * value changed since the last run are written: the admin page's own edits survive a later
 * change of another App setting. A cleared setting falls back to the schema default (the
 * schedule: off).
 *
 * The pascom password is a PasswordFile setting: its file is moved into conf/pascom-rest.secret
 * (0600) and deleted, so the App settings form never shows it back; an empty field keeps the
 * stored password.
 *
 * This runs as root, but conf/ belongs to the app user: whoever controls the app process can put
 * symbolic links, hard links or FIFOs there. So no path in conf/ is ever followed: files are
 * opened with O_NOFOLLOW and must be plain files with one link, and new files are created
 * exclusively under a random name and renamed into place (a rename replaces a link, it never
 * writes through it).
 *
 * Usage: apply-settings.mjs [--ucr FILE] [--config FILE] [--state FILE]
 *                           [--password-setting FILE] [--password-file FILE]
 */
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import console from 'node:console';
import process from 'node:process';
import { Document, parseDocument } from 'yaml';

const CONF_DIR = '/var/lib/univention-appcenter/apps/pascom-connector/conf';

export const DEFAULT_PATHS = {
  ucr: '/etc/univention/base.conf',
  config: process.env['PASCOM_CONNECTOR_CONFIG'] ?? join(CONF_DIR, 'config.yaml'),
  state: join(CONF_DIR, 'appcenter-settings.json'),
  passwordSetting: '/etc/pascom-connector/pascom-password',
  passwordFile: join(CONF_DIR, 'pascom-rest.secret'),
};

/** App setting (UCR key) → config.yaml path and value type. Keep in step with appcenter/settings. */
export const SETTINGS = [
  { key: 'pascom-connector/pascom/url', path: ['pascom', 'url'], type: 'string' },
  { key: 'pascom-connector/pascom/instance', path: ['pascom', 'instance'], type: 'string' },
  { key: 'pascom-connector/pascom/user', path: ['pascom', 'user'], type: 'string' },
  { key: 'pascom-connector/ucs/userfilter', path: ['ucs', 'userFilter'], type: 'string' },
  { key: 'pascom-connector/deletes/mode', path: ['deletes', 'mode'], type: 'string' },
  { key: 'pascom-connector/deletes/maxperrun', path: ['deletes', 'maxPerRun'], type: 'int' },
  { key: 'pascom-connector/auth/ucs', path: ['auth', 'ucs'], type: 'bool' },
  { key: 'pascom-connector/listener/mode', path: ['listener', 'mode'], type: 'string' },
  // An empty schedule means "off"; the App Center stores an emptied field as "unset".
  { key: 'pascom-connector/schedule', path: ['schedule'], type: 'string', whenCleared: '' },
];

/** Keys of settings that are files, not UCR values (never in SETTINGS). */
export const PASSWORD_SETTING_KEY = 'pascom-connector/pascom/password';

const TRUE_WORDS = new Set(['yes', 'true', '1', 'on', 'enable', 'enabled']);
const FALSE_WORDS = new Set(['no', 'false', '0', 'off', 'disable', 'disabled']);

/** UCR base.conf: `key: value` lines after comments. */
export function parseUcr(text) {
  const values = new Map();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const at = line.indexOf(': ');
    if (at > 0) values.set(line.slice(0, at), line.slice(at + 2));
  }
  return values;
}

/** The environment variable the App Center sets for a setting at container creation. */
export function envName(key) {
  return key.replace(/[^A-Za-z0-9_]/g, '_').toUpperCase();
}

/** Current value per setting: the container UCR first, then the install-time environment. */
export function currentValues(ucr, env) {
  const values = {};
  for (const { key } of SETTINGS) {
    const value = ucr.get(key) ?? env[envName(key)];
    values[key] = value === undefined || value === '' ? null : value;
  }
  return values;
}

export function convert(setting, text) {
  if (setting.type === 'int') {
    if (!/^\s*-?\d+\s*$/.test(text)) throw new Error(`App setting ${setting.key}: "${text}" is not a whole number`);
    return Number(text);
  }
  if (setting.type === 'bool') {
    const word = text.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    throw new Error(`App setting ${setting.key}: "${text}" is not yes or no`);
  }
  return text;
}

/** Settings whose value differs from the one applied last time, with the value to write. */
export function changedSettings(current, lastApplied) {
  const changes = [];
  for (const setting of SETTINGS) {
    const value = current[setting.key] ?? null;
    if (value === (lastApplied[setting.key] ?? null)) continue;
    if (value !== null) changes.push({ setting, value: convert(setting, value) });
    else changes.push({ setting, value: setting.whenCleared ?? null });
  }
  return changes;
}

/** Applies the changes to the YAML text, keeping comments and every other key. */
export function applyToYaml(text, changes, passwordFile) {
  const doc = text.trim() === '' ? new Document({}) : parseDocument(text);
  if (doc.errors.length > 0)
    throw new Error(
      `config.yaml is not valid YAML (${doc.errors[0].message.split('\n')[0]}); fix it on the admin page or by hand`,
    );
  for (const { setting, value } of changes) {
    if (value === null) doc.deleteIn(setting.path);
    else doc.setIn(setting.path, value);
  }
  if (passwordFile !== undefined) {
    doc.deleteIn(['pascom', 'password']);
    doc.setIn(['pascom', 'passwordFile'], passwordFile);
  }
  return doc.toString();
}

/**
 * Writes a private file atomically: a new file (O_EXCL, O_NOFOLLOW, mode 0600 from the start)
 * under a random name in the same directory, then renamed over the target.
 */
export function writePrivate(file, text) {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(12).toString('hex')}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(tmp);
    throw error;
  }
  closeSync(fd);
  renameSync(tmp, file);
}

/**
 * The text of a plain file, or undefined when there is none. Refuses (throws) a symbolic link,
 * anything but a regular file (a FIFO would block), and a file with more than one hard link.
 */
export function readPlainFile(file) {
  let fd;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new Error(`${file} is a symbolic link; refusing to follow it (remove it)`);
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error(`${file} is not a regular file; refusing to read it (remove it)`);
    if (stat.nlink !== 1) throw new Error(`${file} has other hard links; refusing to read it (remove it)`);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** Moves a new password out of the App setting's file; undefined when none was entered. */
function takeNewPassword(paths) {
  const entered = readPlainFile(paths.passwordSetting);
  if (entered === undefined) return undefined;
  unlinkSync(paths.passwordSetting);
  const password = entered.replace(/\r?\n$/, '');
  if (password === '') return undefined;
  writePrivate(paths.passwordFile, `${password}\n`);
  return paths.passwordFile;
}

/** Runs one apply; returns the UCR keys written (never values: the password is among them). */
export function applySettings(paths = DEFAULT_PATHS, env = process.env) {
  // Read (and vet) config.yaml before the password setting's file is taken.
  const configText = readPlainFile(paths.config) ?? '';
  const ucr = parseUcr(readPlainFile(paths.ucr) ?? '');
  const current = currentValues(ucr, env);
  const lastApplied = JSON.parse(readPlainFile(paths.state) ?? '{}');
  const changes = changedSettings(current, lastApplied);
  const passwordFile = takeNewPassword(paths);
  const written = changes.map(({ setting }) => setting.key);
  if (passwordFile !== undefined) written.push(PASSWORD_SETTING_KEY);
  if (written.length > 0) writePrivate(paths.config, applyToYaml(configText, changes, passwordFile));
  writePrivate(paths.state, `${JSON.stringify(current, null, 2)}\n`);
  return written;
}

function parseArgs(argv) {
  const names = {
    '--ucr': 'ucr',
    '--config': 'config',
    '--state': 'state',
    '--password-setting': 'passwordSetting',
    '--password-file': 'passwordFile',
  };
  const paths = { ...DEFAULT_PATHS };
  for (let index = 0; index < argv.length; index += 2) {
    const name = names[argv[index]];
    const value = argv[index + 1];
    if (name === undefined || value === undefined)
      throw new Error(`unknown argument ${argv[index]} (expected ${Object.keys(names).join(', ')})`);
    paths[name] = value;
  }
  return paths;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const written = applySettings(parseArgs(process.argv.slice(2)));
    console.log(written.length === 0 ? 'App settings unchanged' : `App settings written: ${written.join(', ')}`);
  } catch (error) {
    console.error(`pascom-connector: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
