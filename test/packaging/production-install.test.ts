/**
 * The Docker image's build and run steps, rehearsed without Docker (no engine on these
 * machines): the built `dist/` imports and answers `--help`; a production install (only
 * runtime dependencies) in a clean folder runs `serve`, answers `/healthz`, and stops with 0
 * on SIGTERM.
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startPascomSimulator, type PascomSimulator } from '../fixtures/pascom-simulator/index.js';
import { startSlapd, type SlapdHandle } from '../fixtures/slapd/index.js';
import { waitFor } from '../fixtures/wait.js';
import { freePort } from '../fixtures/free-port.js';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');
const dist = join(repo, 'dist/app/cli/main.js');

describe('the built artefact', () => {
  it('exists (npm test builds it first)', () => {
    expect(existsSync(dist), 'dist/ is missing: run `npm run build`').toBe(true);
  });

  it('imports and answers --help with exit 0', async () => {
    const { stdout } = await run(process.execPath, [dist, '--help']);
    expect(stdout).toMatch(/Usage: pascom-connector/);
  });
});

describe('a production install in a clean folder', () => {
  let app: string;
  let slapd: SlapdHandle;
  let sim: PascomSimulator;

  beforeAll(async () => {
    app = mkdtempSync(join(tmpdir(), 'pascom-prod-'));
    for (const file of ['package.json', 'package-lock.json']) cpSync(join(repo, file), join(app, file));
    // Runtime dependencies only, as `npm prune --omit=dev` leaves them in the image. The native
    // SQLite binding is the one `npm ci` built for this Node (the image builds its own).
    await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: app,
      timeout: 240_000,
    });
    cpSync(join(repo, 'node_modules/better-sqlite3/build'), join(app, 'node_modules/better-sqlite3/build'), {
      recursive: true,
    });
    cpSync(join(repo, 'dist'), join(app, 'dist'), { recursive: true });
    [slapd, sim] = await Promise.all([startSlapd(), startPascomSimulator()]);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([slapd?.stop(), sim?.stop()]);
    rmSync(app, { recursive: true, force: true });
  });

  it('has no dev dependency to lean on', () => {
    expect(existsSync(join(app, 'node_modules/vitest'))).toBe(false);
    expect(existsSync(join(app, 'node_modules/typescript'))).toBe(false);
  });

  it('serves /healthz and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const data = join(app, 'data');
    const config = join(app, 'config.yaml');
    writeFileSync(
      config,
      stringify({
        dataDir: data,
        ucs: { url: slapd.url, baseDn: slapd.baseDn, bindDn: slapd.computerDn, password: slapd.computerPassword },
        pascom: { url: sim.url, instance: sim.instance, user: sim.user, password: sim.password },
        http: { port, host: '127.0.0.1', ssoSecretFile: join(app, 'sso.secret') },
      }),
      { mode: 0o600 },
    );
    const child = spawn(process.execPath, ['dist/app/cli/main.js', 'serve', '--config', config], {
      cwd: app,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    try {
      const health = await waitFor(
        async () => {
          const res = await fetch(`http://127.0.0.1:${port}/pascom-connector/healthz`).catch(() => undefined);
          return res?.ok === true ? ((await res.json()) as { status: string }) : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 100, message: 'serve never answered /healthz' },
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${stderr}`);
      });
      expect(health.status).toBe('ok');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 60_000);
});
