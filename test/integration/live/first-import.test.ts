/** A fresh install pushes nothing to pascom until the admin ran the first Import. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import type { SlapdHandle } from '../../fixtures/slapd/index.js';
import type { Udm } from '../../fixtures/udm.js';
import { waitFor } from '../../fixtures/wait.js';
import { identityOf, startLive, startTestDirectory, stopTestDirectory } from './live-harness.js';

let slapd: SlapdHandle;
let sim: PascomSimulator;
let udm: Udm;

beforeAll(async () => {
  ({ slapd, sim, udm } = await startTestDirectory());
});
afterAll(() => stopTestDirectory({ slapd, sim, udm }));

it('starts live sync only after the first import', async () => {
  await udm.createUser({ username: 'first.one', firstname: 'F', lastname: 'One', activated: true });
  const live = await startLive(slapd, sim, { listener: { mode: 'syncrepl', startAfterFirstImport: true } });
  const kv = live.service.current().store.kv;
  expect(kv.get('listener.mode')).toBe('waiting');
  expect(sim.journal()).toEqual([]);

  const app = live.service.current();
  await app.fullSync.import({ trigger: 'test', confirmDeletes: false, waitMs: 10_000, runner: app.runner });
  await waitFor(() => kv.get('listener.mode') === 'syncrepl', {
    timeoutMs: 5000,
    message: 'listener did not start after the import',
  });
  await udm.createUser({ username: 'first.two', firstname: 'F', lastname: 'Two', activated: true });

  await waitFor(() => identityOf(sim, 'first.two'), { timeoutMs: 5000, message: 'live change not delivered' });
  expect(identityOf(sim, 'first.one')).toBeDefined();
  await live.stop();
  await live.fixture.cleanup();
});
