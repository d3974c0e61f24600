import { describe, expect, it } from 'vitest';

import { EventBatcher } from '../../../../listener/syncrepl/event-batcher.js';
import type { SyncSinkEvent } from '../../../../listener/syncrepl/refresh-tracker.js';

const gone = (n: number): SyncSinkEvent => ({ kind: 'gone', uuid: `uuid-${n}` });

function setup(sink: (events: readonly SyncSinkEvent[], cookie: string | undefined) => Promise<void>, highWater = 4) {
  const flow: string[] = [];
  const failures: unknown[] = [];
  const batcher = new EventBatcher(
    sink,
    { pause: () => flow.push('pause'), resume: () => flow.push('resume') },
    (error) => failures.push(error),
    highWater,
  );
  return { batcher, flow, failures };
}

describe('EventBatcher', () => {
  it('merges events added in the same turn into one sink call with the newest cookie', async () => {
    const calls: [number, string | undefined][] = [];
    const { batcher } = setup(async (events, cookie) => void calls.push([events.length, cookie]), 100);
    batcher.add([gone(1)], 'c1');
    batcher.add([gone(2), gone(3)], undefined);
    batcher.add([], 'c3');
    await batcher.drain();
    expect(calls).toEqual([[3, 'c3']]);
  });

  it('never overlaps sink calls, keeping the order of arrival', async () => {
    const seen: string[] = [];
    let active = 0;
    const { batcher } = setup(async (events) => {
      active += 1;
      expect(active).toBe(1);
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(...events.map((event) => (event.kind === 'presentSet' ? 'presentSet' : event.uuid)));
      active -= 1;
    }, 100);
    batcher.add([gone(1)], undefined);
    await new Promise((resolve) => setImmediate(resolve));
    batcher.add([gone(2)], undefined);
    await batcher.drain();
    expect(seen).toEqual(['uuid-1', 'uuid-2']);
  });

  it('pauses the socket above the high-water mark and resumes once the backlog is stored', async () => {
    const { batcher, flow } = setup(async () => undefined, 4);
    batcher.add([gone(1), gone(2), gone(3), gone(4)], undefined);
    expect(flow).toEqual(['pause']);
    await batcher.drain();
    expect(flow).toEqual(['pause', 'resume']);
  });

  it('reports a failing sink once and drops everything after the failed batch', async () => {
    let calls = 0;
    const { batcher, failures } = setup(async () => {
      calls += 1;
      throw new Error('disk full');
    }, 100);
    batcher.add([gone(1)], 'c1');
    await batcher.drain();
    batcher.add([gone(2)], 'c2');
    await batcher.drain();
    expect(calls).toBe(1);
    expect(failures).toHaveLength(1);
  });
});
