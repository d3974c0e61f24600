/**
 * Builds and runs the production Dockerfile without a Docker daemon or an image registry:
 * buildah with the vfs storage driver and chroot isolation. The base image (build arg
 * NODE_IMAGE) is made here: a Debian bookworm minbase from the mirror apt uses, plus this
 * machine's node, npm, node headers and CA bundle, and the user `node` (uid 1000) that the
 * official node images have. It is kept in a cache directory keyed by the Node version, so a
 * second local run skips debootstrap; CI starts without a cache.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly timeoutMs?: number;
  readonly input?: string;
  readonly env?: Record<string, string>;
}

/** Runs a command to its end (or kills it at the timeout); never throws for a non-zero exit. */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${options.timeoutMs ?? 0} ms]`;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 120_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    if (options.input !== undefined) {
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(options.input);
    }
  });
}

async function mustRun(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const result = await runCommand(command, args, options);
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${String(result.status)}\n${result.stderr}\n${result.stdout}`);
  return result.stdout;
}

/** The commands the rehearsal needs, each with the Debian package that has it. */
export const REQUIRED_TOOLS: Readonly<Record<string, string>> = {
  buildah: 'buildah',
  debootstrap: 'debootstrap',
  chroot: 'coreutils',
};

export async function missingTools(): Promise<string[]> {
  const missing: string[] = [];
  for (const [tool, pkg] of Object.entries(REQUIRED_TOOLS)) {
    const found = ['/usr/bin', '/usr/sbin', '/bin', '/sbin'].some((dir) => existsSync(join(dir, tool)));
    if (!found) missing.push(`${tool} (Debian package ${pkg})`);
  }
  return missing;
}

/**
 * The Debian mirror apt uses for bookworm: deb822 `*.sources` first, then one-line
 * `sources.list` entries; deb.debian.org when neither names one.
 */
export function debianMirror(aptDir = '/etc/apt'): string {
  const listDir = join(aptDir, 'sources.list.d');
  const sources = existsSync(listDir) ? readdirSync(listDir).filter((name) => name.endsWith('.sources')) : [];
  for (const name of sources) {
    for (const stanza of readFileSync(join(listDir, name), 'utf8').split(/\n\s*\n/)) {
      const field = (key: string): string[] =>
        (new RegExp(`^${key}:\\s*(.*)$`, 'mi').exec(stanza)?.[1] ?? '').split(/\s+/).filter(Boolean);
      if (field('Types').includes('deb') && field('Suites').includes('bookworm')) {
        const uri = field('URIs')[0];
        if (uri !== undefined) return uri;
      }
    }
  }
  const lists = [
    join(aptDir, 'sources.list'),
    ...(existsSync(listDir) ? readdirSync(listDir) : [])
      .filter((name) => name.endsWith('.list'))
      .map((name) => join(listDir, name)),
  ];
  for (const file of lists.filter((path) => existsSync(path))) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/.exec(line.trim() + ' ');
      if (match?.[1] !== undefined) return match[1];
    }
  }
  return 'http://deb.debian.org/debian';
}

/** This machine's Node installation, as the base image gets it. */
export interface HostNode {
  readonly version: string;
  readonly node: string;
  /** The npm package directory (…/lib/node_modules/npm). */
  readonly npmDir: string;
  /** The directory holding include/node (npm_config_nodedir). */
  readonly nodedir: string;
  /** PEM bundle of every CA this machine trusts (egress proxies included). */
  readonly caBundle: string;
}

export async function hostNode(): Promise<HostNode> {
  const node = realpathSync(process.execPath);
  const prefix = dirname(dirname(node));
  const npmCli = realpathSync((await mustRun('sh', ['-c', 'command -v npm'])).trim());
  const npmDir = dirname(dirname(npmCli));
  const caCandidates = [process.env['NODE_EXTRA_CA_CERTS'], '/etc/ssl/certs/ca-certificates.crt'];
  const caBundle = caCandidates.find((file): file is string => file !== undefined && existsSync(file));
  if (caBundle === undefined) throw new Error('no CA bundle on this machine (/etc/ssl/certs/ca-certificates.crt)');
  if (!existsSync(join(prefix, 'include', 'node', 'node.h')))
    throw new Error(`no node headers under ${prefix}/include/node (node-gyp cannot download them here)`);
  return { version: process.version, node, npmDir, nodedir: prefix, caBundle };
}

/** Where the base image and its storage are kept between local runs. */
export function cacheDir(): string {
  return process.env['PASCOM_REHEARSAL_CACHE'] ?? join(homedir(), '.cache', 'pascom-connector', 'image-rehearsal');
}

const CA_IN_IMAGE = '/usr/local/share/ca-certificates/rehearsal-host-bundle.crt';

export class Buildah {
  readonly storage: string;
  readonly runroot: string;

  constructor(readonly cache: string = cacheDir()) {
    this.storage = join(cache, 'storage');
    this.runroot = join(cache, 'run');
    mkdirSync(this.storage, { recursive: true });
    mkdirSync(this.runroot, { recursive: true });
  }

  private global(): string[] {
    return ['--root', this.storage, '--runroot', this.runroot, '--storage-driver', 'vfs'];
  }

  run(args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    return runCommand('buildah', [...this.global(), ...args], options);
  }

  must(args: readonly string[], options: RunOptions = {}): Promise<string> {
    return mustRun('buildah', [...this.global(), ...args], options);
  }

  async hasImage(name: string): Promise<boolean> {
    return (await this.run(['inspect', '--type', 'image', name], { timeoutMs: 30_000 })).status === 0;
  }

  /**
   * The base image for NODE_IMAGE, made once per Node version. Returns its name and how long
   * debootstrap took (undefined when the cached image was used).
   */
  async ensureBase(host: HostNode): Promise<{ image: string; debootstrapSeconds: number | undefined }> {
    const image = `localhost/pascom-rehearsal-base:node-${host.version}`;
    if (await this.hasImage(image)) return { image, debootstrapSeconds: undefined };
    const container = (await this.must(['from', '--pull=never', 'scratch'])).trim();
    try {
      const root = (await this.must(['mount', container])).trim();
      const started = Date.now();
      await mustRun('debootstrap', ['--variant=minbase', 'bookworm', root, debianMirror()], { timeoutMs: 600_000 });
      const debootstrapSeconds = (Date.now() - started) / 1000;
      // As the official node images: user and group "node" with uid/gid 1000 and a home.
      await mustRun('chroot', [root, 'groupadd', '--gid', '1000', 'node']);
      await mustRun('chroot', [
        root,
        'useradd',
        '--uid',
        '1000',
        '--gid',
        'node',
        '--shell',
        '/bin/bash',
        '--create-home',
        'node',
      ]);
      cpSync(host.node, join(root, 'usr/local/bin/node'));
      cpSync(host.npmDir, join(root, 'usr/local/lib/node_modules/npm'), { recursive: true, verbatimSymlinks: true });
      cpSync(join(host.nodedir, 'include', 'node'), join(root, 'usr/local/include/node'), { recursive: true });
      mkdirSync(join(root, 'usr/local/share/ca-certificates'), { recursive: true });
      cpSync(host.caBundle, join(root, CA_IN_IMAGE.slice(1)));
      for (const [bin, cli] of [
        ['npm', 'npm-cli.js'],
        ['npx', 'npx-cli.js'],
      ] as const)
        writeFileSync(
          join(root, 'usr/local/bin', bin),
          `#!/bin/sh\nexec node /usr/local/lib/node_modules/npm/bin/${cli} "$@"\n`,
          {
            mode: 0o755,
          },
        );
      await this.must(['umount', container]);
      await this.must([
        'config',
        '--env',
        'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        '--env',
        `NODE_EXTRA_CA_CERTS=${CA_IN_IMAGE}`,
        '--env',
        `npm_config_cafile=${CA_IN_IMAGE}`,
        '--env',
        'npm_config_nodedir=/usr/local',
        '--env',
        'npm_config_update_notifier=false',
        '--cmd',
        'node',
        container,
      ]);
      await this.must(['commit', '--rm', container, image], { timeoutMs: 600_000 });
      return { image, debootstrapSeconds };
    } catch (error) {
      await this.run(['rm', container]);
      throw error;
    }
  }

  /** `buildah bud` of the repository's Dockerfile against the local base; no pull, no daemon. */
  async buildImage(context: string, baseImage: string, tag: string): Promise<void> {
    await this.must(
      [
        'bud',
        '--isolation',
        'chroot',
        '--pull=never',
        '--layers=false',
        '--build-arg',
        `NODE_IMAGE=${baseImage}`,
        '--file',
        join(context, 'Dockerfile'),
        '--tag',
        tag,
        context,
      ],
      { timeoutMs: 900_000 },
    );
  }

  async imageSizeBytes(tag: string): Promise<number> {
    const size = (await this.must(['images', '--format', '{{.Size}}', '--noheading', tag])).trim();
    const match = /^([\d.]+)\s*([kMG]?B)$/.exec(size);
    if (match === null) throw new Error(`unexpected image size "${size}"`);
    const unit = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 }[match[2] as 'B' | 'kB' | 'MB' | 'GB'];
    return Number(match[1]) * unit;
  }

  /** The image's ENTRYPOINT and CMD, as a container start would run them. */
  async startCommand(tag: string): Promise<{ entrypoint: string[]; cmd: string[]; user: string }> {
    const inspected = JSON.parse(await this.must(['inspect', '--type', 'image', tag])) as {
      OCIv1: { config?: { Entrypoint?: string[]; Cmd?: string[]; User?: string } };
    };
    const config = inspected.OCIv1.config ?? {};
    return { entrypoint: config.Entrypoint ?? [], cmd: config.Cmd ?? [], user: config.User ?? '' };
  }

  /** Leftovers of an interrupted run in this (private) storage: working containers, untagged images. */
  async prune(): Promise<void> {
    await this.run(['rm', '--all'], { timeoutMs: 300_000 });
    await this.run(['rmi', '--prune'], { timeoutMs: 300_000 });
  }

  async removeImage(tag: string): Promise<void> {
    await this.run(['rmi', '--force', tag], { timeoutMs: 120_000 });
  }

  async removeContainersOf(tag: string): Promise<void> {
    const ids = (await this.run(['containers', '--quiet', '--filter', `ancestor=${tag}`])).stdout
      .split('\n')
      .filter(Boolean);
    for (const id of ids) await this.run(['rm', id], { timeoutMs: 60_000 });
  }
}

/** Removes a directory tree; the rehearsal's volumes contain files owned by other uids. */
export function removeTree(path: string): void {
  rmSync(path, { recursive: true, force: true });
}
