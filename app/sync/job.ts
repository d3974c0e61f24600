/**
 * What an outbox handler returns: handlers never throw to the runner; they
 * say how the row settles and what state changes with it, and the runner commits both at once.
 */
import type { Anchor, AnchorState } from '../core/types.js';
import type { NewAuditEntry, OutboxRow } from '../store/index.js';

export type Settlement =
  | {
      readonly outcome: 'done';
      /** Anchor to store (create/update/adopt) or remove (delete), in the same transaction. */
      readonly anchor?: { readonly save: AnchorState } | { readonly remove: Anchor } | undefined;
      readonly audit?: NewAuditEntry | undefined;
    }
  | {
      readonly outcome: 'retry';
      readonly error: string;
      /** pascom's Retry-After, honoured by the backoff. */
      readonly retryAfterMs?: number | undefined;
      /** A push whose outcome is unknown: remember what was sent (a tentative anchor) for the next plan. */
      readonly anchor?: { readonly save: AnchorState } | undefined;
    }
  | {
      readonly outcome: 'dead';
      readonly error: string;
      readonly audit?: NewAuditEntry | undefined;
      /** The error behind it, for a handler that can still recover (never stored). */
      readonly cause?: unknown;
    };

export type JobHandler = (row: OutboxRow) => Promise<Settlement>;

/** Handlers by outbox `kind`. An unknown kind settles as dead, never crashes the runner. */
export type JobHandlers = Readonly<Record<string, JobHandler>>;
