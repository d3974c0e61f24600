/**
 * The log scrubs every secret the running configuration brings in — the resolved passwords and
 * the contents of the single sign-on and metrics token files — and keeps doing so after a
 * reload with changed secrets. `serve` reloads through one path (`ConnectorService.reload`,
 * used by the page's Save and by SIGHUP), so a secret rotated in its file and picked up on
 * SIGHUP is scrubbed just like one saved from the page.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../../app/config/load.js';
import { LOG_FILE_NAME, createLogger, type AppLogger } from '../../app/log/logger.js';
import { ConnectorService } from '../../app/serve/connector-service.js';
import { connectorFixture, type ConnectorFixture } from '../fixtures/connector.js';
import { startPascomSimulator, type PascomSimulator } from '../fixtures/pascom-simulator/index.js';
import { startSlapd, type SlapdHandle } from '../fixtures/slapd/index.js';

const FIRST = {
  pascom: 'Pascom-Initial-7731',
  sso: 'sso-initial-9f2c41d0e8b7a6',
  token: 'scrape-initial-55e1c0',
};
const ROTATED = {
  pascom: 'Pascom-Rotated-4402',
  sso: 'sso-rotated-1b8e77aa0c3d42',
  token: 'scrape-rotated-0d9f31',
};

let slapd: SlapdHandle;
let sim: PascomSimulator;
let fixture: ConnectorFixture;
let logger: AppLogger;
let service: ConnectorService;
const files = { pascom: '', sso: '', token: '' };

async function writeSecrets(values: typeof FIRST): Promise<void> {
  await writeFile(files.pascom, `${values.pascom}\n`, { mode: 0o600 });
  await writeFile(files.sso, `${values.sso}\n`, { mode: 0o600 });
  await writeFile(files.token, `${values.token}\n`, { mode: 0o600 });
}

/** Writes one record carrying `values` through the real logger, then reads the log file back. */
async function logged(values: typeof FIRST, label: string): Promise<string> {
  logger.warn(`probe ${label}`, { detail: `${values.pascom} ${values.sso} ${values.token}` });
  // The file transport writes asynchronously: wait until this record is in the file.
  const file = join(fixture.dataDir, LOG_FILE_NAME);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.includes(`probe ${label}`)) return text;
    if (Date.now() > deadline) throw new Error(`the record "probe ${label}" never reached ${file}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  [slapd, sim] = await Promise.all([startSlapd(), startPascomSimulator()]);
  fixture = await connectorFixture(slapd, sim, { listener: { mode: 'appcenter' } });
  files.pascom = join(fixture.dataDir, 'pascom.secret');
  files.sso = join(fixture.dataDir, 'sso.secret');
  files.token = join(fixture.dataDir, 'metrics.token');
  await writeSecrets(FIRST);
  // The pascom password from a file, as an admin rotating it would keep it.
  const doc = parse(await readFile(fixture.configPath, 'utf8')) as {
    pascom: Record<string, unknown>;
    http?: Record<string, unknown>;
  };
  delete doc.pascom['password'];
  doc.pascom['passwordFile'] = files.pascom;
  doc.http = { ...doc.http, ssoSecretFile: files.sso, metricsTokenFile: files.token };
  await writeFile(fixture.configPath, stringify(doc), { mode: 0o600 });
  logger = createLogger({ level: 'info', dataDir: fixture.dataDir, console: 'error' });
  service = new ConnectorService(fixture.configPath, {}, logger);
  const loaded = await loadConfig({ path: fixture.configPath, env: {} });
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('; '));
  expect(loaded.config.pascom.password).toBe(FIRST.pascom);
  await service.start(loaded.config);
});

afterAll(async () => {
  await service?.stop();
  await logger?.close();
  await Promise.all([slapd?.stop(), sim?.stop()]);
  await fixture?.cleanup();
});

describe('secrets in the log', () => {
  it('scrubs the password file, the single sign-on secret and the metrics token of the started config', async () => {
    const text = await logged(FIRST, 'start');
    for (const secret of Object.values(FIRST)) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted] [redacted] [redacted]');
  });

  it('scrubs secrets rotated in their files once the connector reloaded (the SIGHUP and page path)', async () => {
    await writeSecrets(ROTATED);
    const reloaded = await service.reload();
    expect(reloaded).toEqual({ ok: true });
    expect(service.current().config.pascom.password).toBe(ROTATED.pascom);
    const text = await logged(ROTATED, 'reloaded');
    for (const secret of Object.values(ROTATED)) expect(text).not.toContain(secret);
  });
});
