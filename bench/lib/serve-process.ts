/**
 * The connector's command line as its own process, for the benchmarks that measure it as an
 * admin runs it: the built `dist/` when it is at least as new as the sources, else the sources
 * through tsx (whose loader adds some 35 MiB of RSS; the result says which ran).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '../..');
const DIST_MAIN = join(repoRoot, 'dist/app/cli/main.js');

export type Runtime = 'dist' | 'tsx';

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** `dist` when it exists and no source under app/ or listener/ is newer, else `tsx`. */
export function chooseRuntime(wanted: 'auto' | Runtime): Runtime {
  if (wanted !== 'auto') return wanted;
  if (!existsSync(DIST_MAIN)) return 'tsx';
  const built = statSync(DIST_MAIN).mtimeMs;
  const sources = Math.max(newestSource(join(repoRoot, 'app')), newestSource(join(repoRoot, 'listener')));
  return sources <= built ? 'dist' : 'tsx';
}

/** Starts `pascom-connector <args>`; output is discarded but for stderr, kept for error messages. */
export function spawnCli(runtime: Runtime, args: readonly string[]): { child: ChildProcess; stderr: () => string } {
  const entry = runtime === 'dist' ? [DIST_MAIN] : ['--import', 'tsx', join(repoRoot, 'app/cli/main.ts')];
  const child = spawn(process.execPath, [...entry, ...args], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = `${stderr}${chunk.toString('utf8')}`.slice(-4000);
  });
  return { child, stderr: () => stderr };
}

/** VmRSS or VmHWM of a process in MiB; 0 once it is gone. */
export function procMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Math.round(Number(match?.[1] ?? 0) / 102.4) / 10;
  } catch {
    // The process has exited: no figure.
    return 0;
  }
}

/** Runs a CLI command to its end: wall ms, exit code and its peak RSS (VmHWM, followed every 20 ms). */
export async function runCli(
  runtime: Runtime,
  args: readonly string[],
): Promise<{ ms: number; code: number | null; peakRssMiB: number; stderr: string }> {
  const started = performance.now();
  const { child, stderr } = spawnCli(runtime, args);
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, procMiB(child.pid ?? 0, 'VmHWM'))), 20);
  const code = await new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
  clearInterval(timer);
  return { ms: Math.round(performance.now() - started), code, peakRssMiB: peak, stderr: stderr() };
}
