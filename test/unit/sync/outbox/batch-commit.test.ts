/** The batch commit: one transaction per turn, and a failed write kept and written again, each settlement exactly once. */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  BatchCommit,
  COMMIT_RETRY_CAP_MS,
  COMMIT_RETRY_MS,
  GROUP_COMMIT_ROWS,
  GROUP_COMMIT_WAIT_MS,
} from '../../../../app/sync/outbox/batch-commit.js';
import { memoryLogger } from '../../../fixtures/connector.js';
import { FakeScheduler } from '../../../fixtures/fake-scheduler.js';

let scheduler: FakeScheduler;
let logger: ReturnType<typeof memoryLogger>;
/** What the "database" holds: items of the transactions that committed. */
let written: string[];
/** One entry per transaction attempted, successful or not. */
let transactions: string[][];
let failuresLeft: number;
let committed: string[][];

beforeEach(() => {
  scheduler = new FakeScheduler({ soon: 'manual' });
  logger = memoryLogger();
  written = [];
  transactions = [];
  committed = [];
  failuresLeft = 0;
});

function batch(inFlight?: () => number): BatchCommit<string> {
  return new BatchCommit<string>({
    inFlight,
    // Atomic like a SQLite transaction: a failing one leaves nothing behind.
    write: (items) => {
      transactions.push([...items]);
      if (failuresLeft > 0) {
        failuresLeft--;
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      }
      written.push(...items);
    },
    committed: (items) => committed.push([...items]),
    scheduler,
    logger,
  });
}

/** Tracks whether a promise has resolved yet. */
function tracked(promise: Promise<void>): { done: boolean } {
  const state = { done: false };
  void promise.then(() => (state.done = true));
  return state;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('BatchCommit', () => {
  it('writes the settlements of one turn in one transaction', async () => {
    const commits = batch();
    const settled = Promise.all([commits.settle('a'), commits.settle('b')]);
    scheduler.runSoon();
    await settled;
    expect([transactions, committed]).toEqual([[['a', 'b']], [['a', 'b']]]);
  });

  it('resolves a settlement only once it is written', async () => {
    failuresLeft = 1;
    const commits = batch();
    const a = tracked(commits.settle('a'));
    scheduler.runSoon();
    await turn();
    expect(a.done).toBe(false);
    scheduler.advance(COMMIT_RETRY_MS);
    await turn();
    expect(a.done).toBe(true);
  });

  it('writes a failed batch again after a backoff, with what arrived meanwhile, each settlement exactly once', async () => {
    failuresLeft = 1;
    const commits = batch();
    const first = Promise.all([commits.settle('a'), commits.settle('b')]);
    scheduler.runSoon();
    const later = commits.settle('c');
    scheduler.runSoon();
    expect(transactions).toEqual([['a', 'b']]);
    scheduler.advance(COMMIT_RETRY_MS);
    await Promise.all([first, later]);
    expect([written, transactions.at(-1)]).toEqual([
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
    ]);
  });

  it('waits longer after each failed write, up to the cap', () => {
    failuresLeft = 10;
    const commits = batch();
    void commits.settle('a');
    scheduler.runSoon();
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      const wait = scheduler.pending()[0]?.inMs ?? 0;
      waits.push(wait);
      scheduler.advance(wait);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16000, COMMIT_RETRY_CAP_MS, COMMIT_RETRY_CAP_MS]);
  });

  it('logs the failure with the reason and, once written, that the queue can be written again', async () => {
    failuresLeft = 1;
    const commits = batch();
    const a = commits.settle('a');
    scheduler.runSoon();
    scheduler.advance(COMMIT_RETRY_MS);
    await a;
    expect(logger.entries.map((entry) => [entry.level, entry.message, entry.meta])).toEqual([
      [
        'error',
        'cannot record deliveries in the queue; retrying',
        {
          rows: 1,
          attempt: 1,
          retryInMs: COMMIT_RETRY_MS,
          error: expect.stringContaining('disk holding the data directory is full'),
        },
      ],
      ['warn', 'the queue can be written again', { after: 1 }],
    ]);
  });

  it('writes a batch waiting out a failure at once when stopping', async () => {
    failuresLeft = 1;
    const commits = batch();
    const a = commits.settle('a');
    scheduler.runSoon();
    commits.stop();
    await a;
    expect([written, scheduler.pending()]).toEqual([['a'], []]);
  });

  it('gives up a batch that cannot be written while stopping, leaving it unwritten', async () => {
    failuresLeft = 2;
    const commits = batch();
    const a = commits.settle('a');
    scheduler.runSoon();
    commits.stop();
    await a;
    expect([written, committed, logger.entries.at(-1)?.message]).toEqual([
      [],
      [],
      'stopping with deliveries not recorded; they are sent again at the next start',
    ]);
  });

  describe('group commit while rows are in flight', () => {
    it('waits for the other rows in flight to settle and writes them all in one transaction', () => {
      let inFlight = 4;
      const commits = batch(() => inFlight);
      for (const item of ['a', 'b', 'c']) void commits.settle(item);
      scheduler.runSoon();
      expect(transactions).toEqual([]);
      void commits.settle('d');
      inFlight = 4; // all four settled, none written yet: the batch is as large as what is in flight
      scheduler.runSoon();
      expect(transactions).toEqual([['a', 'b', 'c', 'd']]);
    });

    it('writes a lone row at once', () => {
      const commits = batch(() => 1);
      void commits.settle('a');
      scheduler.runSoon();
      expect(transactions).toEqual([['a']]);
    });

    it('writes what has settled after the wait, while a slow row is still in flight', () => {
      const commits = batch(() => 3);
      void commits.settle('a');
      void commits.settle('b');
      scheduler.runSoon();
      expect(transactions).toEqual([]);
      scheduler.advance(GROUP_COMMIT_WAIT_MS);
      scheduler.runSoon();
      expect(transactions).toEqual([['a', 'b']]);
    });

    it('waits for no more than GROUP_COMMIT_ROWS settlements', () => {
      const commits = batch(() => 10 * GROUP_COMMIT_ROWS);
      const items = Array.from({ length: GROUP_COMMIT_ROWS }, (_, i) => `r${i}`);
      for (const item of items) void commits.settle(item);
      scheduler.runSoon();
      expect(transactions).toEqual([items]);
    });
  });
});
