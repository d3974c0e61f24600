/**
 * The translog listener end to end through ConnectorService: changes recorded in `cn=translog`
 * reach pascom, woken by the notifier (emulated on a free port given as `listener.notifierPort`)
 * or, with no notifier listening, by polling the translog.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPascomSimulator, type PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import { startSlapd, type SlapdHandle } from '../../fixtures/slapd/index.js';
import { startNotifierEmulator, TranslogUdm, type NotifierEmulator } from '../../fixtures/translog/index.js';
import { waitFor } from '../../fixtures/wait.js';
import { changeScenarios } from '../live/change-scenarios.js';
import { startLive, type LiveConnector } from '../live/live-harness.js';
import { freePort } from '../../fixtures/free-port.js';

let NOTIFIER_PORT = 0;

let slapd: SlapdHandle;
let sim: PascomSimulator;
let udm: TranslogUdm;
let seq = 0;
const login = (): string => `tlive${++seq}p${process.pid % 1000}`;

beforeAll(async () => {
  [slapd, sim, NOTIFIER_PORT] = await Promise.all([startSlapd({ translog: true }), startPascomSimulator(), freePort()]);
  udm = new TranslogUdm(slapd);
});
afterAll(async () => {
  await udm.close();
  await Promise.all([slapd.stop(), sim.stop()]);
});

const MODES = [
  // Far longer than any wait below: only the notifier's wake-ups can deliver in time.
  { name: 'woken by the notifier', notifier: true, pollIntervalMs: 60_000, reason: /^live \(UCS notifier WAIT_ID/ },
  {
    name: 'polling without a notifier',
    notifier: false,
    pollIntervalMs: 200,
    reason: /notifier is unreachable.*polling cn=translog every 200 ms/,
  },
];

describe.each(MODES)('translog listener, $name', ({ notifier: withNotifier, pollIntervalMs, reason }) => {
  let live: LiveConnector;
  let notifier: NotifierEmulator | undefined;

  beforeEach(async () => {
    sim.reset();
    if (withNotifier) notifier = await startNotifierEmulator(udm.translog, { host: '127.0.0.1', port: NOTIFIER_PORT });
    live = await startLive(slapd, sim, { listener: { mode: 'translog', pollIntervalMs, notifierPort: NOTIFIER_PORT } });
    const kv = live.service.current().store.kv;
    await waitFor(() => kv.get('translog.id') === String(udm.translog.lastId()), {
      message: 'the translog listener did not start',
    });
  });
  afterEach(async () => {
    await live.stop();
    await live.fixture.cleanup();
    await notifier?.stop();
    notifier = undefined;
  });

  it('reports mode translog and why', async () => {
    const kv = live.service.current().store.kv;
    expect(kv.get('listener.mode')).toBe('translog');
    await waitFor(() => reason.test(kv.get('listener.reason') ?? ''), {
      message: `reason is ${kv.get('listener.reason')}`,
    });
  });

  changeScenarios(() => ({ sim, udm, login }));
});
