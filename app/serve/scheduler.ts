/**
 * The scheduled full sync ("Automate"): node-cron runs an import on `schedule`. A tick only
 * starts the import (which plans and enqueues; the outbox runner delivers); a tick while a run
 * is still going is skipped, never overlapped.
 */
import { schedule as cronSchedule, type ScheduledTask } from 'node-cron';
import type { Logger } from '../core/ports.js';
import type { FullSync } from '../sync/full-sync.js';
import type { OutboxRunner } from '../sync/outbox-runner.js';

export class FullSyncScheduler {
  private task: ScheduledTask | undefined;

  constructor(
    private readonly deps: { fullSync: FullSync; runner: OutboxRunner | undefined; logger: Logger },
    private readonly expression: string,
  ) {}

  start(): void {
    if (this.expression.trim() === '') return;
    this.task = cronSchedule(this.expression, () => this.tick(), { noOverlap: true, name: 'full-sync' });
  }

  async stop(): Promise<void> {
    await this.task?.stop();
    await this.task?.destroy();
    this.task = undefined;
  }

  nextRun(): Date | undefined {
    return this.task?.getNextRun() ?? undefined;
  }

  private async tick(): Promise<void> {
    const { fullSync, runner, logger } = this.deps;
    if (fullSync.running) {
      logger.warn('scheduled full sync skipped: a full sync is still running');
      return;
    }
    try {
      const result = await fullSync.import({
        trigger: 'schedule',
        confirmDeletes: false,
        waitMs: 60 * 60 * 1000,
        runner,
      });
      const level = result.status === 'done' ? 'info' : 'warn';
      logger[level]('scheduled full sync finished', {
        status: result.status,
        delivered: result.delivered,
        failed: result.failed,
        queued: result.queued,
        ...result.plan.summary,
      });
    } catch (error) {
      logger.error('scheduled full sync failed', { error: error instanceof Error ? error.message : String(error) });
    }
  }
}
