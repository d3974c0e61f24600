/** A connector config file for a benchmark: the test slapd, a pascom endpoint, a temp data dir. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '../../app/config/load.js';
import type { Config } from '../../app/config/schema.js';
import { merge } from '../../test/fixtures/connector.js';
import type { SlapdHandle } from '../../test/fixtures/slapd/index.js';

export interface PascomEndpoint {
  readonly url: string;
  readonly instance: string;
  readonly user: string;
  readonly password: string;
}

export interface BenchConfig {
  readonly config: Config;
  readonly configPath: string;
  readonly dataDir: string;
  /** The bearer token `/metrics` accepts (`http.metricsTokenFile`). */
  readonly metricsToken: string;
  cleanup(): Promise<void>;
}

export async function benchConfig(
  slapd: SlapdHandle,
  pascom: PascomEndpoint,
  overrides: Record<string, unknown>,
): Promise<BenchConfig> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pascom-bench-'));
  const configPath = join(dataDir, 'config.yaml');
  const metricsToken = randomBytes(24).toString('hex');
  const metricsTokenFile = join(dataDir, 'metrics.token');
  await writeFile(metricsTokenFile, `${metricsToken}\n`, { mode: 0o600 });
  const base = {
    dataDir,
    ucs: { url: slapd.url, baseDn: slapd.baseDn, bindDn: slapd.computerDn, password: slapd.computerPassword },
    pascom: {
      url: pascom.url,
      instance: pascom.instance,
      user: pascom.user,
      password: pascom.password,
      timeoutMs: 10_000,
    },
    deletes: { mode: 'delete', maxPerRun: 100 },
    schedule: '',
    listener: { startAfterFirstImport: false },
    log: { level: 'warn' },
    http: { metricsTokenFile },
  };
  await writeFile(configPath, stringify(merge(base, overrides)), { mode: 0o600 });
  const loaded = await loadConfig({ path: configPath, env: {} });
  if (!loaded.ok)
    throw new Error(`bench config invalid: ${loaded.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return {
    config: loaded.config,
    configPath,
    dataDir,
    metricsToken,
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
}
