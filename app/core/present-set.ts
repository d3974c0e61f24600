/**
 * The delete guard of a sync refresh's present phase. A present set lists every user still in
 * the filter, so a managed user missing from it is gone. So many at once that they exceed
 * `deletes.maxPerRun` smells of a broken filter or base: they are held back and left to a full
 * sync, where the admin must confirm them.
 *
 * The anchors arrive as an iterable so a caller can stream them from the store in chunks: only
 * the missing ones are kept, and at most `maxPerRun + 1` of them.
 */
import type { Anchor, ChangeEvent } from './types.js';

/** What the guard needs of a managed user. */
export interface ManagedAnchor {
  readonly uuid: Anchor;
  readonly dn: string;
}

/** The present uuids (lower-case entryUUIDs), in whatever form the caller keeps them. */
export interface PresentUuids {
  has(uuid: Anchor): boolean;
}

export type PresentSetOutcome =
  | { readonly kind: 'gone'; readonly events: ChangeEvent[] }
  | { readonly kind: 'heldBack'; readonly gone: number; readonly maxPerRun: number };

export function goneFromPresentSet(
  anchors: Iterable<ManagedAnchor>,
  present: PresentUuids,
  maxPerRun: number,
): PresentSetOutcome {
  const events: ChangeEvent[] = [];
  let gone = 0;
  for (const anchor of anchors) {
    if (present.has(anchor.uuid)) continue;
    gone += 1;
    if (gone <= maxPerRun) events.push({ kind: 'gone', uuid: anchor.uuid, dn: anchor.dn });
  }
  if (gone > maxPerRun) return { kind: 'heldBack', gone, maxPerRun };
  return { kind: 'gone', events };
}
