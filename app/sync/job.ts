/**
 * What an outbox handler returns: handlers never throw to the runner; they
 * say how the row settles and what state changes with it, and the runner commits both at once.
 */
import type { z } from 'zod';
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
      /**
       * Nothing reached pascom (the connector stopped first): the row waits again as it was, its
       * attempt not counted, and goes out after the restart.
       */
      readonly outcome: 'release';
      readonly reason: string;
    }
  | {
      readonly outcome: 'dead';
      readonly error: string;
      readonly audit?: NewAuditEntry | undefined;
      /** The error behind it, for a handler that can still recover (never stored). */
      readonly cause?: unknown;
    };

/** Handles one row whose payload passed the kind's schema; says how the row settles. */
export type JobHandler<P> = (payload: P, row: OutboxRow) => Promise<Settlement>;

/**
 * One kind of outbox job: rows of `kind` carry a payload `payload` accepts, and `handle` gets it
 * parsed. A row whose payload the schema refuses never reaches `handle`: it becomes a dead letter.
 */
export interface JobKind<P> {
  readonly kind: string;
  readonly payload: z.ZodType<P>;
  readonly handle: JobHandler<P>;
}
