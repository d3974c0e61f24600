/** The change latency on /metrics: from the moment a listener saw a change to the moment pascom took it. */
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorMetrics } from '../../../app/serve/metrics.js';
import { Store } from '../../../app/store/index.js';
import { EVENT_KIND } from '../../../app/sync/listener-events.js';
import { inflightRow } from '../../fixtures/outbox-row.js';

let store: Store | undefined;
afterEach(() => store?.close());

const eventRow = (payload: string) => inflightRow(EVENT_KIND, payload, 'syncrepl');

async function latencyLines(payload: string, nowMs: number): Promise<string[]> {
  const opened = Store.open(':memory:');
  store = opened;
  const metrics = new ConnectorMetrics(
    () => opened,
    () => nowMs,
  );
  metrics.settled({ row: eventRow(payload), settlement: { outcome: 'done' } }, nowMs);
  const { body } = await metrics.render();
  return body.split('\n').filter((line) => /^pascom_connector_change_latency_seconds_(sum|count)/.test(line));
}

describe('ConnectorMetrics change latency', () => {
  it('observes the time since the listener saw the change, by source', async () => {
    const payload = JSON.stringify({ event: { kind: 'gone', uuid: 'u-1' }, source: 'syncrepl', seenAt: 1000 });
    expect(await latencyLines(payload, 3500)).toEqual([
      'pascom_connector_change_latency_seconds_sum{source="syncrepl"} 2.5',
      'pascom_connector_change_latency_seconds_count{source="syncrepl"} 1',
    ]);
  });

  it('observes nothing, and does not fail, for an event row without a readable time', async () => {
    expect(await latencyLines('{"event": {"kind": "gone"', 3500)).toEqual([]);
  });
});
