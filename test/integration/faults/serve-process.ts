/**
 * `pascom-connector serve` as a real child process (run from source with tsx), for fault tests
 * that kill it, and a read-only view of its state database. Every child is SIGKILLed when the
 * test process exits, so a failing test never leaves a service behind.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { STATE_FILE } from '../../../app/store/store.js';
import { STATUS_KEYS } from '../../../app/sync/status.js';
import { connectorFixture, merge, type ConnectorFixture } from '../../fixtures/connector.js';
import { freePort } from '../../fixtures/free-port.js';
import { startPascomSimulator, type PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import { startSlapd, type SlapdHandle } from '../../fixtures/slapd/index.js';
import { userDn } from '../../fixtures/slapd/ucs-user-entry.js';
import { Udm } from '../../fixtures/udm.js';
import type { GeneratedUser } from '../../fixtures/user-generator.js';
import { waitFor } from '../../fixtures/wait.js';

const repoRoot = resolve(import.meta.dirname, '../../..');

export const LIVE_REASON = 'live (refreshAndPersist)';

type Child = ChildProcessByStdio<null, Readable, Readable>;

const running = new Set<Child>();
let exitHookInstalled = false;

function killOnExit(child: Child): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const c of running) c.kill('SIGKILL');
    });
  }
  running.add(child);
  child.once('exit', () => running.delete(child));
}

export interface ServeProcess {
  readonly child: Child;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** True until the process has exited. */
  alive(): boolean;
  /** SIGKILL, then resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (drain), then resolves with the exit code. */
  terminate(): Promise<number | null>;
}

export function startServe(configPath: string): ServeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/cli/main.ts', 'serve', '--config', configPath], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  killOnExit(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdout.resume();
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  return {
    child,
    stderr: () => stderr,
    alive,
    async kill() {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    async terminate() {
      if (alive()) child.kill('SIGTERM');
      const [code] = await exited;
      return code;
    },
  };
}

export interface OpenRow {
  readonly id: number;
  readonly uuid: string;
  /** How often the row was claimed for delivery. */
  readonly attempts: number;
  readonly createdAt: number;
  readonly lastError: string | null;
}

/** Reads the state database of a serve process through a second, read-only connection. */
export class StateDb {
  constructor(private readonly dataDir: string) {}

  read<T>(query: (db: Database.Database) => T): T {
    const db = new Database(join(this.dataDir, STATE_FILE), { readonly: true, fileMustExist: true });
    try {
      return query(db);
    } finally {
      db.close();
    }
  }

  kv(key: string): string | undefined {
    return this.read(
      (db) => db.prepare<[string], { value: string }>('SELECT value FROM kv WHERE key = ?').get(key)?.value,
    );
  }

  listenerReason(): string | undefined {
    return this.kv(STATUS_KEYS.listenerReason);
  }

  /** Outbox rows by status. */
  outbox(): { pending: number; inflight: number; dead: number } {
    const rows = this.read((db) =>
      db.prepare<[], { status: string; n: number }>('SELECT status, count(*) AS n FROM outbox GROUP BY status').all(),
    );
    const count = (status: string): number => rows.find((r) => r.status === status)?.n ?? 0;
    return { pending: count('pending'), inflight: count('inflight'), dead: count('dead') };
  }

  /** Rows not yet delivered (pending or in flight), oldest first. */
  openRows(): OpenRow[] {
    return this.read((db) =>
      db
        .prepare<[], OpenRow>(
          `SELECT id, uuid, attempts, created_at AS createdAt, last_error AS lastError FROM outbox
           WHERE status IN ('pending', 'inflight') ORDER BY id`,
        )
        .all(),
    );
  }

  /** Payloads of the rows not yet delivered (a listener event carries the user's latest state). */
  openPayloads(): string[] {
    return this.read((db) =>
      db
        .prepare<[], { payload: string }>(
          "SELECT payload FROM outbox WHERE status IN ('pending', 'inflight') ORDER BY id",
        )
        .all()
        .map((row) => row.payload),
    );
  }

  deadLetters(): { uuid: string; error: string | null }[] {
    return this.read((db) =>
      db
        .prepare<[], { uuid: string; error: string | null }>(
          "SELECT uuid, last_error AS error FROM outbox WHERE status = 'dead'",
        )
        .all(),
    );
  }

  anchoredLogins(prefix: string): number {
    return this.read(
      (db) =>
        db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM anchors WHERE login LIKE ? || '%'").get(prefix)
          ?.n ?? 0,
    );
  }
}

/** Waits until the process said it is ready and its listener streams live changes. */
export async function untilLive(serve: ServeProcess, state: StateDb, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    () => {
      if (!serve.alive()) throw new Error('serve exited');
      return serve.stderr().includes('pascom connector ready') && state.listenerReason() === LIVE_REASON;
    },
    { timeoutMs, intervalMs: 50, message: 'serve did not go live' },
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; serve said: ${serve.stderr()}`);
  });
}

/** Waits until nothing is pending or in flight in the outbox. */
export async function untilDrained(state: StateDb, timeoutMs: number): Promise<void> {
  await waitFor(
    () => {
      const { pending, inflight } = state.outbox();
      return pending + inflight === 0;
    },
    { timeoutMs, intervalMs: 100, message: 'the outbox did not drain' },
  );
}

/**
 * A directory of `count` not yet activated users (`<prefix>1`…), the pascom simulator and a
 * config for real `serve` processes on them; `serve()` starts one, `close()` stops everything.
 */
export interface KillWorld {
  readonly slapd: SlapdHandle;
  readonly sim: PascomSimulator;
  readonly udm: Udm;
  readonly fixture: ConnectorFixture;
  readonly users: readonly GeneratedUser[];
  serve(): ServeProcess;
  close(): Promise<void>;
}

export async function startKillWorld(
  prefix: string,
  count: number,
  overrides: Record<string, unknown>,
): Promise<KillWorld> {
  const baseDn = 'dc=example,dc=intranet';
  const container = `cn=users,${baseDn}`;
  const users: GeneratedUser[] = Array.from({ length: count }, (_, i) => ({
    dn: userDn(`${prefix}${i + 1}`, container),
    container,
    username: `${prefix}${i + 1}`,
    firstname: 'Kill',
    lastname: `World ${i + 1}`,
    activated: false,
  }));
  const [slapd, sim] = await Promise.all([startSlapd({ users, baseDn }), startPascomSimulator()]);
  const udm = new Udm(slapd);
  const fixture = await connectorFixture(
    slapd,
    sim,
    merge({ listener: { mode: 'syncrepl' }, http: { host: '127.0.0.1', port: await freePort() } }, overrides),
  );
  const processes: ServeProcess[] = [];
  return {
    slapd,
    sim,
    udm,
    fixture,
    users,
    serve() {
      const started = startServe(fixture.configPath);
      processes.push(started);
      return started;
    },
    async close() {
      await Promise.all(processes.map((p) => p.kill()));
      await udm.close();
      await Promise.all([slapd.stop(), sim.stop()]);
      await fixture.cleanup();
    },
  };
}
