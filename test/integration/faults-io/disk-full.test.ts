/**
 * Fault suite: the disk holding the data directory fills up under a running `serve` (syncrepl),
 * with deliveries in flight and changes still arriving, then frees up again. Expected: the
 * process stays up and says clearly that the disk is full; the state database stays intact; the
 * sync cookie does not move past changes that could not be stored; once space is free it
 * recovers by itself, pascom converges to exactly the directory's state, the log file is written
 * again, and SIGTERM still ends it with 0.
 *
 * The data directory is an 8 MiB tmpfs in a private mount namespace (./private-tmpfs.ts); the
 * config file lives outside it. The test reads the database through /proc/<holder>/root.
 */
import { once } from 'node:events';
import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LOG_FILE_NAME } from '../../../app/log/logger.js';
import { CHECKPOINT_KEYS } from '../../../listener/index.js';
import { STATE_FILE } from '../../../app/store/store.js';
import { STATUS_KEYS } from '../../../app/sync/status.js';
import { connectorFixture, type ConnectorFixture } from '../../fixtures/connector.js';
import { freePort } from '../../fixtures/slapd/process.js';
import { waitFor, waitForEvent } from '../../fixtures/wait.js';
import { startTestDirectory, stopTestDirectory, type TestDirectory } from '../live/live-harness.js';
import { expectExactState, pascomStateOf, type PascomState } from '../live/resilience-expect.js';
import { mountPrivateTmpfs, type Child, type PrivateTmpfs } from './private-tmpfs.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const P = 'df-';
const PAGE = 4096;
const DISK_FULL = /database or disk is full|SQLITE_FULL|ENOSPC|no space left/i;

let world: TestDirectory;
let mountPoint: string;
let disk: PrivateTmpfs | undefined;
let fixture: ConnectorFixture;
let serve: { child: Child; stderr: () => string } | undefined;

beforeAll(async () => {
  world = await startTestDirectory();
  mountPoint = await mkdtemp(join(tmpdir(), 'faults-disk-full-'));
  disk = await mountPrivateTmpfs(mountPoint, 8 * 1024 * 1024);
  fixture = await connectorFixture(world.slapd, world.sim, {
    dataDir: mountPoint,
    listener: { mode: 'syncrepl' },
    extensions: { digits: 4, pool: '9000-9999' },
    http: { host: '127.0.0.1', port: await freePort() },
    // info: the "stopped" line at the end proves the log file is written again.
    log: { level: 'info' },
  });
});
afterAll(async () => {
  const child = serve?.child;
  if (child !== undefined && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  await disk?.stop();
  await rm(mountPoint, { recursive: true, force: true });
  await fixture.cleanup();
  await stopTestDirectory(world);
});

function startServe(tmpfs: PrivateTmpfs): { child: Child; stderr: () => string } {
  const child = tmpfs.spawn(
    process.execPath,
    ['--import', 'tsx', 'app/cli/main.ts', 'serve', '--config', fixture.configPath],
    repoRoot,
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdout.resume();
  return { child, stderr: () => stderr };
}

function requireDisk(): PrivateTmpfs {
  if (disk === undefined) throw new Error('no tmpfs');
  return disk;
}

/** What the test reads from the serve process's database. */
interface DbSnapshot {
  readonly integrity: string;
  readonly cookie: string | null;
  readonly listenerReason: string | null;
  /** Rows per outbox status. */
  readonly outbox: Record<string, number>;
  /** Outbox rows of the uuids asked about. */
  readonly rowsOfUuids: number;
}

/**
 * Opens the database read-only from a node process inside the namespace: SQLite resolves
 * symbolic links in a path, so `/proc/<pid>/root/…` would lead it to the host's empty directory.
 */
const SNAPSHOT_SCRIPT = `
const Database = require('better-sqlite3');
const [file, uuids] = process.argv.slice(1);
const db = new Database(file, { readonly: true, fileMustExist: true });
const kv = (key) => db.prepare('SELECT value FROM kv WHERE key = ?').get(key)?.value ?? null;
const count = db.prepare('SELECT count(*) AS n FROM outbox WHERE uuid = ?');
const outbox = Object.fromEntries(
  db.prepare('SELECT status, count(*) AS n FROM outbox GROUP BY status').all().map((r) => [r.status, r.n]),
);
process.stdout.write(JSON.stringify({
  integrity: String(db.pragma('integrity_check', { simple: true })),
  cookie: kv(process.env.COOKIE_KEY),
  listenerReason: kv(process.env.REASON_KEY),
  outbox,
  rowsOfUuids: JSON.parse(uuids).reduce((sum, uuid) => sum + count.get(uuid).n, 0),
}));
db.close();
`;

async function snapshot(uuids: readonly string[] = []): Promise<DbSnapshot> {
  const child = requireDisk().spawn(
    process.execPath,
    ['-e', SNAPSHOT_SCRIPT, join(mountPoint, STATE_FILE), JSON.stringify(uuids)],
    repoRoot,
    { COOKIE_KEY: CHECKPOINT_KEYS.syncrepl, REASON_KEY: STATUS_KEYS.listenerReason },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`reading the state database failed (${String(code)}): ${stderr}`);
  return JSON.parse(stdout) as DbSnapshot;
}

/** Fails at once, with what serve said, when the process is gone. */
function alive(what: string): void {
  const child = serve?.child;
  if (child === undefined) throw new Error('serve was not started');
  if (child.exitCode !== null || child.signalCode !== null) {
    const said = serve?.stderr().slice(-3000) ?? '';
    throw new Error(`serve ended (${String(child.exitCode ?? child.signalCode)}) ${what}; it said:\n${said}`);
  }
}

/** Polls `predicate`; ends early (throwing) when serve is gone; a timeout shows what serve said. */
async function until(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  let ended: Error | undefined;
  await waitFor(
    async () => {
      try {
        alive(what);
      } catch (error) {
        ended = error as Error;
        return true;
      }
      return predicate();
    },
    { timeoutMs, intervalMs: 100, message: what },
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; serve said:\n${serve?.stderr().slice(-3000) ?? ''}`, { cause: error });
  });
  if (ended !== undefined) throw ended;
}

interface TestUser {
  readonly login: string;
  readonly dn: string;
  readonly uuid: string;
}

async function inactiveUsers(group: string, count: number, firstExtension: number): Promise<TestUser[]> {
  const users: TestUser[] = [];
  for (let i = 0; i < count; i++) {
    const login = `${P}${group}${i}`;
    const { dn, uuid } = await world.udm.createUser({
      username: login,
      firstname: 'Disk',
      lastname: login,
      phone: [`0441 5550-${firstExtension + i}`],
      activated: false,
    });
    users.push({ login, dn, uuid });
  }
  return users;
}

const stateOf = (users: readonly TestUser[], firstExtension: number, name?: (u: TestUser) => string): PascomState =>
  Object.fromEntries(
    users.map((u, i) => [u.login, { name: name?.(u) ?? `Disk ${u.login}`, extension: String(firstExtension + i) }]),
  );

function sameState(expected: PascomState): boolean {
  const sorted = Object.entries(expected).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(pascomStateOf(world.sim.identities(), P)) === JSON.stringify(Object.fromEntries(sorted));
}

/**
 * The log file's last page still has room after the disk is full, so the next few log lines
 * would fit and the logger would not meet the full disk at all: take that room with a blank line.
 */
async function fillLastPage(file: string): Promise<void> {
  const { size } = await stat(file);
  const slack = (PAGE - (size % PAGE)) % PAGE;
  if (slack > 0) await appendFile(file, `${' '.repeat(slack - 1)}\n`);
  expect((await stat(file)).size % PAGE, 'the log file ends on a page boundary').toBe(0);
}

/** serve's log lines on stderr (`<ISO time> <level> <message> <json>`), not a crash's stack dump. */
const logLines = (): string[] =>
  (serve?.stderr() ?? '').split('\n').filter((line) => /^\d{4}-\d\d-\d\dT\S+Z\s+(error|warn|info|debug)\s/.test(line));
/** Any log line about the full disk (the listener's retries log one each, at info). */
const diskFullLines = (): number => logLines().filter((line) => DISK_FULL.test(line)).length;
/** Lines an admin is alerted by: level error or warn, naming the full disk. */
const diskFullAlerts = (): number =>
  logLines().filter((line) => /^\S+\s+(error|warn)\s/.test(line) && DISK_FULL.test(line)).length;

it('survives a full data disk without losing or corrupting anything and recovers once space is free', async () => {
  const tmpfs = requireDisk();
  const { sim, udm } = world;
  const before = await inactiveUsers('a', 8, 4000);
  const inFlight = await inactiveUsers('b', 8, 4100);
  const whileFull = await inactiveUsers('c', 8, 4200);

  serve = startServe(tmpfs);
  await until(
    'before going live',
    async () =>
      serve?.stderr().includes('pascom connector ready') === true &&
      (await snapshot()).listenerReason === 'live (refreshAndPersist)',
    20_000,
  );
  for (const user of before) await udm.activate(user.dn);
  await expectExactState(sim, P, stateOf(before, 4000));

  // Deliveries in flight when the disk fills: their settlement cannot be written.
  sim.setLatency(400);
  for (const user of inFlight) await udm.activate(user.dn);
  await sim.waitForRequests((e) => e.method === 'POST' && e.status === 0, 4, 10_000);
  const filled = await tmpfs.fill();
  expect(await tmpfs.available(), `disk full after ${filled} bytes`).toBeLessThan(4096);
  await fillLastPage(join(tmpfs.outside, LOG_FILE_NAME));
  const { cookie: cookieWhenFull } = await snapshot();

  for (const user of whileFull) await udm.activate(user.dn);
  for (const user of before) await udm.modifyUser(user.dn, { displayName: `Full ${user.login}` });
  // Up while it retries: several attempts failed on the full disk, and it said so as an error.
  await until('while the disk was full', () => diskFullLines() >= 3 && diskFullAlerts() >= 1, 20_000);

  // Still up, said why, stored nothing it could not store, and the database is intact.
  alive('while the disk was full');
  const full = await snapshot(whileFull.map((u) => u.uuid));
  expect(full.integrity).toBe('ok');
  expect(full.cookie, 'the cookie stays before the changes not stored').toBe(cookieWhenFull);
  expect(full.rowsOfUuids, 'no half-stored change').toBe(0);

  sim.setLatency(0);
  const freedAt = Date.now();
  await tmpfs.free();
  const expected = {
    ...stateOf(before, 4000, (u) => `Full ${u.login}`),
    ...stateOf(inFlight, 4100),
    ...stateOf(whileFull, 4200),
  };
  await until('converging after the disk was freed', () => sameState(expected), 40_000);
  await expectExactState(sim, P, expected);
  await until(
    'draining after the disk was freed',
    async () => Object.keys((await snapshot()).outbox).length === 0,
    15_000,
  );
  const recovered = await snapshot();
  expect(recovered.integrity).toBe('ok');
  expect(recovered.cookie, 'the cookie moves on again').not.toBe(cookieWhenFull);

  const child = serve.child;
  const exited = waitForEvent<[number | null, string | null]>(child, 'exit', 15_000);
  child.kill('SIGTERM');
  const [code] = await exited;
  expect(code, `exit status after SIGTERM; serve said:\n${serve.stderr().slice(-2000)}`).toBe(0);

  // The log file was written again after the disk was freed (the tmpfs outlives serve).
  const lines = (await readFile(join(tmpfs.outside, LOG_FILE_NAME), 'utf8')).trimEnd().split('\n');
  const last = JSON.parse(lines.at(-1) ?? '') as { message?: unknown; timestamp?: unknown };
  expect(last.message, 'the last line of connector.log').toBe('stopped');
  expect(Date.parse(String(last.timestamp))).toBeGreaterThanOrEqual(freedAt);
}, 90_000);
