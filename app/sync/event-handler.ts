/**
 * Handles a listener event (outbox kind `event`): maps the user with the same rules as the full
 * sync, compares with the record last pushed (so only changed fields go out and an edit of an
 * unmapped attribute sends nothing), and applies the resulting operation convergently.
 */
import { ReadonlyMapView } from '../core/map-view.js';
import { planUser } from '../core/plan.js';
import type { DirectoryReader, PascomPort } from '../core/ports.js';
import type { SyncRules } from '../core/rules.js';
import type { FieldRoles } from '../core/rules.js';
import { resolveTentative } from '../core/tentative.js';
import type {
  AnchorState,
  ChangeEvent,
  CreateOp,
  Operation,
  PascomRecord,
  ReasonCode,
  UpdateOp,
} from '../core/types.js';
import type { AnchorRepository } from '../store/index.js';
import { applyOperation, type ApplyDeps } from './apply-op-handler.js';
import type { JobHandler } from './job.js';
import { failureSettlement, isConflictOn } from './failure.js';
import { UnionHolders, type ExtensionReservations, type PascomExtensionCache } from './identity-cache.js';
import type { EventPayload, ListenerEvent } from './listener-events.js';

/** An empty stand-in for pascom's number list that notes whether a plan looked at it. */
class ConsultedList extends ReadonlyMapView<string, { readonly login: string }> {
  consulted = false;

  get(): undefined {
    this.consulted = true;
    return undefined;
  }

  has(): boolean {
    this.consulted = true;
    return false;
  }

  entries(): MapIterator<[string, { readonly login: string }]> {
    this.consulted = true;
    return new Map<string, { readonly login: string }>().entries();
  }
}
export interface EventHandlerDeps {
  /** Extensions held in pascom (also by identities the connector does not manage). */
  readonly pascomExtensions: PascomExtensionCache;
  /** Extensions of plans in flight (released by the runner when their row settles). */
  readonly reservations: ExtensionReservations;
  readonly pascom: PascomPort;
  readonly directory: Pick<DirectoryReader, 'readUser'>;
  readonly anchors: Pick<AnchorRepository, 'anchor' | 'updatedAt'>;
  readonly extensionHolders: ReadonlyMap<string, { readonly uuid?: string | undefined; readonly login: string }>;
  readonly loginHolders: ApplyDeps['loginHolders'] &
    ReadonlyMap<string, { readonly uuid?: string | undefined; readonly login: string }>;
  readonly rules: () => SyncRules;
  readonly nowMs: () => number;
}

const DAY_MS = 86_400_000;

/** Rejections that depend on the cached list of pascom's numbers, which may be out of date. */
const LIST_BASED: ReadonlySet<ReasonCode> = new Set(['extension-taken-by-unmanaged', 'extension-pool-exhausted']);

/** A `refresh` (App Center file) becomes the user's current state, read now; absent = gone. */
async function resolve(deps: EventHandlerDeps, event: ListenerEvent): Promise<ChangeEvent> {
  if (event.kind !== 'refresh') return event;
  const user = await deps.directory.readUser(event.uuid);
  return user === undefined
    ? { kind: 'gone', uuid: event.uuid, dn: event.dn }
    : { kind: 'upsert', uuid: event.uuid, user };
}

/** pascom's state for a tentative anchor, read by GET (see core/tentative.ts). */
async function resolveWithPascom(
  pascom: Pick<PascomPort, 'getIdentity'>,
  anchor: AnchorState,
): Promise<{ anchor: AnchorState; current: PascomRecord | undefined }> {
  const found = new Map<string, PascomRecord>();
  for (const login of [anchor.login, anchor.tentativeFrom ?? '']) {
    if (login === '') continue;
    const identity = await pascom.getIdentity(login);
    if (identity !== undefined) {
      found.set(login, identity);
      break;
    }
  }
  return resolveTentative(anchor, (login) => found.get(login));
}

/** A create, or an update that renames: if its answer was lost, pascom may hold the new login now. */
function pushMayHaveLanded(op: CreateOp | UpdateOp, loginField: string): boolean {
  return op.kind === 'create' || (op.record[loginField] ?? op.login) !== op.login;
}

/** What was sent, remembered until the next plan finds out whether it landed. */
function tentativeAnchor(op: CreateOp | UpdateOp, roles: FieldRoles): AnchorState {
  return {
    uuid: op.uuid,
    login: op.record[roles.login] ?? op.login,
    dn: op.dn,
    extension: op.record[roles.extension],
    record: op.record,
    tentativeFrom: op.kind === 'create' ? '' : op.login,
  };
}

export function createEventHandler(deps: EventHandlerDeps): JobHandler<EventPayload> {
  return async ({ event: raw, source }, row) => {
    let event: ChangeEvent;
    try {
      event = await resolve(deps, raw);
    } catch (error) {
      // The directory is unreachable or refuses us: the change stays queued until it answers.
      return {
        outcome: 'retry',
        error: `reading the user from UCS failed: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    const rules = deps.rules();
    const actor = `listener:${source}`;
    let anchor = deps.anchors.anchor(event.uuid);
    let current: PascomRecord | undefined;
    if (anchor?.tentativeFrom !== undefined) {
      // The last push for this user has no known outcome: ask pascom what it holds now.
      try {
        ({ anchor, current } = await resolveWithPascom(deps.pascom, anchor));
      } catch (error) {
        return failureSettlement(error, { actor, uuid: event.uuid, action: 'plan' });
      }
    }
    const plan = (extensions: ReadonlyMap<string, { readonly login: string }>): Operation | undefined =>
      planUser({
        event,
        anchor,
        rules,
        todayDays: Math.floor(deps.nowMs() / DAY_MS),
        takenExtensions: new UnionHolders(new UnionHolders(deps.extensionHolders, deps.reservations), extensions),
        takenLogins: deps.loginHolders,
        current,
      });
    // pascom's number list is read only when the plan looks at it (a number to draw or to check
    // that no managed user holds): planning is pure, so a plan that never consulted the list is
    // the same whatever the list holds. An unchanged or renamed user keeping their number — every
    // user of a refresh — therefore costs no read of the whole list; a user who is gone never
    // needs it (and a list that cannot be read in full must not hold up deletes).
    // With the list at hand (read before, kept current by the settlements) one plan is enough.
    const cached = deps.pascomExtensions.cached();
    const probe = new ConsultedList();
    let op = plan(cached ?? probe);
    if (cached === undefined && probe.consulted) {
      try {
        op = plan(await deps.pascomExtensions.extensions());
      } catch (error) {
        return failureSettlement(error, { actor, uuid: event.uuid, action: 'plan' });
      }
    }
    if (op?.kind === 'rejected' && op.reasons.some((reason) => LIST_BASED.has(reason.code))) {
      // The refusal rests on pascom's list as last read: read it again before refusing the user.
      deps.pascomExtensions.invalidate();
      try {
        op = plan(await deps.pascomExtensions.extensions());
      } catch (error) {
        return failureSettlement(error, { actor, uuid: event.uuid, action: 'plan' });
      }
    }
    const login = anchor?.login ?? (event.kind === 'upsert' ? event.user.dn : event.uuid);
    if (op === undefined || op.kind === 'unchanged') {
      // A tentative anchor that pascom confirmed is remembered as confirmed.
      if (op !== undefined && anchor !== undefined && anchor.tentativeFrom === undefined && current !== undefined) {
        return {
          outcome: 'done',
          anchor: { save: { ...anchor, record: op.record } },
          audit: {
            actor,
            uuid: op.uuid,
            login: anchor.login,
            action: 'adopt',
            result: 'ok',
            detail: 'pascom had applied the earlier request whose answer was lost',
          },
        };
      }
      return { outcome: 'done' };
    }
    if (op.kind === 'rejected') {
      const reasons = op.reasons.map((r) => r.message).join('; ');
      return {
        outcome: 'dead',
        error: `not synced: ${reasons}`,
        audit: { actor, uuid: op.uuid, login, action: 'reject', result: 'failed', detail: reasons },
      };
    }
    const extension = op.kind === 'delete' ? undefined : op.record[rules.roles.extension];
    if (extension !== undefined) deps.reservations.reserve(extension, { uuid: op.uuid, login: op.login });
    const settlement = await applyOperation(
      { ...deps, roles: rules.roles },
      op,
      { actor, runId: undefined, uuid: op.uuid, login: op.login },
      { resend: row.attempts > 1 },
    );
    if (settlement.outcome === 'retry' && op.kind !== 'delete' && pushMayHaveLanded(op, rules.roles.login)) {
      return { ...settlement, anchor: { save: tentativeAnchor(op, rules.roles) } };
    }
    if (settlement.outcome === 'dead' && row.attempts < 5 && isConflictOn(settlement.cause, rules.roles.extension)) {
      // pascom's list was stale (someone took the number meanwhile): plan again with a fresh one.
      deps.pascomExtensions.invalidate();
      return { outcome: 'retry', error: settlement.error };
    }
    return settlement;
  };
}
