/**
 * The RFC 4533 client state machine for one sync search (pure: no I/O). It turns the
 * connection's `SyncEvent`s into what the caller must make durable, and says which cookie
 * becomes valid once that is durable.
 *
 * Present semantics: the tracker collects every uuid the refresh reports (present, add, modify,
 * syncIdSet without refreshDeletes) and hands the caller `{kind:'presentSet', uuids}` when a
 * present phase ends; the caller deletes every uuid it knows that is not in the set. This keeps
 * the source free of the caller's storage, and lets the caller compute and apply those deletes
 * in the same transaction that stores the cookie. A refresh that started without a cookie
 * delivers the complete content, so it ends with a presentSet too, whichever phase the server
 * reports (slapd ends such a refresh with refreshDelete).
 *
 * Cookies seen during the refresh are held back until the refresh ends: committing one earlier
 * would let a reconnect skip the deletes that only the end of a present phase reveals.
 */
import type { Anchor, ChangeEvent } from '../../app/core/types.js';
import type { SyncEvent } from './sync-events.js';
import { UuidSet } from './uuid-set.js';

/** The uuids a present phase listed (compact: a refresh of 90,000 users notes every one). */
export interface PresentUuids extends Iterable<Anchor> {
  readonly size: number;
  has(uuid: Anchor): boolean;
}

export type SyncSinkEvent = ChangeEvent | { readonly kind: 'presentSet'; readonly uuids: PresentUuids };

export interface TrackerOutput {
  readonly events: SyncSinkEvent[];
  /** The cookie valid once `events` (and everything before) are durable; undefined: keep the stored one. */
  readonly cookie: string | undefined;
}

export class RefreshTracker {
  private refreshing = true;
  /** Handed to the caller with the presentSet event; undefined once handed over (nothing more to collect). */
  private present: UuidSet | undefined = new UuidSet();
  private heldCookie: string | undefined;

  constructor(private readonly startedWithCookie: boolean) {}

  /** True once the refresh stage is over and changes stream live. */
  get persisting(): boolean {
    return !this.refreshing;
  }

  handle(event: SyncEvent): TrackerOutput {
    switch (event.type) {
      case 'entry':
        this.note(event.uuid);
        if (event.state === 'present') return this.out([], event.cookie);
        return this.out(
          [
            {
              kind: 'upsert',
              uuid: event.uuid,
              user: { uuid: event.uuid, dn: event.dn, attributes: event.attributes },
            },
          ],
          event.cookie,
        );
      case 'delete':
        this.present?.delete(event.uuid);
        return this.out([{ kind: 'gone', uuid: event.uuid, dn: event.dn }], event.cookie);
      case 'idSet':
        if (!event.refreshDeletes) {
          for (const uuid of event.uuids) this.note(uuid);
          return this.out([], event.cookie);
        }
        for (const uuid of event.uuids) this.present?.delete(uuid);
        return this.out(
          event.uuids.map((uuid) => ({ kind: 'gone', uuid })),
          event.cookie,
        );
      case 'cookie':
        return this.out([], event.cookie);
      case 'present':
        return this.endPhase(true, event.refreshDone, event.cookie);
      case 'refreshDelete':
        return this.endPhase(false, event.refreshDone, event.cookie);
      case 'done':
        return this.refreshing ? this.endPhase(!event.refreshDeletes, true, event.cookie) : this.out([], event.cookie);
      case 'refreshDone':
      case 'error':
        return { events: [], cookie: undefined };
    }
  }

  private note(uuid: Anchor): void {
    if (this.refreshing) this.present?.add(uuid);
  }

  private endPhase(presentPhase: boolean, refreshDone: boolean, cookie: string | undefined): TrackerOutput {
    const events: SyncSinkEvent[] = [];
    const complete = presentPhase || (refreshDone && !this.startedWithCookie);
    if (this.refreshing && complete && this.present !== undefined) {
      // Handed over, not copied: the set is not needed here any more, and the caller releases it
      // once the deletes are computed.
      events.push({ kind: 'presentSet', uuids: this.present });
      this.present = undefined;
    }
    if (refreshDone) {
      this.refreshing = false;
      this.present = undefined;
    }
    return this.out(events, cookie);
  }

  private out(events: SyncSinkEvent[], cookie: string | undefined): TrackerOutput {
    if (cookie !== undefined) this.heldCookie = cookie;
    if (this.refreshing) return { events, cookie: undefined };
    const released = this.heldCookie;
    this.heldCookie = undefined;
    return { events, cookie: released };
  }
}
