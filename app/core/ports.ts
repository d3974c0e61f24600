/**
 * The narrow interfaces the services depend on. Adapters live at the edges
 * (app/directory, app/pascom, app/store); app/main.ts wires them. Each service takes only the
 * ports it uses.
 */
import type { Anchor, AnchorState, DirectoryUser, PascomRecord } from './types.js';

/** Reads users from UCS LDAP. Implemented by app/directory/ucs-directory.ts. */
export interface DirectoryReader {
  /** Every user matching the configured user filter, paged (no size limit truncates the result). */
  readEnabledUsers(): Promise<DirectoryUser[]>;
  /** The same users, handed over one at a time as they arrive (a large directory is never held whole). */
  forEachEnabledUser(onUser: (user: DirectoryUser) => void): Promise<void>;
  /** One user by anchor, or undefined when it does not exist or no longer matches the filter. */
  readUser(uuid: Anchor): Promise<DirectoryUser | undefined>;
}

/** An identity as pascom returns it, flattened (see PascomRecord). */
export type PascomIdentity = PascomRecord;

/**
 * The pascom REST contract. Methods throw the typed errors of
 * app/pascom/errors.ts; "not found" is a normal return (undefined / false), not an error.
 */
export interface PascomPort {
  listIdentities(): Promise<PascomIdentity[]>;
  /** The same identities, handed over one at a time as they are parsed (a long list is never held whole). */
  forEachIdentity(visit: (identity: PascomIdentity) => void): Promise<void>;
  getIdentity(login: string): Promise<PascomIdentity | undefined>;
  createIdentity(record: PascomRecord): Promise<PascomIdentity>;
  /** `login` is the current key; `record` may carry a new login (rename). */
  updateIdentity(login: string, record: PascomRecord): Promise<PascomIdentity>;
  /** Returns false when the identity did not exist (a delete of something absent succeeds). */
  deleteIdentity(login: string): Promise<boolean>;
}

/** Wall-clock time, injected so the core and tests control it. */
export interface Clock {
  now(): Date;
}

export interface Logger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

/** Reads the anchors the connector manages (app/store/anchor-repository.ts). */
export interface AnchorReader {
  allAnchors(): AnchorState[];
  anchor(uuid: Anchor): AnchorState | undefined;
}
