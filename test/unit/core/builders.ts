/** Small builders for the core's unit tests (self-contained: no shared fixtures). */
import { DEFAULT_MAPPING, DEFAULT_ROLES } from '../../../app/core/default-mapping.js';
import type { SyncRules } from '../../../app/core/rules.js';
import type { AnchorState, DirectoryUser, PascomRecord } from '../../../app/core/types.js';

export const BASE = 'dc=example,dc=intranet';
export const TODAY = 20_000;

/** A stable fake entryUUID derived from a name, so tests read by name. */
export function uuidOf(name: string): string {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `${hash.toString(16).padStart(8, '0')}-0000-4000-8000-${name.length.toString(16).padStart(12, '0')}`;
}

export function dnOf(uid: string): string {
  return `uid=${uid},cn=users,${BASE}`;
}

type Attrs = Record<string, string | readonly string[]>;

/** A directory user `uid` with a display name and the given extra attributes (a value `[]` removes one). */
export function user(uid: string, attrs: Attrs = {}, uuid = uuidOf(uid)): DirectoryUser {
  const all: Attrs = { uid, displayName: `User ${uid}`, ...attrs };
  const attributes: Record<string, readonly string[]> = {};
  for (const [name, value] of Object.entries(all)) {
    const values = typeof value === 'string' ? [value] : value;
    if (values.length > 0) attributes[name] = values;
  }
  return { uuid, dn: dnOf(uid), attributes };
}

export function rules(overrides: Partial<SyncRules> = {}): SyncRules {
  return {
    mapping: DEFAULT_MAPPING,
    roles: DEFAULT_ROLES,
    extensions: { pool: { from: 100, to: 199 } },
    deletes: { mode: 'delete', maxPerRun: 10 },
    authExtern: false,
    disabledUsers: 'remove',
    ...overrides,
  };
}

/** A pascom identity as the default mapping writes it (the phonebook name follows `003use_bez`). */
export function identity(login: string, fields: Record<string, string> = {}): PascomRecord {
  const name = fields['003use_bez'] ?? `User ${login}`;
  return { '003use_name': login, '003use_bez': name, '028pho_bez': name, ...fields };
}

/** An anchor for `u` as if `record` had been pushed (login taken from the record). */
export function anchorOf(u: DirectoryUser, record: PascomRecord, extension?: string): AnchorState {
  return { uuid: u.uuid, login: record['003use_name'] ?? '', dn: u.dn, extension, record };
}

/** A deterministic shuffle (mulberry32), so a failing order can be reproduced from the seed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = out[i];
    const b = out[j];
    if (a === undefined || b === undefined) continue;
    out[i] = b;
    out[j] = a;
  }
  return out;
}
