/**
 * The parts of pascom's REST API that pascom does not document, each answer an instance may give
 * (docs/pascom-api.md "Assumed"): reads that answer 204 or nothing, an identity list cut off at a
 * cap, list paging, an apply step after writes, older `014use_*` keys — and what Test connection
 * reports about them. Against the simulator, switched to each behaviour.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PascomClient, PascomListCappedError, PascomProtocolError } from '../../../app/pascom/index.js';
import type { PascomClientOptions } from '../../../app/pascom/index.js';
import { startPascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import type { PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import type { PascomRecord } from '../../../app/core/types.js';

let sim: PascomSimulator;
const clients: PascomClient[] = [];

function identity(n: number): PascomRecord {
  return {
    '003use_name': `u${String(n).padStart(4, '0')}`,
    '003use_bez': `User ${n}`,
    '009ext_extension': String(2000 + n),
  };
}

function clientFor(extra: Partial<PascomClientOptions> = {}): PascomClient {
  const client = new PascomClient({
    url: sim.url,
    instance: sim.instance,
    user: sim.user,
    password: sim.password,
    ...extra,
  });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  sim = await startPascomSimulator();
});
afterAll(async () => {
  for (const client of clients) client.close();
  await sim.stop();
});
beforeEach(() => {
  sim.reset();
  sim.configureReads({
    emptyReads: undefined,
    listCap: undefined,
    paging: undefined,
    applyEndpoint: false,
    legacyKeys: false,
  });
});

describe('reads that answer 204 or an empty body', () => {
  it.each(['204', 'empty-body'] as const)('%s: an empty list is [] and a missing identity is absent', async (mode) => {
    sim.configureReads({ emptyReads: mode });
    const client = clientFor();
    expect(await client.listIdentities()).toEqual([]);
    expect(await client.getIdentity('nobody')).toBeUndefined();
    expect(sim.journal().map((e) => e.status)).toEqual(mode === '204' ? [204, 204] : [200, 200]);
  });
});

describe('the standalone control API', () => {
  it('switches the read behaviour with POST /_sim/reads and refuses unknown settings', async () => {
    const set = (body: unknown): Promise<Response> =>
      fetch(`${sim.url}/_sim/reads`, { method: 'POST', body: JSON.stringify(body) });
    expect((await set({ emptyReads: '204', listCap: 5 })).status).toBe(200);
    expect(await clientFor({ api: { listCap: 0 } }).listIdentities()).toEqual([]);
    expect(sim.journal().at(-1)?.status).toBe(204);
    expect((await set({ listcap: 5 })).status).toBe(400);
  });
});

describe('an identity list that may be cut off', () => {
  async function seed(count: number): Promise<void> {
    const client = clientFor();
    await Promise.all(Array.from({ length: count }, (_, i) => client.createIdentity(identity(i))));
  }

  it('refuses a list exactly as long as the cap, with the fix in the message', async () => {
    await seed(130);
    sim.configureReads({ listCap: 100 });
    const error = await clientFor()
      .listIdentities()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PascomListCappedError);
    expect((error as Error).message).toMatch(/exactly 100 identities.*pascom\.api\.paging.*pascom\.api\.listCap to 0/);
    expect((error as PascomListCappedError).retryable).toBe(false);
  });

  it('takes a shorter list as complete, and a configurable cap', async () => {
    await seed(99);
    sim.configureReads({ listCap: 100 });
    expect(await clientFor().listIdentities()).toHaveLength(99);
    await expect(clientFor({ api: { listCap: 99 } }).listIdentities()).rejects.toThrow(PascomListCappedError);
    expect(await clientFor({ api: { listCap: 0 } }).listIdentities()).toHaveLength(99);
  });

  it('reads every page when pascom.api names the paging parameters', async () => {
    await seed(250);
    sim.configureReads({ listCap: 100, paging: { limitParam: 'limit', offsetParam: 'offset' } });
    const client = clientFor({ api: { paging: { limitParam: 'limit', offsetParam: 'offset', pageSize: 100 } } });
    sim.clearJournal();
    const all = await client.listIdentities();
    expect(all).toHaveLength(250);
    expect(new Set(all.map((i) => i['003use_name'])).size).toBe(250);
    expect(sim.journal().map((e) => e.method)).toEqual(['GET', 'GET', 'GET']);
  });

  it('stops with a clear error when the instance ignores the paging parameters', async () => {
    await seed(120);
    sim.configureReads({ listCap: 100 });
    const client = clientFor({ api: { paging: { limitParam: 'limit', offsetParam: 'offset', pageSize: 100 } } });
    await expect(client.listIdentities()).rejects.toThrow(PascomProtocolError);
    await expect(client.listIdentities()).rejects.toThrow(/ignores limit\/offset/);
  });
});

describe('the optional apply step', () => {
  it('follows a batch of writes with one POST …/apply, and each write waits for it', async () => {
    sim.configureReads({ applyEndpoint: true });
    const client = clientFor({ api: { paths: { apply: '/apply' } } });
    await Promise.all([identity(1), identity(2), identity(3)].map((i) => client.createIdentity(i)));
    await client.updateIdentity('u0001', { ...identity(1), '003use_bez': 'Renamed' });
    await client.deleteIdentity('u0002');
    const journal = sim.journal();
    const applies = journal.filter((e) => e.path.endsWith('/services/apply'));
    expect(applies.length).toBeGreaterThanOrEqual(3);
    expect(applies.length).toBeLessThanOrEqual(5);
    // Every write is followed by an apply before the next write of another batch.
    const lastWrite = journal.filter((e) => e.method !== 'GET' && !e.path.endsWith('/apply')).at(-1);
    expect(journal.at(-1)?.path).toMatch(/\/services\/apply$/);
    expect(lastWrite?.seq).toBeLessThan(journal.at(-1)?.seq ?? 0);
    expect(sim.applies()).toBe(applies.length);
  });

  it('sends no apply step unless configured', async () => {
    sim.configureReads({ applyEndpoint: true });
    await clientFor().createIdentity(identity(1));
    expect(sim.applies()).toBe(0);
  });

  it('fails the write when the apply step fails, so the outbox retries it', async () => {
    const client = clientFor({ api: { paths: { apply: '/apply' } } });
    // The endpoint is missing: 404, a permanent failure of the write it follows.
    await expect(client.createIdentity(identity(1))).rejects.toThrow(/not found/);
  });
});

describe('Test connection reports what the instance answers', () => {
  it('the login field, the list length and that no apply endpoint exists', async () => {
    await clientFor().createIdentity(identity(1));
    const report = await clientFor().testConnection();
    expect(report.ok).toBe(true);
    expect(report.instance).toMatchObject({
      listLength: 1,
      listCapped: false,
      loginField: '003use_name',
      loginFieldMatches: true,
      applyStep: 'none',
      suggestedApi: {},
    });
    expect(report.steps.at(-1)).toMatchObject({ name: 'instance', ok: true });
    expect(report.steps.at(-1)?.detail).toMatch(/1 identities listed; login field 003use_name; no apply step/);
  });

  it('older 014use_* keys, a capped list and an apply endpoint, with the pascom.api settings to follow them', async () => {
    const client = clientFor();
    await Promise.all(Array.from({ length: 100 }, (_, i) => client.createIdentity(identity(i))));
    sim.configureReads({ legacyKeys: true, listCap: 100, applyEndpoint: true });
    const report = await clientFor().testConnection();
    expect(report.instance).toMatchObject({
      listLength: 100,
      listCapped: true,
      loginField: '014use_name',
      loginFieldMatches: false,
      applyStep: 'found',
      suggestedApi: {
        'fields.login': '014use_name',
        'fields.displayName': '014use_bez',
        'fields.authMethod': '014use_auth_method',
      },
    });
    expect(report.instance?.summary).toMatch(/exactly the cap of 100.*set pascom\.api\.paging/);
    expect(report.instance?.summary).toMatch(/set pascom\.api\.fields\.login: 014use_name/);
    expect(report.instance?.summary).toMatch(/set pascom\.api\.paths\.apply/);
  });

  it('reports a configured apply step without probing', async () => {
    const report = await clientFor({ api: { paths: { apply: '/apply' } } }).testConnection();
    expect(report.instance?.applyStep).toBe('configured');
    expect(sim.journal().some((e) => e.path.endsWith('/apply'))).toBe(false);
  });
});
