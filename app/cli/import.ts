/**
 * `import [--json] [--confirm-deletes]`: the full plan, applied. Exit 0 when everything was
 * delivered, 2 when deletes over the threshold blocked it, 1 when changes failed or are still
 * queued. When `serve` is running it delivers; this command then only queues and watches.
 */
import { SingleBar } from 'cli-progress';
import { createApp, type App } from '../main.js';
import { DataDirLockedError } from '../store/index.js';
import type { ImportResult } from '../sync/full-sync.js';
import { blockedMessage } from '../sync/full-sync.js';
import { renderPlanLines, summaryLine } from './format.js';
import { println, writeLines, type CliIo } from './io.js';
import { writePlanJson } from './plan-json.js';
import type { Runtime } from './runtime.js';

export interface ImportFlags {
  readonly json: boolean;
  readonly confirmDeletes: boolean;
  /** Seconds to wait for delivery before leaving the rest to the queue. */
  readonly waitSeconds: number;
}

function openApp(runtime: Runtime): App {
  try {
    return createApp(runtime.config, runtime.logger, { deliver: true });
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    runtime.logger.info('serve is running: the import queues its changes for it to deliver');
    return createApp(runtime.config, runtime.logger, { deliver: false });
  }
}

export async function importCommand(runtime: Runtime, io: CliIo, flags: ImportFlags): Promise<number> {
  const app = openApp(runtime);
  const bar =
    !flags.json && io.stderr.isTTY === true
      ? new SingleBar({ stream: io.stderr, format: 'import |{bar}| {value}/{total} changes, {failed} failed' })
      : undefined;
  try {
    const result = await app.fullSync.import({
      trigger: 'cli',
      confirmDeletes: flags.confirmDeletes,
      waitMs: flags.waitSeconds * 1000,
      runner: app.runner,
      onProgress: ({ total, settled, failed }) => {
        if (bar === undefined || total === 0) return;
        if (settled === 0) bar.start(total, 0, { failed });
        else bar.update(settled, { failed });
      },
    });
    bar?.stop();
    await report(io, result, flags.json);
    return exitCode(result);
  } finally {
    bar?.stop();
    await app.close();
  }
}

function exitCode(result: ImportResult): number {
  if (result.status === 'blocked') return 2;
  return result.status === 'done' ? 0 : 1;
}

async function report(io: CliIo, result: ImportResult, json: boolean): Promise<void> {
  if (json) {
    await writePlanJson(io.stdout, result.plan, {
      result: { status: result.status, delivered: result.delivered, failed: result.failed, queued: result.queued },
    });
    return;
  }
  await writeLines(io.stdout, renderPlanLines(result.plan));
  if (result.status === 'blocked') {
    println(io.stderr, `import blocked: ${blockedMessage(result.plan)}`);
    return;
  }
  println(
    io.stdout,
    `Import ${result.status}: ${result.delivered} changes delivered, ${result.failed} failed, ${result.queued} still queued (${summaryLine(result.plan)})`,
  );
  if (result.failed > 0)
    println(io.stderr, "Refused changes are listed by `pascom-connector status` (dead letters) with pascom's reason.");
  if (result.queued > 0)
    println(io.stderr, 'Changes still queued are delivered by `pascom-connector serve` as soon as pascom answers.');
}
