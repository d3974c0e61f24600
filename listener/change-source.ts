/**
 * What every change source (syncrepl, translog, poll) looks like to the runtime that runs it:
 * started and stopped, it hands its events to an `EventSink` and says what it is doing through a
 * status callback. A source never sees the store: the sink makes its events durable together
 * with its resume point, in one transaction.
 */
import type { Config } from '../app/config/schema.js';
import type { ListenerEvent } from '../app/sync/listener-events.js';

/** `listener.mode` as configured: `auto` or one mode. */
export type ConfiguredMode = Config['listener']['mode'];

/** What the listener does: a source it follows, App Center files only, or waiting for the first Import. */
export type ListenerMode = Exclude<ConfiguredMode, 'auto'> | 'waiting';

/** The modes with a source the runtime starts itself. */
export type SourceMode = Exclude<ListenerMode, 'appcenter' | 'waiting'>;

/** The resume point (kv key and value) that becomes valid once the events with it are stored. */
export interface Checkpoint {
  readonly key: string;
  readonly value: string;
}

/**
 * Makes `events` and `checkpoint` durable in one transaction (undefined: keep the stored one).
 * It throws when that fails: nothing was stored, and the source reads the events again.
 */
export type EventSink = (
  events: readonly ListenerEvent[],
  source: SourceMode,
  checkpoint: Checkpoint | undefined,
) => void;

/** The listener's mode and why, as `status` and the page show them. */
export type StatusSink = (mode: ListenerMode, reason: string) => void;

export interface ChangeSource {
  readonly mode: SourceMode;
  /** Starts following in the background; failures go to the status callback, never to the caller. */
  start(): void;
  /** Stops; resolves once the last batch reached the sink. */
  stop(): Promise<void>;
}

/** The mode chosen and why (the text `status` and the page show). */
export interface ModeChoice {
  readonly mode: Exclude<ListenerMode, 'waiting'>;
  readonly reason: string;
}
