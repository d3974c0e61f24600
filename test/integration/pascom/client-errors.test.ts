import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  PascomAuthError,
  PascomClient,
  PascomConflictError,
  PascomError,
  PascomProtocolError,
  PascomRateLimitedError,
  PascomRejectedError,
  PascomTimeoutError,
  PascomTlsError,
  PascomUnavailableError,
} from '../../../app/pascom/index.js';
import type { PascomClientOptions } from '../../../app/pascom/index.js';
import { startPascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import type { PascomSimulator } from '../../fixtures/pascom-simulator/index.js';

const PASSWORD = 'Zq9-very-secret-Pw';
let sim: PascomSimulator;
let client: PascomClient;
let seen: unknown[] = [];

const jdoe = { '003use_name': 'jdoe', '003use_bez': 'John Doe', '009ext_extension': '101' };

function optionsFor(extra: Partial<PascomClientOptions> = {}): PascomClientOptions {
  return { url: sim.url, instance: sim.instance, user: sim.user, password: PASSWORD, timeoutMs: 2000, ...extra };
}

/** Runs the call, expects it to throw, and keeps the error for the password check. */
async function failure(call: Promise<unknown>): Promise<PascomError> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  seen.push(error);
  if (!(error instanceof PascomError)) throw new Error(`expected a PascomError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  sim = await startPascomSimulator({
    password: PASSWORD,
    identities: [{ '003use_name': 'boss', '003use_bez': 'Boss', '009ext_extension': '100' }],
  });
});
afterAll(async () => {
  await sim.stop();
});
// A client per test: goDown() cuts pooled connections, which would leak into the next test.
beforeEach(() => {
  sim.reset();
  client = new PascomClient(optionsFor());
});
afterEach(() => {
  client.close();
});

describe('PascomClient: errors from real simulator answers', () => {
  it('throws PascomRejectedError with the field for a 400', async () => {
    const error = await failure(client.createIdentity({ ...jdoe, '003use_name': 'JDoe' }));
    expect(error).toBeInstanceOf(PascomRejectedError);
    expect(error).toMatchObject({ field: '003use_name', status: 400, retryable: false, login: 'JDoe' });
  });

  it('throws PascomConflictError with the field for a taken extension', async () => {
    const error = await failure(client.createIdentity({ ...jdoe, '009ext_extension': '100' }));
    expect(error).toBeInstanceOf(PascomConflictError);
    expect(error).toMatchObject({ field: '009ext_extension', status: 409, retryable: false });
  });

  it('throws PascomAuthError for a wrong password', async () => {
    const wrong = new PascomClient(optionsFor({ password: `${PASSWORD}-wrong` }));
    try {
      const error = await failure(wrong.listIdentities());
      expect(error).toBeInstanceOf(PascomAuthError);
      expect(error).toMatchObject({ status: 401, retryable: false });
    } finally {
      wrong.close();
    }
  });

  it('throws PascomRateLimitedError with Retry-After in ms for a 429', async () => {
    sim.rateLimitNext(1, 3);
    const error = await failure(client.getIdentity('boss'));
    expect(error).toBeInstanceOf(PascomRateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 3000, retryable: true, status: 429 });
  });

  it('throws a retryable PascomUnavailableError for a 500', async () => {
    sim.setServerErrorRate(1);
    const error = await failure(client.createIdentity(jdoe));
    expect(error).toBeInstanceOf(PascomUnavailableError);
    expect(error).toMatchObject({ status: 500, retryable: true });
  });

  it('throws a retryable PascomUnavailableError for a connection reset', async () => {
    sim.resetNext(1);
    const error = await failure(client.createIdentity(jdoe));
    expect(error).toBeInstanceOf(PascomUnavailableError);
    expect(error).toMatchObject({ code: 'ECONNRESET', retryable: true });
  });

  it('throws a retryable PascomUnavailableError while pascom is down', async () => {
    await withClient({}, async (fresh) => {
      await sim.goDown();
      try {
        expect(await failure(fresh.listIdentities())).toMatchObject({ code: 'ECONNREFUSED', retryable: true });
      } finally {
        await sim.comeUp();
      }
    });
  });

  it('repeats a read whose pooled connection a restart cut', async () => {
    await withClient({ concurrency: 4 }, async (own) => {
      await Promise.all([own.listIdentities(), own.listIdentities(), own.listIdentities(), own.listIdentities()]);
      await sim.goDown();
      await sim.comeUp();
      expect(await own.listIdentities()).toHaveLength(1);
    });
  });

  it('does not repeat a write whose pooled connection a restart cut', async () => {
    await withClient({}, async (own) => {
      await own.listIdentities();
      await sim.goDown();
      await sim.comeUp();
      const error = await failure(own.createIdentity(jdoe));
      expect(error).toMatchObject({ retryable: true });
      expect(sim.identities()).toHaveLength(1);
    });
  });

  it('throws PascomTimeoutError when pascom never answers', async () => {
    sim.hangNext(1);
    const impatient = new PascomClient(optionsFor({ timeoutMs: 150 }));
    try {
      const error = await failure(impatient.getIdentity('boss'));
      expect(error).toBeInstanceOf(PascomTimeoutError);
      expect(error).toMatchObject({ retryable: true, login: 'boss' });
    } finally {
      impatient.close();
    }
  });

  it('reports a lost answer as retryable although pascom applied the change', async () => {
    sim.failAfterApplyNext(1);
    const error = await failure(client.createIdentity(jdoe));
    expect(error.retryable).toBe(true);
    expect(sim.identities().map((identity) => identity['003use_name'])).toContain('jdoe');
  });

  it('throws PascomTlsError when https:// points at a plain HTTP port', async () => {
    const tls = new PascomClient(optionsFor({ url: sim.url.replace('http:', 'https:') }));
    try {
      const error = await failure(tls.listIdentities());
      expect(error).toBeInstanceOf(PascomTlsError);
      expect(error.retryable).toBe(false);
    } finally {
      tls.close();
    }
  });

  it('never puts the password into a thrown error', async () => {
    await provokeEveryFailure();
    const encoded = Buffer.from(`${sim.user}:${PASSWORD}`).toString('base64');
    for (const error of seen) {
      const text = dump(error);
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(encoded);
    }
  });
});

describe('PascomClient: answers outside the contract', () => {
  /** The error listIdentities throws when a server answers every request with `body`. */
  async function listFailure(body: string, contentType = 'application/json'): Promise<unknown> {
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': contentType }).end(body));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const odd = new PascomClient({
      ...optionsFor(),
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    });
    try {
      return await failure(odd.listIdentities());
    } finally {
      odd.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('throws PascomProtocolError for a list that is not JSON', async () => {
    const error = await listFailure('<html>login</html>', 'text/html');
    expect(error).toBeInstanceOf(PascomProtocolError);
    expect((error as Error).message).toBe("GET /identity/: pascom's identity list is not a JSON array");
  });

  it('throws PascomProtocolError for a list cut off after a thousand identities', async () => {
    const identities = Array.from({ length: 1500 }, (_, i) => ({ '003use_name': `user${i}`, '003use_bez': 'Jürgen' }));
    const text = JSON.stringify(identities);
    const error = await listFailure(text.slice(0, Math.floor(text.length * 0.9)));
    expect(error).toBeInstanceOf(PascomProtocolError);
    expect((error as Error).message).toBe(
      "GET /identity/: pascom's identity list is not JSON: the array does not end (the answer was cut off)",
    );
  });

  it('throws PascomProtocolError for a list holding something else than identities', async () => {
    const error = await listFailure('[{"003use_name":"anna","003use_bez":"Anna"}, "bob"]');
    expect((error as Error).message).toBe("GET /identity/: pascom's identity list holds a non-object entry");
  });
});

describe('PascomClient: concurrency', () => {
  it('keeps at most `concurrency` requests in flight', async () => {
    sim.setLatency(25);
    const bounded = new PascomClient(optionsFor({ concurrency: 3 }));
    try {
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          bounded.createIdentity({ '003use_name': `u${i}`, '003use_bez': `U ${i}` }),
        ),
      );
      expect(maxOverlap(sim.journal())).toBe(3);
      expect(sim.counters().maxInFlight).toBeLessThanOrEqual(3);
    } finally {
      bounded.close();
    }
  });
});

describe('PascomClient.testConnection()', () => {
  it('passes tcp, auth and the instance step against a reachable pascom with the right password', async () => {
    const report = await client.testConnection();
    expect(report.ok).toBe(true);
    expect(report.steps.map((step) => [step.name, step.ok])).toEqual([
      ['tcp', true],
      ['auth', true],
      ['instance', true],
    ]);
  });

  it('fails the auth step with the credentials hint for a wrong password', async () => {
    const wrong = new PascomClient(optionsFor({ password: 'nope' }));
    try {
      const report = await wrong.testConnection();
      expect(report.ok).toBe(false);
      expect(report.steps.at(-1)).toMatchObject({
        name: 'auth',
        ok: false,
        detail: expect.stringMatching(/REST credentials/),
      });
    } finally {
      wrong.close();
    }
  });

  it('stops at the tcp step while pascom is down', async () => {
    await withClient({}, async (own) => {
      await sim.goDown();
      try {
        const report = await own.testConnection();
        expect(report).toMatchObject({
          ok: false,
          steps: [{ name: 'tcp', ok: false, detail: expect.stringMatching(/ECONNREFUSED/) }],
        });
      } finally {
        await sim.comeUp();
      }
    });
  });
});

/** A client of its own, for tests that cut connections the shared client has pooled. */
async function withClient(
  extra: Partial<PascomClientOptions>,
  use: (own: PascomClient) => Promise<void>,
): Promise<void> {
  const own = new PascomClient(optionsFor(extra));
  try {
    await use(own);
  } finally {
    own.close();
  }
}

/** One failure of each kind, collected in `seen`. */
async function provokeEveryFailure(): Promise<void> {
  seen = [];
  const wrong = new PascomClient(optionsFor({ password: `${PASSWORD}x`, timeoutMs: 150 }));
  const tls = new PascomClient(optionsFor({ url: sim.url.replace('http:', 'https:') }));
  try {
    await failure(client.createIdentity({ ...jdoe, '003use_name': 'JDoe' }));
    await failure(client.createIdentity({ ...jdoe, '009ext_extension': '100' }));
    await failure(wrong.listIdentities());
    sim.rateLimitNext(1, 1);
    await failure(client.listIdentities());
    sim.resetNext(1);
    await failure(client.createIdentity(jdoe));
    sim.hangNext(1);
    await failure(wrong.getIdentity('boss'));
    await failure(tls.listIdentities());
    await failure(client.updateIdentity('nobody', jdoe));
  } finally {
    wrong.close();
    tls.close();
  }
  expect(seen).toHaveLength(8);
}

/** The largest number of journal entries whose [received, responded] intervals overlap. */
function maxOverlap(entries: readonly { receivedAtNs: bigint; respondedAtNs?: bigint | undefined }[]): number {
  const events = entries.flatMap((entry) => [
    { at: entry.receivedAtNs, delta: 1 },
    { at: entry.respondedAtNs ?? entry.receivedAtNs, delta: -1 },
  ]);
  events.sort((a, b) => (a.at === b.at ? a.delta - b.delta : a.at < b.at ? -1 : 1));
  let current = 0;
  let max = 0;
  for (const event of events) {
    current += event.delta;
    max = Math.max(max, current);
  }
  return max;
}

/** Everything reachable from an error: message, stack, own properties, causes. */
function dump(value: unknown, seenObjects = new Set<unknown>()): string {
  if (typeof value !== 'object' || value === null) return String(value);
  if (seenObjects.has(value)) return '';
  seenObjects.add(value);
  const parts = value instanceof Error ? [value.message, value.stack ?? ''] : [];
  for (const key of Reflect.ownKeys(value)) parts.push(String(key), dump(Reflect.get(value, key), seenObjects));
  return parts.join('\n');
}
