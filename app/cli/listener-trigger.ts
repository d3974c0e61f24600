/**
 * `listener-trigger`: the App Center hook. Reads the listener files in name
 * order, stores their events in the outbox in ONE transaction, and exits 0 only then — the
 * converter deletes every listed file after exit 0, so exiting 0 before the commit could lose
 * changes. A malformed file is copied to a quarantine folder with a clear log line (never
 * silently dropped, never blocking the others); if even that fails the exit is non-zero and
 * every file stays for the next run.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LISTENER_FILE_NAME, parseListenerFile, type ListenerFileEvent } from '../../listener/index.js';
import { Store } from '../store/index.js';
import { ingestEvents } from '../sync/listener-events.js';
import { println, type CliIo } from './io.js';
import type { Runtime } from './runtime.js';

export interface TriggerResult {
  readonly files: number;
  readonly events: number;
  readonly ignored: number;
  readonly quarantined: number;
}

export function ingestListenerDirectory(runtime: Runtime, dir: string, quarantineDir: string): TriggerResult {
  const names = readdirSync(dir)
    .filter((name) => LISTENER_FILE_NAME.test(name))
    .sort();
  const events: ListenerFileEvent[] = [];
  let ignored = 0;
  let quarantined = 0;
  for (const name of names) {
    const parsed = parseListenerFile(readFileSync(join(dir, name), 'utf8'));
    if (!parsed.ok) {
      mkdirSync(quarantineDir, { recursive: true, mode: 0o700 });
      copyFileSync(join(dir, name), join(quarantineDir, name));
      runtime.logger.error('malformed App Center listener file quarantined', {
        file: name,
        error: parsed.error,
        quarantine: quarantineDir,
      });
      quarantined++;
    } else if (parsed.event === undefined) {
      ignored++;
    } else {
      events.push(parsed.event);
    }
  }
  // The App Center deletes the files once this command exits 0: the commit must be on disk by
  // then, even if the host loses power the next moment.
  const store = Store.open(runtime.config.dataDir, 'full');
  try {
    ingestEvents(store, events, { source: 'appcenter', nowMs: Date.now() });
  } finally {
    store.close();
  }
  return { files: names.length, events: events.length, ignored, quarantined };
}

export async function listenerTriggerCommand(runtime: Runtime, io: CliIo): Promise<number> {
  const dir = runtime.config.listener.appcenterDir;
  const quarantine = join(runtime.config.dataDir, 'listener-quarantine');
  const result = ingestListenerDirectory(runtime, dir, quarantine);
  runtime.logger.info('App Center listener files ingested', { ...result });
  println(
    io.stdout,
    `${result.events} changes stored from ${result.files} files (${result.ignored} other objects, ${result.quarantined} quarantined)`,
  );
  return 0;
}
