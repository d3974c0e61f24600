import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import type { PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import { identity, rawRequest } from './raw-http.js';

let sim: PascomSimulator;

beforeAll(async () => {
  sim = await startPascomSimulator();
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  sim.reset();
});

const durationMs = (entry: { receivedAtNs: bigint; respondedAtNs?: bigint | undefined }): number =>
  Number((entry.respondedAtNs ?? entry.receivedAtNs) - entry.receivedAtNs) / 1e6;

async function statuses(count: number, makePath: (i: number) => [string, string, unknown?]): Promise<number[]> {
  const result: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const [method, path, body] = makePath(i);
    result.push((await rawRequest(sim, method, path, { body })).status);
  }
  return result;
}

describe('pascom simulator: latency', () => {
  it('delays every answer by a fixed latency, visible in the journal', async () => {
    sim.setLatency(60);
    await rawRequest(sim, 'GET', '/identity/');
    const [entry] = sim.journal();
    expect(entry).toBeDefined();
    expect(durationMs(entry!)).toBeGreaterThanOrEqual(59);
  });

  it('delays each answer by at least the lower bound of a range', async () => {
    sim.setLatency({ minMs: 20, maxMs: 40 });
    await statuses(4, () => ['GET', '/identity/']);
    for (const entry of sim.journal()) expect(durationMs(entry)).toBeGreaterThanOrEqual(19);
  });
});

describe('pascom simulator: server errors', () => {
  it('fails about the configured share of requests, without applying them', async () => {
    sim.setServerErrorRate(0.3, { seed: 42 });
    const result = await statuses(300, (i) => ['POST', '/identity/', identity(`u${i}`)]);
    const failed = result.filter((status) => status === 500).length;
    // 300 draws at p = 0.3: mean 90, sd ≈ 7.9; ±4 sd.
    expect(failed).toBeGreaterThanOrEqual(58);
    expect(failed).toBeLessThanOrEqual(122);
    expect(sim.identities()).toHaveLength(result.filter((status) => status === 201).length);
  });

  it('repeats the same failures for the same seed', async () => {
    sim.setServerErrorRate(0.5, { seed: 7 });
    const first = await statuses(40, () => ['GET', '/identity/']);
    sim.setServerErrorRate(0.5, { seed: 7 });
    const second = await statuses(40, () => ['GET', '/identity/']);
    expect(second).toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 500]));
  });

  it('stops failing after the limit of server errors, and a new rate without a limit lasts', async () => {
    sim.setServerErrorRate(1, { limit: 3 });
    expect(await statuses(5, () => ['GET', '/identity/'])).toEqual([500, 500, 500, 200, 200]);
    sim.setServerErrorRate(1);
    expect(await statuses(5, () => ['GET', '/identity/'])).toEqual([500, 500, 500, 500, 500]);
  });

  it('answers with the configured 5xx status and a JSON error', async () => {
    sim.setServerErrorRate(1, { status: 503 });
    const answer = await rawRequest(sim, 'GET', '/identity/');
    expect(answer.status).toBe(503);
    expect(answer.json).toEqual({ error: expect.any(String) });
  });
});

describe('pascom simulator: rate limiting', () => {
  it('answers the next N requests with 429 and Retry-After, then normally', async () => {
    sim.rateLimitNext(2, 7);
    const answers = [];
    for (let i = 0; i < 3; i += 1)
      answers.push(await rawRequest(sim, 'POST', '/identity/', { body: identity(`u${i}`) }));
    expect(answers.map((answer) => answer.status)).toEqual([429, 429, 201]);
    expect(answers[0]?.headers['retry-after']).toBe('7');
    expect(sim.identities().map((i) => i['003use_name'])).toEqual(['u2']);
  });
});

describe('pascom simulator: connection resets', () => {
  it('destroys the connection of the next request before applying it', async () => {
    sim.resetNext(1);
    await expect(rawRequest(sim, 'POST', '/identity/', { body: identity('jdoe') })).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
    expect(sim.identities()).toEqual([]);
    expect((await rawRequest(sim, 'POST', '/identity/', { body: identity('jdoe') })).status).toBe(201);
  });

  it('resets every request at rate 1', async () => {
    sim.setResetRate(1);
    await expect(rawRequest(sim, 'GET', '/identity/')).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(sim.journal()[0]).toMatchObject({ status: 0, fault: 'reset' });
  });

  it('applies the change and then drops the answer in failAfterApply mode', async () => {
    sim.failAfterApplyNext(1);
    await expect(rawRequest(sim, 'POST', '/identity/', { body: identity('jdoe') })).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
    expect(sim.identities().map((i) => i['003use_name'])).toEqual(['jdoe']);
    expect((await rawRequest(sim, 'POST', '/identity/', { body: identity('jdoe') })).status).toBe(409);
  });

  it('aims a "next" fault at one method: other requests pass untouched and leave the counter', async () => {
    sim.failAfterApplyNext(1, 'POST');
    expect((await rawRequest(sim, 'GET', '/identity/')).status).toBe(200);
    await expect(rawRequest(sim, 'POST', '/identity/', { body: identity('jdoe') })).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
    expect(sim.journal().map((e) => [e.method, e.fault])).toEqual([
      ['GET', undefined],
      ['POST', 'failAfterApply'],
    ]);
  });

  it('rate-limits only the method it is aimed at', async () => {
    sim.rateLimitNext(1, 2, 'PUT');
    expect((await rawRequest(sim, 'POST', '/identity/', { body: identity('jdoe') })).status).toBe(201);
    expect((await rawRequest(sim, 'PUT', '/identity/jdoe', { body: identity('jdoe') })).status).toBe(429);
    expect((await rawRequest(sim, 'PUT', '/identity/jdoe', { body: identity('jdoe') })).status).toBe(200);
  });
});

describe('pascom simulator: hung requests', () => {
  it('never answers a hung request and does not apply it', async () => {
    sim.hangNext(1);
    const pending = rawRequest(sim, 'POST', '/identity/', { body: identity('jdoe') });
    const [arrived] = await sim.waitForRequests((entry) => entry.fault === 'hang');
    expect(arrived?.respondedAtNs).toBeUndefined();
    expect(sim.identities()).toEqual([]);
    sim.reset();
    await expect(pending).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('answers hung requests on release()', async () => {
    sim.hangNext(2);
    const pending = [
      rawRequest(sim, 'POST', '/identity/', { body: identity('a') }),
      rawRequest(sim, 'POST', '/identity/', { body: identity('b') }),
    ];
    await sim.waitForRequests((entry) => entry.fault === 'hang', 2);
    expect(sim.release()).toBe(2);
    expect((await Promise.all(pending)).map((answer) => answer.status)).toEqual([201, 201]);
    expect(sim.identities()).toHaveLength(2);
  });

  it('journals a hung request as unanswered once its client gives up', async () => {
    sim.hangNext(1);
    const pending = rawRequest(sim, 'GET', '/identity/');
    await sim.waitForRequests((entry) => entry.fault === 'hang');
    await sim.goDown();
    await expect(pending).rejects.toThrow();
    const [entry] = await sim.waitForRequests((e) => e.respondedAtNs !== undefined);
    expect(entry).toMatchObject({ status: 0, fault: 'hang' });
    await sim.comeUp();
  });
});

describe('pascom simulator: down and up', () => {
  it('refuses connections while down and serves again on the same port after comeUp()', async () => {
    const url = sim.url;
    await sim.goDown();
    await expect(rawRequest(sim, 'GET', '/identity/')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await sim.comeUp();
    expect(sim.url).toBe(url);
    expect((await rawRequest(sim, 'GET', '/identity/')).status).toBe(200);
  });

  it('keeps its identities across down and up', async () => {
    await rawRequest(sim, 'POST', '/identity/', { body: identity('jdoe') });
    await sim.goDown();
    await sim.comeUp();
    expect((await rawRequest(sim, 'GET', '/identity/jdoe')).status).toBe(200);
  });
});

describe('pascom simulator: clearing faults', () => {
  it('answers normally after clearFaults()', async () => {
    sim.setServerErrorRate(1);
    sim.rateLimitNext(5, 1);
    sim.clearFaults();
    expect((await rawRequest(sim, 'GET', '/identity/')).status).toBe(200);
  });

  it('rejects a rate outside 0..1', () => {
    expect(() => sim.setServerErrorRate(1.5)).toThrow(RangeError);
  });
});

describe('pascom simulator: stop()', () => {
  it('cuts hung connections and resolves', async () => {
    const own = await startPascomSimulator();
    own.hangNext(1);
    const pending = rawRequest(own, 'GET', '/identity/');
    await own.waitForRequests(() => true);
    await own.stop();
    await expect(pending).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
