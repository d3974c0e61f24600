/** The machine a benchmark ran on, for the report: CPU, cores, memory, OS, Node and slapd versions. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memGiB: number;
  readonly os: string;
  readonly kernel: string;
  readonly node: string;
  readonly slapd: string;
}

function osName(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `slapd -VV` prints its version banner on stderr. */
function slapdVersion(): string {
  const result = spawnSync('/usr/sbin/slapd', ['-VV'], { encoding: 'utf8' });
  return /slapd ([\w.+~-]+)/.exec(`${result.stdout ?? ''}${result.stderr ?? ''}`)?.[1] ?? 'unknown';
}

export function machineInfo(): MachineInfo {
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    os: osName(),
    kernel: release(),
    node: process.version,
    slapd: slapdVersion(),
  };
}
