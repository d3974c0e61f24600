/**
 * Handles a listener event (outbox kind `event`): maps the user with the same rules as the full
 * sync, compares with the record last pushed (so only changed fields go out and an edit of an
 * unmapped attribute sends nothing), and applies the resulting operation convergently.
 */
import { planUser } from '../core/plan.js';
import type { DirectoryReader, PascomPort } from '../core/ports.js';
import type { SyncRules } from '../core/rules.js';
import type { ChangeEvent, Operation, ReasonCode } from '../core/types.js';
import type { AnchorRepository, OutboxRow } from '../store/index.js';
import { applyOperation, type ApplyDeps } from './apply-op-handler.js';
import type { JobHandler, Settlement } from './job.js';
import { failureSettlement, isConflictOn } from './failure.js';
import { UnionHolders, type ExtensionReservations, type PascomExtensionCache } from './identity-cache.js';
import type { EventPayload, ListenerEvent } from './listener-events.js';

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

export function createEventHandler(deps: EventHandlerDeps): JobHandler {
  return async (row: OutboxRow): Promise<Settlement> => {
    const { event: raw, source } = JSON.parse(row.payload) as EventPayload;
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
    const anchor = deps.anchors.anchor(event.uuid);
    let pascomExtensions: ReadonlyMap<string, { readonly login: string }>;
    try {
      pascomExtensions = await deps.pascomExtensions.extensions();
    } catch (error) {
      return failureSettlement(error, { actor: `listener:${source}`, uuid: event.uuid, action: 'plan' });
    }
    const plan = (extensions: ReadonlyMap<string, { readonly login: string }>): Operation | undefined =>
      planUser({
        event,
        anchor,
        rules,
        todayDays: Math.floor(deps.nowMs() / DAY_MS),
        takenExtensions: new UnionHolders(new UnionHolders(deps.extensionHolders, deps.reservations), extensions),
        takenLogins: deps.loginHolders,
      });
    let op = plan(pascomExtensions);
    if (op?.kind === 'rejected' && op.reasons.some((reason) => LIST_BASED.has(reason.code))) {
      // The refusal rests on pascom's list as last read: read it again before refusing the user.
      deps.pascomExtensions.invalidate();
      try {
        op = plan(await deps.pascomExtensions.extensions());
      } catch (error) {
        return failureSettlement(error, { actor: `listener:${source}`, uuid: event.uuid, action: 'plan' });
      }
    }
    const actor = `listener:${source}`;
    const login = anchor?.login ?? (event.kind === 'upsert' ? event.user.dn : event.uuid);
    if (op === undefined || op.kind === 'unchanged') return { outcome: 'done' };
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
    const settlement = await applyOperation({ ...deps, roles: rules.roles }, op, {
      actor,
      runId: undefined,
      uuid: op.uuid,
      login: op.login,
    });
    if (settlement.outcome === 'dead' && row.attempts < 5 && isConflictOn(settlement.cause, rules.roles.extension)) {
      // pascom's list was stale (someone took the number meanwhile): plan again with a fresh one.
      deps.pascomExtensions.invalidate();
      return { outcome: 'retry', error: settlement.error };
    }
    return settlement;
  };
}
