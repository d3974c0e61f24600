/**
 * The App Center `listener_trigger` hook: it
 * stores the changes of the converter's files durably and exits 0 only then; a running service
 * (`listener.mode: appcenter`) delivers them; bad files are quarantined without blocking the
 * rest; a failure to store exits non-zero so the converter keeps every file.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOG_FILE_NAME } from '../../../app/log/logger.js';
import { Store, STATE_FILE } from '../../../app/store/store.js';
import { parseListenerFile } from '../../../listener/appcenter-files.js';
import { cli } from '../cli/cli-harness.js';
import { connectorFixture, type ConnectorFixture } from '../../fixtures/connector.js';
import {
  deletedChange,
  groupChange,
  ListenerDirectory,
  pythonJsonDump,
  userChange,
  type ListenerUdmVersion,
} from '../../fixtures/listener-files.js';
import type { PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import type { SlapdHandle } from '../../fixtures/slapd/index.js';
import type { UdmUserProps } from '../../fixtures/slapd/ucs-user-entry.js';
import type { Udm } from '../../fixtures/udm.js';
import { startLive, startTestDirectory, stopTestDirectory } from './live-harness.js';
import { expectExactState } from './resilience-expect.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const samplesDir = resolve(repoRoot, '..', 'shared', 'ucs', 'listener-examples');

let slapd: SlapdHandle;
let sim: PascomSimulator;
let udm: Udm;
let fixture: ConnectorFixture;
let listener: ListenerDirectory;

beforeAll(async () => {
  ({ slapd, sim, udm } = await startTestDirectory());
});
afterAll(() => stopTestDirectory({ slapd, sim, udm }));
let listenerDir: string;

beforeEach(async () => {
  listenerDir = await mkdtemp(join(tmpdir(), 'appcenter-listener-'));
  fixture = await connectorFixture(slapd, sim, {
    extensions: { digits: 4, pool: '9000-9999' },
    listener: { mode: 'appcenter', appcenterDir: listenerDir },
  });
  listener = new ListenerDirectory(listenerDir);
});
afterEach(async () => {
  await fixture.cleanup();
  await rm(listenerDir, { recursive: true, force: true });
});

const trigger = () => cli(['listener-trigger', '--config', fixture.configPath]);

/** The trigger as the converter runs it: exit 0 → every listed file deleted. */
async function converterRun(): Promise<{ code: number; stdout: string; stderr: string }> {
  let result = { code: -1, stdout: '', stderr: '' };
  await listener.runTrigger(async () => (result = await trigger()).code);
  return result;
}

type StoredEvent = { uuid: string; kind: string; source: string };

function storedEvents(): StoredEvent[] {
  const store = Store.open(fixture.dataDir);
  try {
    return store.outbox.list('pending', 1000).map((row) => {
      const payload = JSON.parse(row.payload) as { event: { kind: string } };
      return { uuid: row.uuid, kind: payload.event.kind, source: row.source };
    });
  } finally {
    store.close();
  }
}

async function user(props: UdmUserProps): Promise<UdmUserProps & { uuid: string; dn: string }> {
  const created = await udm.createUser(props);
  return { ...props, ...created };
}

const phone = (extension: number): string[] => [`0441 5550-${extension}`];
const byUuid = (a: { uuid: string }, b: { uuid: string }): number => a.uuid.localeCompare(b.uuid);

it('stores the changes of v1 and v2 files (create, modify, delete, other objects, repeated ids) and exits 0', async () => {
  const a = await user({ username: 'lt1-a', firstname: 'Lis', lastname: 'Tener', phone: phone(5001), activated: true });
  const b = await user({
    username: 'lt1-b',
    firstname: 'Jürgen',
    lastname: 'Groß',
    phone: phone(5002),
    activated: true,
  });
  const gone = { uuid: '0f4e8f0c-1b2a-4c3d-8e9f-a0b1c2d3e4f5', dn: `uid=lt1-gone,cn=users,${slapd.baseDn}` };
  await listener.write(userChange(a, { version: 1 }));
  await listener.write(userChange(b, { version: 2 }));
  await listener.write(groupChange('7d0c3b2a-0000-4000-8000-000000000001', 'pascom-users', slapd.baseDn, [a.dn, b.dn]));
  await listener.write(userChange({ ...a, displayName: 'Lis Modified' }, { version: 2 }));
  await listener.write(deletedChange(gone.uuid, gone.dn));

  const result = await converterRun();

  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain('4 changes stored from 5 files (1 other objects, 0 quarantined)');
  expect(await listener.files(), 'the converter deleted the processed files').toEqual([]);
  // a's two files are one row: a pending event carries the user's latest state anyway.
  expect(storedEvents().sort(byUuid)).toEqual(
    [
      { uuid: a.uuid, kind: 'refresh', source: 'appcenter' },
      { uuid: b.uuid, kind: 'refresh', source: 'appcenter' },
      { uuid: gone.uuid, kind: 'gone', source: 'appcenter' },
    ].sort(byUuid),
  );
});

it('a running service (listener.mode appcenter) delivers what the trigger stored, deletes included', async () => {
  const a = await user({ username: 'lt2-a', firstname: 'Ann', lastname: 'A', phone: phone(5101), activated: true });
  const b = await user({ username: 'lt2-b', firstname: 'Ben', lastname: 'B', phone: phone(5102), activated: true });
  const live = await startLive(slapd, sim, {
    dataDir: fixture.config.dataDir,
    extensions: { digits: 4, pool: '9000-9999' },
    listener: { mode: 'appcenter', appcenterDir: listener.dir },
  });
  try {
    expect(live.service.current().store.kv.get('listener.mode')).toBe('appcenter');
    for (const [change, version] of [
      [a, 1],
      [b, 2],
    ] as const)
      await listener.write(userChange(change, { version: version as ListenerUdmVersion }));
    expect((await converterRun()).code).toBe(0);
    await expectExactState(sim, 'lt2-', {
      'lt2-a': { name: 'Ann A', extension: '5101' },
      'lt2-b': { name: 'Ben B', extension: '5102' },
    });

    await udm.modifyUser(b.dn, { displayName: 'Ben Renamed' });
    await listener.write(userChange({ ...b, displayName: 'Ben Renamed' }, { version: 2 }));
    await udm.deleteUser(a.dn);
    await listener.write(deletedChange(a.uuid, a.dn));
    expect((await converterRun()).code).toBe(0);
    await expectExactState(sim, 'lt2-', { 'lt2-b': { name: 'Ben Renamed', extension: '5102' } });
  } finally {
    await live.stop();
    await live.fixture.cleanup();
  }
});

it('quarantines a malformed and a truncated file with a log line naming each, stores the rest, exits 0', async () => {
  const ok = await user({ username: 'lt3-ok', lastname: 'Ok', activated: true });
  const truncatedText = pythonJsonDump({
    dn: ok.dn,
    id: ok.uuid,
    object: null,
    options: null,
    udm_object_type: 'users/user',
  }).slice(0, 40);
  const truncated = await listener.writeRaw(truncatedText);
  const malformed = await listener.writeRaw(
    pythonJsonDump({ dn: ok.dn, id: 'not-a-uuid', object: {}, options: [], udm_object_type: 'users/user' }),
  );
  await listener.write(userChange(ok, { version: 2 }));

  const result = await converterRun();

  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain('1 changes stored from 3 files (0 other objects, 2 quarantined)');
  expect(storedEvents()).toEqual([{ uuid: ok.uuid, kind: 'refresh', source: 'appcenter' }]);
  const quarantine = join(fixture.dataDir, 'listener-quarantine');
  expect((await readdir(quarantine)).sort()).toEqual([malformed, truncated].sort());
  expect(await readFile(join(quarantine, truncated), 'utf8')).toBe(truncatedText);
  const log = (await readFile(join(fixture.dataDir, LOG_FILE_NAME), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const quarantined = log
    .filter((entry) => entry['message'] === 'malformed App Center listener file quarantined')
    .map((entry) => entry['file']);
  expect(quarantined.sort()).toEqual([malformed, truncated].sort());
});

it('exits non-zero and loses nothing when the events cannot be stored (database locked)', async () => {
  const kept = await user({ username: 'lt4-kept', lastname: 'Kept', activated: true });
  const name = await listener.write(userChange(kept, { version: 1 }));
  Store.open(fixture.dataDir).close();
  const locker = new Database(join(fixture.dataDir, STATE_FILE));
  locker.exec('BEGIN EXCLUSIVE');
  let failed = { code: -1, stderr: '' };
  try {
    // As a process, like the converter runs it: the exit status is what the converter sees.
    await listener.runTrigger(async () => (failed = await triggerProcess()).code);
    expect(locker.prepare('SELECT count(*) AS n FROM outbox').get(), 'nothing half-stored').toEqual({ n: 0 });
  } finally {
    locker.exec('ROLLBACK');
    locker.close();
  }
  expect(failed.code, failed.stderr).not.toBe(0);
  expect(failed.stderr).toMatch(/database is locked/i);
  expect(await listener.files(), 'the converter keeps the files after a non-zero exit').toEqual([name]);

  // The converter's next round (5 s later) succeeds and stores the change.
  expect((await converterRun()).code).toBe(0);
  expect(storedEvents()).toEqual([{ uuid: kept.uuid, kind: 'refresh', source: 'appcenter' }]);
}, 30_000);

async function triggerProcess(): Promise<{ code: number; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'app/cli/main.ts', 'listener-trigger', '--config', fixture.configPath],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdout.resume();
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  try {
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    return { code: code ?? -1, stderr: signal === null ? stderr : `${stderr}\nkilled by ${signal}` };
  } finally {
    clearTimeout(timer);
  }
}

const samplesPresent = existsSync(samplesDir);

describe.skipIf(!samplesPresent)(
  `the shared sample files (${samplesPresent ? samplesDir : `skipped: ${samplesDir} not found`})`,
  () => {
    const samples = samplesPresent
      ? [
          'v1-2025-03-14-09-26-53-481207.json',
          'v1-2025-03-14-11-02-17-004315.json',
          'v2-2025-03-14-09-26-53-481207.json',
          'v2-2025-03-14-11-02-17-004315.json',
        ]
      : [];

    it.each(samples)('%s parses as a change of user 3a7c9e52-…', async (file) => {
      const parsed = parseListenerFile(await readFile(join(samplesDir, file), 'utf8'));
      expect(parsed).toEqual({
        ok: true,
        event: {
          kind: file.includes('11-02-17') ? 'gone' : 'refresh',
          uuid: '3a7c9e52-1f4b-103f-8c2d-5b1e9a7f0c64',
          dn: 'uid=jdoe,cn=users,dc=example,dc=intranet',
        },
      });
    });

    it.each(samples)('%s is written byte for byte by the test fixture', async (file) => {
      const text = await readFile(join(samplesDir, file), 'utf8');
      expect(pythonJsonDump(JSON.parse(text))).toBe(text);
    });

    it('the trigger stores the samples under their real names and exits 0', async () => {
      for (const version of ['v1-', 'v2-']) {
        for (const file of samples.filter((f) => f.startsWith(version))) {
          await writeFile(join(listener.dir, file.slice(version.length)), await readFile(join(samplesDir, file)));
        }
        const result = await converterRun();
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toContain('2 changes stored from 2 files (0 other objects, 0 quarantined)');
      }
    });
  },
);
