/** The connector's status as the CLI, the page and /metrics show it, read from the state store. */
import type { RunRecord, Store } from '../store/index.js';

/** Keys the listener writes into the kv table. */
export const STATUS_KEYS = {
  listenerMode: 'listener.mode',
  listenerReason: 'listener.reason',
  lastEventAt: 'listener.lastEventAt',
} as const;

export interface DeadLetter {
  readonly id: number;
  readonly uuid: string;
  readonly login: string | undefined;
  readonly kind: string;
  readonly error: string;
  readonly attempts: number;
  readonly createdAt: number;
}

export interface StatusReport {
  readonly listener: {
    readonly mode: string | undefined;
    readonly reason: string | undefined;
    readonly lastEventAt: number | undefined;
  };
  readonly queue: {
    readonly pending: number;
    readonly inflight: number;
    readonly dead: number;
    readonly lagMs: number | undefined;
  };
  readonly managed: number;
  readonly lastImport: RunRecord | undefined;
  readonly lastSimulate: RunRecord | undefined;
  readonly deadLetters: readonly DeadLetter[];
}

function loginOf(payload: string): string | undefined {
  const parsed = JSON.parse(payload) as { op?: { login?: unknown } };
  return typeof parsed.op?.login === 'string' ? parsed.op.login : undefined;
}

export type ListenerHealth = 'healthy' | 'waiting' | 'degraded' | 'notRunning';

/** Reasons the listener records while it cannot follow the directory (see listener/runtime/). */
const TROUBLE = /^(waiting|failed|stopped|reading the translog failed)\b/;

/**
 * The page's badge: not running, waiting (a fresh install before its first import: nothing is
 * wrong, live sync starts on its own), degraded (reconnecting, failed, stopped) or healthy.
 */
export function listenerHealth(listener: {
  readonly mode?: string | undefined;
  readonly reason?: string | undefined;
}): ListenerHealth {
  if (listener.mode === undefined) return 'notRunning';
  if (listener.mode === 'waiting') return 'waiting';
  return listener.reason !== undefined && TROUBLE.test(listener.reason) ? 'degraded' : 'healthy';
}

export function readStatus(store: Store, nowMs: number, deadLimit = 100): StatusReport {
  const stats = store.outbox.stats();
  const lastEvent = store.kv.get(STATUS_KEYS.lastEventAt);
  return {
    listener: {
      mode: store.kv.get(STATUS_KEYS.listenerMode),
      reason: store.kv.get(STATUS_KEYS.listenerReason),
      lastEventAt: lastEvent === undefined ? undefined : Number(lastEvent),
    },
    queue: {
      pending: stats.pending,
      inflight: stats.inflight,
      dead: stats.dead,
      lagMs: stats.oldestCreatedAt === undefined ? undefined : Math.max(0, nowMs - stats.oldestCreatedAt),
    },
    managed: store.anchors.count(),
    lastImport: store.runs.last('import'),
    lastSimulate: store.runs.last('simulate'),
    deadLetters: store.outbox.list('dead', deadLimit).map((row) => ({
      id: row.id,
      uuid: row.uuid,
      login: loginOf(row.payload),
      kind: row.kind,
      error: row.lastError ?? 'unknown',
      attempts: row.attempts,
      createdAt: row.createdAt,
    })),
  };
}
