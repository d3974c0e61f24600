/**
 * The per-user steps shared by the full plan (plan.ts `plan`) and the listener's delta path
 * (`planUser`): map, check the login, turn the outcome into an operation.
 */
import type { PolicyRule } from './diff.js';
import { diffRecords } from './diff.js';
import { extensionProblem } from './extension-rules.js';
import { mapUser } from './mapping.js';
import { readSource } from './sources.js';
import { loginConflict, loginTakenByUnmanaged, type Holder } from './reasons.js';
import type { SyncRules } from './rules.js';
import type { AnchorState, DirectoryUser, Operation, PascomRecord, Reason, RejectedOp } from './types.js';

/** What `auth.ucs` writes into the auth-method field. */
export const AUTH_EXTERN = 'EXTERN';

/** Login → who holds it: an anchor (with uuid) or a pascom identity no anchor manages (without). */
export type TakenLogins = ReadonlyMap<string, Holder>;

/** What a plan keeps of a directory user once it is mapped: its key and, for messages, its DN. */
export type UserRef = Pick<DirectoryUser, 'uuid' | 'dn'>;

/**
 * A user whose mapping succeeded: the desired record, before extension allocation. It keeps no
 * raw attributes, so a plan over a large directory holds one small record per user.
 */
export interface Mapped {
  readonly user: UserRef;
  readonly anchor: AnchorState | undefined;
  readonly login: string;
  readonly desired: Record<string, string>;
  /**
   * The value the extension is read from (the phone number), kept only when it gave no usable
   * extension: named in the rejection, or in the notice when no extension came of it.
   */
  readonly phone?: string | undefined;
}

/**
 * The fields the connector manages and their policies: the mapping's, plus the auth method
 * (force) when `authExtern` is on and the mapping does not mention it. Without `authExtern`
 * the auth method is left to pascom (the connector never forces `mobydick`).
 */
export function managedPolicies(rules: SyncRules): PolicyRule[] {
  const policies: PolicyRule[] = rules.mapping.map(({ field, policy }) => ({ field, policy }));
  const auth = rules.roles.authMethod;
  if (rules.authExtern && !policies.some((rule) => rule.field === auth))
    policies.push({ field: auth, policy: 'force' });
  return policies;
}

export function managesExtension(rules: SyncRules): boolean {
  return rules.mapping.some((rule) => rule.field === rules.roles.extension);
}

export function rejected(user: UserRef, reasons: readonly Reason[], login?: string): RejectedOp {
  return login === undefined || login === ''
    ? { kind: 'rejected', uuid: user.uuid, dn: user.dn, reasons }
    : { kind: 'rejected', uuid: user.uuid, dn: user.dn, reasons, login };
}

/** The first non-empty value of the extension rule's sources: what its extension is read from. */
export function extensionPhone(user: DirectoryUser, rules: SyncRules): string | undefined {
  const rule = rules.mapping.find((candidate) => candidate.field === rules.roles.extension);
  if (rule === undefined) return undefined;
  for (const source of rule.sources) {
    const raw = readSource(user, source);
    if (raw !== '') return raw;
  }
  return undefined;
}

/** Maps the user and applies `auth.ucs`; a rejection when the mapping fails. */
export function mapForPascom(
  user: DirectoryUser,
  anchor: AnchorState | undefined,
  rules: SyncRules,
): Mapped | RejectedOp {
  const result = mapUser(user, rules.mapping, rules.extensions, rules.roles);
  if (!result.ok) return rejected(user, result.reasons);
  const desired: Record<string, string> = { ...result.record };
  if (rules.authExtern) desired[rules.roles.authMethod] = AUTH_EXTERN;
  const login = desired[rules.roles.login] ?? '';
  const candidate = desired[rules.roles.extension];
  const unusable = candidate === undefined || extensionProblem(candidate) !== undefined;
  const phone = unusable ? extensionPhone(user, rules) : undefined;
  return { user: { uuid: user.uuid, dn: user.dn }, anchor, login, desired, phone };
}

export type LoginCheck =
  { readonly kind: 'own' | 'free' | 'adopt' } | { readonly kind: 'rejected'; readonly reason: Reason };

/**
 * May this user have its login? Its own anchor's login, or a free one: yes. One held by another
 * anchor: no (`login-conflict`, also while that identity waits for its delete). One of an
 * identity no anchor manages: adopted by a user without anchor, refused to an anchored user,
 * whose own identity would have to be renamed onto it (`login-taken-by-unmanaged`).
 */
export function checkLogin(mapped: Mapped, holders: TakenLogins, loginField: string): LoginCheck {
  const holder = holders.get(mapped.login);
  if (holder === undefined) return { kind: 'free' };
  if (holder.uuid === mapped.user.uuid) return { kind: 'own' };
  if (holder.uuid !== undefined) {
    return { kind: 'rejected', reason: loginConflict(loginField, mapped.login, holder, mapped.user.dn) };
  }
  if (mapped.anchor === undefined) return { kind: 'adopt' };
  return { kind: 'rejected', reason: loginTakenByUnmanaged(loginField, mapped.login) };
}

/**
 * The operation for a user whose record is final (extension included). `current` is the identity
 * as pascom holds it (full plan) or as last pushed (listener); undefined when there is none.
 * An anchored user whose identity vanished from pascom is created again.
 */
export function operationFor(
  mapped: Mapped,
  current: PascomRecord | undefined,
  adopt: boolean,
  policies: readonly PolicyRule[],
  notes: readonly Reason[] = [],
): Operation {
  const { user, anchor, login, desired } = mapped;
  const base = notes.length === 0 ? { uuid: user.uuid, dn: user.dn } : { uuid: user.uuid, dn: user.dn, notes };
  if (current === undefined && !adopt) {
    return { kind: 'create', ...base, login, record: diffRecords(undefined, desired, policies, 'create').record };
  }
  const { record, changes } = diffRecords(current, desired, policies, 'update');
  const key = anchor?.login ?? login;
  if (!adopt && Object.keys(changes).length === 0) return { kind: 'unchanged', ...base, login: key, record };
  return { kind: 'update', ...base, login: key, record, changes, adopt };
}
