/**
 * The mixed load's model (bench/load-mixed.ts): which user each change touches, what it writes,
 * and the pascom state every change leads to. Changes are chosen by a seeded PRNG, so a run
 * repeats; the expected state is kept as the changes are planned, so the final comparison needs
 * no second reading of the directory.
 *
 * A user is never changed again while an earlier change of theirs is in flight or younger than
 * `cooldownMs`: the connector coalesces changes of one user, and a change swallowed by a newer
 * one would have no request of its own to time.
 */
import { mulberry32 } from '../../test/fixtures/prng.js';

export type ChangeKind = 'displayName' | 'lastname' | 'phone' | 'rename' | 'activate' | 'deactivate';

/** Share of each kind in the mix ("an hour of a company's directory": mostly edits). */
export const MIX: Readonly<Record<ChangeKind, number>> = {
  displayName: 0.3,
  lastname: 0.1,
  phone: 0.2,
  rename: 0.1,
  activate: 0.15,
  deactivate: 0.15,
};

/** What the load starts from: one entry per directory user. */
export interface LoadUser {
  readonly dn: string;
  readonly username: string;
  readonly firstname: string;
  readonly lastname: string;
  /** The directory's `displayName` (UDM sets it on creation; a last-name edit leaves it). */
  readonly displayName: string;
  /** The internal extension the office number yields. */
  readonly extension: string;
  readonly active: boolean;
}

/** The LDAP write of a change: attribute replacements, or a rename (modrdn) to `newDn`. */
export type LdapWrite =
  | { readonly op: 'modify'; readonly dn: string; readonly replace: Readonly<Record<string, readonly string[]>> }
  | { readonly op: 'rename'; readonly dn: string; readonly newDn: string; readonly newUsername: string };

export interface PlannedChange {
  readonly seq: number;
  readonly kind: ChangeKind;
  readonly user: number;
  /** The request pascom should see: POST for an activation, DELETE for a deactivation, else PUT. */
  readonly method: 'POST' | 'PUT' | 'DELETE';
  /** A JSON string literal the request body must contain (the new value); none for POST/DELETE. */
  readonly token: string | undefined;
  readonly write: LdapWrite;
}

/** What pascom should hold for an active user at the end. */
export interface ExpectedIdentity {
  readonly user: number;
  readonly login: string;
  readonly displayName: string;
  readonly extension: string;
  readonly lastname: string;
}

interface UserState {
  dn: string;
  username: string;
  readonly firstname: string;
  lastname: string;
  displayName: string;
  extension: string;
  active: boolean;
  busy: boolean;
  lastChangeAt: number;
}

/** A set of user indices with O(1) add, remove and random pick. */
class IndexSet {
  private readonly items: number[] = [];
  private readonly position = new Map<number, number>();

  get size(): number {
    return this.items.length;
  }

  add(item: number): void {
    if (this.position.has(item)) return;
    this.position.set(item, this.items.length);
    this.items.push(item);
  }

  remove(item: number): void {
    const at = this.position.get(item);
    const last = this.items.pop();
    if (at === undefined || last === undefined) return;
    this.position.delete(item);
    if (last === item) return;
    this.items[at] = last;
    this.position.set(last, at);
  }

  pick(random: () => number): number | undefined {
    return this.items[Math.floor(random() * this.items.length)];
  }
}

const KINDS = Object.keys(MIX) as ChangeKind[];
const PICK_TRIES = 20;
/** Office numbers of edited phones: above every generated one, one per change, so no two users ever claim one. */
const EDITED_PHONE_BASE = 300_000;

export const loginOf = (username: string): string => username.toLowerCase();

function parentDn(dn: string): string {
  return dn.slice(dn.indexOf(',') + 1);
}

export class MixedWorkload {
  private readonly random: () => number;
  private readonly users: UserState[];
  private readonly active = new IndexSet();
  private readonly inactive = new IndexSet();
  /** Every login a user ever had (renames never reuse one), so any request can be traced to its user. */
  readonly userOfLogin = new Map<string, number>();
  private nextSeq = 0;

  constructor(
    users: readonly LoadUser[],
    seed: number,
    private readonly cooldownMs: number,
  ) {
    this.random = mulberry32(seed);
    this.users = users.map((u) => ({ ...u, busy: false, lastChangeAt: Number.NEGATIVE_INFINITY }));
    this.users.forEach((u, i) => {
      (u.active ? this.active : this.inactive).add(i);
      this.userOfLogin.set(loginOf(u.username), i);
    });
  }

  /** The next change at `nowMs`, its user marked busy; undefined when no user is free for any kind. */
  next(nowMs: number): PlannedChange | undefined {
    const first = this.drawKind();
    for (const kind of [first, ...KINDS.filter((k) => k !== first)]) {
      const user = this.pickUser(kind, nowMs);
      if (user !== undefined) return this.plan(kind, user, nowMs);
    }
    return undefined;
  }

  /** The change's write was acknowledged (or failed): the user may be picked again after the cooldown. */
  release(change: PlannedChange, nowMs: number): void {
    const state = this.users[change.user];
    if (state === undefined) return;
    state.busy = false;
    state.lastChangeAt = nowMs;
  }

  expected(): ExpectedIdentity[] {
    return this.users.flatMap((u, user) =>
      u.active
        ? [
            {
              user,
              login: loginOf(u.username),
              displayName: u.displayName,
              extension: u.extension,
              lastname: u.lastname,
            },
          ]
        : [],
    );
  }

  private drawKind(): ChangeKind {
    let roll = this.random();
    for (const kind of KINDS) {
      roll -= MIX[kind];
      if (roll < 0) return kind;
    }
    return 'displayName';
  }

  private pickUser(kind: ChangeKind, nowMs: number): number | undefined {
    const pool = kind === 'activate' ? this.inactive : this.active;
    for (let i = 0; i < PICK_TRIES && pool.size > 0; i++) {
      const user = pool.pick(this.random);
      const state = user === undefined ? undefined : this.users[user];
      if (user !== undefined && state !== undefined && !state.busy && nowMs - state.lastChangeAt >= this.cooldownMs)
        return user;
    }
    return undefined;
  }

  private plan(kind: ChangeKind, user: number, nowMs: number): PlannedChange {
    const state = this.users[user];
    if (state === undefined) throw new Error(`no user ${user}`);
    const seq = this.nextSeq++;
    state.busy = true;
    state.lastChangeAt = nowMs;
    const base = { seq, kind, user };
    switch (kind) {
      case 'displayName':
        state.displayName = `Edited ${seq}`;
        return {
          ...base,
          method: 'PUT',
          token: JSON.stringify(state.displayName),
          write: this.modify(state, { displayName: [state.displayName] }),
        };
      case 'lastname': {
        state.lastname = `Renamed${seq}`;
        const cn = `${state.firstname} ${state.lastname}`;
        return {
          ...base,
          method: 'PUT',
          token: JSON.stringify(state.lastname),
          write: this.modify(state, { sn: [state.lastname], cn: [cn] }),
        };
      }
      case 'phone':
        state.extension = String(EDITED_PHONE_BASE + seq);
        return {
          ...base,
          method: 'PUT',
          token: JSON.stringify(state.extension),
          write: this.modify(state, { telephoneNumber: [`+49 441 12345-${state.extension}`] }),
        };
      case 'rename':
        return this.rename(base, state, user);
      case 'activate':
      case 'deactivate':
        return this.toggle(base, state, user, kind === 'activate');
    }
  }

  private modify(state: UserState, replace: Record<string, readonly string[]>): LdapWrite {
    return { op: 'modify', dn: state.dn, replace };
  }

  private rename(base: { seq: number; kind: ChangeKind; user: number }, state: UserState, user: number): PlannedChange {
    const newUsername = `moved.${base.seq}`;
    const newDn = `uid=${newUsername},${parentDn(state.dn)}`;
    const write: LdapWrite = { op: 'rename', dn: state.dn, newDn, newUsername };
    state.dn = newDn;
    state.username = newUsername;
    this.userOfLogin.set(loginOf(newUsername), user);
    return { ...base, method: 'PUT', token: JSON.stringify(loginOf(newUsername)), write };
  }

  private toggle(
    base: { seq: number; kind: ChangeKind; user: number },
    state: UserState,
    user: number,
    activate: boolean,
  ): PlannedChange {
    state.active = activate;
    (activate ? this.inactive : this.active).remove(user);
    (activate ? this.active : this.inactive).add(user);
    return {
      ...base,
      method: activate ? 'POST' : 'DELETE',
      token: undefined,
      write: this.modify(state, { mobydickActivated: [activate ? 'TRUE' : 'FALSE'] }),
    };
  }
}
