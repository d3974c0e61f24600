/**
 * Applies one planned operation to pascom (outbox kind `apply`). Handlers converge: a create
 * that may have been sent before (its row was claimed before: a lost answer, a crash) first asks
 * pascom for the login and adopts what it finds instead of sending a second POST; an update of a
 * vanished identity re-creates it, a delete of something absent succeeds — so at-least-once
 * delivery never creates anything twice.
 */
import { z } from 'zod';
import type { PascomPort } from '../core/ports.js';
import type { AnchorState, CreateOp, DeleteOp, Operation, PascomRecord, UpdateOp } from '../core/types.js';
import type { FieldRoles } from '../core/rules.js';
import type { AnchorRepository } from '../store/index.js';
import { mergeForReplace } from '../core/merge.js';
import { failureSettlement, isConflict } from './failure.js';
import type { JobHandler, Settlement } from './job.js';

export const APPLY_KIND = 'apply';

const recordSchema = z.record(z.string(), z.string());

/** JSON drops an undefined `from`/`to`: read back, the key is there again (the core's shape). */
const fieldChangeSchema = z
  .object({ from: z.string().optional(), to: z.string().optional() })
  .transform(({ from, to }) => ({ from, to }));

const opSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('create'), uuid: z.string(), dn: z.string(), login: z.string(), record: recordSchema }),
  z.object({
    kind: z.literal('update'),
    uuid: z.string(),
    dn: z.string(),
    login: z.string(),
    record: recordSchema,
    changes: z.record(z.string(), fieldChangeSchema),
    adopt: z.boolean(),
  }),
  z.object({
    kind: z.literal('delete'),
    uuid: z.string(),
    login: z.string(),
    reason: z.enum(['left-filter', 'disabled', 'deleted']),
  }),
]);

/** The payload of an `apply` row (a full sync's planned operation), checked before the handler sees it. */
export const applyPayloadSchema = z.object({
  op: opSchema,
  /** Who asked: `full-sync:<run>` (for the audit log). */
  actor: z.string(),
  /** When the full sync started reading (ms): a later change of the anchor makes this op stale. */
  plannedAt: z.number(),
});

export type ApplyPayload = z.infer<typeof applyPayloadSchema>;

export interface ApplyDeps {
  readonly pascom: PascomPort;
  readonly anchors: Pick<AnchorRepository, 'anchor' | 'updatedAt'>;
  /** Who holds a login among the managed identities (indexed lookup). */
  readonly loginHolders: ReadonlyMap<string, { readonly uuid?: string | undefined }>;
  readonly roles: FieldRoles;
}

function anchorFor(op: CreateOp | UpdateOp, record: PascomRecord, roles: FieldRoles): AnchorState {
  return {
    uuid: op.uuid,
    login: record[roles.login] ?? op.login,
    dn: op.dn,
    extension: record[roles.extension],
    record,
  };
}

/**
 * Full-sync rows. The listener may have changed the user after the plan was made (its rows and
 * these share the per-anchor order of the outbox): then this op is stale and is skipped, never
 * applied over the newer state — the listener and the full sync do not fight over a user.
 */
export function createApplyHandler(deps: ApplyDeps): JobHandler<ApplyPayload> {
  return async ({ op, actor, plannedAt }, row) => {
    const audit: AuditBase = { actor, runId: row.runId ?? undefined, uuid: op.uuid, login: op.login };
    const changedAt = deps.anchors.updatedAt(op.uuid);
    if (changedAt !== undefined && changedAt > plannedAt) {
      return {
        outcome: 'done',
        audit: { ...audit, action: 'skip', result: 'ok', detail: 'superseded by a newer change of the user' },
      };
    }
    return applyOperation(deps, op, audit, { resend: row.attempts > 1 });
  };
}

export interface ApplyOptions {
  /** The row was claimed before: its request may have reached pascom, its answer did not reach us. */
  readonly resend?: boolean | undefined;
}

export type AuditBase = { actor: string; runId: number | undefined; uuid: string; login: string };

/** Applies one create/update/delete convergently; never throws (failures become settlements). */
export async function applyOperation(
  deps: ApplyDeps,
  op: CreateOp | UpdateOp | DeleteOp,
  audit: AuditBase,
  options: ApplyOptions = {},
): Promise<Settlement> {
  try {
    switch (op.kind) {
      case 'create':
        return await applyCreate(deps, op, audit, options.resend === true);
      case 'update':
        return await applyUpdate(deps, op, audit);
      case 'delete':
        return await applyDelete(deps, op, audit);
    }
  } catch (error) {
    return failureSettlement(error, { ...audit, action: op.kind });
  }
}

async function applyCreate(deps: ApplyDeps, op: CreateOp, audit: AuditBase, resend: boolean): Promise<Settlement> {
  if (resend) {
    // The earlier POST may have created the identity: look before sending it again, so pascom
    // never sees a second create for a login it already holds.
    const existing = await deps.pascom.getIdentity(op.login);
    const owner = deps.loginHolders.get(op.login);
    if (existing !== undefined && (owner === undefined || owner.uuid === op.uuid)) {
      if (!sameValues(existing, op.record)) await deps.pascom.updateIdentity(op.login, op.record);
      return done(anchorFor(op, op.record, deps.roles), {
        ...audit,
        action: 'adopt',
        detail: 'pascom had applied the earlier create whose answer was lost',
      });
    }
  }
  try {
    await deps.pascom.createIdentity(op.record);
    return done(anchorFor(op, op.record, deps.roles), { ...audit, action: 'create', detail: fieldsOf(op.record) });
  } catch (error) {
    if (!isConflict(error)) throw error;
    // 409: either our own earlier create whose answer was lost, or a taken login/extension.
    const existing = await deps.pascom.getIdentity(op.login);
    const owner = deps.loginHolders.get(op.login);
    if (existing === undefined || (owner !== undefined && owner.uuid !== op.uuid)) throw error;
    await deps.pascom.updateIdentity(op.login, op.record);
    return done(anchorFor(op, op.record, deps.roles), { ...audit, action: 'adopt', detail: 'login existed in pascom' });
  }
}

async function applyUpdate(deps: ApplyDeps, op: UpdateOp, audit: AuditBase): Promise<Settlement> {
  const newLogin = op.record[deps.roles.login] ?? op.login;
  const action = op.adopt ? 'adopt' : newLogin !== op.login ? 'rename' : 'update';
  const detail = Object.keys(op.changes).sort().join(', ');
  if (Object.keys(op.changes).length === 0) {
    // Adoption of an identity that already matches: nothing to send, only to remember.
    return done(anchorFor(op, op.record, deps.roles), { ...audit, action, detail: 'already up to date' });
  }
  const current = await deps.pascom.getIdentity(op.login);
  // A rename whose answer was lost already happened: the identity now answers to the new login.
  const renamed = current === undefined && newLogin !== op.login ? await deps.pascom.getIdentity(newLogin) : undefined;
  if (current !== undefined) {
    await deps.pascom.updateIdentity(op.login, mergeForReplace(current, op.record, op.changes));
  } else if (renamed !== undefined) {
    await deps.pascom.updateIdentity(newLogin, mergeForReplace(renamed, op.record, op.changes));
  } else {
    // The identity was deleted in pascom meanwhile: the user is still enabled, so it comes back.
    await deps.pascom.createIdentity(op.record);
    return done(anchorFor(op, op.record, deps.roles), {
      ...audit,
      action: 'create',
      detail: 'identity was missing in pascom',
    });
  }
  return done(anchorFor(op, op.record, deps.roles), { ...audit, action, detail });
}

async function applyDelete(deps: ApplyDeps, op: DeleteOp, audit: AuditBase): Promise<Settlement> {
  const existed = await deps.pascom.deleteIdentity(op.login);
  return {
    outcome: 'done',
    anchor: { remove: op.uuid },
    audit: { ...audit, action: 'delete', result: 'ok', detail: existed ? op.reason : `${op.reason}; was already gone` },
  };
}

function done(anchor: AnchorState, audit: AuditBase & { action: string; detail: string }): Settlement {
  return { outcome: 'done', anchor: { save: anchor }, audit: { ...audit, result: 'ok' } };
}

/** pascom holds every value of `record` already (fields pascom adds of its own do not count). */
function sameValues(existing: PascomRecord, record: PascomRecord): boolean {
  return Object.entries(record).every(([field, value]) => existing[field] === value);
}

function fieldsOf(record: PascomRecord): string {
  return Object.keys(record).sort().join(', ');
}

export function isApplicable(op: Operation): op is CreateOp | UpdateOp | DeleteOp {
  return op.kind === 'create' || op.kind === 'update' || op.kind === 'delete';
}
