/**
 * A small tmpfs mounted over a directory inside a private mount namespace, for the disk-full
 * scenario: a holder process (`sleep`) keeps the namespace and the tmpfs alive, programs run
 * inside it through `nsenter`, and the test reaches the tmpfs from outside through
 * `/proc/<holder>/root<dir>`. Nothing is mounted on the host; killing the holder removes it all.
 * Needs root (CI) or unprivileged user namespaces (`unshare -r`); fails with the reason otherwise.
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { constants } from 'node:fs';
import { open, rm, statfs } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { waitFor } from '../../fixtures/wait.js';

const TMPFS_MAGIC = 0x01021994;

export type Child = ChildProcessByStdio<null, Readable, Readable>;

export interface PrivateTmpfs {
  /** The mount point, as programs inside the namespace see it. */
  readonly dir: string;
  /** The same directory seen from the test process (outside the namespace). */
  readonly outside: string;
  /** Starts `command` inside the namespace, in `cwd`, with the test's environment plus `env`. */
  spawn(command: string, args: readonly string[], cwd: string, env?: Readonly<Record<string, string>>): Child;
  /** Writes a filler file until the tmpfs is full (ENOSPC); returns the bytes written. */
  fill(): Promise<number>;
  /** Deletes the filler: the space is free again. */
  free(): Promise<void>;
  /** Bytes still free on the tmpfs. */
  available(): Promise<number>;
  /** Kills the holder: the namespace and the tmpfs (with everything on it) are gone. */
  stop(): Promise<void>;
}

interface Variant {
  readonly unshare: readonly string[];
  readonly nsenter: readonly string[];
}

/** Root: a plain mount namespace. Otherwise: inside a user namespace where we are root. */
const VARIANTS: readonly Variant[] = [
  { unshare: ['-m', '--propagation', 'private'], nsenter: ['-m'] },
  { unshare: ['-r', '-m', '--propagation', 'private'], nsenter: ['-U', '-m', '--preserve-credentials'] },
];

function probe(variant: Variant, dir: string, sizeBytes: number): string | undefined {
  const result = spawnSync(
    'unshare',
    [...variant.unshare, 'sh', '-c', `mount -t tmpfs -o size=${sizeBytes} tmpfs "$1"`, 'sh', dir],
    { encoding: 'utf8', timeout: 10_000 },
  );
  if (result.error !== undefined) return result.error.message;
  return result.status === 0 ? undefined : `exit ${String(result.status)}: ${result.stderr.trim()}`;
}

export async function mountPrivateTmpfs(dir: string, sizeBytes: number): Promise<PrivateTmpfs> {
  const failures: string[] = [];
  for (const variant of VARIANTS) {
    const problem = probe(variant, dir, sizeBytes);
    if (problem === undefined) return holder(variant, dir, sizeBytes);
    failures.push(`unshare ${variant.unshare.join(' ')}: ${problem}`);
  }
  throw new Error(
    `cannot mount a private tmpfs for the disk-full scenario (needs root, or unprivileged user namespaces): ${failures.join('; ')}`,
  );
}

async function holder(variant: Variant, dir: string, sizeBytes: number): Promise<PrivateTmpfs> {
  const script = `mount -t tmpfs -o size=${sizeBytes},mode=0700 tmpfs "$1" && exec sleep 600`;
  const keeper = spawn('unshare', [...variant.unshare, 'sh', '-c', script, 'sh', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  keeper.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  keeper.stdout.resume();
  const pid = keeper.pid;
  if (pid === undefined) throw new Error('unshare did not start');
  const outside = `/proc/${pid}/root${dir}`;
  await waitFor(async () => keeper.exitCode === null && (await statfs(outside)).type === TMPFS_MAGIC, {
    timeoutMs: 5000,
    message: `the tmpfs did not appear at ${outside}`,
  }).catch((error: unknown) => {
    keeper.kill('SIGKILL');
    throw new Error(`${String(error)}; unshare said: ${stderr}`);
  });
  const filler = `${outside}/filler`;
  return {
    dir,
    outside,
    spawn: (command, args, cwd, env = {}) =>
      spawn('nsenter', ['-t', String(pid), ...variant.nsenter, `--wd=${cwd}`, command, ...args], {
        cwd,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    fill: () => fillUp(filler, sizeBytes),
    free: () => rm(filler, { force: true }),
    available: async () => {
      const stats = await statfs(outside);
      return stats.bavail * stats.bsize;
    },
    async stop() {
      if (keeper.exitCode !== null || keeper.signalCode !== null) return;
      keeper.kill('SIGKILL');
      await once(keeper, 'exit');
    },
  };
}

function isNoSpace(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOSPC';
}

/** Appends ever smaller chunks until not even one page fits. */
async function fillUp(file: string, sizeBytes: number): Promise<number> {
  const handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND, 0o600);
  let written = 0;
  try {
    for (let chunk = 1 << 20; chunk >= 4096; chunk >>= 1) {
      const block = Buffer.alloc(chunk, 0x5a);
      for (;;) {
        try {
          const { bytesWritten } = await handle.write(block);
          written += bytesWritten;
          if (bytesWritten < chunk) break;
        } catch (error) {
          if (!isNoSpace(error)) throw error;
          break;
        }
        if (written > sizeBytes) throw new Error(`wrote ${written} bytes to a ${sizeBytes}-byte tmpfs`);
      }
    }
  } finally {
    await handle.close();
  }
  return written;
}
