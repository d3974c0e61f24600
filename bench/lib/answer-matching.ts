/**
 * Finds, for each change of the mixed load, the pascom request that carried it: the simulator
 * journal's writes are traced to a user by login (path, or body for a create), then matched in
 * order to that user's outstanding changes — same method, and for an update the change's new
 * value in the body. A request that carries a change also settles that user's older outstanding
 * changes: they were coalesced into it (the connector sends a user's latest state).
 */
import type { WireJournalEntry } from './standalone-simulator.js';

export interface TimedChange {
  readonly seq: number;
  readonly user: number;
  readonly method: string;
  readonly token: string | undefined;
}

export interface Answer {
  /** The simulator's wall-clock arrival time of the request that carried the change. */
  readonly atMs: number;
  /** Settled by a request that carried a newer change of the same user. */
  readonly coalesced: boolean;
}

const WRITES = new Set(['POST', 'PUT', 'DELETE']);

function requestLogin(entry: WireJournalEntry): string | undefined {
  if (entry.method !== 'POST') return entry.login;
  const body = entry.body;
  if (typeof body !== 'object' || body === null) return undefined;
  const login: unknown = Reflect.get(body, '003use_name');
  return typeof login === 'string' ? login : undefined;
}

function carries(change: TimedChange, entry: WireJournalEntry, body: string): boolean {
  return change.method === entry.method && (change.token === undefined || body.includes(change.token));
}

/** Answers by change seq; changes without one are absent. `changes` in seq order. */
export function matchAnswers(
  changes: readonly TimedChange[],
  journal: readonly WireJournalEntry[],
  userOfLogin: ReadonlyMap<string, number>,
): Map<number, Answer> {
  const outstanding = new Map<number, TimedChange[]>();
  for (const change of changes) {
    const list = outstanding.get(change.user) ?? [];
    list.push(change);
    outstanding.set(change.user, list);
  }
  const answers = new Map<number, Answer>();
  const ordered = [...journal].sort((a, b) => a.seq - b.seq);
  for (const entry of ordered) {
    if (!WRITES.has(entry.method) || entry.status < 200 || entry.status >= 300) continue;
    const login = requestLogin(entry);
    const user = login === undefined ? undefined : userOfLogin.get(login);
    const list = user === undefined ? undefined : outstanding.get(user);
    if (list === undefined || list.length === 0) continue;
    const body = JSON.stringify(entry.body ?? null);
    const last =
      entry.method === 'PUT'
        ? findLastIndex(list, (c) => carries(c, entry, body))
        : list.findIndex((c) => carries(c, entry, body));
    if (last < 0) continue;
    for (const change of list.splice(0, last + 1))
      answers.set(change.seq, { atMs: entry.receivedAtMs, coalesced: !carries(change, entry, body) });
  }
  return answers;
}

function findLastIndex<T>(list: readonly T[], predicate: (item: T) => boolean): number {
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i];
    if (item !== undefined && predicate(item)) return i;
  }
  return -1;
}
