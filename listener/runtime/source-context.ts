/**
 * What the runtime hands each source it builds: the settings, narrow reads of the state store
 * and the two ports a source writes through (events, status).
 */
import type { Config } from '../../app/config/schema.js';
import type { ManagedAnchor } from '../../app/core/present-set.js';
import type { Logger } from '../../app/core/ports.js';
import type { SyncRules } from '../../app/core/rules.js';
import type { Anchor } from '../../app/core/types.js';
import type { UcsDirectory } from '../../app/directory/index.js';
import type { EventSink } from '../change-source.js';
import { TRANSLOG_CHECKPOINT_KEY } from '../translog/translog-source.js';

/** The kv keys of the sources' resume points. */
export const CHECKPOINT_KEYS = {
  syncrepl: 'syncrepl.cookie',
  poll: 'poll.modifyTimestamp',
  translog: TRANSLOG_CHECKPOINT_KEY,
} as const;

/** What the sources read of the state store. */
export interface SourceState {
  /** The resume point stored under `key`, if any. */
  checkpoint(key: string): string | undefined;
  /** Drops it: the source starts over (a sync refresh from scratch). */
  forgetCheckpoint(key: string): void;
  /** Every managed user, streamed from the store in chunks. */
  managedAnchors(): Iterable<ManagedAnchor>;
  /** Managed users whose last known DN is `dn` (case-insensitive). */
  anchoredAt(dn: string): readonly Anchor[];
}

export type SourceDirectory = Pick<UcsDirectory, 'changedSince' | 'enabledUuids' | 'usersAt' | 'readEntries'>;

export interface SourceContext {
  readonly config: Config;
  readonly rules: SyncRules;
  readonly directory: SourceDirectory;
  readonly state: SourceState;
  readonly logger: Logger;
  readonly sink: EventSink;
  /** The source's state in words, recorded as the listener reason. */
  readonly status: (reason: string) => void;
}
