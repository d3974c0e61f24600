/**
 * The listener's list of pascom's extension numbers follows the connector's own writes: a user
 * imported, renamed, deactivated and activated again gets its number back instead of being
 * refused because the list still shows the number at the user's old login.
 */
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

it('gives an imported user who was renamed, deactivated and activated again its number back', async () => {
  const { dn } = await udm.createUser({
    username: 'anna.cycle',
    firstname: 'Anna',
    lastname: 'Cycle',
    phone: ['+49 441 12345-4711'],
    activated: true,
  });
  const live = await startLive(slapd, sim, {
    listener: { mode: 'syncrepl', startAfterFirstImport: true },
    extensions: { digits: 4, pool: '9000-9999' },
  });
  try {
    const app = live.service.current();
    await app.fullSync.import({ trigger: 'test', confirmDeletes: false, waitMs: 10_000, runner: app.runner });
    expect(identityOf(sim, 'anna.cycle')?.['009ext_extension']).toBe('4711');

    const renamedDn = await udm.renameUser(dn, 'anna.moved');
    await waitFor(() => identityOf(sim, 'anna.moved'), { timeoutMs: 8000, message: 'rename not delivered' });
    await udm.deactivate(renamedDn);
    await waitFor(() => identityOf(sim, 'anna.moved') === undefined, {
      timeoutMs: 8000,
      message: 'delete not delivered',
    });
    await udm.activate(renamedDn);

    await waitFor(() => identityOf(sim, 'anna.moved'), {
      timeoutMs: 8000,
      message: `re-activation not delivered; dead letters: ${JSON.stringify(app.store.outbox.list('dead'))}`,
    });
    expect(identityOf(sim, 'anna.moved')?.['009ext_extension']).toBe('4711');
    expect(app.store.outbox.list('dead')).toEqual([]);
  } finally {
    await live.stop();
    await live.fixture.cleanup();
  }
});
