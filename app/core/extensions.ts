/**
 * Extension allocation: stable numbers, first claimant wins, a pool for users
 * without a phone number. The same function serves a whole plan and the listener's single user.
 *
 * Order of decisions for each claimant:
 * 1. Wish: the phone-derived candidate when there is one (a changed phone number wins over the
 *    stored extension: "until its source changes") — rejected, naming the rule, when it breaks
 *    one of pascom's extension rules (extension-rules.ts); else the stored extension if it lies
 *    in the pool range, pascom accepts it and nobody else holds it (a pool number stays while
 *    the user has no phone);
 *    else a pool draw (or no extension at all when no pool is configured). A stored number
 *    outside the pool came from a phone number the user no longer has, so it is let go.
 * 2. Per wished number: held by an identity the connector does not manage → every claimant is
 *    rejected, unless one of them adopts that identity (then it is the holder); held by a managed user → that user keeps it if it still wants it, and a holder
 *    that is not planned now (left the filter, rejected) keeps it too; a holder that is planned
 *    with another wish releases it. Otherwise the first claimant by login, then uuid, wins.
 * 3. Pool draws, by login then uuid, take the lowest number pascom accepts (never one starting
 *    with 0, a single digit, 110 or 112) held by nobody: no anchor, no pascom identity, no claim
 *    of this plan (released numbers included, so a number is never handed to a new user in the
 *    same run it was given up).
 */
import { extensionProblem, isAllowedExtension, type ExtensionProblem } from './extension-rules.js';
import {
  extensionConflict,
  extensionInvalid,
  extensionPoolExhausted,
  extensionTakenByUnmanaged,
  type Holder,
} from './reasons.js';
import type { ExtensionRule } from './rules.js';
import type { Anchor, Reason } from './types.js';

/** Extension → who holds it now. A holder without `uuid` is a pascom identity no anchor manages. */
export type TakenExtensions = ReadonlyMap<string, Holder>;

export interface ExtensionClaim {
  readonly uuid: Anchor;
  readonly dn: string;
  /** The login the user will have (for ordering and messages). */
  readonly login: string;
  /** The mapped value of the extension field (from the phone number); undefined when none. */
  readonly candidate: string | undefined;
  /** The extension the user holds now (its anchor's, or that of the identity it adopts). */
  readonly stored: string | undefined;
  /** The login of the unmanaged identity this user adopts: that identity's number counts as its own. */
  readonly adopts?: string | undefined;
  /** What `candidate` was read from (the phone number), for messages. */
  readonly phone?: string | undefined;
}

export type ExtensionOutcome =
  { readonly ok: true; readonly extension: string | undefined } | { readonly ok: false; readonly reason: Reason };

type Wish =
  | { readonly kind: 'number'; readonly extension: string }
  | { readonly kind: 'invalid'; readonly extension: string; readonly problem: ExtensionProblem }
  | { readonly kind: 'pool' | 'none' };

export function byLoginThenUuid(a: { login: string; uuid: string }, b: { login: string; uuid: string }): number {
  if (a.login !== b.login) return a.login < b.login ? -1 : 1;
  if (a.uuid !== b.uuid) return a.uuid < b.uuid ? -1 : 1;
  return 0;
}

function inPool(extension: string, rule: ExtensionRule): boolean {
  if (rule.pool === undefined || !isAllowedExtension(extension)) return false;
  const n = Number(extension);
  return n >= rule.pool.from && n <= rule.pool.to;
}

/**
 * Is `holder` this claimant itself: its anchor, the unmanaged identity it adopts, or an unmanaged
 * identity under the claimant's own login — its create whose answer was lost (a crash between
 * pascom's 201 and the commit), which the create's 409 path adopts rather than a rival's number.
 */
function owns(claim: ExtensionClaim, holder: Holder): boolean {
  if (holder.uuid !== undefined) return holder.uuid === claim.uuid;
  return holder.login === (claim.adopts ?? claim.login);
}

function wishOf(claim: ExtensionClaim, taken: TakenExtensions, rule: ExtensionRule): Wish {
  if (claim.candidate !== undefined && claim.candidate !== '') {
    const problem = extensionProblem(claim.candidate);
    if (problem !== undefined) return { kind: 'invalid', extension: claim.candidate, problem };
    return { kind: 'number', extension: claim.candidate };
  }
  const stored = claim.stored;
  if (stored !== undefined && inPool(stored, rule)) {
    const holder = taken.get(stored);
    if (holder === undefined || owns(claim, holder)) return { kind: 'number', extension: stored };
  }
  return rule.pool === undefined ? { kind: 'none' } : { kind: 'pool' };
}

function holderOf(claim: ExtensionClaim): Holder {
  return { uuid: claim.uuid, login: claim.login, dn: claim.dn };
}

/**
 * Decides the extension of every claimant. `field` is the extension field's name (for reasons).
 * Returns one outcome per claim uuid.
 */
export function allocateExtensions(
  claims: readonly ExtensionClaim[],
  taken: TakenExtensions,
  rule: ExtensionRule,
  field: string,
): Map<Anchor, ExtensionOutcome> {
  const ordered = [...claims].sort(byLoginThenUuid);
  const wishes = new Map<Anchor, Wish>(ordered.map((claim) => [claim.uuid, wishOf(claim, taken, rule)]));
  const outcomes = new Map<Anchor, ExtensionOutcome>();
  const used = new Set<string>();
  for (const [extension, group] of groupByWish(ordered, wishes)) {
    used.add(extension);
    resolveNumber(extension, group, { taken, wishes, field }, outcomes);
  }
  const drawing = ordered.filter((claim) => wishes.get(claim.uuid)?.kind === 'pool');
  drawFromPool(drawing, { taken, used, rule, field }, outcomes);
  for (const claim of ordered) {
    const wish = wishes.get(claim.uuid);
    if (wish?.kind === 'none') outcomes.set(claim.uuid, { ok: true, extension: undefined });
    if (wish?.kind === 'invalid') {
      const reason = extensionInvalid(field, wish.extension, wish.problem, claim.phone ?? '');
      outcomes.set(claim.uuid, { ok: false, reason });
    }
  }
  return outcomes;
}

function groupByWish(
  ordered: readonly ExtensionClaim[],
  wishes: ReadonlyMap<Anchor, Wish>,
): Map<string, ExtensionClaim[]> {
  const groups = new Map<string, ExtensionClaim[]>();
  for (const claim of ordered) {
    const wish = wishes.get(claim.uuid);
    if (wish?.kind !== 'number') continue;
    const group = groups.get(wish.extension);
    if (group === undefined) groups.set(wish.extension, [claim]);
    else group.push(claim);
  }
  return groups;
}

interface ResolveContext {
  readonly taken: TakenExtensions;
  readonly wishes: ReadonlyMap<Anchor, Wish>;
  readonly field: string;
}

/** `group` wants `extension` and is ordered by login, then uuid. */
function resolveNumber(
  extension: string,
  group: readonly ExtensionClaim[],
  ctx: ResolveContext,
  outcomes: Map<Anchor, ExtensionOutcome>,
): void {
  const holder = ctx.taken.get(extension);
  const owner = holder === undefined ? undefined : group.find((claim) => owns(claim, holder));
  if (holder !== undefined && holder.uuid === undefined && owner === undefined) {
    const reason = extensionTakenByUnmanaged(ctx.field, extension, holder);
    for (const claim of group) outcomes.set(claim.uuid, { ok: false, reason });
    return;
  }
  const holderKeepsIt = holder !== undefined && owner === undefined && !ctx.wishes.has(holder.uuid ?? '');
  const winner = holderKeepsIt ? undefined : (owner ?? group[0]);
  const keeper: Holder | undefined = winner === undefined ? holder : holderOf(winner);
  if (keeper === undefined) return;
  for (const claim of group) {
    if (claim === winner) outcomes.set(claim.uuid, { ok: true, extension });
    else
      outcomes.set(claim.uuid, { ok: false, reason: extensionConflict(ctx.field, extension, keeper, holderOf(claim)) });
  }
}

interface PoolContext {
  readonly taken: TakenExtensions;
  readonly used: Set<string>;
  readonly rule: ExtensionRule;
  readonly field: string;
}

/** Nobody holds `extension`, and pascom would accept it. */
function isFree(extension: string, ctx: PoolContext): boolean {
  return !ctx.taken.has(extension) && !ctx.used.has(extension) && isAllowedExtension(extension);
}

function drawFromPool(
  drawing: readonly ExtensionClaim[],
  ctx: PoolContext,
  outcomes: Map<Anchor, ExtensionOutcome>,
): void {
  const pool = ctx.rule.pool;
  if (pool === undefined) return;
  let next = pool.from;
  for (const claim of drawing) {
    while (next <= pool.to && !isFree(String(next), ctx)) next++;
    if (next > pool.to) {
      outcomes.set(claim.uuid, { ok: false, reason: extensionPoolExhausted(ctx.field, pool) });
      continue;
    }
    const extension = String(next);
    ctx.used.add(extension);
    outcomes.set(claim.uuid, { ok: true, extension });
    next++;
  }
}
