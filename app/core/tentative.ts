/**
 * An anchor whose last push has no known outcome (a create or rename whose answer was lost)
 * is settled against what pascom holds now: the identity under the login that was sent, else
 * under the login it had before, else none. Without this, a user changed again before the retry
 * would be created a second time next to the identity the lost request made.
 */
import type { AnchorState, PascomRecord } from './types.js';

export interface ResolvedAnchor {
  readonly anchor: AnchorState;
  /** What pascom holds for the user now; undefined when it holds nothing. */
  readonly current: PascomRecord | undefined;
}

/** `lookup` finds an identity by login (a map of pascom's list, or a GET). */
export function resolveTentative(
  anchor: AnchorState,
  lookup: (login: string) => PascomRecord | undefined,
): ResolvedAnchor {
  const sent = lookup(anchor.login);
  if (sent !== undefined) return { anchor: { ...anchor, tentativeFrom: undefined }, current: sent };
  const before =
    anchor.tentativeFrom === '' || anchor.tentativeFrom === undefined ? undefined : lookup(anchor.tentativeFrom);
  if (before !== undefined) {
    return {
      anchor: { ...anchor, login: anchor.tentativeFrom ?? anchor.login, tentativeFrom: undefined },
      current: before,
    };
  }
  // Neither exists: the push never happened (or the identity was deleted since). The anchor
  // stays tentative, so what the plan makes of it (a create, or a delete of nothing) is sent.
  return { anchor, current: undefined };
}
