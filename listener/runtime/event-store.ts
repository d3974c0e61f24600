/**
 * The runtime's two writers into the state store: the event sink every source writes through
 * (events and resume point in one transaction) and the listener status (mode and reason).
 */
import type { Logger } from '../../app/core/ports.js';
import type { Store } from '../../app/store/index.js';
import { describeStoreError, storageFailureOf } from '../../app/store/store-errors.js';
import { ingestEvents } from '../../app/sync/listener-events.js';
import { STATUS_KEYS } from '../../app/sync/status.js';
import type { EventSink, StatusSink } from '../change-source.js';

export interface EventStoreDeps {
  readonly store: Store;
  readonly dataDir: string;
  readonly logger: Logger;
  readonly now: () => number;
  /** Called after events were stored: the outbox runner claims them at once. */
  readonly delivered: (count: number, source: string) => void;
}

export function eventSinkOf(deps: EventStoreDeps): EventSink {
  return (events, source, checkpoint) => {
    let count: number;
    try {
      count = ingestEvents(deps.store, events, { source, nowMs: deps.now(), checkpoint });
    } catch (error) {
      // Nothing was stored and the resume point did not move: the source reads these events again.
      if (storageFailureOf(error) === undefined) throw error;
      throw new Error(`cannot store ${events.length} change(s): ${describeStoreError(error, deps.dataDir)}`, {
        cause: error,
      });
    }
    if (count > 0) deps.delivered(count, source);
  };
}

/**
 * Records the mode and why, for `status` and the page. It is called from the sources' status
 * callbacks, so it never throws: a full disk would otherwise end the listener.
 */
export function statusSinkOf(deps: Omit<EventStoreDeps, 'now' | 'delivered'>): StatusSink {
  return (mode, reason) => {
    try {
      deps.store.transaction(() => {
        deps.store.kv.set(STATUS_KEYS.listenerMode, mode);
        deps.store.kv.set(STATUS_KEYS.listenerReason, reason);
      });
    } catch (error) {
      deps.logger.error('cannot record the listener status', {
        mode,
        reason,
        error: describeStoreError(error, deps.dataDir),
      });
    }
  };
}
