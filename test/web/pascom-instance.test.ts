/**
 * The Connection page shows what Test connection learned about the pascom instance (the login
 * field, the list length, the apply step) and, in connector mode, the mode's latency.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PascomClient } from '../../app/pascom/index.js';
import { startWebHarness, type WebHarness } from './harness.js';

describe('Connection page, pascom instance facts', () => {
  let h: WebHarness;

  beforeAll(async () => {
    h = await startWebHarness({
      config: { pascom: { delivery: 'connector', connectorProfile: 'UCS users', connectorPushIntervalMs: 1500 } },
    });
  });
  afterAll(async () => h.close());

  it('states the connector mode and its latency next to the pascom settings', async () => {
    const page = await (await h.admin()).get('/connection');
    expect(page.body).toContain('id="pascom-connector-mode"');
    expect(page.body).toContain('connector profile &#34;UCS users&#34;, at most every 1500 ms');
  });

  it('reports what the instance answers after the credentials', async () => {
    const client = new PascomClient({
      url: h.sim.url,
      instance: h.sim.instance,
      user: h.sim.user,
      password: h.sim.password,
    });
    await client.createIdentity({ '003use_name': 'old', '003use_bez': 'Old Style' });
    client.close();
    h.sim.configureReads({ legacyKeys: true });
    const res = await (
      await h.admin()
    ).post('/connection/pascom', {
      url: h.sim.url,
      instance: h.sim.instance,
      user: h.sim.user,
      password: '',
      action: 'test',
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain('What the instance answers');
    expect(res.body).toContain('1 identities listed');
    expect(res.body).toContain(
      'login field 014use_name (configured: 003use_name; set pascom.api.fields.login: 014use_name)',
    );
    expect(res.body).toContain('no apply step (writes take effect directly)');
  });
});
