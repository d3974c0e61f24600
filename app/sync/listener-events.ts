/**
 * Listener events in the outbox (kind `event`): ingested durably in one transaction together
 * with the source's resume point (sync cookie, translog id), so a crash between the two can
 * neither lose an event nor skip one. Rows of one user coalesce: a pending event carries the user's whole
 * latest state, so a newer one replaces it.
 */
import { z } from 'zod';
import type { Anchor, ChangeEvent } from '../core/types.js';
import type { Store } from '../store/index.js';
import { STATUS_KEYS } from './status.js';

export const EVENT_KIND = 'event';

/** An App Center listener file says "this object changed": its state is read from LDAP when handled. */
export interface RefreshEvent {
  readonly kind: 'refresh';
  readonly uuid: Anchor;
  readonly dn?: string | undefined;
}

export type ListenerEvent = ChangeEvent | RefreshEvent;

const directoryUserSchema = z.object({
  uuid: z.string(),
  dn: z.string(),
  attributes: z.record(z.string(), z.array(z.string()).readonly()),
});

const listenerEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('upsert'), uuid: z.string(), user: directoryUserSchema }),
  z.object({ kind: z.literal('gone'), uuid: z.string(), dn: z.string().optional() }),
  z.object({ kind: z.literal('refresh'), uuid: z.string(), dn: z.string().optional() }),
]);

/** The payload of an `event` row, checked before the handler sees it. */
export const eventPayloadSchema = z.object({
  event: listenerEventSchema,
  /** `syncrepl`, `translog`, `poll`, `appcenter`. */
  source: z.string(),
  /** When the listener saw the change (ms): the start of the change-to-pascom latency. */
  seenAt: z.number(),
});

export type EventPayload = z.infer<typeof eventPayloadSchema>;

const eventTimingSchema = eventPayloadSchema.pick({ source: true, seenAt: true });

/** Where and when an `event` row's change was seen (for the latency metric); undefined for a payload without them. */
export function eventTiming(payload: string): { readonly source: string; readonly seenAt: number } | undefined {
  try {
    const parsed = eventTimingSchema.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export interface IngestOptions {
  readonly source: string;
  readonly nowMs: number;
  /** The resume point that becomes valid once these events are stored (kv key and value). */
  readonly checkpoint?: { readonly key: string; readonly value: string } | undefined;
}

/** Stores events and the checkpoint atomically. Returns how many events were stored. */
export function ingestEvents(store: Store, events: readonly ListenerEvent[], options: IngestOptions): number {
  store.transaction(() => {
    for (const event of events) {
      const payload: EventPayload = { event, source: options.source, seenAt: options.nowMs };
      store.outbox.enqueue(
        { uuid: event.uuid, kind: EVENT_KIND, payload, source: options.source, coalesce: true },
        options.nowMs,
      );
    }
    if (options.checkpoint !== undefined) store.kv.set(options.checkpoint.key, options.checkpoint.value);
    if (events.length > 0) store.kv.set(STATUS_KEYS.lastEventAt, String(options.nowMs));
  });
  return events.length;
}
