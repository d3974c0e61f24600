/**
 * The pascom simulator as its own process (test/fixtures/pascom-simulator/standalone.ts), so the
 * benchmark process's memory is the connector's alone. Read through its control API (`/_sim/`).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { Counters, Identity } from '../../test/fixtures/pascom-simulator/index.js';
import { freePort } from '../../test/fixtures/slapd/process.js';

const repoRoot = resolve(import.meta.dirname, '../..');

/** A journal entry as the control API sends it (bigint times as strings). */
export interface WireJournalEntry {
  readonly seq: number;
  readonly method: string;
  readonly path: string;
  readonly login?: string;
  readonly body?: unknown;
  readonly status: number;
  readonly receivedAtMs: number;
  readonly receivedAtNs: string;
  readonly respondedAtNs?: string;
}

export interface StandaloneSimulator {
  readonly url: string;
  readonly instance: string;
  readonly user: string;
  readonly password: string;
  readonly pid: number | undefined;
  counters(): Promise<Counters>;
  journal(): Promise<WireJournalEntry[]>;
  identities(): Promise<Identity[]>;
  stop(): Promise<void>;
}

export async function startStandaloneSimulator(): Promise<StandaloneSimulator> {
  const port = await freePort();
  const password = randomBytes(12).toString('base64url');
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/fixtures/pascom-simulator/standalone.ts',
      '--port',
      String(port),
      `--password=${password}`,
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`the simulator did not start: ${output}`)), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('listening on')) {
        clearTimeout(timer);
        resolveReady();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the simulator exited (${String(code)}): ${output}`));
    });
  });
  child.stdout.resume();
  const url = `http://127.0.0.1:${port}`;
  const control = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}/_sim/${path}`);
    if (!response.ok) throw new Error(`simulator ${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  };
  return {
    url,
    instance: 'acme',
    user: 'moby',
    password,
    pid: child.pid,
    counters: () => control<Counters>('counters'),
    journal: () => control<WireJournalEntry[]>('journal'),
    identities: () => control<Identity[]>('identities'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
