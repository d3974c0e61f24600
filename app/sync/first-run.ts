/**
 * The first-run checklist: what a fresh install still needs before live sync runs. The steps
 * the run history cannot tell (a connection test passed, the mapping was looked at) are kept
 * in the kv table; the rest comes from the runs and the listener's recorded mode.
 */
import type { RunRecord, Store } from '../store/index.js';
import { listenerHealth, STATUS_KEYS } from './status.js';

export const FIRST_RUN_KEYS = {
  ucsTest: 'firstRun.ucsTest',
  pascomTest: 'firstRun.pascomTest',
  mappingReviewed: 'firstRun.mappingReviewed',
} as const;

export interface TestMark {
  readonly ok: boolean;
  /** ms since 1970. */
  readonly at: number;
}

export type StepState = 'done' | 'open' | 'failed';

export interface FirstRun {
  readonly ucsTest: TestMark | undefined;
  readonly pascomTest: TestMark | undefined;
  readonly mappingReviewedAt: number | undefined;
  readonly lastSimulate: RunRecord | undefined;
  readonly lastImport: RunRecord | undefined;
  /** An import ran (done or partly done), or live sync already follows UCS. */
  readonly imported: boolean;
  readonly live: boolean;
  readonly listenerMode: string | undefined;
  readonly steps: {
    readonly ucs: StepState;
    readonly pascom: StepState;
    readonly mapping: StepState;
    readonly simulate: StepState;
    readonly import: StepState;
    readonly live: StepState;
  };
  readonly complete: boolean;
  /** Show the checklist: until the first import is done and live sync follows UCS. */
  readonly pending: boolean;
}

export function recordConnectionTest(store: Store, which: 'ucs' | 'pascom', ok: boolean, at: number): void {
  store.kv.set(which === 'ucs' ? FIRST_RUN_KEYS.ucsTest : FIRST_RUN_KEYS.pascomTest, JSON.stringify({ ok, at }));
}

export function recordMappingReviewed(store: Store, at: number): void {
  store.kv.set(FIRST_RUN_KEYS.mappingReviewed, String(at));
}

function testMark(raw: string | undefined): TestMark | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed = JSON.parse(raw) as { ok?: unknown; at?: unknown };
    return typeof parsed.ok === 'boolean' && typeof parsed.at === 'number'
      ? { ok: parsed.ok, at: parsed.at }
      : undefined;
  } catch {
    return undefined;
  }
}

function testState(mark: TestMark | undefined): StepState {
  if (mark === undefined) return 'open';
  return mark.ok ? 'done' : 'failed';
}

/** Same rule as the listener's start: an import that delivered (done or partly). */
function delivered(run: RunRecord | undefined): boolean {
  return run !== undefined && (run.status === 'done' || run.status === 'partial');
}

export function readFirstRun(store: Store): FirstRun {
  const mode = store.kv.get(STATUS_KEYS.listenerMode);
  const reason = store.kv.get(STATUS_KEYS.listenerReason);
  const health = listenerHealth({ mode, reason });
  const live = health === 'healthy' || health === 'degraded';
  const ucsTest = testMark(store.kv.get(FIRST_RUN_KEYS.ucsTest));
  const pascomTest = testMark(store.kv.get(FIRST_RUN_KEYS.pascomTest));
  const reviewed = store.kv.get(FIRST_RUN_KEYS.mappingReviewed);
  const lastSimulate = store.runs.last('simulate');
  const lastImport = store.runs.last('import');
  const imported = delivered(lastImport) || live;
  const steps = {
    ucs: testState(ucsTest),
    pascom: testState(pascomTest),
    mapping: reviewed === undefined ? 'open' : 'done',
    simulate: lastSimulate === undefined ? 'open' : lastSimulate.status === 'failed' ? 'failed' : 'done',
    import: imported ? 'done' : lastImport?.status === 'failed' ? 'failed' : 'open',
    live: health === 'healthy' ? 'done' : health === 'degraded' ? 'failed' : 'open',
  } as const;
  return {
    ucsTest,
    pascomTest,
    mappingReviewedAt: reviewed === undefined ? undefined : Number(reviewed),
    lastSimulate,
    lastImport,
    imported,
    live,
    listenerMode: mode,
    steps,
    complete: Object.values(steps).every((state) => state === 'done'),
    pending: !imported || !live,
  };
}
