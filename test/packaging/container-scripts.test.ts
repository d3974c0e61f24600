/** The container-side App Center scripts, run with stubbed privileges and a stubbed CLI; shellcheck on all scripts. */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../appcenter/image/sqlite-backup.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
const APPCENTER = join(ROOT, 'appcenter');
let image: string;

/** A fake image: /app/appcenter with the real scripts, fix-permissions, setpriv and the CLI as recorders. */
function fakeImage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fake-image-'));
  const app = join(dir, 'app');
  cpSync(APPCENTER, join(app, 'appcenter'), { recursive: true });
  const stub = (file: string, body: string): void => {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
  };
  stub(join(app, 'appcenter', 'image', 'fix-permissions'), `echo fix-permissions >>"${dir}/calls.log"`);
  stub(
    join(dir, 'bin', 'setpriv'),
    `echo "setpriv $*" >>"${dir}/calls.log"; while [ "$1" != env ]; do shift; done; exec "$@"`,
  );
  stub(join(dir, 'bin', 'node'), `echo "node $*" >>"${dir}/calls.log"; exit "\${CLI_EXIT:-0}"`);
  return dir;
}

function runScript(name: string, args: readonly string[] = [], env: Record<string, string> = {}) {
  const text = readFileSync(join(image, 'app', 'appcenter', name), 'utf8').replace(
    /(?<![\w/])\/app\//g,
    `${image}/app/`,
  );
  const script = join(image, `run-${name}`);
  writeFileSync(script, text);
  chmodSync(script, 0o755);
  for (const helper of ['as-app', 'lib.sh']) {
    const path = join(image, 'app', 'appcenter', 'image', helper);
    writeFileSync(path, readFileSync(path, 'utf8').replace(/(?<![\w/])\/app\//g, `${image}/app/`));
  }
  return spawnSync(script, args, {
    encoding: 'utf8',
    env: { PATH: `${join(image, 'bin')}:${process.env['PATH'] ?? ''}`, ...env },
  });
}

const calls = (): string[] => readFileSync(join(image, 'calls.log'), 'utf8').trim().split('\n');

beforeEach(() => {
  image = fakeImage();
  writeFileSync(join(image, 'calls.log'), '');
});
afterEach(() => rmSync(image, { recursive: true, force: true }));

describe('listener_trigger', () => {
  it('runs the CLI listener-trigger as the app user, without arguments (LT-01, LT-02)', () => {
    expect(runScript('listener_trigger').status).toBe(0);
    expect(calls()).toEqual([
      'fix-permissions',
      `setpriv --reuid=node --regid=node --init-groups env HOME=/home/node node ${image}/app/dist/app/cli/main.js listener-trigger`,
      `node ${image}/app/dist/app/cli/main.js listener-trigger`,
    ]);
  });

  it('passes the CLI exit status on, so failed files are kept (LT-06)', () => {
    expect(runScript('listener_trigger', [], { CLI_EXIT: '3' }).status).toBe(3);
  });
});

describe('store_data', () => {
  it('does nothing before the app ever stored state', () => {
    expect(runScript('store_data', ['--error-file', join(image, 'err'), '--app', 'pascom-connector']).status).toBe(0);
    expect(calls()).toEqual(['']);
  });
});

describe('sqlite-backup.mjs', () => {
  it('copies a database that is open for writing into a private, consistent file', async () => {
    const source = join(image, 'state.sqlite');
    const db = new Database(source);
    db.pragma('journal_mode = WAL');
    db.exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('kept')");
    const target = join(image, 'backups', 'copy.sqlite');
    await backupDatabase(source, target);
    db.close();
    expect(readdirSync(join(image, 'backups'))).toEqual(['copy.sqlite']);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    const copy = new Database(target, { readonly: true });
    expect(copy.prepare('SELECT v FROM t').pluck().all()).toEqual(['kept']);
    copy.close();
  });

  it('fails for a database that does not exist, leaving nothing behind', async () => {
    mkdirSync(join(image, 'backups'));
    await expect(backupDatabase(join(image, 'missing.sqlite'), join(image, 'backups', 'x.sqlite'))).rejects.toThrow();
    expect(readdirSync(join(image, 'backups'))).toEqual([]);
  });
});

describe('shellcheck', () => {
  const scripts = [
    ...readdirSync(APPCENTER).filter(
      (name) =>
        statSync(join(APPCENTER, name)).isFile() && readFileSync(join(APPCENTER, name), 'utf8').startsWith('#!/bin/'),
    ),
    ...readdirSync(join(APPCENTER, 'image'))
      .filter((name) => !name.endsWith('.mjs') && !name.endsWith('.mts'))
      .map((name) => `image/${name}`),
  ];

  it('finds the scripts it checks', () => {
    expect(scripts).toEqual(
      expect.arrayContaining(['inst', 'uinst', 'listener_trigger', 'configure', 'image/entrypoint']),
    );
  });

  it.each(scripts)('passes on appcenter/%s', (name) => {
    const result = spawnSync('shellcheck', ['-x', name], { cwd: APPCENTER, encoding: 'utf8' });
    expect(result.error, 'shellcheck must be installed (.ci/run installs it)').toBeUndefined();
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});
