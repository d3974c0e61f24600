import { describe, expect, it } from 'vitest';
import type { NotifierPort } from '../../../listener/translog/notifier-client.js';
import {
  TranslogSource,
  type TranslogEvent,
  type TranslogObjects,
  type TranslogReader,
  type TranslogStatus,
  type TranslogTransaction,
} from '../../../listener/translog/translog-source.js';

const base = 'cn=users,dc=example,dc=intranet';
const dnOf = (name: string): string => `uid=${name},${base}`;

/** A translog in memory: ids → transactions; `current` is what the notifier (or a probe) reports. */
class FakeTranslog implements TranslogReader {
  readonly entries = new Map<number, TranslogTransaction>();
  readonly reads: Array<{ afterId: number; limit: number }> = [];
  current = 0;

  add(type: string, dn: string): number {
    const id = this.current + 1;
    this.entries.set(id, { id, dn, type });
    this.current = id;
    return id;
  }

  /** An id that was handed out but never written. */
  hole(): number {
    this.current += 1;
    return this.current;
  }

  async readTransactions(afterId: number, limit: number): Promise<TranslogTransaction[]> {
    this.reads.push({ afterId, limit });
    const found: TranslogTransaction[] = [];
    for (let id = afterId + 1; id <= afterId + limit; id++) {
      const entry = this.entries.get(id);
      if (entry !== undefined) found.push(entry);
    }
    return found;
  }

  async currentId(): Promise<number> {
    return this.current;
  }
}

/** Users now in the directory (DN → uuid) and the anchor table (DN → uuids). */
class FakeObjects implements TranslogObjects {
  readonly users = new Map<string, string>();
  readonly anchors = new Map<string, string[]>();
  readonly lookedUp: string[] = [];

  async usersAt(dns: readonly string[]): Promise<Map<string, string>> {
    this.lookedUp.push(...dns);
    return new Map(dns.flatMap((dn) => (this.users.has(dn) ? [[dn, this.users.get(dn) ?? '']] : [])));
  }

  anchoredAt(dn: string): readonly string[] {
    return this.anchors.get(dn.toLowerCase()) ?? [];
  }
}

interface Stored {
  readonly events: readonly TranslogEvent[];
  readonly lastId: number;
}

function harness(
  options: { checkpoint?: number; batchSize?: number; gapWaitMs?: number; notifier?: NotifierPort } = {},
) {
  const translog = new FakeTranslog();
  const objects = new FakeObjects();
  const stored: Stored[] = [];
  const warnings: Array<{ message: string; meta?: Record<string, unknown> }> = [];
  const statuses: TranslogStatus[] = [];
  const clock = { now: 1_000_000 };
  let checkpoint = options.checkpoint;
  const make = () =>
    new TranslogSource({
      reader: translog,
      objects,
      notifier: options.notifier,
      sink: (events, lastId) => {
        stored.push({ events, lastId });
        checkpoint = lastId;
      },
      loadCheckpoint: () => checkpoint,
      intervalMs: 100,
      batchSize: options.batchSize,
      gapWaitMs: options.gapWaitMs ?? 5000,
      logger: {
        warn: (message, meta) => warnings.push({ message, meta }),
        error: (message, meta) => warnings.push({ message, meta }),
      },
      onStatus: (status) => statuses.push(status),
      now: () => clock.now,
    });
  return { translog, objects, stored, warnings, statuses, clock, make, checkpoint: () => checkpoint };
}

const refresh = (uuid: string, dn: string): TranslogEvent => ({ kind: 'refresh', uuid, dn });

describe('TranslogSource: where it starts', () => {
  it('starts at the current id on first start and stores it without replaying history', async () => {
    const h = harness();
    h.translog.add('a', dnOf('old'));
    h.translog.add('m', dnOf('old'));
    await h.make().pollOnce();
    expect(h.stored).toEqual([{ events: [], lastId: 2 }]);
  });

  it('resumes after the stored id on restart, delivering what happened while it was down', async () => {
    const h = harness();
    h.objects.users.set(dnOf('offline'), 'u-offline');
    h.translog.add('a', dnOf('before'));
    await h.make().pollOnce();
    h.translog.add('a', dnOf('offline'));
    await h.make().pollOnce();
    expect(h.stored.at(-1)).toEqual({ events: [refresh('u-offline', dnOf('offline'))], lastId: 2 });
    expect(h.translog.reads.at(-1)).toEqual({ afterId: 1, limit: 1 });
  });

  it('follows from the current id with a warning when the translog id went backwards', async () => {
    const h = harness({ checkpoint: 50 });
    h.translog.add('a', dnOf('x'));
    await h.make().pollOnce();
    expect(h.checkpoint()).toBe(1);
    expect(h.warnings.map((w) => w.message)).toEqual([expect.stringContaining('went backwards')]);
  });
});

describe('TranslogSource: turning transactions into events', () => {
  it('refreshes the user now at the DN of an add or a modify, in transaction order', async () => {
    const h = harness({ checkpoint: 0 });
    h.objects.users.set(dnOf('anna'), 'u-anna');
    h.objects.users.set(dnOf('bert'), 'u-bert');
    h.translog.add('a', dnOf('anna'));
    h.translog.add('m', dnOf('bert'));
    await h.make().pollOnce();
    expect(h.stored).toEqual([
      { events: [refresh('u-anna', dnOf('anna')), refresh('u-bert', dnOf('bert'))], lastId: 2 },
    ]);
  });

  it('refreshes the managed user last seen at the DN of a delete, without reading the DN', async () => {
    const h = harness({ checkpoint: 0 });
    h.objects.anchors.set(dnOf('gone').toLowerCase(), ['u-gone']);
    h.translog.add('d', dnOf('gone'));
    await h.make().pollOnce();
    expect(h.stored).toEqual([{ events: [refresh('u-gone', dnOf('gone'))], lastId: 1 }]);
    expect(h.objects.lookedUp).toEqual([]);
  });

  it('refreshes a renamed user from both the old DN (r) and the new one (a)', async () => {
    const h = harness({ checkpoint: 0 });
    h.objects.anchors.set(dnOf('old').toLowerCase(), ['u-1']);
    h.objects.users.set(dnOf('new'), 'u-1');
    h.translog.add('r', dnOf('old'));
    h.translog.add('a', dnOf('new'));
    await h.make().pollOnce();
    expect(h.stored).toEqual([{ events: [refresh('u-1', dnOf('new'))], lastId: 2 }]);
  });

  it('refreshes both the anchored user and a different user now at a reused DN', async () => {
    const h = harness({ checkpoint: 0 });
    h.objects.anchors.set(dnOf('reused').toLowerCase(), ['u-before']);
    h.objects.users.set(dnOf('reused'), 'u-now');
    h.translog.add('m', dnOf('reused'));
    await h.make().pollOnce();
    expect(h.stored[0]?.events).toEqual([refresh('u-before', dnOf('reused')), refresh('u-now', dnOf('reused'))]);
  });

  it('sends one refresh per user, at the place of its last transaction', async () => {
    const h = harness({ checkpoint: 0 });
    h.objects.users.set(dnOf('a'), 'u-a');
    h.objects.users.set(dnOf('b'), 'u-b');
    h.translog.add('m', dnOf('a'));
    h.translog.add('m', dnOf('b'));
    h.translog.add('m', dnOf('a'));
    await h.make().pollOnce();
    expect(h.stored[0]?.events.map((e) => e.uuid)).toEqual(['u-b', 'u-a']);
  });

  it('advances past transactions about other objects without events', async () => {
    const h = harness({ checkpoint: 0 });
    h.translog.add('m', 'cn=Domain Users,cn=groups,dc=example,dc=intranet');
    await h.make().pollOnce();
    expect(h.stored).toEqual([{ events: [], lastId: 1 }]);
  });
});

describe('TranslogSource: batches', () => {
  it('reads at most batchSize transactions per round and stores each batch with its last id', async () => {
    const h = harness({ checkpoint: 0, batchSize: 2 });
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      h.objects.users.set(dnOf(name), `u-${name}`);
      h.translog.add('a', dnOf(name));
    }
    await h.make().pollOnce();
    expect(h.translog.reads).toEqual([
      { afterId: 0, limit: 2 },
      { afterId: 2, limit: 2 },
      { afterId: 4, limit: 1 },
    ]);
    expect(h.stored.map((s) => [s.lastId, s.events.map((e) => e.uuid)])).toEqual([
      [2, ['u-a', 'u-b']],
      [4, ['u-c', 'u-d']],
      [5, ['u-e']],
    ]);
  });
});

describe('TranslogSource: missing ids', () => {
  function withHole() {
    const h = harness({ checkpoint: 0, gapWaitMs: 5000 });
    h.objects.users.set(dnOf('before'), 'u-before');
    h.objects.users.set(dnOf('after'), 'u-after');
    h.translog.add('a', dnOf('before'));
    const hole = h.translog.hole();
    h.translog.add('a', dnOf('after'));
    return { h, hole };
  }

  it('delivers up to a hole and holds there while it is young', async () => {
    const { h } = withHole();
    const held = await h.make().pollOnce();
    expect(held).toBe(true);
    expect(h.stored).toEqual([{ events: [refresh('u-before', dnOf('before'))], lastId: 1 }]);
  });

  it('uses a hole filled in time', async () => {
    const { h, hole } = withHole();
    const source = h.make();
    await source.pollOnce();
    h.objects.users.set(dnOf('late'), 'u-late');
    h.translog.entries.set(hole, { id: hole, dn: dnOf('late'), type: 'a' });
    await source.pollOnce();
    expect(h.stored.at(-1)).toEqual({
      events: [refresh('u-late', dnOf('late')), refresh('u-after', dnOf('after'))],
      lastId: 3,
    });
  });

  it('skips a hole after gapWaitMs and says so', async () => {
    const { h, hole } = withHole();
    const source = h.make();
    await source.pollOnce();
    h.clock.now += 5000;
    const held = await source.pollOnce();
    expect(held).toBe(false);
    expect(h.stored.at(-1)).toEqual({ events: [refresh('u-after', dnOf('after'))], lastId: 3 });
    expect(h.warnings).toEqual([
      { message: expect.stringContaining('missing'), meta: expect.objectContaining({ first: hole, last: hole }) },
    ]);
  });

  it('waits only once for a hole longer than a batch', async () => {
    const h = harness({ checkpoint: 0, batchSize: 2, gapWaitMs: 1000 });
    for (let i = 0; i < 5; i++) h.translog.hole();
    h.objects.users.set(dnOf('after'), 'u-after');
    h.translog.add('a', dnOf('after'));
    const source = h.make();
    expect(await source.pollOnce()).toBe(true);
    h.clock.now += 1000;
    expect(await source.pollOnce()).toBe(false);
    expect(h.stored.at(-1)).toEqual({ events: [refresh('u-after', dnOf('after'))], lastId: 6 });
    expect(h.warnings).toHaveLength(1);
  });

  it('treats missing ids at the end of the range as a hole too', async () => {
    const h = harness({ checkpoint: 0, gapWaitMs: 1000 });
    h.translog.add('m', dnOf('x'));
    h.translog.hole();
    const source = h.make();
    expect(await source.pollOnce()).toBe(true);
    expect(h.checkpoint()).toBe(1);
    h.clock.now += 1000;
    expect(await source.pollOnce()).toBe(false);
    expect(h.checkpoint()).toBe(2);
  });
});

describe('TranslogSource: notifier', () => {
  const down: NotifierPort = {
    currentId: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6669')),
    waitFor: () => Promise.reject(new Error('not connected')),
    close: () => undefined,
  };

  it('takes the current id from the notifier when it answers', async () => {
    const h = harness({
      checkpoint: 0,
      notifier: {
        currentId: () => Promise.resolve(1),
        waitFor: () => Promise.resolve(undefined),
        close: () => undefined,
      },
    });
    h.translog.add('m', dnOf('x'));
    h.translog.add('m', dnOf('later'));
    await h.make().pollOnce();
    expect(h.checkpoint()).toBe(1);
    expect(h.statuses.at(-1)?.state).toBe('live');
  });

  it('polls the translog when the notifier is unreachable and reports why', async () => {
    const h = harness({ checkpoint: 0, notifier: down });
    h.objects.users.set(dnOf('x'), 'u-x');
    h.translog.add('a', dnOf('x'));
    await h.make().pollOnce();
    expect(h.stored).toEqual([{ events: [refresh('u-x', dnOf('x'))], lastId: 1 }]);
    expect(h.statuses.at(-1)).toEqual({ state: 'polling', reason: expect.stringContaining('ECONNREFUSED') });
  });

  it('tries the notifier again only after a backoff', async () => {
    let calls = 0;
    const counting: NotifierPort = { ...down, currentId: () => ((calls += 1), down.currentId()) };
    const h = harness({ checkpoint: 0, notifier: counting });
    const source = h.make();
    await source.pollOnce();
    await source.pollOnce();
    expect(calls).toBe(1);
    h.clock.now += 60_000;
    await source.pollOnce();
    expect(calls).toBe(2);
  });
});
