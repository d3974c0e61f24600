/**
 * Fault suite: App Center listener files through the whole pipeline — the converter's files,
 * the `listener-trigger` command, a running service in `listener.mode: appcenter`, pascom.
 * A change delivered twice (the converter re-ran before deleting its files, or two files with the
 * same content) has one effect; a file about an object that no longer exists follows the
 * directory; name order counts, not mtime; a round mixing malformed, truncated, duplicated and
 * valid files delivers the valid changes exactly and quarantines the rest, naming each file.
 * (listener-trigger.test.ts covers what the trigger itself stores; this file checks pascom.)
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { LOG_FILE_NAME } from '../../../app/log/logger.js';
import { cli } from '../cli/cli-harness.js';
import {
  deletedChange,
  ListenerDirectory,
  listenerFileContent,
  pythonJsonDump,
  userChange,
} from '../../fixtures/listener-files.js';
import type { JournalEntry } from '../../fixtures/pascom-simulator/index.js';
import type { UdmUserProps } from '../../fixtures/slapd/ucs-user-entry.js';
import {
  outboxDrained,
  startLive,
  startTestDirectory,
  stopTestDirectory,
  type LiveConnector,
  type TestDirectory,
} from '../live/live-harness.js';
import { expectExactState, loginOf, type PascomState } from '../live/resilience-expect.js';

type User = UdmUserProps & { readonly uuid: string; readonly dn: string; readonly login: string };

let world: TestDirectory;
let live: LiveConnector;
let listener: ListenerDirectory;

beforeAll(async () => {
  world = await startTestDirectory();
});
afterAll(() => stopTestDirectory(world));
beforeEach(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'faults-listener-files-'));
  listener = new ListenerDirectory(dir);
  live = await startLive(world.slapd, world.sim, {
    extensions: { digits: 4, pool: '9000-9999' },
    listener: { mode: 'appcenter', appcenterDir: dir },
  });
});
afterEach(async () => {
  await live.stop();
  await live.fixture.cleanup();
  await rm(listener.dir, { recursive: true, force: true });
});

/** The trigger as the converter runs it (in process, with the service's config). */
async function trigger(): Promise<{ code: number; stdout: string; stderr: string }> {
  return cli(['listener-trigger', '--config', live.fixture.configPath]);
}

/** One converter round: list, trigger, and on exit 0 delete every listed file. */
async function round(): Promise<string> {
  let stdout = '';
  const code = await listener.runTrigger(async () => {
    const result = await trigger();
    stdout = result.stdout;
    return result.code;
  });
  expect(code, stdout).toBe(0);
  return stdout;
}

async function user(login: string, extension: number, props: Partial<UdmUserProps> = {}): Promise<User> {
  const wanted: UdmUserProps = {
    username: login,
    firstname: 'File',
    lastname: login,
    phone: [`0441 5550-${extension}`],
    activated: true,
    ...props,
  };
  return { ...wanted, ...(await world.udm.createUser(wanted)), login };
}

const shown = (u: User): string => u.displayName ?? `File ${u.login}`;

/** Users already in pascom, delivered through one round of files. */
async function delivered(prefix: string, specs: ReadonlyArray<[string, number]>): Promise<User[]> {
  const users: User[] = [];
  for (const [name, extension] of specs) users.push(await user(`${prefix}${name}`, extension));
  for (const u of users) await listener.write(userChange(u, { version: 2 }));
  await round();
  await expectExactState(world.sim, prefix, stateOf(users.map((u) => [u, u.phone?.[0]?.slice(-4) ?? ''])));
  await drained();
  return users;
}

function stateOf(entries: ReadonlyArray<readonly [User, string]>): PascomState {
  return Object.fromEntries(entries.map(([u, extension]) => [u.login, { name: shown(u), extension }]));
}

const drained = (): Promise<void> => outboxDrained(live);

/** What pascom was asked to change for a login: method and status of each write, in order. */
const writesOf = (login: string): Array<[string, number]> =>
  world.sim
    .journal()
    .filter((e: JournalEntry) => e.method !== 'GET' && loginOf(e) === login)
    .map((e) => [e.method, e.status]);

it('applies a change once when the converter re-runs its files after a crash before deleting them', async () => {
  const p = 'lf1-';
  const [gone] = await delivered(p, [['gone', 6001]]);
  if (gone === undefined) throw new Error('setup');
  const added = await user(`${p}new`, 6002);
  await world.udm.deleteUser(gone.dn);
  await listener.write(userChange(added, { version: 1 }));
  await listener.write(deletedChange(gone.uuid, gone.dn));

  // The trigger stored the changes and exited 0, but the converter died before deleting the files.
  const first = await trigger();
  expect(first.code, first.stderr).toBe(0);
  await expectExactState(world.sim, p, stateOf([[added, '6002']]));
  await drained();
  // Its next round hands the same files over again.
  expect(await round()).toContain('2 changes stored from 2 files');
  await drained();

  await expectExactState(world.sim, p, stateOf([[added, '6002']]));
  expect(writesOf(added.login)).toEqual([['POST', 201]]);
  expect(writesOf(gone.login)).toEqual([
    ['POST', 201],
    ['DELETE', 204],
  ]);
  expect(await listener.files()).toEqual([]);
});

it('applies a change once when two files with the same content arrive, in one round or in two', async () => {
  const p = 'lf2-';
  const [edited] = await delivered(p, [['edit', 6101]]);
  if (edited === undefined) throw new Error('setup');
  await world.udm.modifyUser(edited.dn, { displayName: 'Edited Twice' });
  const now = { ...edited, displayName: 'Edited Twice' };
  const text = listenerFileContent(userChange(now, { version: 2 }));
  const names = [await listener.writeRaw(text), await listener.writeRaw(text)];
  expect(new Set(names).size).toBe(2);

  await round();
  await drained();
  await listener.writeRaw(text);
  await round();
  await drained();

  await expectExactState(world.sim, p, stateOf([[now, '6101']]));
  expect(writesOf(edited.login)).toEqual([
    ['POST', 201],
    ['PUT', 200],
  ]);
});

it('follows the directory when a file is about an object that no longer exists', async () => {
  const p = 'lf3-';
  const [removed, kept] = await delivered(p, [
    ['removed', 6201],
    ['kept', 6202],
  ]);
  if (removed === undefined || kept === undefined) throw new Error('setup');
  await world.udm.deleteUser(removed.dn);
  const never = { uuid: randomUUID(), dn: `uid=${p}never,cn=users,${world.slapd.baseDn}` };
  // A modification file written before the user was deleted; files about objects never seen.
  await listener.write(userChange({ ...removed, displayName: 'Stale' }, { version: 2 }));
  await listener.write(
    userChange({ username: `${p}never`, lastname: 'Never', activated: true, ...never }, { version: 2 }),
  );
  await listener.write(deletedChange(randomUUID(), `uid=${p}ghost,cn=users,${world.slapd.baseDn}`));

  expect(await round()).toContain('3 changes stored from 3 files');
  await drained();

  await expectExactState(world.sim, p, stateOf([[kept, '6202']]));
  expect(writesOf(removed.login)).toEqual([
    ['POST', 201],
    ['DELETE', 204],
  ]);
  expect(writesOf(`${p}never`)).toEqual([]);
  expect(writesOf(`${p}ghost`)).toEqual([]);
});

it('applies the files of a round in name order, whatever their modification times say', async () => {
  const p = 'lf4-';
  const [restored] = await delivered(p, [['restored', 6301]]);
  if (restored === undefined) throw new Error('setup');
  // The object was deleted and came back under the same entryUUID (a restore): the later file wins.
  await world.udm.modifyUser(restored.dn, { displayName: 'Back Again' });
  const now = { ...restored, displayName: 'Back Again' };
  const older = await listener.write(deletedChange(restored.uuid, restored.dn));
  const newer = await listener.write(userChange(now, { version: 2 }));
  const minuteAgo = new Date(Date.now() - 60_000);
  await utimes(join(listener.dir, older), new Date(), new Date());
  await utimes(join(listener.dir, newer), minuteAgo, minuteAgo);

  await round();
  await drained();

  await expectExactState(world.sim, p, stateOf([[now, '6301']]));
  expect(writesOf(restored.login)).toEqual([
    ['POST', 201],
    ['PUT', 200],
  ]);
});

interface LogRecord {
  readonly message?: unknown;
  readonly file?: unknown;
}

async function quarantineLog(): Promise<unknown[]> {
  const text = await readFile(join(live.fixture.dataDir, LOG_FILE_NAME), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LogRecord)
    .filter((r) => r.message === 'malformed App Center listener file quarantined')
    .map((r) => r.file);
}

it('delivers the valid files of a round mixed with malformed, truncated and duplicated ones, and quarantines the bad ones', async () => {
  const p = 'lf5-';
  const [edited, removed, untouched] = await delivered(p, [
    ['edited', 6401],
    ['removed', 6402],
    ['untouched', 6403],
  ]);
  if (edited === undefined || removed === undefined || untouched === undefined) throw new Error('setup');
  const first = await user(`${p}first`, 6404);
  const second = await user(`${p}second`, 6405);
  await world.udm.modifyUser(edited.dn, { displayName: 'Edited Mixed' });
  const now = { ...edited, displayName: 'Edited Mixed' };
  await world.udm.deleteUser(removed.dn);

  const malformed = await listener.writeRaw(
    pythonJsonDump({ dn: first.dn, id: 'not-a-uuid', object: {}, options: [], udm_object_type: 'users/user' }),
  );
  await listener.write(userChange(first, { version: 1 }));
  // The converter died while writing: the change (a delete of `untouched`) is kept in quarantine.
  const truncated = await listener.writeRaw(
    listenerFileContent(deletedChange(untouched.uuid, untouched.dn)).slice(0, 50),
  );
  await listener.write(userChange(first, { version: 2 }));
  await listener.write(userChange(now, { version: 2 }));
  await listener.write(deletedChange(removed.uuid, removed.dn));
  await listener.write(userChange(second, { version: 2 }));
  await listener.write(userChange(second, { version: 2 }));

  expect(await round()).toContain('6 changes stored from 8 files (0 other objects, 2 quarantined)');
  await drained();

  await expectExactState(
    world.sim,
    p,
    stateOf([
      [now, '6401'],
      [untouched, '6403'],
      [first, '6404'],
      [second, '6405'],
    ]),
  );
  expect(writesOf(first.login)).toEqual([['POST', 201]]);
  expect(writesOf(second.login)).toEqual([['POST', 201]]);
  expect(writesOf(edited.login)).toEqual([
    ['POST', 201],
    ['PUT', 200],
  ]);
  expect(writesOf(removed.login)).toEqual([
    ['POST', 201],
    ['DELETE', 204],
  ]);
  expect(writesOf(untouched.login)).toEqual([['POST', 201]]);
  expect(await listener.files(), 'the converter removed every file after exit 0').toEqual([]);
  const quarantine = join(live.fixture.dataDir, 'listener-quarantine');
  expect((await readdir(quarantine)).sort()).toEqual([malformed, truncated].sort());
  expect((await quarantineLog()).sort()).toEqual([malformed, truncated].sort());
}, 40_000);
