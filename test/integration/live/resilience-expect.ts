/**
 * Exact end states for the resilience tests: the identities pascom holds for one test's users
 * (their logins share a prefix) must be exactly the expected ones with the expected key fields
 * — nothing missing, nothing extra — and no login may have been created more than once.
 */
import { expect } from 'vitest';
import type { Identity, JournalEntry, PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import { waitFor } from '../../fixtures/wait.js';

/** The key fields compared per identity. */
export interface KeyFields {
  readonly name: string;
  readonly extension: string | undefined;
}

export type PascomState = Readonly<Record<string, KeyFields>>;

function keyFields(identity: Identity): KeyFields {
  return { name: identity['003use_bez'], extension: identity['009ext_extension'] };
}

/** login → key fields of every identity whose login starts with `prefix`, sorted by login. */
export function pascomStateOf(identities: readonly Identity[], prefix: string): PascomState {
  const ours = identities.filter((i) => i['003use_name'].startsWith(prefix));
  ours.sort((a, b) => a['003use_name'].localeCompare(b['003use_name']));
  return Object.fromEntries(ours.map((i) => [i['003use_name'], keyFields(i)]));
}

/** The login a write request is about: the body's login for a POST, the path's otherwise. */
export function loginOf(entry: JournalEntry): string | undefined {
  if (entry.method === 'POST') {
    const body = entry.body;
    if (typeof body !== 'object' || body === null) return undefined;
    const login = (body as Record<string, unknown>)['003use_name'];
    return typeof login === 'string' ? login : undefined;
  }
  return entry.login;
}

/** How often each login was created (POST answered 201), for logins with `prefix`. */
export function createdPerLogin(journal: readonly JournalEntry[], prefix: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of journal) {
    const login = loginOf(entry);
    if (entry.method !== 'POST' || entry.status !== 201 || login === undefined || !login.startsWith(prefix)) continue;
    counts[login] = (counts[login] ?? 0) + 1;
  }
  return counts;
}

function sameState(actual: PascomState, expected: PascomState): boolean {
  return JSON.stringify(actual) === JSON.stringify(sortedState(expected));
}

function sortedState(state: PascomState): PascomState {
  return Object.fromEntries(Object.entries(state).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Waits until pascom holds exactly `expected` for the prefix, then asserts it (a timeout shows
 * the difference instead of a bare timeout) and that no login was created twice.
 */
export async function expectExactState(
  sim: PascomSimulator,
  prefix: string,
  expected: PascomState,
  timeoutMs = 20_000,
): Promise<void> {
  const reached = await waitFor(() => sameState(pascomStateOf(sim.identities(), prefix), expected), {
    timeoutMs,
    intervalMs: 25,
    message: `pascom never reached the expected state for ${prefix}*`,
  }).then(
    () => true,
    (error: unknown) => error,
  );
  expect(pascomStateOf(sim.identities(), prefix), `state for ${prefix}* (${String(reached)})`).toEqual(
    sortedState(expected),
  );
  expectNoDuplicateCreates(sim.journal(), prefix);
}

export function expectNoDuplicateCreates(journal: readonly JournalEntry[], prefix: string): void {
  const twice = Object.entries(createdPerLogin(journal, prefix)).filter(([, n]) => n > 1);
  expect(twice, 'logins created more than once').toEqual([]);
}
