/**
 * The live listener end to end, for each change source: every kind of directory change reaches
 * pascom as the right request, and nothing else is sent.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import type { SlapdHandle } from '../../fixtures/slapd/index.js';
import type { Udm } from '../../fixtures/udm.js';
import { changeScenarios } from './change-scenarios.js';
import { startLive, type LiveConnector, startTestDirectory, stopTestDirectory } from './live-harness.js';

let slapd: SlapdHandle;
let sim: PascomSimulator;
let udm: Udm;
let seq = 0;
const login = (): string => `live${++seq}p${process.pid % 1000}`;

beforeAll(async () => {
  ({ slapd, sim, udm } = await startTestDirectory());
});
afterAll(() => stopTestDirectory({ slapd, sim, udm }));

const MODES = [
  { mode: 'syncrepl', overrides: { listener: { mode: 'syncrepl' } } },
  { mode: 'poll', overrides: { listener: { mode: 'poll', pollIntervalMs: 200 } } },
];

describe.each(MODES)('live listener ($mode)', ({ mode, overrides }) => {
  let live: LiveConnector;

  beforeEach(async () => {
    sim.reset();
    live = await startLive(slapd, sim, overrides);
  });
  afterEach(async () => {
    await live.stop();
    await live.fixture.cleanup();
  });

  it('reports the chosen mode', async () => {
    const status = live.service.current().store.kv.get('listener.mode');
    expect(status).toBe(mode);
  });

  changeScenarios(() => ({ sim, udm, login }));
});
