/**
 * What a sync search reports, one event per protocol message (RFC 4533 §3), in wire order.
 * Exactly one terminal event (`done` or `error`) ends a connection's stream, unless the
 * caller closed it.
 */
import type { LdapError } from '../../app/ldap/errors.js';

export type SyncEvent =
  /** An entry with its attributes (`add`/`modify`), or only its DN (`present`, refresh phase). */
  | {
      readonly type: 'entry';
      readonly state: 'add' | 'modify' | 'present';
      readonly uuid: string;
      readonly dn: string;
      readonly attributes: Readonly<Record<string, string[]>>;
      readonly cookie?: string | undefined;
    }
  | {
      readonly type: 'delete';
      readonly uuid: string;
      readonly dn?: string | undefined;
      readonly cookie?: string | undefined;
    }
  /** The end of a present phase (`present`) or delete phase (`refreshDelete`) of the refresh. */
  | { readonly type: 'present' | 'refreshDelete'; readonly refreshDone: boolean; readonly cookie?: string | undefined }
  /** Many uuids at once: deleted ones (`refreshDeletes`) or present ones. */
  | {
      readonly type: 'idSet';
      readonly uuids: readonly string[];
      readonly refreshDeletes: boolean;
      readonly cookie?: string | undefined;
    }
  | { readonly type: 'cookie'; readonly cookie: string }
  /** The refresh stage is over; the persist stage (if requested) begins. Follows a phase event. */
  | { readonly type: 'refreshDone' }
  /** SearchResultDone with success (refreshOnly, or the server ended a persist search). */
  | {
      readonly type: 'done';
      readonly code: number;
      readonly cookie?: string | undefined;
      readonly refreshDeletes: boolean;
    }
  | { readonly type: 'error'; readonly error: LdapError };

export type SyncEventHandler = (event: SyncEvent) => void;
