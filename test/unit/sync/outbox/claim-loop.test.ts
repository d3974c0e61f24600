/** The claim loop: ready rows in order, at most one per user and `concurrency` in all, woken by kicks and due times. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store, type OutboxRow } from '../../../../app/store/index.js';
import { CLAIM_RETRY_MS, ClaimLoop, type ClaimLoopDeps } from '../../../../app/sync/outbox/claim-loop.js';
import { memoryLogger } from '../../../fixtures/connector.js';
import { FakeScheduler } from '../../../fixtures/fake-scheduler.js';

let store: Store;
let scheduler: FakeScheduler;
/** Rows handed to `deliver`, each with the function that settles it. */
let claimed: Array<{ readonly row: OutboxRow; readonly settle: () => void }>;
let idle: number;

beforeEach(() => {
  store = Store.open(':memory:');
  scheduler = new FakeScheduler();
  claimed = [];
  idle = 0;
});
afterEach(() => store.close());

function loop(concurrency: number, outbox: ClaimLoopDeps['outbox'] = store.outbox): ClaimLoop {
  return new ClaimLoop(
    {
      outbox,
      now: () => scheduler.now(),
      scheduler,
      logger: memoryLogger(),
      deliver: (row) =>
        new Promise<void>((resolve) => {
          claimed.push({
            row,
            settle: () => {
              store.outbox.complete(row);
              resolve();
            },
          });
        }),
      onIdle: () => idle++,
    },
    { concurrency },
  );
}

function enqueue(uuid: string, payload: unknown, atMs = 0): void {
  store.outbox.enqueue({ uuid, kind: 'job', payload, source: 'test' }, atMs);
}

const names = (): string[] => claimed.map(({ row }) => `${row.uuid}:${row.payload}`);
/** Lets the microtasks run that a settled row queues (the loop claims again in one). */
const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ClaimLoop', () => {
  it('claims the rows of different users in insertion order but only the first row of each user', () => {
    enqueue('a', 1);
    enqueue('a', 2);
    enqueue('b', 1);
    loop(4).start();
    expect(names()).toEqual(['a:1', 'b:1']);
  });

  it('claims the next row of a user once the one before it is settled', async () => {
    enqueue('a', 1);
    enqueue('a', 2);
    loop(4).start();
    claimed[0]?.settle();
    await settled();
    expect(names()).toEqual(['a:1', 'a:2']);
  });

  it('keeps at most `concurrency` rows in flight and fills a freed slot', async () => {
    for (const user of ['a', 'b', 'c', 'd']) enqueue(user, 1);
    const claims = loop(2);
    claims.start();
    expect([names(), claims.inFlight]).toEqual([['a:1', 'b:1'], 2]);
    claimed[0]?.settle();
    await settled();
    expect([names(), claims.inFlight]).toEqual([['a:1', 'b:1', 'c:1'], 2]);
  });

  it('claims a row enqueued after the start when kicked', () => {
    const claims = loop(4);
    claims.start();
    enqueue('a', 1);
    claims.kick();
    expect(names()).toEqual(['a:1']);
  });

  it('wakes up when the earliest waiting row is due, with a timer that does not keep the process alive', () => {
    enqueue('a', 1, 5000);
    loop(4).start();
    expect([names(), scheduler.pending()]).toEqual([[], [{ inMs: 5000, keepAlive: false }]]);
    scheduler.advance(5000);
    expect(names()).toEqual(['a:1']);
  });

  it('reports idle when nothing is ready and nothing is in flight', () => {
    loop(4).start();
    expect(idle).toBe(1);
  });

  it('claims again after a pause when the database cannot be written', () => {
    enqueue('a', 1);
    let failures = 1;
    const outbox: ClaimLoopDeps['outbox'] = {
      claim: (now, limit) => {
        if (failures-- > 0) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
        return store.outbox.claim(now, limit);
      },
      nextDueAt: () => store.outbox.nextDueAt(),
    };
    loop(4, outbox).start();
    expect(names()).toEqual([]);
    scheduler.advance(CLAIM_RETRY_MS);
    expect(names()).toEqual(['a:1']);
  });

  it('claims nothing after halt and lets the rows in flight finish', async () => {
    enqueue('a', 1);
    const claims = loop(4);
    claims.start();
    claims.halt();
    enqueue('b', 1);
    claims.kick();
    const drained = claims.drained();
    claimed[0]?.settle();
    await drained;
    expect([names(), claims.inFlight, scheduler.pending()]).toEqual([['a:1'], 0, []]);
  });
});
