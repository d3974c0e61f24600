/**
 * The `serve` process is killed (SIGKILL) in the middle of a burst of activations and started
 * again: pascom ends in exactly the expected state and no identity is created twice — rows in
 * flight at the kill are delivered again and converge (a create whose answer was lost adopts).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { STATE_FILE } from '../../../app/store/store.js';
import { STATUS_KEYS } from '../../../app/sync/status.js';
import { connectorFixture, type ConnectorFixture } from '../../fixtures/connector.js';
import { startPascomSimulator, type PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import { startSlapd, type SlapdHandle } from '../../fixtures/slapd/index.js';
import { freePort } from '../../fixtures/slapd/process.js';
import { userDn } from '../../fixtures/slapd/ucs-user-entry.js';
import { Udm } from '../../fixtures/udm.js';
import type { GeneratedUser } from '../../fixtures/user-generator.js';
import { waitFor } from '../../fixtures/wait.js';
import { expectExactState, loginOf, type PascomState } from './resilience-expect.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const USERS = 300;
const PREFIX = 'kill-';
const BATCH = 10;

type Child = ChildProcessByStdio<null, Readable, Readable>;

let slapd: SlapdHandle;
let sim: PascomSimulator;
let udm: Udm;
let fixture: ConnectorFixture;

function burstUsers(baseDn: string): GeneratedUser[] {
  return Array.from({ length: USERS }, (_, i) => {
    const username = `${PREFIX}u${i}`;
    const container = `cn=users,${baseDn}`;
    return {
      dn: userDn(username, container),
      container,
      username,
      firstname: 'Kill',
      lastname: `U${i}`,
      phone: [`0441 5550-${4000 + i}`],
      activated: false,
    };
  });
}

const expected: PascomState = Object.fromEntries(
  Array.from({ length: USERS }, (_, i) => [`${PREFIX}u${i}`, { name: `Kill U${i}`, extension: String(4000 + i) }]),
);

beforeAll(async () => {
  [slapd, sim] = await Promise.all([
    startSlapd({ users: burstUsers('dc=example,dc=intranet') }),
    startPascomSimulator(),
  ]);
  udm = new Udm(slapd);
  fixture = await connectorFixture(slapd, sim, {
    listener: { mode: 'syncrepl' },
    extensions: { digits: 4, pool: '9000-9999' },
    http: { host: '127.0.0.1', port: await freePort() },
  });
});
afterAll(async () => {
  await udm.close();
  await Promise.all([slapd.stop(), sim.stop()]);
  await fixture.cleanup();
});

function startServe(): { child: Child; stderr: () => string } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'app/cli/main.ts', 'serve', '--config', fixture.configPath],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdout.resume();
  return { child, stderr: () => stderr };
}

/** Reads the state database of the serve process (a second, read-only connection). */
function withDb<T>(read: (db: Database.Database) => T): T {
  const db = new Database(join(fixture.dataDir, STATE_FILE), { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

function listenerReason(): string | undefined {
  return withDb(
    (db) =>
      db.prepare<[string], { value: string }>('SELECT value FROM kv WHERE key = ?').get(STATUS_KEYS.listenerReason)
        ?.value,
  );
}

function queryOne(sql: string): number | undefined {
  return withDb((db) => db.prepare<[], { n: number }>(sql).get()?.n);
}

async function untilLive(serve: { child: Child; stderr: () => string }): Promise<void> {
  await waitFor(
    () =>
      serve.child.exitCode === null &&
      serve.stderr().includes('pascom connector ready') &&
      listenerReason() === 'live (refreshAndPersist)',
    {
      timeoutMs: 20_000,
      intervalMs: 50,
      message: 'serve did not go live',
    },
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; serve said: ${serve.stderr()}`);
  });
}

async function activateAll(dns: readonly string[]): Promise<void> {
  // Bind once before going concurrent: each parallel first call would bind on its own.
  await udm.getUuid(dns[0] ?? slapd.baseDn);
  for (let i = 0; i < dns.length; i += BATCH) await Promise.all(dns.slice(i, i + BATCH).map((dn) => udm.activate(dn)));
}

it('converges exactly after a SIGKILL mid-burst and a restart', async () => {
  const dns = burstUsers(slapd.baseDn).map((u) => u.dn);
  const first = startServe();
  let second: ReturnType<typeof startServe> | undefined;
  try {
    await untilLive(first);
    // Slow enough that the kill lands with deliveries in flight and most of the burst still queued.
    sim.setLatency({ minMs: 10, maxMs: 30 });
    const writing = activateAll(dns);
    await sim.waitForRequests((e) => e.method === 'POST' && e.status === 201, 60, 20_000);
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    const createdBeforeKill = sim.journal().filter((e) => e.method === 'POST' && e.status === 201).length;
    expect(createdBeforeKill, 'the kill landed mid-burst').toBeLessThan(USERS);
    await writing;

    second = startServe();
    await untilLive(second);
    await expectExactState(sim, PREFIX, expected, 30_000);
    // The connector manages every identity again: nothing parked as a dead letter, all anchored.
    await waitFor(() => queryOne("SELECT count(*) AS n FROM outbox WHERE status <> 'dead'") === 0, {
      message: 'the outbox did not drain',
    });
    expect(queryOne("SELECT count(*) AS n FROM outbox WHERE status = 'dead'"), second.stderr()).toBe(0);
    expect(queryOne(`SELECT count(*) AS n FROM anchors WHERE login LIKE '${PREFIX}%'`)).toBe(USERS);
    expect(sim.journal().filter((e) => e.method === 'DELETE' && loginOf(e)?.startsWith(PREFIX))).toEqual([]);

    second.child.kill('SIGTERM');
    const [code] = (await once(second.child, 'exit')) as [number | null];
    expect(code, second.stderr()).toBe(0);
  } finally {
    for (const serve of [first, second])
      if (serve !== undefined && serve.child.exitCode === null && serve.child.signalCode === null)
        serve.child.kill('SIGKILL');
  }
}, 90_000);
