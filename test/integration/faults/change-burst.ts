/**
 * A seeded burst of directory changes for the fault tests: activations of bulk-loaded,
 * deactivated users, display-name and phone edits, renames (uid change) and deactivations, with
 * the exact pascom state they must end in. Changes are written with one `ldapmodify` per slice
 * (about three times faster than one LDAP client doing two operations per change), in order, so
 * every user's changes reach slapd in the order they were planned.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mulberry32 } from '../../fixtures/prng.js';
import type { SlapdHandle } from '../../fixtures/slapd/index.js';
import { kerberosRealm, userDn } from '../../fixtures/slapd/ucs-user-entry.js';
import type { JournalEntry } from '../../fixtures/pascom-simulator/index.js';
import type { GeneratedUser } from '../../fixtures/user-generator.js';
import type { PascomState } from '../live/resilience-expect.js';

const run = promisify(execFile);

export type Change =
  | { readonly kind: 'activate'; readonly dn: string }
  | { readonly kind: 'displayName'; readonly dn: string; readonly value: string }
  | { readonly kind: 'phone'; readonly dn: string; readonly value: string }
  | { readonly kind: 'rename'; readonly dn: string; readonly newUid: string; readonly newDn: string }
  | { readonly kind: 'deactivate'; readonly dn: string };

export interface BurstOptions {
  /** Every login starts with it (so a test's identities can be told apart). */
  readonly prefix: string;
  readonly users: number;
  readonly changes: number;
  readonly seed: number;
  readonly baseDn: string;
  /** Extensions are 5-digit numbers from here on, never reused (so no two users claim one). */
  readonly firstExtension: number;
}

export interface Burst {
  /** Bulk-load these (all deactivated for pascom). */
  readonly users: readonly GeneratedUser[];
  readonly changes: readonly Change[];
  /** What pascom must hold for `prefix` once every change is delivered. */
  readonly expected: PascomState;
  /**
   * Every display name the burst gives (each is unique) → the user (index) and the position of
   * the change that set it (-1: the bulk-loaded name), to check that each user's writes keep order.
   */
  readonly names: ReadonlyMap<string, { readonly user: number; readonly at: number }>;
}

/** The phone number whose internal part (5 digits) is `extension`. */
export const phoneFor = (extension: number): string => `0441 55-${extension}`;

interface Model {
  readonly index: number;
  dn: string;
  uid: string;
  displayName: string;
  extension: number;
  state: 'inactive' | 'active' | 'gone';
}

/** Display names exercise LDIF's base64 path too (umlauts, ß). */
const NAMES = ['Anna Groß', 'Jörg Müller', 'Zoë Köhler', 'Ben Smith', 'Seán O’Brien', 'Mia Weiß'];

export function planBurst(options: BurstOptions): Burst {
  const random = mulberry32(options.seed);
  const container = `cn=users,${options.baseDn}`;
  const models: Model[] = Array.from({ length: options.users }, (_, i) => {
    const uid = `${options.prefix}u${i}`;
    return {
      index: i,
      dn: userDn(uid, container),
      uid,
      displayName: `Burst U${i}`,
      extension: options.firstExtension + i,
      state: 'inactive',
    };
  });
  const names = new Map(models.map((m) => [m.displayName, { user: m.index, at: -1 }]));
  const users: GeneratedUser[] = models.map((m, i) => ({
    dn: m.dn,
    container,
    username: m.uid,
    firstname: 'Burst',
    lastname: `U${i}`,
    phone: [phoneFor(m.extension)],
    activated: false,
  }));
  const inactive = shuffled(models, random);
  const active: Model[] = [];
  let nextExtension = options.firstExtension + options.users;
  let renames = 0;
  const changes: Change[] = [];
  while (changes.length < options.changes) {
    const activated = inactive.length > 0 && (active.length === 0 || random() < 0.3) ? inactive.pop() : undefined;
    if (activated !== undefined) {
      activated.state = 'active';
      active.push(activated);
      changes.push({ kind: 'activate', dn: activated.dn });
      continue;
    }
    const at = Math.floor(random() * active.length);
    const user = active[at];
    if (user === undefined) throw new Error('planBurst: more changes than the users allow');
    const roll = random();
    if (roll < 0.45) {
      user.displayName = `${NAMES[Math.floor(random() * NAMES.length)] ?? 'X'} ${changes.length}`;
      names.set(user.displayName, { user: user.index, at: changes.length });
      changes.push({ kind: 'displayName', dn: user.dn, value: user.displayName });
    } else if (roll < 0.7) {
      user.extension = nextExtension++;
      changes.push({ kind: 'phone', dn: user.dn, value: phoneFor(user.extension) });
    } else if (roll < 0.87) {
      const newUid = `${options.prefix}r${renames++}`;
      const newDn = userDn(newUid, container);
      changes.push({ kind: 'rename', dn: user.dn, newUid, newDn });
      user.uid = newUid;
      user.dn = newDn;
    } else {
      // Terminal: a user is never activated again, so every login is created at most once.
      user.state = 'gone';
      active.splice(at, 1);
      changes.push({ kind: 'deactivate', dn: user.dn });
    }
  }
  return { users, changes, expected: expectedState(models), names };
}

function expectedState(models: readonly Model[]): PascomState {
  return Object.fromEntries(
    models
      .filter((m) => m.state === 'active')
      .map((m) => [m.uid, { name: m.displayName, extension: String(m.extension) }]),
  );
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const [a, b] = [out[i], out[j]];
    if (a === undefined || b === undefined) continue;
    [out[i], out[j]] = [b, a];
  }
  return out;
}

/** `name: value`, base64 (`name:: …`) when the value is not plain ASCII (RFC 2849). */
function line(name: string, value: string): string {
  return /^[\x21-\x39\x3b\x3d-\x7e][\x20-\x7e]*$/.test(value) && !value.endsWith(' ')
    ? `${name}: ${value}\n`
    : `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}\n`;
}

function modify(dn: string, attribute: string, value: string): string {
  return `${line('dn', dn)}changetype: modify\nreplace: ${attribute}\n${line(attribute, value)}-\n\n`;
}

/** What UDM writes for each change: a rename is a modrdn plus the new Kerberos principal. */
export function changesToLdif(changes: readonly Change[], baseDn: string): string {
  const realm = kerberosRealm(baseDn);
  return changes
    .map((change) => {
      switch (change.kind) {
        case 'activate':
          return modify(change.dn, 'mobydickActivated', 'TRUE');
        case 'deactivate':
          return modify(change.dn, 'mobydickActivated', 'FALSE');
        case 'displayName':
          return modify(change.dn, 'displayName', change.value);
        case 'phone':
          return modify(change.dn, 'telephoneNumber', change.value);
        case 'rename':
          return (
            `${line('dn', change.dn)}changetype: modrdn\n${line('newrdn', `uid=${change.newUid}`)}deleteoldrdn: 1\n\n` +
            modify(change.newDn, 'krb5PrincipalName', `${change.newUid}@${realm}`)
          );
      }
    })
    .join('');
}

/** Writes changes to slapd, in order, as the rootdn; the password goes through a 0600 file, not argv. */
export class LdifWriter {
  private slices = 0;

  private constructor(
    private readonly slapd: SlapdHandle,
    private readonly dir: string,
  ) {}

  static async open(slapd: SlapdHandle): Promise<LdifWriter> {
    const dir = await mkdtemp(join(tmpdir(), 'fault-burst-'));
    await writeFile(join(dir, 'pw'), slapd.rootPassword, { mode: 0o600 });
    return new LdifWriter(slapd, dir);
  }

  async write(changes: readonly Change[]): Promise<void> {
    if (changes.length === 0) return;
    const file = join(this.dir, `slice-${this.slices++}.ldif`);
    await writeFile(file, changesToLdif(changes, this.slapd.baseDn), { mode: 0o600 });
    await run(
      '/usr/bin/ldapmodify',
      ['-x', '-H', this.slapd.url, '-D', this.slapd.rootDn, '-y', join(this.dir, 'pw'), '-f', file],
      { maxBuffer: 16 * 1024 * 1024, timeout: 60_000 },
    );
  }

  close(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }
}

/** Splits `items` into `count` slices of (nearly) equal size, in order. */
export function slicesOf<T>(items: readonly T[], count: number): T[][] {
  const size = Math.ceil(items.length / count);
  return Array.from({ length: count }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/**
 * Writes to pascom that went back in a user's history: a user's successful creates and updates
 * must carry display names set by ever later changes (equal is fine: a retry, or a phone edit).
 */
export function orderCheck(journal: readonly JournalEntry[], burst: Burst): { checked: number; violations: string[] } {
  const lastAt = new Map<number, { at: number; seq: number }>();
  const violations: string[] = [];
  let checked = 0;
  for (const entry of journal) {
    if ((entry.method !== 'POST' && entry.method !== 'PUT') || entry.status < 200 || entry.status >= 300) continue;
    const name = displayNameIn(entry.body);
    const owner = name === undefined ? undefined : burst.names.get(name);
    if (owner === undefined) continue;
    checked++;
    const before = lastAt.get(owner.user);
    if (before !== undefined && owner.at < before.at)
      violations.push(
        `user ${owner.user}: #${entry.seq} sent change ${owner.at} after #${before.seq} sent ${before.at}`,
      );
    else lastAt.set(owner.user, { at: owner.at, seq: entry.seq });
  }
  return { checked, violations };
}

function displayNameIn(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('003use_bez' in body)) return undefined;
  const name = body['003use_bez'];
  return typeof name === 'string' ? name : undefined;
}
