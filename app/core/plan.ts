/**
 * The planner: directory users + pascom identities + anchors + rules → typed
 * operations. `plan` is the full sync; `planUser` is one listener event against the anchor's
 * last pushed record. Both run the same steps (plan-steps.ts, extensions.ts, diff.ts).
 *
 * Every lookup goes through a Map and every ordering through one sort, so a plan over n users is
 * O(n log n).
 */
import { groupCauses } from './causes.js';
import { isDisabled } from './disabled.js';
import { allocateExtensions, type ExtensionClaim, type TakenExtensions } from './extensions.js';
import { sortOperations, summarize } from './plan-output.js';
import {
  checkLogin,
  extensionPhone,
  managedPolicies,
  managesExtension,
  mapForPascom,
  operationFor,
  rejected,
  type Mapped,
  type TakenLogins,
} from './plan-steps.js';
import { PrefixSuggester } from './prefix-suggestion.js';
import { extensionUnrecognised, loginConflict, type Holder } from './reasons.js';
import { resolveTentative } from './tentative.js';
import type { SyncRules } from './rules.js';
import type {
  AnchorState,
  ChangeEvent,
  DeleteOp,
  DeleteReason,
  DirectoryUser,
  Operation,
  PascomRecord,
  Plan,
  Reason,
} from './types.js';

export { planToJson, summarize, sortOperations } from './plan-output.js';

export interface PlanInput {
  /** Every user the directory returns for the user filter. */
  readonly users: readonly DirectoryUser[];
  /** Every identity in pascom, managed or not. */
  readonly identities: readonly PascomRecord[];
  readonly anchors: readonly AnchorState[];
  readonly rules: SyncRules;
  /** Today in days since 1970-01-01, for `shadowExpire` (disabled.ts `daysSinceEpoch`). */
  readonly todayDays: number;
  /** The admin confirmed that more than `deletes.maxPerRun` deletes may run. */
  readonly confirmDeletes: boolean;
}

/** A user whose mapping and login check passed, waiting for its extension. */
interface Candidate {
  readonly mapped: Mapped;
  readonly adopt: boolean;
  /** The identity pascom holds for it now (by its anchor's login, or the one it adopts). */
  readonly current: PascomRecord | undefined;
}

export function plan(input: PlanInput): Plan {
  const builder = new PlanBuilder(input.anchors, input.rules, input.todayDays);
  for (const user of input.users) builder.add(user);
  return builder.finish(input.identities, input.confirmDeletes);
}

/**
 * The full plan built one directory user at a time: `add` maps each user as it arrives from
 * LDAP and keeps only what the plan needs of it (Mapped), so the raw entries of a large
 * directory are never all in memory at once; `finish` runs the steps that need every user.
 */
export class PlanBuilder {
  private readonly anchors: readonly AnchorState[];
  private readonly anchorByUuid: ReadonlyMap<string, AnchorState>;
  private readonly ops: Operation[] = [];
  private readonly mapped: Mapped[] = [];
  private readonly active = new Set<string>();
  /** Users left out as disabled (`disabledUsers: remove`): their anchors' deletes say why. */
  private readonly disabled = new Set<string>();
  /** Base numbers the directory's own numbers show, for the fix an `extension-unrecognised` notice names. */
  private readonly prefixes = new PrefixSuggester();

  constructor(
    anchors: readonly AnchorState[],
    private readonly rules: SyncRules,
    private readonly todayDays: number,
  ) {
    this.anchors = [...anchors].sort((a, b) => (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
    this.anchorByUuid = new Map(this.anchors.map((anchor) => [anchor.uuid, anchor]));
  }

  /** One user matching the user filter. Disabled users are treated like users who left it. */
  add(user: DirectoryUser): void {
    if (this.rules.disabledUsers === 'remove' && isDisabled(user, this.todayDays)) {
      this.disabled.add(user.uuid);
      return;
    }
    this.active.add(user.uuid);
    const result = mapForPascom(user, this.anchorByUuid.get(user.uuid), this.rules);
    if ('kind' in result) this.ops.push(result);
    else this.mapped.push(result);
    const phone = extensionPhone(user, this.rules);
    if (phone !== undefined) this.prefixes.observe(phone);
  }

  /** Checks logins and extensions against pascom and the anchors, and plans the deletes. */
  finish(pascomIdentities: readonly PascomRecord[], confirmDeletes: boolean): Plan {
    const { rules, ops } = this;
    const identities = indexIdentities(pascomIdentities, rules.roles.login);
    const resolved = new Map<string, AnchorState>();
    for (const anchor of this.anchors) {
      if (anchor.tentativeFrom !== undefined)
        resolved.set(anchor.uuid, resolveTentative(anchor, (login) => identities.get(login)).anchor);
    }
    // Almost always there is no tentative anchor: then nothing is copied.
    const anchors = resolved.size === 0 ? this.anchors : this.anchors.map((a) => resolved.get(a.uuid) ?? a);
    const mapped =
      resolved.size === 0
        ? this.mapped
        : this.mapped.map((entry) => {
            const anchor = resolved.get(entry.user.uuid);
            return anchor === undefined ? entry : { ...entry, anchor };
          });
    const takenLogins = loginHolders(anchors, identities);
    const candidates = admitLogins(
      resolveDuplicateLogins(mapped, rules.roles.login, ops),
      takenLogins,
      identities,
      rules,
      ops,
    );
    const taken = extensionHolders(anchors, identities, takenLogins, rules.roles.extension);
    const deletes = plannedDeletes(anchors, this.active, this.disabled, rules);
    // concat, not push(...): spreading 100,000 arguments overflows the stack.
    const suggest = (phone: string): string => this.prefixes.suggest(phone);
    const all = ops.concat(finishCandidates(candidates, taken, rules, suggest), deletes);

    const blocked = deletes.length > rules.deletes.maxPerRun && !confirmDeletes;
    const operations = sortOperations(all);
    return {
      operations,
      summary: summarize(operations, blocked),
      blocked: blocked ? { deletes: deletes.length, maxPerRun: rules.deletes.maxPerRun } : undefined,
      causes: groupCauses(operations),
    };
  }
}

/** Login checks against pascom and the anchors; rejections go to `ops`. */
function admitLogins(
  mapped: readonly Mapped[],
  takenLogins: TakenLogins,
  identities: ReadonlyMap<string, PascomRecord>,
  rules: SyncRules,
  ops: Operation[],
): Candidate[] {
  const candidates: Candidate[] = [];
  for (const entry of mapped) {
    const check = checkLogin(entry, takenLogins, rules.roles.login);
    if (check.kind === 'rejected') {
      ops.push(rejected(entry.user, [check.reason], entry.login));
      continue;
    }
    const adopt = check.kind === 'adopt';
    const currentLogin = adopt ? entry.login : entry.anchor?.login;
    const current = currentLogin === undefined ? undefined : identities.get(currentLogin);
    candidates.push({ mapped: entry, adopt, current });
  }
  return candidates;
}

function indexIdentities(identities: readonly PascomRecord[], loginField: string): Map<string, PascomRecord> {
  const byLogin = new Map<string, PascomRecord>();
  for (const identity of identities) {
    const login = identity[loginField];
    if (login !== undefined && login !== '') byLogin.set(login, identity);
  }
  return byLogin;
}

/** Anchors first (the connector manages their logins), then identities no anchor points to. */
function loginHolders(
  anchors: readonly AnchorState[],
  identities: ReadonlyMap<string, PascomRecord>,
): Map<string, Holder> {
  const holders = new Map<string, Holder>();
  for (const anchor of anchors) {
    if (!holders.has(anchor.login))
      holders.set(anchor.login, { uuid: anchor.uuid, login: anchor.login, dn: anchor.dn });
  }
  for (const login of identities.keys()) {
    if (!holders.has(login)) holders.set(login, { login });
  }
  return holders;
}

/**
 * Two directory users mapping to one login: the one whose anchor already has that login wins,
 * then any anchored user, then the lowest uuid. The others are rejected into `ops`.
 */
function resolveDuplicateLogins(mapped: readonly Mapped[], loginField: string, ops: Operation[]): Mapped[] {
  const byLogin = new Map<string, Mapped[]>();
  for (const entry of mapped) {
    const group = byLogin.get(entry.login);
    if (group === undefined) byLogin.set(entry.login, [entry]);
    else group.push(entry);
  }
  const winners: Mapped[] = [];
  for (const [login, group] of byLogin) {
    const [winner, ...losers] = group.sort(
      (a, b) => loginRank(a) - loginRank(b) || (a.user.uuid < b.user.uuid ? -1 : 1),
    );
    if (winner === undefined) continue;
    winners.push(winner);
    const holder: Holder = { uuid: winner.user.uuid, login, dn: winner.user.dn };
    for (const loser of losers)
      ops.push(rejected(loser.user, [loginConflict(loginField, login, holder, loser.user.dn)], login));
  }
  return winners;
}

function loginRank(entry: Mapped): number {
  if (entry.anchor === undefined) return 2;
  return entry.anchor.login === entry.login ? 0 : 1;
}

/**
 * Who holds which extension now. pascom's own state comes first (it enforces uniqueness, so a
 * stored anchor extension it contradicts is stale); then the anchors' stored extensions fill
 * the gaps. An identity being adopted stays unmanaged here: its adopter's claim says `adopts`.
 */
function extensionHolders(
  anchors: readonly AnchorState[],
  identities: ReadonlyMap<string, PascomRecord>,
  logins: TakenLogins,
  field: string,
): Map<string, Holder> {
  const taken = new Map<string, Holder>();
  for (const login of [...identities.keys()].sort()) {
    const extension = identities.get(login)?.[field];
    if (extension === undefined || extension === '' || taken.has(extension)) continue;
    taken.set(extension, logins.get(login) ?? { login });
  }
  for (const anchor of anchors) {
    const extension = storedExtension(anchor, field);
    if (extension !== undefined && !taken.has(extension)) {
      taken.set(extension, { uuid: anchor.uuid, login: anchor.login, dn: anchor.dn });
    }
  }
  return taken;
}

function storedExtension(anchor: AnchorState | undefined, field: string): string | undefined {
  const stored = anchor?.extension ?? anchor?.record[field];
  return stored === '' ? undefined : stored;
}

function claimOf(candidate: Candidate, field: string): ExtensionClaim {
  const { mapped, adopt, current } = candidate;
  return {
    uuid: mapped.user.uuid,
    dn: mapped.user.dn,
    login: mapped.login,
    candidate: mapped.desired[field],
    stored: adopt ? current?.[field] : storedExtension(mapped.anchor, field),
    adopts: adopt ? mapped.login : undefined,
    phone: mapped.phone,
  };
}

/**
 * Allocates extensions, then turns each candidate into its operation. A user whose phone number
 * gave no extension gets a notice naming the fix; `suggest` finds the base number to propose.
 */
function finishCandidates(
  candidates: readonly Candidate[],
  taken: TakenExtensions,
  rules: SyncRules,
  suggest: (phone: string) => string = () => '',
): Operation[] {
  const policies = managedPolicies(rules);
  const field = rules.roles.extension;
  const withExtension = managesExtension(rules);
  const claims = withExtension ? candidates.map((candidate) => claimOf(candidate, field)) : [];
  const outcomes = allocateExtensions(claims, taken, rules.extensions, field);
  return candidates.map((candidate) => {
    const { mapped } = candidate;
    const outcome = outcomes.get(mapped.user.uuid);
    const notes: Reason[] = [];
    if (withExtension && outcome !== undefined) {
      if (!outcome.ok) return rejected(mapped.user, [outcome.reason], mapped.login);
      if (mapped.phone !== undefined && mapped.desired[field] === undefined) {
        const problem = outcome.extension === undefined ? 'none' : 'pool';
        notes.push(extensionUnrecognised(field, mapped.phone, problem, suggest(mapped.phone)));
      }
      if (outcome.extension === undefined) delete mapped.desired[field];
      else mapped.desired[field] = outcome.extension;
    }
    return operationFor(mapped, candidate.current, candidate.adopt, policies, notes);
  });
}

function deleteOp(anchor: AnchorState, reason: DeleteReason): DeleteOp {
  return { kind: 'delete', uuid: anchor.uuid, login: anchor.login, reason };
}

/** Anchors whose user is no longer active: deleted in `delete` mode, left alone in `keep` mode. */
function plannedDeletes(
  anchors: readonly AnchorState[],
  active: ReadonlySet<string>,
  disabled: ReadonlySet<string>,
  rules: SyncRules,
): DeleteOp[] {
  if (rules.deletes.mode === 'keep') return [];
  return anchors
    .filter((anchor) => !active.has(anchor.uuid))
    .map((anchor) => deleteOp(anchor, disabled.has(anchor.uuid) ? 'disabled' : 'left-filter'));
}

export interface PlanUserInput {
  readonly event: ChangeEvent;
  /** The user's anchor, if the connector manages it already. */
  readonly anchor: AnchorState | undefined;
  readonly rules: SyncRules;
  readonly todayDays: number;
  /** Extensions held by anchors and pascom identities (this user's own entries are recognised by uuid). */
  readonly takenExtensions: TakenExtensions;
  /** Logins held by anchors (with uuid) and unmanaged identities (without); omitted = no login checks. */
  readonly takenLogins?: TakenLogins | undefined;
  /**
   * The identity to compare with when the caller read it from pascom; by default the anchor's
   * last pushed record. For a user without anchor whose login `takenLogins` lists as unmanaged,
   * this is the identity to adopt.
   */
  readonly current?: PascomRecord | undefined;
  /** The reason recorded for a `gone` event (default `left-filter`: a sync delete cannot tell). */
  readonly goneReason?: DeleteReason | undefined;
}

/**
 * One listener event → at most one operation (undefined: nothing to do). A disabled user (with
 * `disabledUsers: remove`) and a `gone` event delete the anchored identity in `delete` mode.
 */
export function planUser(input: PlanUserInput): Operation | undefined {
  const { event, anchor, rules } = input;
  if (event.kind === 'gone') return goneOp(anchor, input.goneReason ?? 'left-filter', rules);
  const user = event.user;
  if (rules.disabledUsers === 'remove' && isDisabled(user, input.todayDays)) return goneOp(anchor, 'disabled', rules);
  const mapped = mapForPascom(user, anchor, rules);
  if ('kind' in mapped) return mapped;
  const check = checkLogin(mapped, input.takenLogins ?? new Map(), rules.roles.login);
  if (check.kind === 'rejected') return rejected(user, [check.reason]);
  const adopt = check.kind === 'adopt';
  // A tentative anchor's record may never have reached pascom: only what pascom holds counts.
  const current = input.current ?? (anchor?.tentativeFrom === undefined ? anchor?.record : undefined);
  const [op] = finishCandidates([{ mapped, adopt, current }], input.takenExtensions, rules);
  return op;
}

function goneOp(anchor: AnchorState | undefined, reason: DeleteReason, rules: SyncRules): DeleteOp | undefined {
  if (anchor === undefined || rules.deletes.mode === 'keep') return undefined;
  return deleteOp(anchor, reason);
}
