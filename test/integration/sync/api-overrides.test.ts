/** `pascom.api` overrides written as in pascom's REST documentation reach the wire. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp, pascomApiOverrides } from '../../../app/main.js';
import { connectorFixture, memoryLogger } from '../../fixtures/connector.js';
import { startPascomSimulator, type PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import { startSlapd, type SlapdHandle } from '../../fixtures/slapd/index.js';
import { Udm } from '../../fixtures/udm.js';

let slapd: SlapdHandle;
let sim: PascomSimulator;

beforeAll(async () => {
  [slapd, sim] = await Promise.all([startSlapd(), startPascomSimulator({ resource: 'user' })]);
  const udm = new Udm(slapd);
  await udm.createUser({ username: 'api.user', firstname: 'Api', lastname: 'User', activated: true });
  await udm.close();
});
afterAll(async () => {
  await Promise.all([slapd.stop(), sim.stop()]);
});

it('maps relative paths and phonebookPath to the client table', () => {
  expect(pascomApiOverrides({ paths: { get: 'user/{login}' }, fields: { phonebookPath: 'post.book' } })).toEqual({
    paths: { get: '/user/{login}' },
    fields: { phonebook: 'post.book' },
  });
});

it('imports through overridden paths', async () => {
  const fixture = await connectorFixture(slapd, sim, {
    pascom: {
      api: {
        paths: { list: 'user/', get: 'user/{login}', create: 'user/', update: 'user/{login}', delete: 'user/{login}' },
      },
    },
  });
  const app = createApp(fixture.config, memoryLogger(), { deliver: true });
  try {
    const result = await app.fullSync.import({
      trigger: 'test',
      confirmDeletes: false,
      waitMs: 10_000,
      runner: app.runner,
    });
    expect(result.status).toBe('done');
    expect(sim.journal().every((e) => e.path.includes('/services/user/'))).toBe(true);
    expect(sim.identities().map((i) => i['003use_name'])).toContain('api.user');
  } finally {
    await app.close();
    await fixture.cleanup();
  }
});
