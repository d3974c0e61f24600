/**
 * The connector stopped and started again: changes made while it was down — including deletes,
 * which only the stored sync cookie can reveal — all reach pascom; and a second `serve` on the
 * same data directory is refused.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHECKPOINT_KEYS } from '../../../listener/index.js';
import type { PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import type { SlapdHandle } from '../../fixtures/slapd/index.js';
import type { Udm } from '../../fixtures/udm.js';
import { waitFor } from '../../fixtures/wait.js';
import { startLive, startTestDirectory, stopTestDirectory } from './live-harness.js';
import { expectExactState } from './resilience-expect.js';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const OVERRIDES = { listener: { mode: 'syncrepl' }, extensions: { digits: 4, pool: '9000-9999' } };

let slapd: SlapdHandle;
let sim: PascomSimulator;
let udm: Udm;

beforeAll(async () => {
  ({ slapd, sim, udm } = await startTestDirectory());
});
afterAll(() => stopTestDirectory({ slapd, sim, udm }));

/** Runs `serve` as its own process; a serve that does not give up is killed at the deadline. */
async function serveOnce(configPath: string, deadlineMs: number): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/cli/main.ts', 'serve', '--config', configPath], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
  try {
    const [code] = (await once(child, 'exit')) as [number | null];
    return { code, stderr };
  } finally {
    clearTimeout(timer);
  }
}

const phone = (extension: number): string[] => [`0441 5550-${extension}`];

it('applies every change made while it was stopped, offline deletes included', async () => {
  const p = 'rst1-';
  const user = (name: string, extension: number, activated = true) =>
    udm.createUser({ username: `${p}${name}`, firstname: 'Off', lastname: name, phone: phone(extension), activated });
  let live = await startLive(slapd, sim, OVERRIDES);
  try {
    const edited = await user('edited', 1001);
    const renamed = await user('renamed', 1002);
    const deactivated = await user('deactivated', 1003);
    const deleted = await user('deleted', 1004);
    const activatedLater = await user('later', 1005, false);
    await expectExactState(sim, p, {
      [`${p}edited`]: { name: 'Off edited', extension: '1001' },
      [`${p}renamed`]: { name: 'Off renamed', extension: '1002' },
      [`${p}deactivated`]: { name: 'Off deactivated', extension: '1003' },
      [`${p}deleted`]: { name: 'Off deleted', extension: '1004' },
    });
    await waitFor(() => live.service.current().store.outbox.stats().inflight === 0, {
      message: 'deliveries still in flight',
    });
    await live.stop();

    await user('created', 1006);
    await udm.activate(activatedLater.dn);
    await udm.modifyUser(edited.dn, { displayName: 'Edited Offline' });
    await udm.renameUser(renamed.dn, `${p}renamed2`);
    await udm.deactivate(deactivated.dn);
    await udm.deleteUser(deleted.dn);

    live = await live.restart();
    expect(
      live.service.current().store.kv.get(CHECKPOINT_KEYS.syncrepl),
      'the restart resumes from a stored cookie',
    ).toBeDefined();
    await expectExactState(sim, p, {
      [`${p}edited`]: { name: 'Edited Offline', extension: '1001' },
      [`${p}renamed2`]: { name: 'Off renamed', extension: '1002' },
      [`${p}later`]: { name: 'Off later', extension: '1005' },
      [`${p}created`]: { name: 'Off created', extension: '1006' },
    });
    // The rename went out as a rename, not as delete and create.
    expect(sim.journal().filter((e) => e.method === 'DELETE' && e.login === `${p}renamed`)).toEqual([]);
  } finally {
    await live.stop();
    await live.fixture.cleanup();
  }
});

it('refuses a second serve on the same data directory with a clear message', async () => {
  const live = await startLive(slapd, sim, { ...OVERRIDES, http: { host: '127.0.0.1', port: 1 } });
  try {
    const { code, stderr } = await serveOnce(live.fixture.configPath, 20_000);
    expect(code).toBe(1);
    expect(stderr).toContain(
      `error: another pascom-connector (pid ${process.pid}) is already serving the data directory`,
    );
    expect(stderr).toContain(path.join(live.fixture.dataDir, 'serve.lock'));
    expect(stderr, 'one line, not a stack trace').not.toMatch(/^\s+at /m);
    // The running service was not disturbed: it still delivers.
    const { dn } = await udm.createUser({
      username: 'rst2-still',
      lastname: 'Still',
      phone: phone(1101),
      activated: false,
    });
    await udm.activate(dn);
    await expectExactState(sim, 'rst2-', { 'rst2-still': { name: 'Still', extension: '1101' } });
  } finally {
    await live.stop();
    await live.fixture.cleanup();
  }
}, 30_000);
