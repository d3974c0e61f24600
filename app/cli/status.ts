/** `status [--json]`: listener mode and lag, queue, last sync, dead letters — from the state store alone. */
import { Store } from '../store/index.js';
import { readStatus, type StatusReport } from '../sync/status.js';
import { println, type CliIo } from './io.js';
import type { Runtime } from './runtime.js';

export async function statusCommand(runtime: Runtime, io: CliIo, flags: { json: boolean }): Promise<number> {
  const store = Store.open(runtime.config.dataDir);
  try {
    const report = readStatus(store, Date.now());
    println(io.stdout, flags.json ? JSON.stringify(report, null, 2) : renderStatus(report));
    return 0;
  } finally {
    store.close();
  }
}

function time(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? 'never' : new Date(ms).toISOString();
}

function renderStatus(report: StatusReport): string {
  const lines = [
    `Listener:      ${report.listener.mode ?? 'not running'}${report.listener.reason === undefined ? '' : ` (${report.listener.reason})`}`,
    `Last event:    ${time(report.listener.lastEventAt)}`,
    `Queue:         ${report.queue.pending} pending, ${report.queue.inflight} in flight, ${report.queue.dead} dead; lag ${report.queue.lagMs === undefined ? '0' : Math.round(report.queue.lagMs / 1000)} s`,
    `Managed users: ${report.managed}`,
  ];
  for (const run of [report.lastImport, report.lastSimulate]) {
    if (run === undefined) continue;
    const s = run.summary;
    const counts =
      s === null
        ? ''
        : ` — ${s.create} create, ${s.update} update, ${s.delete} delete, ${s.unchanged} unchanged, ${s.rejected} rejected`;
    lines.push(
      `Last ${run.kind.padEnd(9)} ${time(run.finishedAt)} ${run.status}${counts}${run.error === null ? '' : ` (${run.error})`}`,
    );
  }
  if (report.deadLetters.length > 0) {
    lines.push(
      '',
      'Dead letters (pascom refused these changes; fix the cause, then retry or discard them on the page):',
    );
    for (const dead of report.deadLetters) lines.push(`  #${dead.id} ${dead.login ?? dead.uuid}: ${dead.error}`);
  }
  return lines.join('\n');
}
