/**
 * The vocabulary of the sync core. Everything here is plain data: no I/O, no clock.
 *
 * Keys: a user is always identified by its LDAP `entryUUID` (the *anchor*), never by DN or
 * uid, because both change on rename and move.
 */

/** The LDAP `entryUUID` of a UCS user, lower-case hex with dashes. */
export type Anchor = string;

/** A UCS user as read from LDAP: attribute name → values (multi-valued attributes keep all). */
export interface DirectoryUser {
  readonly uuid: Anchor;
  readonly dn: string;
  /** Attribute names exactly as requested from LDAP (e.g. `givenName`, `telephoneNumber`). */
  readonly attributes: Readonly<Record<string, readonly string[]>>;
}

/**
 * A pascom identity as a flat map of pascom field name → value, e.g.
 * `{ "003use_name": "jdoe", "003use_bez": "John Doe", "028pho_mobile": "+49 170 1234567" }`.
 * The pascom client turns it into the wire shape (phonebook fields nest under `post.phonebook[0]`).
 * An absent key means "no value".
 */
export type PascomRecord = Readonly<Record<string, string>>;

/** What the connector remembers about a user it manages (the anchor table). */
export interface AnchorState {
  readonly uuid: Anchor;
  /** The login the identity has in pascom now. */
  readonly login: string;
  /** DN at the time of the last successful push (for messages only; never a key). */
  readonly dn: string;
  /** The extension assigned to this user, if any (stable across runs). */
  readonly extension?: string | undefined;
  /** The record last pushed successfully; the listener diffs against it. */
  readonly record: PascomRecord;
  /**
   * Set while the last push may or may not have reached pascom (its answer was lost): `login`
   * and `record` are what was sent, and this is the login the identity had before — `''` for a
   * create. The next plan asks pascom which one is true (`resolveTentative`) instead of trusting it.
   */
  readonly tentativeFrom?: string | undefined;
}

/** Why a user cannot become (or stay) a pascom identity. `code` is stable and translated by the UI. */
export interface Reason {
  readonly code: ReasonCode;
  /** The pascom field concerned, when there is one. */
  readonly field?: string | undefined;
  /** An English sentence for logs and the CLI; the page translates `code` with `params`. */
  readonly message: string;
  readonly params?: Readonly<Record<string, string>> | undefined;
}

export type ReasonCode =
  | 'required-missing'
  | 'no-display-name'
  | 'invalid-login'
  | 'extension-conflict'
  | 'extension-taken-by-unmanaged'
  | 'extension-pool-exhausted'
  /** A phone-derived number breaks one of pascom's extension rules; `params.problem` names it. */
  | 'extension-invalid'
  /** A notice on a synced user: its phone number has no recognisable extension (pool or none). */
  | 'extension-unrecognised'
  | 'login-conflict'
  | 'login-taken-by-unmanaged'
  | 'disabled'
  | 'pascom-rejected';

/** One field's change in an update. `from` is undefined when pascom has no value. */
export interface FieldChange {
  readonly from: string | undefined;
  readonly to: string | undefined;
}

export type FieldChanges = Readonly<Record<string, FieldChange>>;

/** The plan operations. */
export type Operation = CreateOp | UpdateOp | DeleteOp | UnchangedOp | RejectedOp;

export interface CreateOp {
  readonly kind: 'create';
  readonly uuid: Anchor;
  readonly dn: string;
  readonly login: string;
  readonly record: PascomRecord;
  /** Things the admin should know about this user although it is synced (e.g. `extension-unrecognised`). */
  readonly notes?: readonly Reason[] | undefined;
}

export interface UpdateOp {
  readonly kind: 'update';
  readonly uuid: Anchor;
  readonly dn: string;
  /** The login pascom knows the identity by *before* this update (the URL key). */
  readonly login: string;
  /** The complete desired record after the update (what will be stored as last pushed). */
  readonly record: PascomRecord;
  /** Only the fields that differ. A rename shows up as a change of the login field. */
  readonly changes: FieldChanges;
  /** True when an existing, not yet managed pascom identity with the same login is taken over. */
  readonly adopt: boolean;
  readonly notes?: readonly Reason[] | undefined;
}

export interface DeleteOp {
  readonly kind: 'delete';
  readonly uuid: Anchor;
  readonly login: string;
  readonly reason: DeleteReason;
}

export type DeleteReason = 'left-filter' | 'disabled' | 'deleted';

export interface UnchangedOp {
  readonly kind: 'unchanged';
  readonly uuid: Anchor;
  readonly dn: string;
  readonly login: string;
  /** The record as it stands (also stored as last pushed when the anchor is new). */
  readonly record: PascomRecord;
  readonly notes?: readonly Reason[] | undefined;
}

export interface RejectedOp {
  readonly kind: 'rejected';
  readonly uuid: Anchor;
  readonly dn: string;
  readonly reasons: readonly Reason[];
  /** The login the user would have, when its mapping got that far (for grouped causes' examples). */
  readonly login?: string | undefined;
}

export interface PlanSummary {
  readonly create: number;
  readonly update: number;
  readonly delete: number;
  readonly unchanged: number;
  readonly rejected: number;
  /** Deletes held back because they exceed `deletes.maxPerRun` (0 when not blocked). */
  readonly blocked: number;
}

export interface Plan {
  /** In deterministic order: creates, updates, deletes, unchanged, rejected; each by login/uuid. */
  readonly operations: readonly Operation[];
  readonly summary: PlanSummary;
  /** Set when deletes exceed `deletes.maxPerRun` and were not confirmed: nothing may be applied. */
  readonly blocked: { readonly deletes: number; readonly maxPerRun: number } | undefined;
  /** Rejections and notices grouped by cause (causes.ts `groupCauses`), rejections first. */
  readonly causes: readonly Cause[];
}

/** `rejected`: the users are not synced; `notice`: synced, but the admin should act. */
export type CauseLevel = 'rejected' | 'notice';

/** One user behind a cause. */
export interface CauseExample {
  readonly uuid: Anchor;
  readonly dn: string;
  readonly login: string | undefined;
  /** This user's own reason (its message names the numbers and users involved). */
  readonly reason: Reason;
}

/** Every rejection or notice of one kind, counted once: 1,000 collisions are one cause. */
export interface Cause {
  /** Stable code: the reason's code, plus `.` and `params.problem` when it has one (`extension-invalid.leading-zero`). */
  readonly cause: string;
  readonly level: CauseLevel;
  /** The pascom field, when the reasons name one. */
  readonly field?: string | undefined;
  readonly count: number;
  /** What to do about it, in English (CLI, `--json`); the page translates `hint.<cause>` with `params`. */
  readonly hint: string;
  readonly params: Readonly<Record<string, string>>;
  /** Up to `CAUSE_EXAMPLES` users, in plan order. */
  readonly examples: readonly CauseExample[];
}

/** A change seen by a listener source. */
export type ChangeEvent =
  | { readonly kind: 'upsert'; readonly uuid: Anchor; readonly user: DirectoryUser }
  | { readonly kind: 'gone'; readonly uuid: Anchor; readonly dn?: string | undefined };
