/**
 * The fallback change source: polls `modifyTimestamp` for changed users and
 * reconciles the enabled set periodically, because polling cannot see deletions. A changed user
 * becomes a `refresh` event (its state and filter membership are read when it is handled), so a
 * user who was deactivated is seen as gone as well. The checkpoint is the newest
 * `modifyTimestamp` seen; it is stored with the events, so a restart resumes where it left off.
 */
import type { Anchor } from '../app/core/types.js';

export interface PollDirectory {
  /** Users (any, enabled or not) with `modifyTimestamp >= since` (GeneralizedTime), or all when undefined. */
  changedSince(
    since: string | undefined,
  ): Promise<Array<{ uuid: Anchor; dn: string; modifyTimestamp: string | undefined }>>;
  /** entryUUIDs of every user matching the user filter. */
  enabledUuids(): Promise<Set<Anchor>>;
}

export type PollEvent =
  | { readonly kind: 'refresh'; readonly uuid: Anchor; readonly dn: string }
  | { readonly kind: 'gone'; readonly uuid: Anchor };

export interface PollSink {
  /** Stores the events and the new checkpoint atomically. */
  (events: readonly PollEvent[], checkpoint: string | undefined): Promise<void> | void;
}

export interface PollSourceOptions {
  readonly directory: PollDirectory;
  readonly sink: PollSink;
  /** The checkpoint stored last (newest modifyTimestamp delivered). */
  readonly loadCheckpoint: () => string | undefined;
  /** Anchors the connector manages: those missing from the enabled set are gone. */
  readonly knownUuids: () => Iterable<Anchor>;
  readonly intervalMs: number;
  /** Reconcile deletions every n-th poll (default 12). */
  readonly reconcileEvery?: number | undefined;
  readonly onError: (error: unknown) => void;
}

/** GeneralizedTime strings of one format (`YYYYMMDDHHMMSSZ`) order lexically. */
function newest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}

export class PollSource {
  private timer: NodeJS.Timeout | undefined;
  private polls = 0;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: PollSourceOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.running;
  }

  /** One poll: changed users since the checkpoint, plus deletions every few polls. */
  async pollOnce(): Promise<void> {
    const { directory, sink } = this.options;
    const since = this.options.loadCheckpoint();
    const changed = await directory.changedSince(since);
    // `>=` returns the checkpoint second again: re-delivering is harmless (unchanged users send nothing).
    const events: PollEvent[] = changed.map((u) => ({ kind: 'refresh', uuid: u.uuid, dn: u.dn }));
    const checkpoint = changed.reduce<string | undefined>((acc, u) => newest(acc, u.modifyTimestamp), since);
    this.polls += 1;
    if (since === undefined || this.polls % (this.options.reconcileEvery ?? 12) === 0) {
      const enabled = await directory.enabledUuids();
      for (const uuid of this.options.knownUuids()) if (!enabled.has(uuid)) events.push({ kind: 'gone', uuid });
    }
    if (events.length > 0 || checkpoint !== since) await sink(events, checkpoint);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pollOnce()
        .catch((error: unknown) => this.options.onError(error))
        .finally(() => this.schedule(this.options.intervalMs));
    }, delayMs);
    this.timer.unref?.();
  }
}
