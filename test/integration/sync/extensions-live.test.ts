/**
 * The listener on a realistic dial plan with a fresh install's extensions (only a pool): a change
 * of a user's office number in any notation reaches pascom live as the direct-dial number, and a
 * number pascom would refuse is held back with the rule named instead of being sent.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import type { SlapdHandle } from '../../fixtures/slapd/index.js';
import type { Udm } from '../../fixtures/udm.js';
import { waitFor } from '../../fixtures/wait.js';
import { identityOf, startLive, startTestDirectory, stopTestDirectory } from '../live/live-harness.js';

let slapd: SlapdHandle;
let sim: PascomSimulator;
let udm: Udm;

beforeAll(async () => {
  ({ slapd, sim, udm } = await startTestDirectory());
});
afterAll(() => stopTestDirectory({ slapd, sim, udm }));

it('pushes a changed office number as the number people dial, and refuses to send 112', async () => {
  const { dn } = await udm.createUser({
    username: 'live.ext',
    firstname: 'Live',
    lastname: 'Ext',
    phone: ['+49 441 12345-10006'],
    activated: true,
  });
  await udm.createUser({
    username: 'live.other',
    firstname: 'Live',
    lastname: 'Other',
    phone: ['0441 12345-2041'],
    activated: true,
  });
  const live = await startLive(slapd, sim, {
    listener: { mode: 'syncrepl', startAfterFirstImport: true },
    extensions: { pool: '500-599' },
  });
  try {
    const app = live.service.current();
    await app.fullSync.import({ trigger: 'test', confirmDeletes: false, waitMs: 10_000, runner: app.runner });
    expect(identityOf(sim, 'live.ext')?.['009ext_extension']).toBe('10006');
    expect(identityOf(sim, 'live.other')?.['009ext_extension']).toBe('2041');

    await udm.modifyUser(dn, { phone: ['+49 (0)441 12345-10077'] });
    await waitFor(() => identityOf(sim, 'live.ext')?.['009ext_extension'] === '10077', {
      timeoutMs: 8000,
      message: `new number not delivered; dead letters: ${JSON.stringify(app.store.outbox.list('dead'))}`,
    });

    await udm.modifyUser(dn, { phone: ['0441 12345-112'] });
    await waitFor(() => app.store.outbox.list('dead').length > 0, { timeoutMs: 8000, message: 'no dead letter' });
    expect(app.store.outbox.list('dead').map((row) => row.lastError)).toEqual([
      expect.stringContaining('extension 112 (from "0441 12345-112") is not allowed') as unknown,
    ]);
    expect(identityOf(sim, 'live.ext')?.['009ext_extension']).toBe('10077');
    expect(sim.journal().filter((entry) => entry.status === 400)).toEqual([]);
  } finally {
    await live.stop();
    await live.fixture.cleanup();
  }
});
