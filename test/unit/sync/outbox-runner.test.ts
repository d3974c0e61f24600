/** The outbox runner: bounded, ordered per user, retrying transient failures, never crashing. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Store } from '../../../app/store/index.js';
import type { OutboxRow } from '../../../app/store/index.js';
import type { Settlement } from '../../../app/sync/job.js';
import { COMMIT_RETRY_MS } from '../../../app/sync/outbox/batch-commit.js';
import { PascomNotSentError } from '../../../app/pascom/errors.js';
import { Semaphore } from '../../../app/pascom/semaphore.js';
import { failureSettlement } from '../../../app/sync/failure.js';
import { JobRegistry } from '../../../app/sync/outbox/job-registry.js';
import { OutboxRunner } from '../../../app/sync/outbox-runner.js';
import { memoryLogger } from '../../fixtures/connector.js';
import { FakeScheduler } from '../../fixtures/fake-scheduler.js';
import { waitFor } from '../../fixtures/wait.js';

let store: Store;
let runner: OutboxRunner | undefined;

beforeEach(() => {
  store = Store.open(':memory:');
});
afterEach(async () => {
  await runner?.stop();
  store.close();
});

const clock = { now: () => new Date() };

/** Handlers of test jobs by kind (any payload). */
function jobs(handlers: Readonly<Record<string, (row: OutboxRow) => Promise<Settlement>>>): JobRegistry {
  const registry = new JobRegistry();
  for (const [kind, handle] of Object.entries(handlers))
    registry.register({ kind, payload: z.unknown(), handle: (_payload, row) => handle(row) });
  return registry;
}

function start(handlers: Parameters<typeof jobs>[0], concurrency = 4): OutboxRunner {
  runner = new OutboxRunner(
    { store, jobs: jobs(handlers), clock, random: () => 0.5, logger: memoryLogger() },
    { concurrency, backoffBaseMs: 20, backoffCapMs: 100 },
  );
  runner.start();
  return runner;
}

function add(uuid: string, payload: unknown, kind = 'job'): void {
  store.outbox.enqueue({ uuid, kind, payload, source: 'test' }, Date.now());
  runner?.kick();
}

const drained = () =>
  waitFor(() => store.outbox.stats().pending + store.outbox.stats().inflight === 0, {
    timeoutMs: 5000,
    message: 'outbox not drained',
  });

/** Makes the next `count` store transactions fail as SQLite does on a full disk. */
function failTransactions(count: number): void {
  const real = store.transaction.bind(store);
  let left = count;
  store.transaction = <T>(fn: () => T): T => {
    if (left > 0) {
      left--;
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    }
    return real(fn);
  };
}

describe('OutboxRunner', () => {
  it('sends the changes waiting out a backoff at once when pascom answers again after an outage', async () => {
    let pascomUp = false;
    const delivered: string[] = [];
    runner = new OutboxRunner(
      {
        store,
        jobs: jobs({
          job: async (row) => {
            if (!pascomUp) return { outcome: 'retry', error: 'connect ECONNREFUSED' };
            delivered.push(row.uuid);
            return { outcome: 'done' };
          },
        }),
        clock,
        random: () => 0.5,
        logger: memoryLogger(),
      },
      // A backoff far longer than the test may take: only bringing the rows forward delivers them.
      { concurrency: 4, backoffBaseMs: 60_000, backoffCapMs: 60_000 },
    );
    runner.start();
    add('a', 1);
    add('b', 1);
    await waitFor(
      () => store.outbox.list('pending').every((row) => row.attempts === 1 && row.lastError === 'connect ECONNREFUSED'),
      {
        message: 'the first attempts did not fail',
      },
    );
    pascomUp = true;
    add('c', 1); // a new change goes out at once and shows pascom is back

    await waitFor(() => delivered.length === 3, { timeoutMs: 5000, message: 'the waiting rows were not sent' });
    expect(delivered.sort()).toEqual(['a', 'b', 'c']);
  });

  it('keeps a delivered row until its settlement is recorded when the disk is full, then records it once', async () => {
    const logger = memoryLogger();
    const scheduler = new FakeScheduler();
    const handled: string[] = [];
    runner = new OutboxRunner(
      {
        store,
        jobs: jobs({ job: async (row) => (handled.push(row.uuid), { outcome: 'done' }) }),
        clock,
        random: () => 0.5,
        logger,
        scheduler,
      },
      { concurrency: 2 },
    );
    store.outbox.enqueue({ uuid: 'a', kind: 'job', payload: 1, source: 'test' }, Date.now());
    failTransactions(1);
    runner.start();

    await waitFor(() => logger.entries.some((r) => r.message.startsWith('cannot record deliveries')), {
      message: 'the failed commit was not reported',
    });
    expect(store.outbox.stats().inflight).toBe(1);
    scheduler.advance(COMMIT_RETRY_MS);
    await drained();
    expect(handled).toEqual(['a']);
    expect(logger.entries.find((r) => r.message.startsWith('cannot record'))?.meta).toMatchObject({
      error: expect.stringContaining('the disk holding the data directory is full'),
    });
  });

  it('lists a row whose payload its kind refuses as a dead letter at the first attempt', async () => {
    let handled = 0;
    runner = new OutboxRunner(
      {
        store,
        jobs: new JobRegistry().register({
          kind: 'job',
          payload: z.object({ login: z.string() }),
          handle: async () => (handled++, { outcome: 'done' }),
        }),
        clock,
        random: () => 0.5,
        logger: memoryLogger(),
      },
      { concurrency: 2 },
    );
    runner.start();
    add('a', { login: 42 });
    await waitFor(() => store.outbox.stats().dead === 1, { message: 'not listed as dead' });
    expect([store.outbox.list('dead')[0]?.lastError, store.outbox.list('dead')[0]?.attempts, handled]).toEqual([
      'malformed "job" payload: login: Invalid input: expected string, received number',
      1,
      0,
    ]);
  });

  it('applies the changes of one user in order while others run concurrently', async () => {
    const seen: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    start(
      {
        job: async (row: OutboxRow): Promise<Settlement> => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((r) => setTimeout(r, 5));
          seen.push(`${row.uuid}:${JSON.parse(row.payload)}`);
          inFlight--;
          return { outcome: 'done' };
        },
      },
      3,
    );
    for (let i = 0; i < 5; i++) for (const user of ['a', 'b', 'c', 'd']) add(user, i);
    await drained();

    for (const user of ['a', 'b', 'c', 'd']) {
      expect(seen.filter((s) => s.startsWith(`${user}:`))).toEqual([0, 1, 2, 3, 4].map((i) => `${user}:${i}`));
    }
    expect(maxInFlight).toBe(3);
  });

  it('retries a transient failure no sooner than Retry-After', async () => {
    const scheduler = new FakeScheduler();
    let attempts = 0;
    runner = new OutboxRunner(
      {
        store,
        jobs: jobs({
          job: async () =>
            ++attempts === 1 ? { outcome: 'retry', error: '429', retryAfterMs: 300 } : { outcome: 'done' },
        }),
        clock: { now: () => new Date(scheduler.now()) },
        random: () => 0.5,
        logger: memoryLogger(),
        scheduler,
      },
      { concurrency: 4, backoffBaseMs: 20, backoffCapMs: 100 },
    );
    store.outbox.enqueue({ uuid: 'a', kind: 'job', payload: 1, source: 'test' }, scheduler.now());
    runner.start();
    await waitFor(() => store.outbox.list('pending')[0]?.lastError === '429', {
      message: 'the first attempt did not fail',
    });
    scheduler.advance(299);
    expect(attempts).toBe(1);
    scheduler.advance(1);
    await drained();
    expect(attempts).toBe(2);
  });

  it('keeps a refused change as a dead letter and goes on with the others', async () => {
    start({
      job: async (row: OutboxRow) =>
        row.uuid === 'bad' ? { outcome: 'dead', error: 'pascom: invalid' } : { outcome: 'done' },
    });
    add('bad', 1);
    add('good', 1);
    await drained();
    expect(store.outbox.list('dead').map((r) => [r.uuid, r.lastError])).toEqual([['bad', 'pascom: invalid']]);
  });

  it('retries a handler that throws instead of crashing', async () => {
    let calls = 0;
    start({
      job: async () => {
        calls++;
        if (calls === 1) throw new Error('bug');
        return { outcome: 'done' };
      },
    });
    add('a', 1);
    await drained();
    expect(calls).toBe(2);
  });

  it('turns an unknown job kind into a dead letter', async () => {
    start({});
    add('a', 1, 'from-the-future');
    await waitFor(() => store.outbox.stats().dead === 1, { timeoutMs: 2000, message: 'not dead' });
    expect(store.outbox.list('dead')[0]?.lastError).toMatch(/unknown outbox job kind/);
  });

  it('stops only after the changes in flight are settled', async () => {
    let release: () => void = () => undefined;
    const r = start({
      job: () => new Promise<Settlement>((resolve) => (release = () => resolve({ outcome: 'done' }))),
    });
    add('a', 1);
    await waitFor(() => store.outbox.stats().inflight === 1, { timeoutMs: 2000 });
    const stopped = r.stop();
    release();
    await stopped;
    expect(store.outbox.stats()).toMatchObject({ pending: 0, inflight: 0 });
  });

  it('releases at a stop the rows still waiting for a connection, unsent, and waits only for the one on the wire', async () => {
    // One connection to pascom, as the client's queue would hand it out; the first request hangs until answered.
    const connection = new Semaphore(1);
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const sent: string[] = [];
    const logger = memoryLogger();
    runner = new OutboxRunner(
      {
        store,
        jobs: jobs({
          job: async (row) => {
            try {
              await connection.run(async () => (sent.push(row.uuid), await answered));
              return { outcome: 'done' };
            } catch (error) {
              return failureSettlement(error, { actor: 'test', uuid: row.uuid, action: 'create' });
            }
          },
        }),
        clock,
        random: () => 0.5,
        logger,
        abandonQueued: () => connection.rejectWaiting(() => new PascomNotSentError()),
      },
      { concurrency: 4 },
    );
    runner.start();
    for (const uuid of ['a', 'b', 'c']) add(uuid, 1);
    await waitFor(() => store.outbox.stats().inflight === 3, { timeoutMs: 2000 });

    const stopped = runner.stop();
    answer();
    await stopped;

    expect([
      sent,
      store.outbox.list('pending').map((row) => [row.uuid, row.attempts]),
      logger.entries.find((entry) => entry.message.startsWith('stopping'))?.meta,
    ]).toEqual([
      ['a'],
      [
        ['b', 0],
        ['c', 0],
      ],
      { rows: 2 },
    ]);
  });
});
