import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import type { PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import { identity, rawRequest } from './raw-http.js';

let sim: PascomSimulator;

beforeAll(async () => {
  sim = await startPascomSimulator({ identities: [identity('boss')] });
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  sim.reset();
});

describe('pascom simulator: journal', () => {
  it('records method, path, decoded login, parsed body and status', async () => {
    await rawRequest(sim, 'PUT', '/identity/b%6Fss', { body: identity('boss') });
    expect(sim.journal()).toEqual([
      expect.objectContaining({
        method: 'PUT',
        path: '/acme/services/identity/b%6Fss',
        login: 'boss',
        body: identity('boss'),
        status: 200,
      }),
    ]);
  });

  it('keeps a body that is not JSON as text', async () => {
    await rawRequest(sim, 'POST', '/identity/', { body: 'not json' });
    expect(sim.journal()[0]).toMatchObject({ body: 'not json', status: 400 });
  });

  it('numbers entries in arrival order with monotonic timestamps', async () => {
    const before = Date.now();
    for (let i = 0; i < 5; i += 1) await rawRequest(sim, 'GET', '/identity/');
    const entries = sim.journal();
    const first = entries[0]?.seq ?? 0;
    expect(entries.map((entry) => entry.seq)).toEqual([first, first + 1, first + 2, first + 3, first + 4]);
    for (const [i, entry] of entries.entries()) {
      expect(entry.respondedAtNs).toBeGreaterThanOrEqual(entry.receivedAtNs);
      expect(entry.receivedAtMs).toBeGreaterThanOrEqual(before - 1);
      expect(entry.receivedAtMs).toBeLessThanOrEqual(Date.now() + 1);
      const previous = entries[i - 1];
      if (previous?.respondedAtNs !== undefined)
        expect(entry.receivedAtNs).toBeGreaterThanOrEqual(previous.respondedAtNs);
    }
  });

  it('does not journal control requests', async () => {
    await rawRequest(sim, 'GET', '//_sim/journal');
    expect(sim.journal()).toEqual([]);
  });

  it('forgets entries on clearJournal()', async () => {
    await rawRequest(sim, 'GET', '/identity/');
    sim.clearJournal();
    expect(sim.journal()).toEqual([]);
  });

  it('counts requests per method, status and fault', async () => {
    sim.rateLimitNext(1, 1);
    await rawRequest(sim, 'GET', '/identity/');
    await rawRequest(sim, 'GET', '/identity/');
    await rawRequest(sim, 'DELETE', '/identity/nobody');
    expect(sim.counters()).toMatchObject({
      byMethod: { GET: 2, DELETE: 1 },
      byStatus: { '429': 1, '200': 1, '404': 1 },
      byFault: { rateLimited: 1 },
      inFlight: 0,
    });
  });

  it('restores the seed identities on reset()', async () => {
    await rawRequest(sim, 'DELETE', '/identity/boss');
    sim.reset();
    expect(sim.identities()).toEqual([identity('boss')]);
  });
});

describe('pascom simulator: waitForRequests()', () => {
  it('resolves from the journal event, before the client has read the answer', async () => {
    let resolved = false;
    const waiting = sim
      .waitForRequests((entry) => entry.method === 'POST' && entry.status === 201)
      .then((entries) => {
        resolved = true;
        return entries;
      });
    await rawRequest(sim, 'POST', '/identity/', { body: identity('jdoe') });
    expect(resolved).toBe(true);
    expect((await waiting).map((entry) => entry.login ?? entry.body)).toEqual([identity('jdoe')]);
  });

  it('counts matching requests that arrived before the call', async () => {
    await rawRequest(sim, 'GET', '/identity/');
    await rawRequest(sim, 'GET', '/identity/boss');
    const entries = await sim.waitForRequests((entry) => entry.method === 'GET', 2, 1);
    expect(entries.map((entry) => entry.login)).toEqual([undefined, 'boss']);
  });

  it('waits for the requested number of matches', async () => {
    const waiting = sim.waitForRequests((entry) => entry.method === 'DELETE', 2, 5000);
    await rawRequest(sim, 'DELETE', '/identity/a');
    await rawRequest(sim, 'GET', '/identity/');
    await rawRequest(sim, 'DELETE', '/identity/b');
    expect((await waiting).map((entry) => entry.login)).toEqual(['a', 'b']);
  });

  it('rejects when too few requests arrive in time', async () => {
    await expect(sim.waitForRequests((entry) => entry.method === 'PATCH', 1, 20)).rejects.toThrow(
      /0 of 1 matching requests after 20 ms/,
    );
  });
});

describe('pascom simulator: control API under /_sim/', () => {
  it('configures faults over HTTP', async () => {
    await rawRequest(sim, 'POST', '//_sim/faults', { body: { rateLimitNext: 1, retryAfterSeconds: 3 } });
    const answer = await rawRequest(sim, 'GET', '/identity/');
    expect(answer.status).toBe(429);
    expect(answer.headers['retry-after']).toBe('3');
  });

  it('rejects fault settings of the wrong type', async () => {
    const answer = await rawRequest(sim, 'POST', '//_sim/faults', { body: { resetNext: 'two' } });
    expect(answer.status).toBe(400);
  });

  it('serves the journal with timestamps as strings', async () => {
    await rawRequest(sim, 'GET', '/identity/');
    const answer = await rawRequest(sim, 'GET', '//_sim/journal');
    expect(answer.json).toEqual([
      expect.objectContaining({ seq: expect.any(Number), receivedAtNs: expect.stringMatching(/^\d+$/) }),
    ]);
  });

  it('serves the identities', async () => {
    const answer = await rawRequest(sim, 'GET', '//_sim/identities');
    expect(answer.json).toEqual([identity('boss')]);
  });

  it('goes down for a while and comes back by itself', async () => {
    const own = await startPascomSimulator();
    try {
      expect((await rawRequest(own, 'POST', '//_sim/down', { body: { ms: 50 } })).status).toBe(202);
      await expect(
        pollUntil(() =>
          rawRequest(own, 'GET', '/identity/').then(
            () => false,
            (error: unknown) => isRefused(error),
          ),
        ),
      ).resolves.toBe(true);
      await expect(
        pollUntil(() =>
          rawRequest(own, 'GET', '/identity/').then(
            (answer) => answer.status === 200,
            () => false,
          ),
        ),
      ).resolves.toBe(true);
    } finally {
      await own.stop();
    }
  });
});

function isRefused(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ECONNREFUSED';
}

/** Polls until `check` yields true; throws after the deadline. */
async function pollUntil(check: () => Promise<boolean>, deadlineMs = 5000): Promise<boolean> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`condition not met within ${deadlineMs} ms`);
}
