/** The syncrepl source as the runtime runs it: its connection settings, cookie and present-set deletes. */
import { readFileSync } from 'node:fs';
import type { Config } from '../../app/config/schema.js';
import { attributesForRules } from '../../app/core/attributes.js';
import { goneFromPresentSet } from '../../app/core/present-set.js';
import type { SyncRules } from '../../app/core/rules.js';
import type { Anchor, ChangeEvent } from '../../app/core/types.js';
import type { ChangeSource } from '../change-source.js';
import type { SyncSinkEvent } from '../syncrepl/refresh-tracker.js';
import type { SyncreplConnectionOptions } from '../syncrepl/syncrepl-connection.js';
import { SyncreplSource } from '../syncrepl/syncrepl-source.js';
import { CHECKPOINT_KEYS, type SourceContext } from './source-context.js';

export function syncOptions(config: Config, rules: SyncRules): SyncreplConnectionOptions {
  const { ucs } = config;
  return {
    url: ucs.url,
    startTls: ucs.starttls,
    ca: ucs.caFile === undefined ? undefined : readFileSync(ucs.caFile, 'utf8'),
    rejectUnauthorized: ucs.tlsVerify,
    timeoutMs: ucs.timeoutMs,
    bindDn: ucs.bindDn,
    password: ucs.password,
    baseDn: ucs.baseDn,
    filter: ucs.userFilter,
    attributes: attributesForRules(rules.mapping),
  };
}

export function syncreplChangeSource(ctx: SourceContext): ChangeSource {
  const source = new SyncreplSource({
    connection: () => syncOptions(ctx.config, ctx.rules),
    cookies: { loadCookie: () => ctx.state.checkpoint(CHECKPOINT_KEYS.syncrepl) },
    resetState: () => ctx.state.forgetCheckpoint(CHECKPOINT_KEYS.syncrepl),
    logger: ctx.logger,
    sink: async (batch: readonly SyncSinkEvent[], cookie: string | undefined) => {
      const events = batch.flatMap((e): ChangeEvent[] =>
        e.kind === 'presentSet' ? goneFromPresent(ctx, e.uuids) : [e],
      );
      ctx.sink(events, 'syncrepl', cookie === undefined ? undefined : { key: CHECKPOINT_KEYS.syncrepl, value: cookie });
    },
    onStatus: (status) => {
      if (status.state === 'failed' || status.state === 'waiting') {
        ctx.status(`${status.state}: ${status.error?.message ?? 'reconnecting'}`);
      } else if (status.state === 'persisting') {
        ctx.status('live (refreshAndPersist)');
      }
    },
  });
  return {
    mode: 'syncrepl',
    start: () => {
      source.start().catch((error: unknown) => {
        ctx.logger.error('the sync listener stopped for good; restart after fixing the cause', {
          error: String(error),
        });
        ctx.status(`stopped: ${error instanceof Error ? error.message : String(error)}`);
      });
    },
    stop: () => source.stop(),
  };
}

/** Managed users missing from a present set are gone, unless so many that the guard holds them back. */
function goneFromPresent(ctx: SourceContext, present: { has(uuid: Anchor): boolean }): ChangeEvent[] {
  const outcome = goneFromPresentSet(ctx.state.managedAnchors(), present, ctx.rules.deletes.maxPerRun);
  if (outcome.kind === 'gone') return outcome.events;
  ctx.logger.error(
    'the directory no longer lists many managed users; deletes held back until a full sync is confirmed',
    { deletes: outcome.gone, maxPerRun: outcome.maxPerRun },
  );
  return [];
}
